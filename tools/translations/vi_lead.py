VI = {
    "The annual report, ready to sign (DOCX)": "Báo cáo hằng năm để trình ký (DOCX)",
    "Nomination dossiers (Decree 98/2023)": "Hồ sơ đề nghị khen thưởng (Nghị định 98/2023)",
    "The consolidated report of all units": "Báo cáo tổng hợp của các đơn vị",
    "Not eligible for commendation (Decree 98, Art. 4)": "Trường hợp chưa đủ điều kiện khen thưởng (Điều 4 Nghị định 98)",
}
