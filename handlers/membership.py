"""my_chat_member: a person blocked or unblocked the bot (SPEC §5: 403 for a blocked user)."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.services.audit import person_ref
from bot.services.profile import ProfileService

log = logging.getLogger(__name__)


async def blocked(event: ChatMemberUpdated, profile: ProfileService) -> None:
    if await profile.set_reachable(event.from_user.id, False):
        log.info("user %s blocked the bot: marked inactive", person_ref(event.from_user.id))


async def unblocked(event: ChatMemberUpdated, profile: ProfileService) -> None:
    if await profile.set_reachable(event.from_user.id, True):
        log.info("user %s unblocked the bot: active again", person_ref(event.from_user.id))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="membership")
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
