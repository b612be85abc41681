"""A fake Telegram Bot API server: one emulator for the end-to-end tests, the benchmarks and the sandbox.

It is a plain aiohttp server (no aiogram inside) that the real bot talks to over loopback
HTTP, exactly as it talks to Telegram, and that checks Telegram's rules on the way
(SPEC §5): text ≤ 4096 and captions ≤ 1024 UTF-16 units after entity parsing,
callback_data 1–64 bytes, strict HTML parse mode, "message is not modified", unknown
chats, blocked users, answered callback queries, an optional flood limit. Errors carry
Telegram's own descriptions, so aiogram raises the same exceptions it would in production.

In a test::

    emu = TelegramEmulator(token="123456:TEST-token", bot_username="vanhoa_test_bot")
    await emu.start()                      # emu.url == "http://127.0.0.1:PORT"
    bot = Bot(emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, handle_signals=False))

    lan = emu.user(1001, "Lan", "Nguyễn", language_code="vi")   # private chat id = user id
    await lan.send("/start abc")           # returns once the bot has processed it
    assert "Xin chào" in lan.last.text
    await lan.press("Tốt")                 # an inline button on the newest message that has it
    assert lan.last_answer.answered
    emu.assert_all_callbacks_answered()
    await emu.stop()

Processing: the emulator numbers updates. In polling mode an update is processed when the
bot asks getUpdates for a higher offset (exact with ``handle_as_tasks=False``); with a
webhook, when the POST to it returns (use aiogram's handler with
``handle_in_background=False``; otherwise ``webhook_settle`` seconds of quiet stand in).
``send``/``press``/``block``/``send_update`` then also wait until the bot has no Bot API
request in flight, so its replies are recorded. ``update_timeout`` (10 s) bounds the wait
with a TimeoutError that names the update.

The user (:class:`EmulatedUser`): ``send(text)``, ``send_photo(bytes, caption)``,
``send_document(bytes, file_name, mime_type, caption)``, ``send_album([bytes, ...])``,
``press(label, message=None)``, ``press_data(data, message=None)``, ``block()``,
``unblock()``; what they see: ``last``, ``messages``, ``since_last_action``,
``last_answer`` (the :class:`CallbackQuery` with the bot's answer), ``keyboard`` (reply
keyboard rows), ``commands`` (the menu for their language), ``chat_actions``,
``transcript()``. A :class:`ChatMessage` has ``text`` (or the caption), ``html``,
``buttons`` (rows of (text, callback_data or url)), ``button_texts``, ``photo`` and
``document`` (:class:`StoredFile` with ``.data``), ``message_id``, ``edited``,
``history``, ``deleted``.

The emulator (:class:`TelegramEmulator`): ``user(id, first_name, last_name,
language_code=, started=False)``, ``add_chat(chat_dict)``, ``await
send_update(raw_update)`` (any update: edited_message, a group message...), ``await
wait_idle()``, ``messages(chat_id)``, ``calls``,
``calls_of(method)``, ``sends(chat_id)``, ``sends_per_window()``,
``max_sends_per_window()``, ``callback_queries``, ``assert_all_callbacks_answered()``,
``commands_for(chat_id, language)``, ``menu_commands(scope, language)``, ``webhook``,
``inject(method, status, description, retry_after, times, chat_id)``,
``inject_delay(method, seconds, times)``, ``set_flood_limit(global, per_chat)``,
``internal_errors`` (emulator bugs, answered as 500). ``app`` is the aiohttp application:
add routes to it before ``start()`` to serve a page from the same port.

Bot API methods: getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo,
sendMessage, sendPhoto, sendDocument, sendMediaGroup, copyMessage, editMessageText,
editMessageCaption, editMessageReplyMarkup, deleteMessage, deleteMessages,
answerCallbackQuery, sendChatAction, getFile (downloads at ``/file/bot<token>/<path>``),
getChat, setChatMenuButton, getChatMenuButton, setMyCommands, getMyCommands,
deleteMyCommands, set/getMyDescription, set/getMyShortDescription, set/getMyName,
logOut, close. A wrong token gets 401, an unknown method 404.

Deliberate differences from Telegram: a bare ``&`` in HTML is refused (Telegram keeps it;
unescaped user text is a bug either way; ``strict_html=False`` turns this off);
Markdown parse modes are accepted but not parsed; photos keep their bytes and one size;
URLs are not fetched; a user created with ``started=False`` (the default) cannot be
written to before they write to the bot, as on Telegram.

Control API (JSON; every answer is ``{"ok": true, ...}`` or ``{"ok": false, "error"}``)::

    GET  /_emu/                               bot, webhook, pending updates, users
    GET  /_emu/users                          {"users": [User, ...]}
    POST /_emu/users                          {"id"?, "first_name", "last_name"?, "username"?,
                                               "language_code"?} -> {"user", "chat_id"}
    POST /_emu/users/{id}/messages            {"text", "timeout"?}, or multipart with a "photo"
                                              or "document" file and "caption"
                                              -> {"messages": [bot replies], "cursor"}
    POST /_emu/users/{id}/press               {"message_id", "callback_data"} or {"text"}
                                              -> {"messages", "cursor", "answer"}
    POST /_emu/users/{id}/block | /unblock
    GET  /_emu/chats/{chat_id}/messages?since=CURSOR&timeout=S
                                              long poll: messages of both sides changed after
                                              CURSOR -> {"messages", "cursor"}; a message is the
                                              Bot API object plus seq, from_bot, deleted, edited,
                                              html, buttons, file_url
    GET  /_emu/files/{file_id}                the file's bytes
    GET  /_emu/calls?since=N                  recorded Bot API calls from index N -> {"calls", "next"}

Actions wait for the bot like the in-process API (504 on timeout). Run it alone with
``python -m emulator --port 8081``.

``emulator.html_check`` is Telegram's HTML parse mode (parse strictly, render back), which
the rules above and the tests use. This package imports nothing of the bot's: the bot's
production code never imports it (only ``bot.sandbox``, the dev and demo command, does).
"""

from .model import (
    SEND_METHODS,
    ApiError,
    CallbackQuery,
    CallRecord,
    Chat,
    ChatMessage,
    Fault,
    StoredFile,
    count_per_window,
    max_in_window,
)
from .server import TelegramEmulator, WebhookDeliveryError
from .users import EmulatedUser

__all__ = [
    "SEND_METHODS",
    "ApiError",
    "CallRecord",
    "CallbackQuery",
    "Chat",
    "ChatMessage",
    "EmulatedUser",
    "Fault",
    "StoredFile",
    "TelegramEmulator",
    "WebhookDeliveryError",
    "count_per_window",
    "max_in_window",
]
