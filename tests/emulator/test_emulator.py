"""The Bot API emulator, spoken to by a real aiogram bot over loopback HTTP.

A tiny dispatcher stands in for the product's bot: it greets with buttons, edits on a
press, sends a photo, a document and an album. The tests act as a person would and
check that the emulator keeps Telegram's rules (SPEC §5).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from PIL import Image

from emulator import TelegramEmulator, count_per_window, max_in_window

pytestmark = pytest.mark.timeout(30)

TOKEN = "123456:TEST-token"


def png(width: int = 40, height: int = 30, color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def rating_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Tốt", callback_data="rate:good"),
                InlineKeyboardButton(text="Khá", callback_data="rate:fair"),
            ],
            [InlineKeyboardButton(text="Quy chế (PDF)", url="https://example.gov.vn/quy-che.pdf")],
        ]
    )


def make_dispatcher(seen: list[Any]) -> Dispatcher:
    """A small bot: greeting with buttons, an edit on a press, media, and an echo."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        seen.append(("start", command.args))
        name = html.escape(message.from_user.full_name)
        await message.answer(f"Xin chào, <b>{name}</b>! Hôm nay bạn thế nào?", reply_markup=rating_keyboard())

    @router.callback_query(F.data.startswith("rate:"))
    async def rate(query: CallbackQuery) -> None:
        label = {"rate:good": "Tốt", "rate:fair": "Khá"}[query.data]
        await query.message.edit_text(f"Bạn đã chọn: <i>{label}</i>")
        await query.answer("Đã ghi nhận")

    @router.callback_query(F.data == "silent")
    async def silent(query: CallbackQuery) -> None:
        seen.append(("silent", query.id))  # forgets to answer

    @router.message(Command("photo"))
    async def photo(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(png(), "chart.png"), caption="Biểu đồ <b>tuần</b>")

    @router.message(Command("doc"))
    async def document(message: Message) -> None:
        data = "Đơn vị,Điểm\nPhòng A,9\n".encode()
        await message.answer_document(BufferedInputFile(data, "bao-cao.csv"), caption="Báo cáo")

    @router.message(Command("album"))
    async def album(message: Message) -> None:
        await message.answer_media_group(
            [
                InputMediaPhoto(media=BufferedInputFile(png(color="red"), "a.png"), caption="Ảnh 1"),
                InputMediaPhoto(media=BufferedInputFile(png(color="blue"), "b.png")),
            ]
        )

    @router.message(Command("fast"))
    async def fast(message: Message) -> Any:
        # Returned, not awaited: in webhook mode aiogram answers with it in the HTTP reply.
        return message.answer("Trả lời ngay trong webhook")

    @router.message(F.photo)
    async def got_photo(message: Message, bot: Bot) -> None:
        data = await bot.download(message.photo[-1])
        size = message.photo[-1]
        digest = hashlib.sha256(data.read()).hexdigest()[:12]
        await message.answer(f"Ảnh {size.width}×{size.height}, {digest}")

    @router.my_chat_member()
    async def member(update: ChatMemberUpdated) -> None:
        seen.append(("member", update.new_chat_member.status))

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.escape(message.text))

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def make_bot(emu: TelegramEmulator, token: str = TOKEN) -> Bot:
    return Bot(
        token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator(token=TOKEN, bot_username="vanhoa_test_bot", update_timeout=5)
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert emulator.internal_errors == []


@pytest.fixture
def seen() -> list[Any]:
    return []


@pytest.fixture
async def bot(emu: TelegramEmulator, seen: list[Any]) -> AsyncIterator[Bot]:
    """The bot, polling the emulator."""
    bot = make_bot(emu)
    dispatcher = make_dispatcher(seen)
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_as_tasks=False, handle_signals=False))
    yield bot
    await dispatcher.stop_polling()
    await asyncio.wait_for(polling, 5)


# -- a conversation ------------------------------------------------------------------------


async def test_a_user_starts_the_bot_and_rates_the_day(emu: TelegramEmulator, bot: Bot, seen: list[Any]) -> None:
    lan = emu.user(1001, "Lan", "Nguyễn <3", language_code="vi")

    replies = await lan.send("/start abc")

    assert seen == [("start", "abc")]
    assert [m.text for m in replies] == ["Xin chào, Lan Nguyễn <3! Hôm nay bạn thế nào?"]
    assert lan.last.html == "Xin chào, <b>Lan Nguyễn &lt;3</b>! Hôm nay bạn thế nào?"
    assert lan.last.buttons == [
        [("Tốt", "rate:good"), ("Khá", "rate:fair")],
        [("Quy chế (PDF)", "https://example.gov.vn/quy-che.pdf")],
    ]
    greeting = lan.last.message_id

    replies = await lan.press("Tốt")

    assert [m.message_id for m in replies] == [greeting]  # edited in place, nothing new
    assert lan.last.text == "Bạn đã chọn: Tốt"
    assert lan.last.buttons == []  # editing the text without reply_markup drops the keyboard
    assert lan.last.history[0]["text"].startswith("Xin chào")
    assert lan.last_answer.answered and lan.last_answer.text == "Đã ghi nhận"
    emu.assert_all_callbacks_answered()
    assert [c.method for c in emu.calls if c.method != "getUpdates"] == [
        "getMe",
        "sendMessage",
        "editMessageText",
        "answerCallbackQuery",
    ]


async def test_press_finds_buttons_by_label_and_says_what_it_sees(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan")
    await lan.send("/start")

    await lan.press("khá")  # a unique case-insensitive part of the label will do

    assert lan.last.text == "Bạn đã chọn: Khá"
    with pytest.raises(AssertionError, match="no button 'Xuất sắc'"):
        await lan.press("Xuất sắc")
    await lan.send("/start")
    with pytest.raises(AssertionError, match="url button"):
        await lan.press("Quy chế")


async def test_an_unanswered_press_is_noticed(emu: TelegramEmulator, bot: Bot, seen: list[Any]) -> None:
    lan = emu.user(1001, "Lan")
    await lan.send("/start")

    await lan.press_data("silent")

    assert emu.unanswered_callback_queries[0].data == "silent"
    with pytest.raises(AssertionError, match="never answered"):
        emu.assert_all_callbacks_answered()
    query_id = seen[-1][1]
    assert await bot.answer_callback_query(query_id) is True
    with pytest.raises(
        TelegramBadRequest, match="query is too old and response timeout expired or query ID is invalid"
    ):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("no-such-query")


async def test_messages_from_groups_and_edits_arrive_as_raw_updates(emu: TelegramEmulator, bot: Bot) -> None:
    group = {"id": -100200300, "type": "supergroup", "title": "Phòng Tổ chức"}
    sender = {"id": 2002, "is_bot": False, "first_name": "Minh"}

    await emu.send_update({"message": {"chat": group, "from": sender, "text": "chào cả phòng"}})
    await emu.send_update(
        {"edited_message": {"message_id": 1, "chat": group, "from": sender, "date": 1, "edit_date": 2, "text": "x"}}
    )

    assert [m.text for m in emu.messages(-100200300)] == ["chào cả phòng"]


async def test_the_bot_must_be_running_to_process_an_update(emu: TelegramEmulator) -> None:
    lan = emu.user(1001, "Lan")

    with pytest.raises(TimeoutError, match=r"did not process update 1 \(message '/start'.*getUpdates"):
        await lan.send("/start", timeout=0.3)


# -- Telegram's limits -----------------------------------------------------------------------


async def test_text_is_limited_to_4096_utf16_units_after_entity_parsing(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)

    await bot.send_message(lan.chat_id, "a" * 4096)
    await bot.send_message(lan.chat_id, "<b>" + "a" * 4096 + "</b>")  # tags do not count
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(lan.chat_id, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(lan.chat_id, "a" * 4095 + "😀")  # 4096 characters, 4097 UTF-16 units
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(lan.chat_id, "  \n ")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(lan.chat_id, BufferedInputFile(png(), "p.png"), caption="ô" * 1025)

    assert [len(m.text) for m in lan.messages] == [4096, 4096]
    assert lan.messages[1].entities == [{"type": "bold", "offset": 0, "length": 4096}]


async def test_callback_data_is_limited_to_64_bytes(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)

    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Chọn", callback_data=data)]])

    await bot.send_message(lan.chat_id, "64 bytes", reply_markup=keyboard("x" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(lan.chat_id, "65 bytes", reply_markup=keyboard("x" * 65))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(lan.chat_id, "22 letters, 66 bytes", reply_markup=keyboard("ờ" * 22))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(
            lan.chat_id,
            "no action",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="?")]]),
        )

    assert [m.text for m in lan.messages] == ["64 bytes"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Xin chào<br>Lan", 'Unsupported start tag "br" at byte offset 9'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("Phòng Tổ chức & Cán bộ", 'Unescaped "&" at byte offset'),
    ],
)
async def test_bad_html_is_refused(emu: TelegramEmulator, bot: Bot, text: str, error: str) -> None:
    lan = emu.user(1001, "Lan", started=True)

    with pytest.raises(TelegramBadRequest, match="can't parse entities") as refused:
        await bot.send_message(lan.chat_id, text)

    assert error in refused.value.message
    assert lan.messages == []


async def test_escaped_html_is_accepted_with_its_entities(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)

    sent = await bot.send_message(
        lan.chat_id,
        '<a href="https://example.gov.vn">Phòng Tổ chức &amp; Cán bộ</a> &lt;3 <tg-spoiler>bí mật</tg-spoiler>',
    )

    assert sent.text == "Phòng Tổ chức & Cán bộ <3 bí mật"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("text_link", 0, 22), ("spoiler", 26, 6)]


async def test_an_identical_edit_is_not_modified(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)
    sent = await bot.send_message(lan.chat_id, "Câu hỏi", reply_markup=rating_keyboard())

    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new message content"):
        await bot.edit_message_text(
            "Câu hỏi", chat_id=lan.chat_id, message_id=sent.message_id, reply_markup=rating_keyboard()
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=lan.chat_id, message_id=sent.message_id, reply_markup=rating_keyboard()
        )
    await bot.edit_message_reply_markup(chat_id=lan.chat_id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("Khác", chat_id=lan.chat_id, message_id=999)
    await bot.delete_message(lan.chat_id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(lan.chat_id, sent.message_id)

    assert lan.messages == []
    [deleted] = emu.messages(lan.chat_id, deleted=True)
    assert deleted.buttons == [] and deleted.history[0]["reply_markup"] is not None


# -- chats, blocking, faults, flood -----------------------------------------------------------


async def test_a_user_who_blocked_the_bot_gets_403(emu: TelegramEmulator, bot: Bot, seen: list[Any]) -> None:
    lan = emu.user(1001, "Lan")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation with a user"):
        await bot.send_message(lan.chat_id, "Chào")
    await lan.send("/start")

    await lan.block()

    assert ("member", "kicked") in seen
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(lan.chat_id, "Nhắc nhở")
    await lan.unblock()
    await bot.send_message(lan.chat_id, "Chào mừng trở lại")
    assert lan.last.text == "Chào mừng trở lại"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "Ai đó?")


async def test_injected_429_surfaces_as_retry_after(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)
    emu.inject("sendMessage", 429, retry_after=7)

    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_message(lan.chat_id, "Lần 1")
    await bot.send_message(lan.chat_id, "Lần 2")

    assert refused.value.retry_after == 7
    assert "retry after 7" in refused.value.message
    assert [m.text for m in lan.messages] == ["Lần 2"]
    assert [(c.status, c.injected) for c in emu.calls_of("sendMessage")] == [(429, True), (200, False)]


async def test_injected_faults_match_a_method_and_a_chat(emu: TelegramEmulator, bot: Bot) -> None:
    lan, minh = emu.user(1001, "Lan", started=True), emu.user(1002, "Minh", started=True)
    emu.inject("sendMessage", 500, times=2, chat_id=minh.chat_id)
    emu.inject("sendmessage", 403, chat_id=lan.chat_id)

    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(lan.chat_id, "1")
    await bot.send_message(lan.chat_id, "2")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(minh.chat_id, "3")
    await bot.send_message(minh.chat_id, "4")

    assert [m.text for m in lan.messages] == ["2"] and [m.text for m in minh.messages] == ["4"]


async def test_a_delayed_call_times_out_but_still_happens(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)
    emu.inject_delay("sendMessage", 0.5)

    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot.send_message(lan.chat_id, "Chậm", request_timeout=0.1)
    await emu.wait_idle()

    assert [m.text for m in lan.messages] == ["Chậm"]  # the client gave up, Telegram did not


async def test_the_flood_limit_answers_429(emu: TelegramEmulator, bot: Bot) -> None:
    lan, minh = emu.user(1001, "Lan", started=True), emu.user(1002, "Minh", started=True)
    emu.set_flood_limit(global_per_second=3, per_chat_per_second=1)

    await bot.send_message(lan.chat_id, "1")
    with pytest.raises(TelegramRetryAfter) as per_chat:
        await bot.send_message(lan.chat_id, "2")
    await bot.send_message(minh.chat_id, "3")
    await bot.send_chat_action(minh.chat_id, "typing")  # not a message: not counted
    third = emu.user(1003, "Hà", started=True)
    await bot.send_message(third.chat_id, "4")
    fourth = emu.user(1004, "Quân", started=True)
    with pytest.raises(TelegramRetryAfter) as overall:
        await bot.send_message(fourth.chat_id, "5")

    assert per_chat.value.retry_after >= 1 and overall.value.retry_after >= 1
    assert emu.max_sends_per_window() == 3
    assert len(emu.sends(include_failed=True)) == 5


def test_sends_are_counted_per_window() -> None:
    times = [10.0, 10.5, 10.99, 11.0, 12.5]

    assert count_per_window(times) == [3, 1, 1]
    assert count_per_window(times, window=2.0) == [4, 1]
    assert max_in_window(times) == 3  # [10.0, 11.0) and [10.5, 11.5) hold three each
    burst = [0.0, 0.2, 0.4, 0.5, 0.9, 1.3]
    assert max_in_window(burst) == 5 and count_per_window(burst) == [5, 1]
    assert max_in_window([0.0, 0.2, 0.4, 1.3, 1.35, 1.39, 1.4]) == 4
    assert count_per_window([]) == [] and max_in_window([]) == 0


async def test_the_emulator_counts_the_bots_sends_per_second(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)

    for n in range(3):
        await bot.send_message(lan.chat_id, f"Tin {n}")

    # The counts are those of the recorded send times (how they fall into windows is the pure
    # functions' business, tested with fixed times): no wall-clock assumption here.
    times = emu.send_times(lan.chat_id)
    assert len(times) == 3 and times == sorted(times)
    assert emu.sends_per_window() == count_per_window(times) and sum(emu.sends_per_window()) == 3
    assert emu.sends_per_window(chat_id=lan.chat_id) == count_per_window(times)
    assert emu.sends_per_window(chat_id=9999) == []
    assert emu.max_sends_per_window(chat_id=lan.chat_id) == max_in_window(times)


# -- files -------------------------------------------------------------------------------


async def test_a_photo_the_bot_uploads_downloads_byte_for_byte(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan")

    await lan.send("/photo")

    photo = lan.last.photo
    assert (photo.width, photo.height) == (40, 30)
    assert lan.last.text == "Biểu đồ tuần" and lan.last.html == "Biểu đồ <b>tuần</b>"
    file = await bot.get_file(photo.file_id)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded.read() == png()
    again = await bot.send_photo(lan.chat_id, photo.file_id)  # a file_id may be sent again
    assert again.photo[-1].file_id == photo.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(lan.chat_id, "no-such-file-id")


async def test_a_photo_from_the_user_reaches_the_bot(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan")
    picture = png(64, 48, "green")

    [reply] = await lan.send_photo(picture, caption="Ảnh sinh hoạt")

    assert reply.text == f"Ảnh 64×48, {hashlib.sha256(picture).hexdigest()[:12]}"
    replies = await lan.send_album([png(10, 10), png(20, 10)])
    assert [m.text.split(",")[0] for m in replies] == ["Ảnh 10×10", "Ảnh 20×10"]
    sent = emu.messages(lan.chat_id, from_bot=False)[-2:]
    assert sent[0].media_group_id == sent[1].media_group_id is not None


async def test_the_reply_keyboard_is_what_the_user_sees_under_the_input(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", started=True)

    await bot.send_message(
        lan.chat_id,
        "Bạn có tham gia không?",
        reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Có"), KeyboardButton(text="Không")]]),
    )
    shown = lan.keyboard
    await bot.send_message(lan.chat_id, "Cảm ơn", reply_markup=ReplyKeyboardRemove())

    assert shown == [["Có", "Không"]]
    assert lan.keyboard == []
    assert lan.messages[0].buttons == []  # a reply keyboard is not part of the message


async def test_documents_and_albums(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan")

    await lan.send("/doc")
    document = lan.last.document
    replies = await lan.send("/album")

    assert (document.file_name, document.mime_type) == ("bao-cao.csv", "text/csv")
    assert document.data.decode().startswith("Đơn vị,Điểm")
    assert len(replies) == 2 and all(m.photo for m in replies)
    assert replies[0].media_group_id == replies[1].media_group_id is not None
    assert [m.text for m in replies] == ["Ảnh 1", None]
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(lan.chat_id, document.file_id)


# -- webhook -----------------------------------------------------------------------------


async def test_updates_go_to_the_webhook_with_the_secret_token(emu: TelegramEmulator) -> None:
    bot = make_bot(emu)
    dispatcher = make_dispatcher([])
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token="s3cret-Token_1", handle_in_background=False).register(
        app, path="/webhook"
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    try:
        await bot.set_webhook(url, secret_token="s3cret-Token_1")
        lan = emu.user(1001, "Lan")

        await lan.send("/start")
        await lan.press("Tốt")
        [answer_in_reply] = await lan.send("/fast")

        assert lan.last_answer.text == "Đã ghi nhận"
        assert answer_in_reply.text == "Trả lời ngay trong webhook"
        assert (await bot.get_webhook_info()).url == url
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        await bot.set_webhook(url, secret_token="wrong-secret")  # the handler answers 401
        with pytest.raises(Exception, match="Unauthorized|not delivered"):
            await lan.send("lạc đường", timeout=3)
        assert "401" in (await bot.get_webhook_info()).last_error_message
    finally:
        await bot.delete_webhook()
        await bot.session.close()
        await runner.cleanup()


# -- the menu, the token, the control API -------------------------------------------------


async def test_commands_are_stored_per_scope_and_language(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", language_code="vi")
    john = emu.user(1002, "John", language_code="en")
    admin = emu.user(1003, "Hà", language_code="vi")
    tom = emu.user(1004, "Tom", language_code="en-GB")

    await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")])
    await bot.set_my_commands([BotCommand(command="start", description="Start")], language_code="en")
    await bot.set_my_commands(
        [BotCommand(command="start", description="Bắt đầu"), BotCommand(command="report", description="Báo cáo")],
        scope=BotCommandScopeChat(chat_id=admin.chat_id),
    )

    assert lan.commands == [("start", "Bắt đầu")]
    assert john.commands == [("start", "Start")]
    assert tom.commands == [("start", "Start")]
    assert admin.commands == [("start", "Bắt đầu"), ("report", "Báo cáo")]
    assert emu.menu_commands("default", "en") == [("start", "Start")]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=admin.chat_id))] == [
        "start",
        "report",
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Báo_cáo", description="x")])
    await bot.delete_my_commands(language_code="en")
    assert john.commands == [("start", "Bắt đầu")]


async def test_a_wrong_token_and_an_unknown_method(emu: TelegramEmulator) -> None:
    stranger = make_bot(emu, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.url}/bot{TOKEN}/sendPigeon") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.post(f"{emu.url}/bot{TOKEN}/getMe", json={}) as response:
            assert (await response.json())["result"]["username"] == "vanhoa_test_bot"
        async with http.post(f"{emu.url}/bot{TOKEN}/sendMessage", data={"chat_id": "1", "text": "x"}) as response:
            assert (await response.json())["description"] == "Bad Request: chat not found"


async def test_the_control_api_drives_a_conversation_over_http(emu: TelegramEmulator, bot: Bot) -> None:
    async with aiohttp.ClientSession(base_url=emu.url) as http:
        created = await (await http.post("/_emu/users", json={"first_name": "Lan", "language_code": "vi"})).json()
        chat_id = created["chat_id"]

        sent = await (await http.post(f"/_emu/users/{chat_id}/messages", json={"text": "/start"})).json()
        [greeting] = sent["messages"]
        pressed = await (
            await http.post(
                f"/_emu/users/{chat_id}/press",
                json={"message_id": greeting["message_id"], "callback_data": "rate:fair"},
            )
        ).json()
        waiting = asyncio.create_task(
            http.get(f"/_emu/chats/{chat_id}/messages", params={"since": pressed["cursor"], "timeout": "5"})
        )
        await asyncio.sleep(0.05)
        await bot.send_photo(chat_id, BufferedInputFile(png(), "c.png"))
        changed = await (await waiting).json()
        photo = await (await http.get(changed["messages"][0]["file_url"])).read()

    assert greeting["html"].startswith("Xin chào, <b>Lan</b>")
    assert greeting["buttons"][0][0] == {"text": "Tốt", "callback_data": "rate:good"}
    assert pressed["answer"] == {"answered": True, "text": "Đã ghi nhận", "show_alert": False, "url": None}
    assert [m["text"] for m in pressed["messages"]] == ["Bạn đã chọn: Khá"]
    assert [m["from_bot"] for m in changed["messages"]] == [True] and photo == png()
