"""Every message is translated in every catalog, and the catalogs match the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("vi", "en")


def _catalog(locale: str):  # noqa: ANN202
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _ids(catalog) -> set[str]:  # noqa: ANN001
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.fixture(scope="module")
def code_ids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_",
            "-k",
            "__",
            "-k",
            "N_",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return _ids(read_po(fh))


@pytest.mark.parametrize("locale", LOCALES)
def test_no_untranslated_or_fuzzy_message(locale: str) -> None:
    bad = []
    for msg in _catalog(locale):
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if msg.fuzzy or not all(s.strip() for s in strings):
            bad.append(msg.id)
    assert not bad, f"{locale}: {len(bad)} untranslated or fuzzy: {bad[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_matches_the_code(locale: str, code_ids: set[str]) -> None:
    po = _ids(_catalog(locale))
    assert not code_ids - po, f"{locale}.po lacks (run tools/i18n.py update): {sorted(code_ids - po)[:5]}"
    assert not po - code_ids, f"{locale}.po has messages no longer in the code: {sorted(po - code_ids)[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    import re

    field = re.compile(r"\{[a-z_]+\}")
    for msg in _catalog(locale):
        if not msg.id or not isinstance(msg.id, str):
            continue
        assert sorted(field.findall(msg.id)) == sorted(field.findall(msg.string)), msg.id


def test_vietnamese_is_really_vietnamese() -> None:
    """Guards against an English string pasted into vi.po."""
    import re

    cat = _catalog("vi")

    def words(text: str) -> bool:  # letters outside {placeholders} and <tags>
        return any(c.isalpha() for c in re.sub(r"\{[a-z_]+\}|<[^>]+>", "", text))

    same = [m.id for m in cat if m.id and isinstance(m.id, str) and m.id == m.string and words(m.id)]
    assert same == [], same[:5]


def _tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_ids: list[str]):  # noqa: ANN202
    """tools/i18n.py working on a copy of the catalogs, with the code's strings given."""
    import importlib.util
    import shutil

    from babel.messages.catalog import Catalog

    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for locale in LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", target)
    monkeypatch.setattr(tool, "LOCALES", tmp_path)
    template = Catalog()
    for msgid in template_ids:
        template.add(msgid)
    monkeypatch.setattr(tool, "extract", lambda: template)
    return tool


def _read(tmp_path: Path, locale: str) -> dict[str, str]:
    with (tmp_path / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=locale) if m.id}


def test_update_keeps_the_translations_and_leaves_a_new_message_untranslated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .po files are the source: `update` never loses nor overwrites what translators wrote."""
    vi, en = _read_catalog_strings()
    known = next(k for k in vi if isinstance(k, str) and "{" not in k)
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    tool = _tool(tmp_path, monkeypatch, [known, "A brand new message"])
    text = po.read_text(encoding="utf-8").replace(
        f'msgid "{known}"\nmsgstr "{en[known]}"', f'msgid "{known}"\nmsgstr "Better English"'
    )
    po.write_text(text, encoding="utf-8")

    tool.update()

    after_vi, after_en = _read(tmp_path, "vi"), _read(tmp_path, "en")
    assert after_vi[known] == vi[known]
    assert after_vi["A brand new message"] == ""  # the catalog test then names it
    assert after_en[known] == "Better English"  # an improved English msgstr is never overwritten
    assert after_en["A brand new message"] == "A brand new message"
    assert set(after_vi) == {known, "A brand new message"}  # gone from the code, gone from the catalog


def test_fill_imports_a_one_off_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _tool(tmp_path, monkeypatch, ["A brand new message"])
    tool.update()
    table = tmp_path / "vi_new.py"
    table.write_text('VI = {"A brand new message": "Một thông báo mới"}\n', encoding="utf-8")

    tool.fill(str(table))

    assert _read(tmp_path, "vi")["A brand new message"] == "Một thông báo mới"


def _read_catalog_strings() -> tuple[dict, dict]:
    return (
        {m.id: m.string for m in _catalog("vi") if m.id},
        {m.id: m.string for m in _catalog("en") if m.id},
    )
