"""The sandbox: the bot on one machine, without Telegram.

``bot.sandbox.emulator`` is a fake Telegram Bot API server (plain aiohttp, no aiogram)
shared by the end-to-end tests, the benchmarks and the browser chat page;
``bot.sandbox.html_check`` parses and renders Telegram's HTML parse mode.

``python -m bot sandbox`` (``runner``) puts it all on one machine: the emulator, the real
bot against it with demo data (``seed``), a clock that jumps forward (``clock``) and the
chat page with its small API (``web``, ``static/``).
"""
