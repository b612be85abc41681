"""Vietnamese for the sandbox's start time and its VI / EN switch (issue 14, items 24 and 25)."""

VI = {
    "Sandbox time: {when}, a demo moment (Friday 14:00 of this week), not the real time; --at sets another start, --at now the real time.": "Thời gian trong hộp thử: {when}, một thời điểm mẫu để trình diễn (14:00 thứ Sáu tuần này), không phải giờ thực; --at đặt thời điểm bắt đầu khác, --at now dùng giờ thực.",
    "Sandbox time: {when}, the real time (--at now).": "Thời gian trong hộp thử: {when}, giờ thực (--at now).",
    "Sandbox time: {when} (--at).": "Thời gian trong hộp thử: {when} (--at).",
    "Sandbox time: {when}, where the last run left it; --reset starts afresh.": "Thời gian trong hộp thử: {when}, tiếp tục từ lần chạy trước; --reset để bắt đầu lại từ đầu.",
    "Language changed to {language}. /settings changes it again.": "Đã chuyển ngôn ngữ sang {language}. Đồng chí có thể đổi lại trong /settings.",
    "There is no such person in the sandbox.": "Không có người này trong hộp thử.",
}
