"""Vietnamese for helper Z3's messages: unit leaders on Zalo (bot/channels/zalo/leaders.py)."""

VI = {
    "When your unit has done it, reply “xong” (or the number below): reminders stop for the unit.": (
        "Khi đơn vị đã hoàn thành, đồng chí trả lời “xong” (hoặc số bên dưới) để dừng nhắc."
    ),
    "Several deadlines are waiting for your unit. Which one is done?": (
        "Có nhiều hạn đang chờ đơn vị của đồng chí. Đồng chí chọn hạn đã hoàn thành:"
    ),
    "{date}: {title}": "{date}: {title}",
    "Reply with a number below, or “nhắc” to remind everyone not yet done.": (
        "Đồng chí trả lời bằng số bên dưới, hoặc “nhắc” để nhắc tất cả người chưa tự đánh giá."
    ),
    "No deadline reminder is waiting for your unit.": "Không có nhắc hạn nào đang chờ đơn vị của đồng chí.",
    "The Word file (the link works for 24 hours)": "Tệp Word (đường dẫn có hiệu lực trong 24 giờ)",
    "The annual report as a Word file": "Báo cáo năm dạng tệp Word",
    "That is not among your tools. Send “trợ giúp” to see what I can do.": (
        "Chức năng này không thuộc phạm vi của đồng chí. Đồng chí gửi “trợ giúp” để xem các chức năng."
    ),
    "/{command} is done on Telegram for now. On Zalo, leaders have the weekly digest, "
    "“nhắc”, “xong”, “đơn vị” and “báo cáo”.": (
        "Chức năng /{command} hiện thực hiện trên Telegram. Trên Zalo, lãnh đạo đơn vị nhận bản tổng hợp "
        "hằng tuần và dùng các lệnh “nhắc”, “xong”, “đơn vị”, “báo cáo”."
    ),
    "/{command} is done on Telegram for now: reviewing good examples and the administrators' "
    "tools are not on Zalo yet. Please open the bot on Telegram.": (
        "Chức năng /{command} hiện thực hiện trên Telegram: việc duyệt gương điển hình và các công cụ quản trị "
        "chưa có trên Zalo. Đề nghị đồng chí mở bot trên Telegram."
    ),
    "“báo cáo” or /report — the annual report, as a download link": (
        "“báo cáo” hoặc /report — báo cáo năm, qua đường dẫn tải về"
    ),
}
