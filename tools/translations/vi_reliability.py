VI = {
    "Edits are not read. Please send the correction as a new message.": "Bot không đọc tin nhắn đã sửa. Đồng chí vui lòng gửi nội dung đã sửa thành một tin nhắn mới.",
    "Please finish setting up first: answer the question above, or send /start to go on.": "Đồng chí vui lòng hoàn tất đăng ký trước: trả lời câu hỏi ở trên, hoặc gửi /start để tiếp tục.",
}
