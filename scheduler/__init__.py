"""scheduler: importing it loads aiogram the quick way first (bot/boot.py)."""

import bot  # noqa: F401
