"""Vietnamese for issue 13 item 3 (helper J): the personal-data notice as a summary with
its full text behind "Details", named from the campaign file; the /mydata document."""

VI = {
    # -- the personal-data notice (handlers/texts.py, handlers/onboarding.py) --------------
    "the plan for the {title} (draft)": "Kế hoạch tổ chức thực hiện {title} (dự thảo)",
    "the {title} (Decision No. {code})": "{title} (Quyết định số {code})",
    "the {title} (Decision No. {code} of {date})": "{title} (Quyết định số {code} ngày {date})",
    "<b>Personal data notice</b>\n"
    "Invited by {where}; your role: {role}.\n"
    "{ministry}, through {agency}, processes your personal data to run {campaign}.\n"
    "<b>What:</b> your name, position, unit, weekly self-assessments and the good examples you "
    "share; your answers are seen by you alone.\n"
    "<b>Your rights:</b> see and download your data (/mydata), correct it (/settings), "
    "withdraw consent and erase it (/forget), at any time. Nothing about you is stored unless "
    "you agree; the full notice: tap “Details”.":
        "<b>Thông báo về xử lý dữ liệu cá nhân</b>\n"
        "Lời mời của {where}; vai trò: {role}.\n"
        "{ministry}, thông qua {agency}, xử lý dữ liệu cá nhân của đồng chí để triển khai {campaign}.\n"
        "<b>Dữ liệu:</b> họ và tên, chức vụ, đơn vị, kết quả tự đánh giá hằng tuần, gương điển hình "
        "đồng chí gửi; kết quả tự đánh giá chỉ đồng chí được xem.\n"
        "<b>Quyền của đồng chí:</b> xem, tải về (/mydata), chỉnh sửa (/settings), rút lại sự đồng ý "
        "và xóa dữ liệu (/forget) bất cứ lúc nào. Không lưu thông tin nào nếu đồng chí không đồng ý; "
        "toàn văn: bấm “Xem chi tiết”.",
    "<b>Personal data notice (full text)</b>\n"
    "{where} invites you to the campaign's bot, as {role}.\n\n"
    "<b>Who processes your data:</b> {ministry}, through {agency}, the campaign's standing agency.\n"
    "<b>What is kept:</b> your Telegram account number, full name, position, unit, language and "
    "check-in schedule; your weekly self-assessments; the good examples and photos you choose to share.\n"
    "<b>Why:</b> to run {campaign}: weekly reminders, your own history, unit figures and the annual report.\n"
    "<b>Who sees it:</b> your answers are seen by you alone. Your unit's leader sees whether you have "
    "checked in and figures for groups of at least 3 people. Communications staff see only the good "
    "examples you submit.\n"
    "<b>How long:</b> for the campaign period, or until you erase your data.\n"
    "<b>Your rights:</b> see and download your data (/mydata), correct it (/settings), withdraw consent "
    "and erase it (/forget), at any time.\n\n"
    "This notice follows the Law on Personal Data Protection (No. 91/2025/QH15) and Decree "
    "356/2025/NĐ-CP. Nothing about you is stored unless you agree. Notice version {version}.":
        "<b>Thông báo về xử lý dữ liệu cá nhân (toàn văn)</b>\n"
        "{where} mời đồng chí tham gia bot của Phong trào thi đua, với vai trò {role}.\n\n"
        "<b>Bên xử lý dữ liệu:</b> {ministry}, thông qua {agency} là cơ quan thường trực của Phong trào.\n"
        "<b>Dữ liệu được lưu:</b> số tài khoản Telegram, họ và tên, chức vụ, đơn vị, ngôn ngữ và lịch tự "
        "đánh giá; kết quả tự đánh giá hằng tuần; các gương điển hình và hình ảnh do đồng chí chủ động chia sẻ.\n"
        "<b>Mục đích:</b> triển khai {campaign}: nhắc tự đánh giá hằng tuần, lịch sử của cá nhân, số liệu "
        "của đơn vị và báo cáo hằng năm.\n"
        "<b>Người được xem:</b> kết quả tự đánh giá chỉ đồng chí được xem. Lãnh đạo đơn vị chỉ biết đồng chí "
        "đã tự đánh giá hay chưa và số liệu tổng hợp của nhóm từ 3 người trở lên. Bộ phận truyền thông chỉ "
        "xem các gương điển hình đồng chí gửi.\n"
        "<b>Thời hạn lưu:</b> trong thời gian diễn ra Phong trào, hoặc đến khi đồng chí yêu cầu xóa.\n"
        "<b>Quyền của đồng chí:</b> xem và tải dữ liệu của mình (/mydata), chỉnh sửa (/settings), rút lại "
        "sự đồng ý và xóa dữ liệu (/forget) vào bất cứ lúc nào.\n\n"
        "Thông báo này thực hiện theo Luật Bảo vệ dữ liệu cá nhân (số 91/2025/QH15) và Nghị định số "
        "356/2025/NĐ-CP. Không có thông tin nào của đồng chí được lưu nếu đồng chí không đồng ý. "
        "Phiên bản thông báo {version}.",
    "📄 Details": "📄 Xem chi tiết",
    "↩ Back to the summary": "↩ Quay lại bản tóm tắt",
}

VI.update({
    # -- /mydata (handlers/privacy.py, bot/render/mydata_docx.py) ---------------------------
    "my-data.docx": "du-lieu-cua-toi.docx",
    "Everything the bot keeps about you, to read: who you are, your consent, your settings, your weekly "
    "self-assessments week by week, and the good examples and nominations you entered. To erase it all, "
    "send /forget.":
        "Toàn bộ dữ liệu bot lưu về đồng chí, ở dạng văn bản để đọc: thông tin cá nhân, sự đồng ý, cài đặt, "
        "kết quả tự đánh giá theo từng tuần, các gương điển hình và đề cử đồng chí đã nhập. "
        "Để xóa toàn bộ, đồng chí gửi /forget.",
    "The same data as a JSON file, for a computer to read or to take to another service. Photos are counted, "
    "not included.":
        "Cùng dữ liệu đó ở dạng tệp JSON, để máy tính đọc hoặc chuyển sang dịch vụ khác. "
        "Hình ảnh chỉ được đếm số lượng, không kèm theo.",
    "Your personal data": "Dữ liệu cá nhân của đồng chí",
    "Office-culture campaign bot": "Bot Phong trào thi đua thực hiện văn hóa công sở",
    "(name not given yet)": "(chưa khai báo họ và tên)",
    "Everything the office-culture campaign bot keeps about you, as of {moment}. The JSON file sent with this "
    "document holds the same data in a form computers read.":
        "Toàn bộ dữ liệu bot Phong trào thi đua thực hiện văn hóa công sở lưu về đồng chí, tính đến {moment}. "
        "Tệp JSON gửi kèm văn bản này chứa cùng dữ liệu ở dạng máy tính đọc được.",
    "{time} on {date}": "{time} ngày {date}",
    "Who you are": "Thông tin cá nhân",
    "Full name": "Họ và tên",
    "Position": "Chức vụ",
    "Role": "Vai trò",
    "Telegram account": "Tài khoản Telegram",
    "Registered": "Đăng ký lúc",
    "Setting up finished": "Hoàn tất đăng ký",
    "not yet": "chưa hoàn tất",
    "Consent to the personal-data notice": "Sự đồng ý với thông báo xử lý dữ liệu cá nhân",
    "No consent is recorded.": "Chưa có sự đồng ý nào được ghi nhận.",
    "Notice version": "Phiên bản thông báo",
    "Agreed": "Đồng ý lúc",
    "Withdrawn": "Rút lại lúc",
    "Your settings": "Cài đặt của đồng chí",
    "Weekly self-assessment": "Lịch tự đánh giá hằng tuần",
    "Paused until": "Tạm dừng đến",
    "not paused": "không tạm dừng",
    "Weekly self-assessments": "Kết quả tự đánh giá hằng tuần",
    "No self-assessment yet.": "Chưa có kết quả tự đánh giá.",
    "{n} week, the newest first.": "{n} tuần, tuần gần nhất trước.",
    "absent with a reason: {reason}": "vắng có lý do: {reason}",
    "finished {moment}": "hoàn tất lúc {moment}",
    "not finished": "chưa hoàn tất",
    "Week {dates}": "Tuần {dates}",
    "Criterion group": "Nhóm tiêu chí",
    "Level": "Mức đánh giá",
    "Points not met, note": "Nội dung chưa đạt, ghi chú",
    "Your comment on the week": "Tự nhận xét trong tuần",
    "Good example noted": "Gương điển hình đã ghi",
    "Good examples you sent": "Gương điển hình đồng chí đã gửi",
    "None.": "Không có.",
    "Reason given": "Lý do",
    "Published at": "Đã đăng tại",
    "Nominations you entered": "Đề cử do đồng chí nhập",
    "Entered": "Ngày nhập",
    "The bot's log also records {n} action of yours (their times are in the JSON file).":
        "Nhật ký của bot còn ghi nhận {n} thao tác của đồng chí (thời điểm từng thao tác có trong tệp JSON).",
})
VI["The example is about"] = "Đối tượng"
VI["Note: {text}"] = "Ghi chú: {text}"
