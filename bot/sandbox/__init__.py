"""The sandbox: the bot on one machine, without Telegram (a dev and demo command).

``python -m bot sandbox`` (``runner``) puts it all on one machine: the fake Telegram Bot
API (the top-level ``emulator`` package, which the end-to-end tests and the benchmarks use
too), the real bot against it with demo data (``seed``), a clock that jumps forward
(``clock``) and the chat page with its small API (``web``, ``static/``). It is the only
part of ``bot`` that imports ``emulator`` (tests/test_boot.py checks the rest does not).
"""
