"""Deadlines (SPEC §3.7): the "done" tap on a leader's reminder, and /deadlines and
/campaign for admins. Routing only: the service decides (bot/services/deadlines.py), the
views draw (bot/views/deadlines.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import DeadlineDoneCB
from bot.channels.telegram.render import reply, show
from bot.config import Settings
from bot.domain import Person
from bot.services.deadlines import DeadlineService
from bot.services.errors import InvalidInput
from bot.views.deadlines import (
    USAGE,
    added_screen,
    calendar_screen,
    campaign_screen,
    edited_screen,
    marked_screen,
    removed_screen,
    status_screen,
)
from bot.views.screen import Screen


async def mark_done(
    query: CallbackQuery,
    callback_data: DeadlineDoneCB,
    callback_answer: CallbackAnswer,
    deadlines: DeadlineService,
    user: Person,
) -> None:
    await show(query, marked_screen(await deadlines.done_for_unit(callback_data.k, user)), callback_answer)


# -- /deadlines: one function per sub-command, each one service call and its view ----------


def _usage() -> InvalidInput:
    return InvalidInput("deadline_usage", usage=USAGE)


async def _list(svc: DeadlineService, user: Person, args: str) -> Screen:
    return calendar_screen(await svc.calendar(svc.today(user)))


async def _add(svc: DeadlineService, user: Person, args: str) -> Screen:
    parts = args.split(maxsplit=1)
    if len(parts) < 2:
        raise _usage()
    row = await svc.add_typed(user, parts[0], parts[1])
    return added_screen(row.id, row.due, row.title_vi)


async def _edit(svc: DeadlineService, user: Person, args: str) -> Screen:
    parts = args.split(maxsplit=2)
    if len(parts) < 2 or not parts[0].isdigit():
        raise _usage()
    row = await svc.edit_typed(user, int(parts[0]), parts[1], parts[2] if len(parts) > 2 else None)
    return edited_screen(row.id, row.due, row.title_vi)


async def _remove(svc: DeadlineService, user: Person, args: str) -> Screen:
    parts = args.split(maxsplit=1)
    if not parts or not parts[0].isdigit():
        raise _usage()
    return removed_screen((await svc.remove(int(parts[0]), user.telegram_id)).id)


async def _status(svc: DeadlineService, user: Person, args: str) -> Screen:
    parts = args.split(maxsplit=1)
    if not parts:
        raise _usage()
    return status_screen(await svc.status(parts[0]))


SUBCOMMANDS: dict[str, Callable[[DeadlineService, Person, str], Awaitable[Screen]]] = {
    "list": _list,
    "add": _add,
    "edit": _edit,
    "remove": _remove,
    "status": _status,
}


async def deadlines_command(message: Message, command: CommandObject, deadlines: DeadlineService, user: Person) -> None:
    words = (command.args or "").split(maxsplit=1)
    run = SUBCOMMANDS.get(words[0].lower() if words else "list")
    if run is None:
        raise _usage()
    await reply(message, await run(deadlines, user, words[1] if len(words) > 1 else ""))


async def show_campaign(
    message: Message, deadlines: DeadlineService, campaign: Campaign, settings: Settings, user: Person
) -> None:
    await reply(message, campaign_screen(campaign, settings.campaign_file, deadlines.today(user)))


def make_leader_router() -> Router:
    """Leaders mark a deadline done for their unit."""
    router = Router(name="deadline-done")
    router.callback_query.register(mark_done, DeadlineDoneCB.filter())
    return router


def make_admin_router() -> Router:
    router = Router(name="deadlines-admin")
    router.message.register(deadlines_command, Command("deadlines"))
    router.message.register(show_campaign, Command("campaign"))
    return router
