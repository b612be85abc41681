"""bot/boot.py builds aiogram's types in another order: the same validators, less work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every Telegram type and method of aiogram, as JSON schemas, and a few real updates parsed.
PROBE = r"""
import hashlib, json, sys, warnings
import bot, bot.boot
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
    {"update_id": 3, "my_chat_member": {"chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
     "date": 1700000000, "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "B"}},
     "new_chat_member": {"status": "kicked", "until_date": 0, "user": {"id": 1, "is_bot": True, "first_name": "B"}}}},
]
parsed = [T.Update.model_validate(u).model_dump(mode="json", exclude_none=True) for u in updates]
print(json.dumps({"count": count, "schemas": digest.hexdigest(), "updates": parsed, "ordered": bot.boot.built_in_order}))
"""


def probe(plain: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AIOGRAM_PLAIN_IMPORT", None)
    if plain:
        env["AIOGRAM_PLAIN_IMPORT"] = "1"
    return subprocess.Popen([sys.executable, "-c", PROBE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def test_types_built_in_order_equal_a_plain_import() -> None:
    fast, plain = probe(plain=False), probe(plain=True)  # side by side: two cores
    out_fast, _ = fast.communicate(timeout=100)
    out_plain, _ = plain.communicate(timeout=100)
    assert fast.returncode == 0 and plain.returncode == 0
    a, b = json.loads(out_fast), json.loads(out_plain)
    assert a["ordered"] is True and b["ordered"] is False  # each took the path it names
    assert a["count"] == b["count"] > 500
    assert a["schemas"] == b["schemas"]
    assert a["updates"] == b["updates"]
    assert a["updates"][1]["callback_query"]["data"] == "ca:202648:0:g:0"
