"""Vietnamese for helper Z4's new msgids (the sandbox's people on Zalo)."""

VI = {
    "Type a message first.": "Đề nghị đồng chí nhập nội dung tin nhắn trước khi gửi.",
}
