"""bot/boot.py builds aiogram's types in another order: the same validators, less work; only
the entry points install it, and only on the aiogram and pydantic it was verified with."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every Telegram type and method of aiogram, as JSON schemas, and a few real updates parsed.
PROBE = r"""
import hashlib, json, sys, warnings
import bot.boot
bot.boot.install()  # as bot/__main__.py's main() does first
import aiogram.types as T, aiogram.methods as M
warnings.simplefilter("ignore")
digest, count = hashlib.sha256(), 0
for mod in (T, M):
    for name in sorted(mod.__all__):
        obj = getattr(mod, name)
        if isinstance(obj, type) and hasattr(obj, "model_json_schema"):
            try:
                schema = obj.model_json_schema()
            except Exception as exc:  # a few (ErrorEvent) hold Python objects: no JSON schema
                schema = type(exc).__name__
            digest.update(name.encode())
            digest.update(json.dumps(schema, sort_keys=True, default=str).encode())
            count += 1
updates = [
    {"update_id": 1, "message": {"message_id": 3, "date": 1700000000, "chat": {"id": 5, "type": "private"},
     "from": {"id": 5, "is_bot": False, "first_name": "Lan"}, "text": "/checkin <b>",
     "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
     "reply_to_message": {"message_id": 2, "date": 1700000000, "chat": {"id": 5, "type": "private"}, "text": "x"}}},
    {"update_id": 2, "callback_query": {"id": "9", "chat_instance": "c", "data": "ca:202648:0:g:0",
     "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
     "message": {"message_id": 4, "date": 1700000000, "chat": {"id": 5, "type": "private"}, "text": "card",
                 "reply_markup": {"inline_keyboard": [[{"text": "Tốt", "callback_data": "ca:202648:0:g:0"}]]}}}},
    {"update_id": 3, "my_chat_member": {"chat": {"id": 5, "type": "private"},
     "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
     "date": 1700000000, "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "B"}},
     "new_chat_member": {"status": "kicked", "until_date": 0, "user": {"id": 1, "is_bot": True, "first_name": "B"}}}},
]
parsed = [T.Update.model_validate(u).model_dump(mode="json", exclude_none=True) for u in updates]
print(json.dumps({"count": count, "schemas": digest.hexdigest(), "updates": parsed,
                  "ordered": bot.boot.built_in_order}))
"""


def probe(plain: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AIOGRAM_PLAIN_IMPORT", None)
    if plain:
        env["AIOGRAM_PLAIN_IMPORT"] = "1"
    return subprocess.Popen(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_types_built_in_order_equal_a_plain_import() -> None:
    fast, plain = probe(plain=False), probe(plain=True)  # side by side: two cores
    out_fast, err_fast = fast.communicate(timeout=100)
    out_plain, _ = plain.communicate(timeout=100)
    assert fast.returncode == 0 and plain.returncode == 0
    a, b = json.loads(out_fast), json.loads(out_plain)
    # Fails when aiogram or pydantic moved: once this test passes with the pin set to the
    # new versions (bot/boot.py, VERIFIED), the new versions are verified.
    assert a["ordered"] is True, err_fast[-2000:]
    assert b["ordered"] is False  # each took the path it names
    assert a["count"] == b["count"] > 500
    assert a["schemas"] == b["schemas"]
    assert a["updates"] == b["updates"]
    assert a["updates"][1]["callback_query"]["data"] == "ca:202648:0:g:0"


PINNED = r"""
import json, logging, os
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
import bot.boot
bot.boot.VERIFIED = json.loads(os.environ["PROBE_VERIFIED"])
bot.boot.install()
from aiogram.types import Message
print(json.dumps({"ordered": bot.boot.built_in_order, "message": Message.__name__}))
"""


def test_another_aiogram_or_pydantic_is_imported_plainly_with_a_debug_line() -> None:
    """The hook is pinned: with versions it was not verified against, aiogram imports in its
    own order (the same types), and one DEBUG line says why."""
    from bot import boot

    verified = {"aiogram": "3.0.0", "pydantic": boot.VERIFIED["pydantic"]}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE_VERIFIED": json.dumps(verified)}
    env.pop("AIOGRAM_PLAIN_IMPORT", None)
    res = subprocess.run([sys.executable, "-c", PINNED], cwd=ROOT, env=env, capture_output=True, text=True, timeout=100)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout) == {"ordered": False, "message": "Message"}  # aiogram works, in its own order
    err = res.stderr
    installed = importlib.metadata.version("aiogram")
    assert f"bot.boot DEBUG aiogram is imported in its own order: aiogram {installed}, verified with 3.0.0" in err


def test_the_pin_names_what_is_installed() -> None:
    """VERIFIED is read against the installed distributions: a pin that differs is named."""
    from bot import boot

    assert boot.unverified() is None  # this venv is the verified one (else: re-run the test above, move the pin)
    pinned = dict(boot.VERIFIED)
    try:
        boot.VERIFIED["pydantic"] = "1.10.0"
        assert boot.unverified() == f"pydantic {importlib.metadata.version('pydantic')}, verified with 1.10.0"
    finally:
        boot.VERIFIED.clear()
        boot.VERIFIED.update(pinned)


IMPORTS = r"""
import json, sys
import bot, handlers, scheduler, storage
import bot.app, scheduler.runner, storage.db, bot.services.checkin
import bot.boot
print(json.dumps({
    "aiogram": "aiogram" in sys.modules,
    "installed": any(isinstance(f, bot.boot._AiogramFinder) for f in sys.meta_path),
    "ordered": bot.boot.built_in_order,
}))
"""

ENTRY = r"""
import contextlib, io, json, sys
from bot.__main__ import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(["--help"])
after_help = "aiogram" in sys.modules
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["campaign", "check", sys.argv[1]])
after_check = "aiogram" in sys.modules
import aiogram, bot.boot
print(json.dumps({"help": after_help, "check": after_check, "code": code, "ordered": bot.boot.built_in_order}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AIOGRAM_PLAIN_IMPORT", None)
    res = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=100
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.splitlines()[-1])


def test_importing_the_bot_installs_nothing() -> None:
    """Services, migrations, tools and tests import aiogram plainly: importing the packages
    (even the Dispatcher factory, which imports aiogram) installs no hook."""
    assert _run(IMPORTS) == {"aiogram": True, "installed": False, "ordered": False}


def test_the_entry_point_installs_it_and_help_and_campaign_check_never_import_aiogram() -> None:
    campaign = ROOT / "bot" / "campaign" / "data" / "2497-QD-BTNMT-2019.yaml"
    assert _run(ENTRY, str(campaign)) == {"help": False, "check": False, "code": 0, "ordered": True}
