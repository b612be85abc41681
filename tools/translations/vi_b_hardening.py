"""Vietnamese for issue 14's conversation fixes (consent, check-in note, examples, invitations)."""

VI = {
    "Please answer the personal-data notice above with its buttons: “✅ I agree” or “I do not agree”. Nothing about you is stored until you agree.":
        "Đề nghị đồng chí trả lời thông báo về xử lý dữ liệu cá nhân ở trên bằng các nút “✅ Tôi đồng ý” hoặc “Tôi không đồng ý”. "
        "Chưa có thông tin nào về đồng chí được lưu cho đến khi đồng chí đồng ý.",
    "Your consent is already recorded. To withdraw it and erase your data, send /forget.":
        "Sự đồng ý của đồng chí đã được ghi nhận. Để rút lại sự đồng ý và xóa dữ liệu, đồng chí gửi /forget.",
    "Your note: {note}": "Ghi chú của đồng chí: {note}",
    "Your text is kept as the note on {group}. Mark the points not met if you wish, then tap Continue.":
        "Nội dung đồng chí vừa gửi đã được lưu làm ghi chú cho nhóm {group}. "
        "Đồng chí có thể đánh dấu những nội dung chưa đạt, sau đó bấm Tiếp tục.",
    "This good example is someone else's: you may not change it or act on it. The attempt has been noted.":
        "Gương điển hình này do người khác gửi: đồng chí không được sửa hay thao tác trên đó. Thao tác này đã được ghi lại.",
    "Too many invitation links that are not valid were opened from this account. Please wait {n} minute, then open the link your unit sent you, the whole of it.":
        "Tài khoản này đã mở quá nhiều đường dẫn mời không hợp lệ. Đề nghị đồng chí chờ {n} phút, "
        "sau đó mở đường dẫn mời do đơn vị gửi, đầy đủ cả đường dẫn.",
}
