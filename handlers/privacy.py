"""/mydata and /forget (SPEC §3.9; Law 91/2025/QH15, Decree 356/2025/NĐ-CP): routing only.
A person downloads everything kept about them as a document to read (DOCX) and a JSON file,
or erases it after a confirmation, choosing whether their good examples are removed or kept
without their name (bot/services/privacy.py decides, bot/views/privacy.py draws)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import ForgetAct, ForgetCB
from bot.channels.telegram.menus import clear_chat_menu
from bot.channels.telegram.render import reply, show
from bot.domain import Person
from bot.services.privacy import PrivacyService
from bot.views import privacy as views


async def mydata(message: Message, privacy: PrivacyService, campaign: Campaign, user: Person) -> None:
    """Two files: a document to read (DOCX, in the person's language, weeks by their dates)
    and the same data as JSON, for a computer or another service."""
    await reply(message, views.mydata_screen(await privacy.download(user, campaign)))


async def forget(message: Message, state: FSMContext) -> None:
    await state.clear()
    await reply(message, views.forget_question())


async def forget_cancel(query: CallbackQuery) -> None:
    await show(query, views.forget_cancelled())


async def forget_confirmed(
    query: CallbackQuery,
    callback_data: ForgetCB,
    state: FSMContext,
    bot: Bot,
    privacy: PrivacyService,
    user: Person,
) -> None:
    if not isinstance(query.message, Message):
        return
    telegram_id = user.telegram_id
    await state.clear()
    # The update's language was set from the user's row before it went: the reply keeps it.
    result = await privacy.forget(user, keep_examples=callback_data.a == ForgetAct.anonymise)
    if telegram_id is not None:
        await clear_chat_menu(bot, telegram_id)  # their own menu goes with their role
    screen = views.forgotten(result)
    try:
        await show(query, screen)
    except TelegramBadRequest:
        await reply(query.message, screen)


def make_router() -> Router:
    """Everyone registered (Action.use_bot). A new router each time: every Dispatcher gets its own."""
    router = Router(name="privacy")
    router.message.register(mydata, Command("mydata"), StateFilter("*"))
    router.message.register(forget, Command("forget"), StateFilter("*"))
    router.callback_query.register(forget_cancel, ForgetCB.filter(F.a == ForgetAct.cancel))
    router.callback_query.register(forget_confirmed, ForgetCB.filter(F.a.in_({ForgetAct.remove, ForgetAct.anonymise})))
    return router
