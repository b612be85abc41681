"""The Văn hóa công sở bot. Importing this package loads aiogram in dependency order (bot/boot.py)."""

from bot.boot import import_aiogram

import_aiogram()
