"""/mydata and /forget (SPEC §3.9; Law 91/2025/QH15, Decree 356/2025/NĐ-CP): a person
downloads everything kept about them as a document to read (DOCX) and a JSON file, or erases it after a confirmation,
choosing whether their good examples are removed or kept without their name
(bot.services.privacy)."""

from __future__ import annotations

import asyncio
import json

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import ForgetAct, ForgetCB
from bot.clock import Clock
from bot.i18n import _
from bot.render.mydata_docx import build_mydata_docx
from bot.services.privacy import PrivacyService
from handlers.common import clear_chat_menu
from handlers.edit import edit_in_place
from storage.models import User


async def mydata(message: Message, session: AsyncSession, clock: Clock, campaign: Campaign, user: User) -> None:
    """Two files: a document to read (DOCX, in the person's language, weeks by their dates)
    and the same data as JSON, for a computer or another service."""
    data = await PrivacyService(session, clock).export(user)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    word = await asyncio.to_thread(build_mydata_docx, data, campaign, user.timezone)
    await message.answer_document(
        BufferedInputFile(word, filename=_("my-data.docx")),
        caption=_(
            "Everything the bot keeps about you, to read: who you are, your consent, your settings, "
            "your weekly self-assessments week by week, and the good examples and nominations you entered. "
            "To erase it all, send /forget."
        ),
    )
    await message.answer_document(
        BufferedInputFile(body, filename="du-lieu-cua-toi.json"),
        caption=_(
            "The same data as a JSON file, for a computer to read or to take to another service. "
            "Photos are counted, not included."
        ),
    )


async def forget(message: Message, state: FSMContext) -> None:
    await state.clear()
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🗑 Erase, and remove my good examples"), callback_data=ForgetCB(a=ForgetAct.remove))
    kb.button(text=_("🗑 Erase, keep my good examples without my name"), callback_data=ForgetCB(a=ForgetAct.anonymise))
    kb.button(text=_("✖ Cancel"), callback_data=ForgetCB(a=ForgetAct.cancel))
    kb.adjust(1)
    await message.answer(
        _(
            "<b>Erase your data?</b>\n"
            "Your profile, consent records, conversation state and messages waiting for you are deleted, and you "
            "leave the bot: to come back you will need a new invitation.\n"
            "Your weekly self-assessments stay only as anonymous figures of your unit, without your name or "
            "anything you typed. Drafts and their photos are deleted.\n"
            "Your submitted good examples: remove them, or keep them for the campaign's record without your name?\n\n"
            "This cannot be undone. You can first download your data with /mydata."
        ),
        reply_markup=kb.as_markup(),
    )


async def on_forget(
    query: CallbackQuery,
    callback_data: ForgetCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    bot: Bot,
    user: User,
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.a == ForgetAct.cancel:
        await edit_in_place(query, _("Cancelled. Nothing was erased."))
        return
    telegram_id = user.telegram_id
    await state.clear()
    # The update's language was set from the user's row before it went: the reply keeps it.
    result = await PrivacyService(session, clock).forget(user, keep_examples=callback_data.a == ForgetAct.anonymise)
    text = _(
        "✅ Your data has been erased: {checkins} weekly self-assessments now count only in your unit's "
        "anonymous figures; good examples kept without your name: {kept}; removed: {removed}.\n"
        "Thank you for taking part. To come back, ask your unit for a new invitation."
    ).format(checkins=result.checkins, kept=result.examples_kept, removed=result.examples_removed)
    if telegram_id is not None:
        await clear_chat_menu(bot, telegram_id)  # their own menu goes with their role
    try:
        await edit_in_place(query, text)
    except TelegramBadRequest:
        await query.message.answer(text)


def make_router() -> Router:
    """Everyone registered (Action.use_bot). A new router each time: every Dispatcher gets its own."""
    router = Router(name="privacy")
    router.message.register(mydata, Command("mydata"), StateFilter("*"))
    router.message.register(forget, Command("forget"), StateFilter("*"))
    router.callback_query.register(on_forget, ForgetCB.filter())
    return router
