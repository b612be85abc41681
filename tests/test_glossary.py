"""Both catalogs keep to docs/glossary.md: one term per concept, one register.

The rules are data in the glossary (its tables' "Avoid in Vietnamese" / "Avoid in English"
columns); this test only reads them and applies them to every msgstr people read. The
sandbox page's own Vietnamese labels (bot/sandbox/static/app.js) are held to the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
COLUMNS = {"vi": "Avoid in Vietnamese", "en": "Avoid in English"}


@dataclass(frozen=True)
class Rule:
    concept: str
    pattern: str
    regex: re.Pattern[str]


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells; `\\|` is a pipe inside a cell."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]


def _compile(item: str) -> re.Pattern[str]:
    if len(item) > 2 and item.startswith("/") and item.endswith("/"):
        return re.compile(item[1:-1])
    # whole words, and never the name of a {placeholder}
    return re.compile(r"(?i)(?<![\w{])" + re.escape(item) + r"(?![\w}])")


def load_rules(text: str) -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {locale: [] for locale in COLUMNS}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the separator row
        row = dict(zip(header, cells, strict=False))
        for locale, column in COLUMNS.items():
            for item in re.findall(r"`([^`]+)`", row.get(column, "")):
                rules[locale].append(Rule(cells[0], item, _compile(item)))
    return rules


RULES = load_rules(GLOSSARY.read_text(encoding="utf-8"))


def violations(rules: list[Rule], texts: dict[str, str]) -> list[str]:
    found = []
    for key, text in texts.items():
        for rule in rules:
            match = rule.regex.search(text)
            if match:
                found.append(f"{rule.concept} — {rule.pattern!r} found as “{match.group(0)}” in: {key!r} → {text!r}")
    return found


def _msgstrs(locale: str) -> dict[str, str]:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    texts = {}
    for msg in catalog:
        if not msg.id:
            continue
        msgid = msg.id if isinstance(msg.id, str) else msg.id[0]
        strings = msg.string if isinstance(msg.string, (tuple, list)) else (msg.string,)
        for n, s in enumerate(strings):
            texts[msgid if n == 0 else f"{msgid} [plural {n}]"] = s
    return texts


def test_the_glossary_has_rules_for_both_languages() -> None:
    assert len(RULES["vi"]) >= 20 and len(RULES["en"]) >= 8, {k: len(v) for k, v in RULES.items()}


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("Đồng chí vui lòng gửi lại.", True),
        ("Vui lòng nhập lại. Nếu chưa rõ, đề nghị đồng chí liên hệ đơn vị.", True),
        ("Khen thưởng hằng năm năm 2025", True),
        ("Báo cáo hàng năm", True),
        ("Gương #5 không được chọn", True),
        ("Đã lưu suy nghĩ.", True),
        ("Chạm vào tên một người", True),
        ("Hộp thử cục bộ", True),
        ("— chưa làm  tuần 48", True),
        ("Không đọc được tệp. Vui lòng gửi lại, đồng chí nhé.", True),
        ("Đề nghị đồng chí gửi lại.", False),
        ("Vui lòng gửi lại.", False),
        ("Gương người tốt, việc tốt", False),
        ("Gương điển hình #5 chưa được duyệt", False),
        ("Đồng chí nhập những việc đơn vị đã làm.", False),
        ("Đồng chí bấm Tiếp tục.", False),
    ],
)
def test_the_rules_catch_what_the_glossary_forbids(text: str, caught: bool) -> None:
    assert bool(violations(RULES["vi"], {"sample": text})) is caught


def test_the_english_rules_catch_what_the_glossary_forbids() -> None:
    assert violations(RULES["en"], {"a": "You are registered as {role}."})
    assert violations(RULES["en"], {"a": "Check-ins paused."})
    assert not violations(RULES["en"], {"a": "/checkin — this week's self-assessment"})


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_message_keeps_to_the_glossary(locale: str) -> None:
    found = violations(RULES[locale], _msgstrs(locale))
    assert not found, f"{locale}.po: {len(found)} against docs/glossary.md:\n" + "\n".join(found)


def test_the_sandbox_page_keeps_to_the_glossary() -> None:
    script = (ROOT / "bot" / "sandbox" / "static" / "app.js").read_text(encoding="utf-8")
    vi_block = script.split("vi: {", 1)[1].split("\n    en: {", 1)[0]
    labels = dict(re.findall(r'(\w+): "([^"]*)"', vi_block))
    found = violations(RULES["vi"], labels)
    assert not found, "\n".join(found)
