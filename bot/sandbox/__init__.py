"""The sandbox: the bot on one machine, without Telegram.

``bot.sandbox.emulator`` is a fake Telegram Bot API server (plain aiohttp, no aiogram)
shared by the end-to-end tests, the benchmarks and the browser chat page;
``bot.sandbox.html_check`` parses and renders Telegram's HTML parse mode.
"""
