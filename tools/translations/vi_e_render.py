"""Vietnamese for the charts and the print-ready spreadsheets (bot/render/charts.py,
bot/render/admin_exports.py)."""

VI = {
    "Rate": "Tỷ lệ",
    "Full name or collective": "Họ và tên cá nhân, tên tập thể",
    "Position or unit": "Chức vụ, đơn vị công tác",
    "Proposed commendation": "Hình thức khen thưởng đề nghị",
}
