"""Vietnamese for helper Z1's new messages (issue 16: Zalo's transport and identity)."""

VI = {
    "Zalo code: {code} (on Zalo, the person sends it to the bot)": (
        "Mã mời dùng trên Zalo: {code} (trên Zalo, người được mời gửi mã này cho bot)"
    ),
}
