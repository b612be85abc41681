"""The Văn hóa công sở bot. Importing this package arranges for aiogram, when it is first
imported, to build its types in dependency order (bot/boot.py)."""

from bot.boot import install

install()
