"""Vietnamese for the local sandbox (`python -m bot sandbox`): the console banner and the
messages its chat page shows. The page's own labels live in bot/sandbox/static/app.js."""

VI = {
    "Local sandbox, not connected to Telegram: open {url} in a browser and chat with the bot as any role (demo data in {db}). To go live, put BOT_TOKEN=<token from @BotFather> in .env and run `make run` again. Ctrl+C stops the sandbox.": "Hộp thử cục bộ, không kết nối Telegram: mở {url} trong trình duyệt để trò chuyện với bot dưới vai trò bất kỳ (dữ liệu mẫu trong {db}). Để chạy thật, đặt BOT_TOKEN=<mã lấy từ @BotFather> vào tệp .env rồi chạy lại `make run`. Bấm Ctrl+C để dừng hộp thử.",
    "Newcomer": "Người mới",
    "Nothing of that kind is scheduled ahead.": "Sắp tới không có lịch nào thuộc loại này.",
    "Port {port} on {host} is in use: choose another with --port.": "Cổng {port} trên {host} đang được dùng: chọn cổng khác bằng --port.",
    "The clock cannot go there.": "Không thể chuyển đồng hồ tới thời điểm đó.",
    "The sandbox clock only moves forward.": "Đồng hồ của hộp thử chỉ chạy tới, không lùi lại.",
    "The sandbox is already past {at}: add --reset to start again from that time.": "Hộp thử đã qua thời điểm {at}: thêm --reset để bắt đầu lại từ thời điểm đó.",
    "There is no unit to invite a newcomer to.": "Chưa có đơn vị nào để mời người mới vào.",
    "Unknown clock jump: {target}.": "Không có kiểu chuyển thời gian “{target}”.",
    "Warning: {host} can be reached from other machines, and whoever opens the page can act as anyone in the sandbox.": "Cảnh báo: máy khác có thể truy cập {host}, và bất kỳ ai mở trang đều có thể đóng vai bất kỳ người nào trong hộp thử.",
}
