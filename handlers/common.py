"""/help and /cancel, from anywhere; and the catch-all, which comes last."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.campaign.schema import Campaign
from bot.campaign.wording import annual_report_due, max_nominations
from bot.config import Settings
from bot.i18n import _, current_locale
from bot.services.access import Action, allowed
from bot.services.audit import configure_log_key, person_ref
from bot.views.texts import finish_setup_text, not_registered_text, role_name
from storage.models import Role, User

log = logging.getLogger(__name__)


async def set_chat_menu(bot: Bot, user: User) -> None:
    """The person's own command menu (their chat's scope), in the current language and for
    their role: Telegram's default menus follow the app's language, not the one chosen here."""
    from bot.app import command_menu  # bot.app builds the routers: imported when first used

    if user.telegram_id is None:
        return
    try:
        await bot.set_my_commands(command_menu(Role(user.role)), scope=BotCommandScopeChat(chat_id=user.telegram_id))
    except TelegramAPIError as exc:  # the menu is a convenience: the step goes on without it
        log.info("no command menu set for %s: %s", person_ref(user.telegram_id), exc)


async def clear_chat_menu(bot: Bot, telegram_id: int) -> None:
    """Back to the default menus (after /forget)."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=telegram_id))
    except TelegramAPIError as exc:
        log.info("command menu of %s not removed: %s", person_ref(telegram_id), exc)


async def configure_logging(settings: Settings) -> None:
    """At start: the key under which people are named in the log (bot.services.audit)."""
    configure_log_key(settings)


def help_text(user: User, campaign: Campaign) -> str:
    """The award, the quota and the report's due day come from the campaign file (SPEC §1)."""
    lines = [
        _("<b>What I can do</b> — you are registered as {role}.").format(role=role_name(user.role)),
        "",
        _("/checkin — this week's self-assessment (one minute)"),
        _("/history — your recent weeks, streak and trend chart"),
        _("/share — share a good example: a colleague's, your unit's or your own"),
        _("/myshares — your good examples and what became of them"),
        _("/settings — language, check-in day and time, pause during leave"),
        _("/cancel — stop what you are doing"),
        _("/help — this list"),
    ]
    if allowed(user.role, Action.view_unit):
        lines += [
            "",
            _("<b>Your unit</b>"),
            _("/unit — participation week by week, criteria and sub-units, with a chart"),
        ]
    if allowed(user.role, Action.nominate):
        lines += [
            _("/nominate — nominations for the {award}: {quota}").format(
                award=escape(campaign.awards.award.get(current_locale())), quota=max_nominations(campaign)
            ),
            (
                _("/report — the draft of the annual report (due before {day}), as a Word file").format(day=due)
                if (due := annual_report_due(campaign))
                else _("/report — the draft of the annual report, as a Word file")
            ),
            _("/selfassess — the unit's self-assessment on the collective criteria (§IV.1.1)"),
            _("/submit — submit the signed annual report (PDF or DOCX)"),
        ]
    if allowed(user.role, Action.review):
        lines += [
            "",
            _("<b>Good examples</b>"),
            _("/review — review submitted good examples, one at a time"),
            _("/highlights — approved examples by period, unit and category; DOCX and CSV exports"),
        ]
    if allowed(user.role, Action.manage_units):
        lines += [
            "",
            _("<b>Administration</b>"),
            _("/units — the unit tree"),
            _("/invite <code>UNIT</code> [role] [days] [uses] — create an invitation link"),
            _("/revoke <code>TOKEN</code> — withdraw an invitation"),
            _("/deadlines — the deadline calendar: units done and pending; add, edit, remove"),
            _("/submissions — who has submitted the annual report; the files; remind the rest"),
            _("/campaign — the campaign in force and its period"),
            _("/units add, import, show — add units, import a CSV file, see a unit's people; /role — change a role"),
            _("/invites — invitations that work; withdraw them"),
            _("/dashboard — participation by unit for a week or a year; XLSX"),
            _("/nominations — nomination rounds: open one, see and export every unit's"),
            _("/announce — an announcement to a role or a unit"),
            _("/audit — the audit log"),
        ]
    lines += [
        "",
        _("<b>Your data</b>"),
        _("/mydata — download everything kept about you"),
        _("/forget — erase your data"),
    ]
    return "\n".join(lines)


async def show_help(message: Message, user: User, campaign: Campaign) -> None:
    await message.answer(help_text(user, campaign))


async def cancel(message: Message, state: FSMContext, user: User | None) -> None:
    current = await state.get_state()
    await state.clear()
    if user is not None and user.onboarded_at is None:
        await message.answer(_("Stopped. Send /start to finish setting up when you are ready."))
    elif current is None:
        await message.answer(_("There is nothing to cancel."))
    else:
        await message.answer(_("Cancelled. Nothing more was changed."))


async def unknown_message(message: Message, user: User | None) -> None:
    if user is None:
        await message.answer(not_registered_text())
        return
    if user.onboarded_at is None:
        await message.answer(finish_setup_text())
        return
    await message.answer(_("I did not understand that. Send /help to see what I can do."))


async def unexpected_in_flow(message: Message) -> None:
    """Something other than the expected text or tap, in the middle of a step."""
    await message.answer(
        _("Please answer the question above (use the buttons if there are any), or send /cancel to stop.")
    )


async def edited_message(message: Message, user: User | None) -> None:
    """An edit of a message already handled: its first version was taken (or refused) and
    the step has moved on, so the edit is not read again; say so rather than stay silent."""
    if user is None:
        await message.answer(not_registered_text())
        return
    await message.answer(_("Edits are not read. Please send the correction as a new message."))


async def stale_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("This button is no longer active.")


def make_router() -> Router:  # open to everyone
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="common")
    router.startup.register(configure_logging)
    router.message.register(cancel, Command("cancel"), StateFilter("*"))
    return router


def make_member() -> Router:  # registered people only (gated in bot.app)
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="member")
    router.message.register(show_help, Command("help"))
    return router


def make_fallback() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="fallback")
    router.message.register(unknown_message, StateFilter(None))
    router.message.register(unexpected_in_flow)
    router.edited_message.register(edited_message, StateFilter("*"))
    router.callback_query.register(stale_button)
    return router
