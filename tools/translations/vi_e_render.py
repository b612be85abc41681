"""Vietnamese for the charts and the print-ready spreadsheets (bot/render/charts.py,
bot/render/admin_exports.py)."""

VI = {
    "Rate": "Tỷ lệ",
    "Full name or collective": "Họ và tên cá nhân, tên tập thể",
    "Position or unit": "Chức vụ, đơn vị công tác",
    "Proposed commendation": "Hình thức khen thưởng đề nghị",
    # The charts' headline figures and the /history legend.
    "{arrow}{points} vs the week before": "{arrow}{points} so với tuần trước",
    "no figures for the week before": "tuần trước chưa có số liệu",
    "whole sector: {done}/{expected} self-assessments": "toàn ngành: {done}/{expected} lượt tự đánh giá",
    "weeks self-assessed": "tuần đã tự đánh giá",
    "Not self-assessed": "Chưa tự đánh giá",
    "Absent with a reason": "Vắng có lý do",
}
