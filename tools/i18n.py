"""Catalog maintenance for developers.

    python tools/i18n.py sync              # update, fill from tools/translations/*.py, compile
    python tools/i18n.py update            # extract strings, update vi/en catalogs
    python tools/i18n.py fill FILE.py      # merge translations: FILE defines VI = {msgid: msgstr}
    python tools/i18n.py compile           # .po -> .mo (the install and test commands do this)

The Vietnamese lives in tools/translations/vi_<feature>.py (one file per feature, so
people working on different features never overwrite each other); `sync` rebuilds the
catalogs from the code and those files, and may be run any number of times.

English msgids are the source; the en catalog repeats them (English is complete, not a
fallback) and the vi catalog holds the Vietnamese, the default language.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
KEYWORDS = ["-k", "_", "-k", "__", "-k", "N_", "-k", "ngettext:1,2"]


def extract() -> Catalog:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         *KEYWORDS, "--no-location", "--sort-output", "--no-wrap", "-o", str(POT), str(ROOT)],
        check=True, capture_output=True,
    )
    with POT.open("rb") as fh:
        return read_po(fh)


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=locale)
    return Catalog(locale=locale, project="vanhoa-congso-bot")


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True, no_location=True)


def update() -> None:
    template = extract()
    for locale in ("vi", "en"):
        cat = load(locale)
        cat.update(template, no_fuzzy_matching=True)
        cat.obsolete.clear()
        if locale == "en":
            for msg in cat:
                strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                if msg.id and not all(strings):
                    msg.string = msg.id if isinstance(msg.id, str) else tuple(msg.id)
        save(cat, locale)


def fill(file: str) -> None:
    table: dict = runpy.run_path(file)["VI"]
    cat = load("vi")
    known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
    missing = [k for k in table if k not in known]
    for key, value in table.items():
        if key in known:
            msg = known[key]
            if msg.pluralizable and isinstance(value, str):
                value = (value,) * cat.num_plurals  # Vietnamese has one plural form
            msg.string = value
            known[key].flags.discard("fuzzy")
    save(cat, "vi")
    if missing:
        print("not in the catalog (run update first?):", *missing, sep="\n  ")


def compile_all() -> None:
    for locale in ("vi", "en"):
        with po_path(locale).open("rb") as fh:
            cat = read_po(fh, locale=locale)
        with po_path(locale).with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "update"
    if cmd == "update":
        update()
    elif cmd == "fill":
        fill(sys.argv[2])
    elif cmd == "sync":
        update()
        for table in sorted((ROOT / "tools" / "translations").glob("vi_*.py")):
            fill(str(table))
        compile_all()
    elif cmd == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
