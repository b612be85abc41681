"""Vietnamese for the Zalo conversations (helper Z2): run `tools/i18n.py fill tools/vi_z2.py`."""

VI = {
    # render.py
    "{what}: the picture is shown on Telegram.": "{what}: hình ảnh chỉ xem được trên Telegram.",
    "{what}: the file can be downloaded on Telegram, or ask an administrator.": (
        "{what}: tệp tải về được trên Telegram, hoặc đề nghị quản trị viên gửi cho đồng chí."
    ),
    # screens.py
    "Yes, all Good": "Đúng, tất cả đều Tốt",
    "No, answer one by one": "Không, trả lời từng câu",
    "Do you confirm that this week every one of the {n} groups left is Good?": (
        "Đồng chí xác nhận tuần này cả {n} nhóm tiêu chuẩn còn lại đều đạt mức Tốt?"
    ),
    "Which points were not met? Reply with their numbers, for example “1 3”, or {go_on} to go on without marking.": (
        "Những nội dung nào chưa đạt? Đồng chí trả lời bằng số thứ tự, ví dụ “1 3”, "
        "hoặc gửi {go_on} để tiếp tục mà không đánh dấu."
    ),
    "Tip: you can answer all {n} groups in one message, one digit per group in order, "
    "for example “{example}”; or send “tốt hết” when every group is Good.": (
        "Lưu ý: đồng chí có thể trả lời cả {n} nhóm trong một tin nhắn, mỗi nhóm một chữ số theo thứ tự, "
        "ví dụ “{example}”; hoặc gửi “tốt hết” khi mọi nhóm đều Tốt."
    ),
    "<b>What I can do on Zalo</b>": "<b>Các chức năng trên Zalo</b>",
    "“tự đánh giá” or /checkin — this week's self-assessment": "“tự đánh giá” hoặc /checkin — tự đánh giá tuần này",
    "“lịch sử” or /history — your recent weeks and how many in a row": (
        "“lịch sử” hoặc /history — các tuần gần đây và số tuần liên tiếp"
    ),
    "“cài đặt” or /settings — language, self-assessment day and time": (
        "“cài đặt” hoặc /settings — ngôn ngữ, ngày và giờ tự đánh giá"
    ),
    "“hủy” or /cancel — stop what you are doing": "“hủy” hoặc /cancel — dừng thao tác đang làm",
    "“trợ giúp” or /help — this list": "“trợ giúp” hoặc /help — danh sách này",
    "“dữ liệu của tôi” or /mydata — what is kept about you": (
        "“dữ liệu của tôi” hoặc /mydata — dữ liệu đang lưu về đồng chí"
    ),
    "“xóa dữ liệu” or /forget — erase your data": "“xóa dữ liệu” hoặc /forget — xóa dữ liệu của đồng chí",
    "When a question lists numbered answers, reply with the number.": (
        "Khi câu hỏi có các phương án đánh số, đồng chí trả lời bằng số tương ứng."
    ),
    "The other tools (reviewing good examples, administration) are on Telegram.": (
        "Các chức năng khác (duyệt gương điển hình, quản trị) thực hiện trên Telegram."
    ),
    "This bot serves civil servants taking part in their sector's emulation campaign, and it works "
    "by invitation only.\n\nTo join on Zalo, send the invitation code your unit's leader or emulation "
    "officer gave you (it is printed beside the invitation link).\nNothing about you has been stored.": (
        "Bot phục vụ cán bộ, công chức, viên chức tham gia Phong trào thi đua của ngành và chỉ dùng "
        "theo lời mời.\n\nĐể tham gia trên Zalo, đề nghị đồng chí gửi mã mời do lãnh đạo hoặc cán bộ "
        "thi đua của đơn vị cung cấp (mã in bên cạnh đường dẫn mời).\nChưa có thông tin nào về đồng chí được lưu."
    ),
    # conversation.py
    "Add a short note if you wish (at most {max} characters): type it and send. Or reply 1 to skip.": (
        "Đồng chí có thể thêm ghi chú ngắn (tối đa {max} ký tự): nhập và gửi. Hoặc gửi 1 để bỏ qua."
    ),
    "Your text is kept as the note on {group}.": "Nội dung đồng chí gửi đã được lưu làm ghi chú cho nhóm {group}.",
    "Please reply with one number.": "Đề nghị đồng chí trả lời bằng một số.",
    "To answer in one message, send {n} digits, one per group left, each 1, 2 or 3.": (
        "Để trả lời trong một tin nhắn, đề nghị đồng chí gửi {n} chữ số, mỗi nhóm còn lại một chữ số, "
        "mỗi chữ số là 1, 2 hoặc 3."
    ),
    "There is no question left to answer this week.": "Tuần này không còn câu hỏi nào cần trả lời.",
    "Please reply with numbers from 1 to {n}, or {go_on} to go on.": (
        "Đề nghị đồng chí trả lời bằng các số từ 1 đến {n}, hoặc gửi {go_on} để tiếp tục."
    ),
    "I did not understand that. Send “trợ giúp” to see what I can do.": (
        "Bot chưa hiểu nội dung này. Đồng chí gửi “trợ giúp” để xem các chức năng."
    ),
    "Please reply with a number: {levels}.": "Đề nghị đồng chí trả lời bằng số: {levels}.",
    "Stickers, pictures and other messages are not read here. Please answer with text.": (
        "Bot không đọc nhãn dán, hình ảnh và các loại tin nhắn khác ở bước này. Đề nghị đồng chí trả lời bằng chữ."
    ),
    "That message is too long to read. Please send a shorter text.": (
        "Tin nhắn quá dài. Đề nghị đồng chí gửi nội dung ngắn hơn."
    ),
    "Please reply with a number from 1 to {n}.": "Đề nghị đồng chí trả lời bằng một số từ 1 đến {n}.",
    "There is no numbered question open. Send “trợ giúp” to see what I can do.": (
        "Hiện không có câu hỏi nào chờ trả lời bằng số. Đồng chí gửi “trợ giúp” để xem các chức năng."
    ),
    # onboarding.py
    "Every {schedule} I will send you a short self-assessment on {groups} (§IV.1.2 of the plan): "
    "one number per group.": (
        "Vào {schedule} hằng tuần, bot sẽ gửi đồng chí phiếu tự đánh giá ngắn về {groups} "
        "(mục IV.1.2 của Kế hoạch): mỗi nhóm trả lời một số."
    ),
    "Send “trợ giúp” to see what you can do, and “cài đặt” to change your language or schedule.": (
        "Đồng chí gửi “trợ giúp” để xem các chức năng, “cài đặt” để đổi ngôn ngữ hoặc lịch tự đánh giá."
    ),
    "This invitation code is not valid. Please check it and send it again.": (
        "Mã mời không hợp lệ. Đề nghị đồng chí kiểm tra và gửi lại."
    ),
    "This invitation code has expired. Please ask your unit for a new one.": (
        "Mã mời đã hết hạn. Đề nghị đồng chí liên hệ đơn vị để nhận mã mới."
    ),
    "This invitation code has been withdrawn. Please ask your unit for a new one.": (
        "Mã mời đã bị thu hồi. Đề nghị đồng chí liên hệ đơn vị để nhận mã mới."
    ),
    "This invitation code has been used as many times as allowed. Please ask your unit for a new one.": (
        "Mã mời đã được dùng hết số lần cho phép. Đề nghị đồng chí liên hệ đơn vị để nhận mã mới."
    ),
    "You have not agreed, so nothing about you has been stored. "
    "If you change your mind, send the invitation code again.": (
        "Đồng chí chưa đồng ý nên không có thông tin nào về đồng chí được lưu. Nếu đổi ý, đồng chí gửi lại mã mời."
    ),
    "Please answer the personal-data notice with its numbers: 1 to agree, 2 not to agree. "
    "Nothing about you is stored until you agree.": (
        "Đề nghị đồng chí trả lời thông báo về dữ liệu cá nhân bằng số: 1 để đồng ý, 2 nếu không đồng ý. "
        "Chưa có thông tin nào về đồng chí được lưu cho đến khi đồng chí đồng ý."
    ),
    "Please answer the question above, or send /cancel to stop.": (
        "Đề nghị đồng chí trả lời câu hỏi ở trên, hoặc gửi /cancel để dừng."
    ),
    "That is done on Telegram for now.": "Chức năng này hiện thực hiện trên Telegram.",
    # profile.py (/mydata on Zalo)
    "<b>What the bot keeps about you</b>": "<b>Dữ liệu bot đang lưu về đồng chí</b>",
    "Full name: {name}": "Họ và tên: {name}",
    "Position: {position}": "Chức vụ, chức danh: {position}",
    "Role: {role}": "Vai trò: {role}",
    "Consent: notice version {version}, given on {date}.": (
        "Sự đồng ý: phiên bản thông báo {version}, ghi nhận ngày {date}."
    ),
    "Weekly self-assessments: {n} week kept ({done} done, {absent} absent with a reason).": (
        "Tự đánh giá hằng tuần: {n} tuần được lưu ({done} tuần đã hoàn thành, {absent} tuần vắng có lý do)."
    ),
    "Good examples you entered: {n}.": "Gương điển hình đồng chí đã gửi: {n}.",
    "Nominations you entered: {n}.": "Đề nghị khen thưởng đồng chí đã nhập: {n}.",
    "To erase it all, send “xóa dữ liệu” (/forget).": "Để xóa toàn bộ, đồng chí gửi “xóa dữ liệu” (/forget).",
    "Your data as a Word document (the link works for 24 hours)": (
        "Dữ liệu của đồng chí dạng tệp Word (đường dẫn có hiệu lực trong 24 giờ)"
    ),
    "The same data as a JSON file (the link works for 24 hours)": (
        "Cùng dữ liệu dạng tệp JSON (đường dẫn có hiệu lực trong 24 giờ)"
    ),
    "Your data as a Word document and a JSON file": "Dữ liệu của đồng chí dạng tệp Word và tệp JSON",
    # bot/render/mydata_docx.py
    "Zalo account": "Tài khoản Zalo",
    # scheduler/jobs.py (the prompt, on Zalo)
    "⏰ Time for this week's self-assessment: one minute, one number per group.": (
        "⏰ Đã đến giờ tự đánh giá tuần này: một phút, mỗi nhóm trả lời một số."
    ),
    # share.py (/share on Zalo)
    "Then send 1 to continue.": "Sau đó gửi 1 để tiếp tục.",
    "Send more, or send 1 to continue.": "Đồng chí gửi thêm ảnh, hoặc gửi 1 để tiếp tục.",
    "Send 1 to continue.": "Đồng chí gửi 1 để tiếp tục.",
    "Please reply with the number of your answer.": "Đề nghị đồng chí trả lời bằng số thứ tự của phương án.",
    "Please send photos, or reply with a number below.": ("Đề nghị đồng chí gửi ảnh, hoặc trả lời bằng một số ở dưới."),
    "“chia sẻ” or /share — share a good example, with up to 5 photos": (
        "“chia sẻ” hoặc /share — chia sẻ gương điển hình, kèm tối đa 5 ảnh"
    ),
    "“gương điển hình của tôi” or /myshares — your good examples and what became of them": (
        "“gương điển hình của tôi” hoặc /myshares — các gương điển hình đồng chí đã gửi và kết quả xem xét"
    ),
    # leader.py (leaders on Zalo)
    "“đơn vị” or /unit — participation week by week, criteria and sub-units, with a chart": (
        "“đơn vị” hoặc /unit — tỷ lệ tham gia theo tuần, các nhóm tiêu chuẩn và đơn vị trực thuộc, kèm biểu đồ"
    ),
    "“nhắc” — in reply to the Monday digest: remind everyone not yet done": (
        "“nhắc” — trả lời bản tổng hợp sáng thứ Hai: nhắc tất cả người chưa tự đánh giá"
    ),
    "“xong” — in reply to a deadline reminder: done for your unit": (
        "“xong” — trả lời lời nhắc hạn: đơn vị đã hoàn thành"
    ),
    "Reminders are sent from the Monday digest: reply “nhắc” to it, or the number of a person.": (
        "Lời nhắc được gửi từ bản tổng hợp sáng thứ Hai: đồng chí trả lời “nhắc”, hoặc số thứ tự của từng người."
    ),
    "“xong” answers a deadline reminder: there is none open in this chat.": (
        "“xong” dùng để trả lời lời nhắc hạn; hiện không có lời nhắc hạn nào đang chờ."
    ),
    "At what time? Type it, for example 8:00 or 16:30.": "Vào giờ nào? Đồng chí nhập giờ, ví dụ 8:00 hoặc 16:30.",
}
