"""The Văn hóa công sở bot.

Importing it has no side effect: the entry points (bot/__main__.py) install bot/boot.py's
import hook themselves.
"""
