VI = {
    # -- the annual report (handlers/report.py) ----------------------------------------------
    "Self-assessment on the collective criteria (§IV.1.1): {n}/{total} criteria assessed.": "Tự đánh giá theo tiêu chuẩn tập thể (mục IV.1.1): {n}/{total} tiêu chuẩn đã đánh giá.",
    # -- the good-examples DOCX (bot/render/docx_examples.py) ---------------------------------
    "Person or collective": "Cá nhân, tập thể",
    "{name} (the submitter)": "{name} (người gửi)",
}
