"""Telegram's command menus: per language for everyone, and per chat for a person's role
and chosen language (Telegram's default menus follow the app's language, not the bot's)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat

from bot import i18n
from bot.domain import Person, Role
from bot.services.audit import person_ref

log = logging.getLogger(__name__)


def command_menu(role: Role | None) -> list[BotCommand]:
    """The command menu in the current locale; admins see their commands too."""
    _ = i18n.gettext
    cmds = [
        BotCommand(command="checkin", description=_("This week's self-assessment")),
        BotCommand(command="history", description=_("Your recent weeks and trend")),
        BotCommand(command="share", description=_("Share a good example")),
        BotCommand(command="myshares", description=_("Your good examples and their status")),
        BotCommand(command="help", description=_("What the bot can do")),
        BotCommand(command="settings", description=_("Language, check-in time, pause")),
        BotCommand(command="cancel", description=_("Stop the current step")),
    ]
    if role in (Role.leader, Role.admin):
        cmds += [BotCommand(command="unit", description=_("Your unit's figures"))]
    if role == Role.leader:
        cmds += [
            BotCommand(command="nominate", description=_("Nominations for awards (§IV.2)")),
            BotCommand(command="report", description=_("The annual report, ready to sign (DOCX)")),
            BotCommand(command="selfassess", description=_("The unit's self-assessment (§IV.1.1)")),
            BotCommand(command="submit", description=_("Submit the signed annual report")),
            BotCommand(command="dossier", description=_("Nomination dossiers (Decree 98/2023)")),
        ]
    if role in (Role.comms, Role.admin):
        cmds += [
            BotCommand(command="review", description=_("Review submitted good examples")),
            BotCommand(command="highlights", description=_("Approved examples, exports")),
        ]
    if role == Role.admin:
        cmds += [
            BotCommand(command="units", description=_("Unit tree")),
            BotCommand(command="invite", description=_("Create an invitation link")),
            BotCommand(command="revoke", description=_("Withdraw an invitation")),
            BotCommand(command="deadlines", description=_("Deadline calendar")),
            BotCommand(command="submissions", description=_("Who has submitted the annual report")),
            BotCommand(command="consolidated", description=_("The consolidated report of all units")),
            BotCommand(command="dossier", description=_("Nomination dossiers (Decree 98/2023)")),
            BotCommand(command="eligibility", description=_("Not eligible for commendation (Decree 98, Art. 4)")),
            BotCommand(command="campaign", description=_("The campaign in force and its period")),
            BotCommand(command="invites", description=_("Invitations that work")),
            BotCommand(command="dashboard", description=_("Participation across the sector")),
            BotCommand(command="nominations", description=_("Nomination rounds and exports")),
            BotCommand(command="announce", description=_("Announcement to a role or unit")),
            BotCommand(command="audit", description=_("Audit log")),
        ]
    cmds += [
        BotCommand(command="mydata", description=_("Download your data")),
        BotCommand(command="forget", description=_("Erase your data")),
    ]
    return cmds


async def set_chat_menu(bot: Bot, user: Person) -> None:
    """The person's own command menu (their chat's scope), in the current language and for
    their role: Telegram's default menus follow the app's language, not the one chosen here."""
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
