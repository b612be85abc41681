"""The emulator is a dev and test tool: the bot's production code never imports it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import sys
import bot.boot
bot.boot.install()  # quicker, as the entry points do; it imports nothing itself
import bot, bot.app, bot.webhook, bot.__main__, handlers, scheduler.jobs, scheduler.runner, scheduler.outbox
import storage.db, storage.models, storage.repositories
assert "bot.app" in sys.modules and "handlers.checkin" in sys.modules  # the whole bot was imported
print(sorted(name for name in sys.modules if name == "emulator" or name.startswith("emulator.")))
import bot.sandbox.runner
print("emulator" in sys.modules)  # the sandbox, the dev and demo command, does import it
"""


def test_the_bot_imports_no_emulator_only_the_sandbox_does() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=100)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ["[]", "True"]
