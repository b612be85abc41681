"""/share and /myshares on Zalo (SPEC §3.4; plan §III.2, §VI.5), as handlers/share.py does it
on Telegram with the same service (bot/services/examples.py: the draft is kept in the
database step by step) and the same views (bot/views/share.py).

On Zalo a picture arrives as an address (message.image.received): the bot reads it through
the Zalo client, at most MAX_PHOTO_BYTES, and the service keeps a stripped copy, as for a
Telegram photo. The steps' "tap" wording becomes the number to send.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.zalo.client import FileTooBig, ZaloError
from bot.channels.zalo.turn import Turn, person_of
from bot.domain import DraftStep
from bot.i18n import _
from bot.services.errors import InvalidInput
from bot.services.examples import CATEGORIES, EDITABLE_STEPS, MAX_PHOTO_BYTES, SUBJECTS, Draft, ExampleStateError
from bot.views import share as views
from bot.views.actions import Share, ShareAct
from bot.views.screen import Action, Screen

log = logging.getLogger(__name__)

MYSHARES_LIMIT = 20
#: Reads a picture's address: (url, max_bytes) → its bytes (the Zalo client's `download`).
Download = Callable[[str, int], Awaitable[bytes]]


def _zalo(screen: Screen) -> Screen:
    """A draft's screen with Telegram's "tap" said as Zalo's number (Continue is always 1)."""
    text = screen.text
    for telegram, zalo in (
        (_("Then tap Continue."), _("Then send 1 to continue.")),
        (_("Send more, or tap Continue."), _("Send more, or send 1 to continue.")),
        (_("Tap Continue."), _("Send 1 to continue.")),
        (_("Please answer with the buttons below."), _("Please reply with the number of your answer.")),
        (_("Please send photos, or tap a button below."), _("Please send photos, or reply with a number below.")),
    ):
        text = text.replace(telegram, zalo)
    return Screen(text, screen.rows, screen.attachments, screen.notice, screen.alert)


def _step(turn: Turn, draft: Draft, *, above: str = "") -> None:
    """The draft's current step; text and pictures now go to the draft."""
    turn.show(_zalo(views.step_screen(draft, person_of(turn).full_name)), above=above, step="share")


def _index(value: int, size: int) -> int:
    if not 0 <= value < size:
        raise ExampleStateError("example_gone")
    return value


# -- entering ------------------------------------------------------------------------------------


async def begin(turn: Turn) -> None:
    """/share, and the self-assessment's "Yes, a good example": a new draft, or the unfinished one."""
    user = person_of(turn)
    drafting = await turn.services.examples.begin(user)
    if drafting.resume:
        turn.show(views.resume_screen(drafting.draft, turn.services.settings.timezone))
        return
    _step(turn, drafting.draft)


async def myshares(turn: Turn) -> None:
    found = await turn.services.examples.my_shares(person_of(turn), MYSHARES_LIMIT)
    turn.show(views.myshares_screen(found, turn.services.settings.timezone))


# -- the numbered answers: one function per action --------------------------------------------


async def resume(turn: Turn, action: Share) -> None:
    _step(turn, await turn.services.examples.resume(person_of(turn), action.d))


async def restart(turn: Turn, action: Share) -> None:
    _step(turn, await turn.services.examples.restart(person_of(turn), action.d))


async def category(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    ex = await svc.choose_category(person_of(turn), action.d, CATEGORIES[_index(action.v, len(CATEGORIES))])
    _step(turn, await svc.shown(ex))


async def subject(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    ex = await svc.choose_subject(person_of(turn), action.d, SUBJECTS[_index(action.v, len(SUBJECTS))])
    _step(turn, await svc.shown(ex))


async def photos_done(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    _step(turn, await svc.shown(await svc.photos_done(person_of(turn), action.d)))


async def photos_clear(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    _step(turn, await svc.shown(await svc.remove_photos(person_of(turn), action.d)))


async def consent(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    _step(turn, await svc.shown(await svc.set_consent(person_of(turn), action.d, action.v == 1)))


async def edit(turn: Turn, action: Share) -> None:
    draft = await turn.services.examples.resume(person_of(turn), action.d)
    turn.show(views.edit_menu_screen(draft.id))


async def edit_field(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    step = EDITABLE_STEPS[_index(action.v, len(EDITABLE_STEPS))]
    _step(turn, await svc.shown(await svc.edit(person_of(turn), action.d, step)))


async def preview(turn: Turn, action: Share) -> None:
    svc = turn.services.examples
    _step(turn, await svc.shown(await svc.back_to_preview(person_of(turn), action.d)))


async def discard(turn: Turn, action: Share) -> None:
    draft = await turn.services.examples.resume(person_of(turn), action.d)
    turn.show(views.discard_screen(draft.id))


async def discard_yes(turn: Turn, action: Share) -> None:
    await turn.services.examples.discard(person_of(turn), action.d)
    turn.show(views.discarded_screen())
    turn.state.shown = None


async def send(turn: Turn, action: Share) -> None:
    ex = await turn.services.examples.submit(person_of(turn), action.d)
    turn.show(views.sent_screen(ex))
    turn.state.shown = None


async def answer(turn: Turn, action: Share) -> None:
    """The reviewers' question: the text sent next is the answer."""
    question = await turn.services.examples.open_question(person_of(turn), action.d)
    turn.show(views.answer_prompt_screen(question), step="share.answer", example=action.d)


ACTS: dict[ShareAct, Callable[[Turn, Share], Awaitable[None]]] = {
    ShareAct.resume: resume,
    ShareAct.restart: restart,
    ShareAct.category: category,
    ShareAct.subject: subject,
    ShareAct.photos_done: photos_done,
    ShareAct.photos_clear: photos_clear,
    ShareAct.consent: consent,
    ShareAct.edit: edit,
    ShareAct.edit_field: edit_field,
    ShareAct.preview: preview,
    ShareAct.discard: discard,
    ShareAct.discard_yes: discard_yes,
    ShareAct.send: send,
    ShareAct.answer: answer,
}


async def share_action(turn: Turn, action: Share) -> None:
    await ACTS[action.a](turn, action)


# -- typed text and pictures ---------------------------------------------------------------------


async def typed(turn: Turn, text: str) -> None:
    result = await turn.services.examples.type_text(person_of(turn), text)
    if result.draft is None:
        turn.show(views.no_draft_screen())
        turn.state.shown = None
    elif result.taken:
        _step(turn, result.draft)
    else:
        _step(turn, result.draft, above=_("Please reply with the number of your answer."))


async def answer_typed(turn: Turn, text: str) -> None:
    ex = await turn.services.examples.answer_question(person_of(turn), int(turn.state.data.get("example", 0)), text)
    turn.show(views.answered_screen(ex))
    turn.state.shown = None


async def picture(turn: Turn) -> None:
    """A picture sent while the draft asks for photos: read from its address within the
    limit, kept stripped; the count, and what was left out, said after it."""

    svc, user = turn.services.examples, person_of(turn)
    draft = await svc.current(user)
    if draft is None:
        turn.show(views.no_draft_screen())
        turn.state.shown = None
        return
    if draft.example.step != DraftStep.photos:
        _step(turn, draft, above=_("Photos come at step 4, after the description."))
        return
    url = turn.incoming.photo_url or ""
    download: Download | None = turn.conv.download
    if download is None or not url:
        raise InvalidInput("photo_unreadable")
    try:
        data = await download(url, MAX_PHOTO_BYTES)
    except FileTooBig:
        raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024)) from None
    except (ZaloError, ValueError) as exc:
        log.info("zalo: a picture could not be read: %s", exc)
        raise InvalidInput("photo_unreadable") from None
    # The address identifies the picture: the same event delivered twice keeps one copy.
    source = "zalo:" + hashlib.sha256(url.encode()).hexdigest()[:40]
    result = await svc.add_photo(user, draft.id, data, source)
    screen = views.photo_status_screen(draft.id, result.count, 1 if result.full else 0, 0)
    turn.show(_zalo(screen), step="share")


COMMANDS: dict[str, Callable[[Turn], Awaitable[None]]] = {"share": begin, "myshares": myshares}
ACTIONS: dict[type[Action], Callable[[Turn, Any], Awaitable[None]]] = {Share: share_action}
TYPED: dict[str, Callable[[Turn, str], Awaitable[None]]] = {"share": typed, "share.answer": answer_typed}
