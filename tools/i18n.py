"""Catalog maintenance.

The translations live in the catalogs themselves, locales/{vi,en}/LC_MESSAGES/messages.po,
and translators edit them there with the usual tools (Poedit, any .po editor, or a text
editor), then compile. English msgids are in the code; the vi catalog holds the Vietnamese
(the default language) and the en catalog the English a person reads, which may differ from
the msgid (that is how English wording is improved without touching the code).

    python tools/i18n.py update            # extract the code's strings into locales/messages.pot and
                                           # update both catalogs, keeping every msgstr they have
    python tools/i18n.py compile           # .po -> .mo (`make install` and `make test` do this)
    python tools/i18n.py sync              # update, then compile
    python tools/i18n.py fill FILE.py      # one-off import: FILE defines VI = {msgid: msgstr}
                                           # (and optionally EN = {...}); then delete FILE

`update` is what `pybabel extract` + `pybabel update` do, with this project's keywords and
layout: a new message arrives in vi.po untranslated (the catalog test then names it), and in
en.po with its msgid as the English, which a translator may then change; a non-empty msgstr is
never overwritten. A message whose msgid changed in the code loses its old translation (no
fuzzy matching): translate it again.
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
LANGUAGES = ("vi", "en")


def _undated(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


def extract() -> Catalog:
    fresh = POT.with_suffix(".pot.new")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *KEYWORDS,
            "--no-location",
            "--sort-output",
            "--no-wrap",
            "-o",
            str(fresh),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    # messages.pot is rewritten only when its messages change, not for a new date alone
    if POT.exists() and _undated(POT.read_text(encoding="utf-8")) == _undated(fresh.read_text(encoding="utf-8")):
        fresh.unlink()
    else:
        fresh.replace(POT)
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


def _strings(msg) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(msg.string) if isinstance(msg.string, (tuple, list)) else (msg.string,)


def update() -> None:
    template = extract()
    for locale in LANGUAGES:
        cat = load(locale)
        created = cat.creation_date
        cat.update(template, no_fuzzy_matching=True)
        cat.obsolete.clear()
        cat.creation_date = created  # the header stays put: no merge conflict on a date
        for msg in cat:
            if not msg.id:
                continue
            if locale == "en" and not all(_strings(msg)):
                # English is complete, not a fallback: a new message reads as its msgid
                # until a translator words it better; a non-empty msgstr is left as it is.
                ids = (msg.id,) if isinstance(msg.id, str) else tuple(msg.id)
                current = _strings(msg)
                if msg.pluralizable:
                    msg.string = tuple(s or ids[min(i, len(ids) - 1)] for i, s in enumerate(current))
                else:
                    msg.string = current[0] or ids[0]
        save(cat, locale)


def fill(file: str) -> None:
    """Imports a `VI = {msgid: msgstr}` (and optional `EN`) table into the catalogs, once."""
    tables = runpy.run_path(file)
    for locale, name in (("vi", "VI"), ("en", "EN")):
        table: dict = tables.get(name) or {}
        if not table:
            continue
        cat = load(locale)
        known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
        missing = [k for k in table if k not in known]
        for key, value in table.items():
            if key in known:
                msg = known[key]
                if msg.pluralizable and isinstance(value, str):
                    value = (value,) * cat.num_plurals
                msg.string = value
                msg.flags.discard("fuzzy")
        save(cat, locale)
        if missing:
            print(f"{locale}: not in the catalog (run update first?):", *missing, sep="\n  ")


def compile_all() -> None:
    for locale in LANGUAGES:
        with po_path(locale).open("rb") as fh:
            cat = read_po(fh, locale=locale)
        with po_path(locale).with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "update"
    if cmd == "update":
        update()
    elif cmd == "fill" and len(sys.argv) == 3:
        fill(sys.argv[2])
    elif cmd == "sync":
        update()
        compile_all()
    elif cmd == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
