"""Vietnamese for the participation figures, the digest, the nudge buttons, /history and
/dashboard (issue 14, items 4, 13, 14, 27, 28)."""

VI = {
    # The digest and /unit.
    "Self-assessed: {done}/{expected} ({pct})": "Đã tự đánh giá: {done}/{expected} ({pct})",
    "absent with a reason: {n}": "vắng có lý do: {n}",
    "paused: {n}": "tạm dừng: {n}",
    "⚠️ Needs attention: {code}) {title}, the most answers Not met ({pct:.0f}%).":
        "⚠️ Cần quan tâm: {code}) {title}, nhiều câu trả lời Chưa đạt nhất ({pct:.0f}%).",
    "⚠️ Needs attention: {code}) {title}, the fewest answers Good ({pct:.0f}%).":
        "⚠️ Cần quan tâm: {code}) {title}, ít câu trả lời Tốt nhất ({pct:.0f}%).",
    # The one-tap nudge.
    "A reminder to {name} is scheduled: it will be sent within a few minutes.":
        "Đã xếp lịch gửi lời nhắc tới đồng chí {name}; lời nhắc sẽ được gửi trong ít phút.",
    "{name} was already reminded today: the reminder has been sent.":
        "Đồng chí {name} đã được nhắc hôm nay; lời nhắc đã được gửi.",
    "{name} was already reminded today: the reminder will be sent within a few minutes.":
        "Đồng chí {name} đã được nhắc hôm nay; lời nhắc sẽ được gửi trong ít phút.",
    "{name} has self-assessed or is absent with a reason this week: no reminder is needed.":
        "Đồng chí {name} đã tự đánh giá hoặc vắng có lý do trong tuần này, không cần nhắc.",
    "Nobody needed a reminder: everyone expected has self-assessed or is absent with a reason.":
        "Không có ai cần nhắc: mọi người đều đã tự đánh giá hoặc vắng có lý do.",
    "{n} reminder scheduled: it will be sent within a few minutes.":
        "Đã xếp lịch gửi {n} lời nhắc; lời nhắc sẽ được gửi trong ít phút.",
    "No new reminder.": "Không có lời nhắc mới.",
    "✓ Reminded everyone not yet done ({n})": "✓ Đã nhắc tất cả người chưa làm ({n})",
    "✓ Reminded: {name}": "✓ Đã nhắc {name}",
    "✓ {name}: no reminder needed": "✓ {name}: không cần nhắc",
    # /history.
    "<b>Your self-assessments since you joined: {n} week</b>": "<b>Kết quả tự đánh giá từ khi tham gia: {n} tuần</b>",
    "… not yet, open until Sunday  {week}": "… chưa làm, còn mở đến hết Chủ nhật  {week}",
    "Each row shows groups {order} from left to right.": "Mỗi dòng là các nhóm {order}, theo thứ tự từ trái sang phải.",
    # /dashboard.
    "{week}, in progress": "{week}, đang diễn ra",
    "All units: {done}/{expected} ({pct}) · members: {members}": "Toàn ngành: {done}/{expected} ({pct}) · số người: {members}",
    "Last week": "Tuần trước",
}
