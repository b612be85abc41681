"""A person's rights over their data (SPEC §3.9; Law 91/2025/QH15 on personal data
protection and Decree 356/2025/NĐ-CP): /mydata gives them everything kept about them,
/forget erases it.

Erasure keeps what the campaign's record needs without an identity:
- check-ins stay with their unit and week but lose the person (user_id NULL) and every
  free text they typed (reflection, example note, notes on unmet items), so the unit's
  figures for past weeks do not change (bot.services.stats counts detached check-ins);
- good examples are removed, or kept without the submitter (and with the person's name
  struck from their text), as the person chooses; drafts and their photos always go;
- consent records, conversation state and every queued or sent message for them are
  deleted; every reference to them elsewhere (reviewer, note author, nominations entered,
  deadlines marked done, rounds or deadlines or invitations created, broadcasts started,
  the audit log's actor) is cleared; their name is struck from messages queued for others
  (a leader's digest lists who has not checked in);
- the users row is deleted: a new invitation is needed to come back.

Both leave an audit entry that names no one.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.domain import Person
from bot.render.mydata_docx import build_mydata_docx
from bot.services.audit import AuditService
from storage.awards import Nomination, NominationRound
from storage.delivery import Broadcast, CustomDeadline, DeadlineDone, OutboxMessage
from storage.examples import ExampleNote, ExamplePhoto, ExampleStatus, GoodExample
from storage.models import (
    AuditEntry,
    CheckIn,
    CheckInAnswer,
    ConsentRecord,
    FsmRecord,
    Invitation,
    Unit,
    User,
)

STRUCK = "***"  # what replaces the person's name in texts that stay
MIN_NAME_TO_STRIKE = 5  # shorter "names" would strike parts of ordinary words


@dataclass(frozen=True)
class MyData:
    """/mydata's two files: a document to read (DOCX, in the person's language) and the
    same data as JSON."""

    docx: bytes
    json: bytes


@dataclass(frozen=True)
class ForgetResult:
    checkins: int  # detached from the person
    examples_kept: int  # anonymised
    examples_removed: int  # drafts included
    messages_removed: int  # outbox rows for them


def _iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text; anything else as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _v(value: Any) -> Any:
    """An enum's stored value ("done"), whether the row holds the enum or its string."""
    return getattr(value, "value", value)


def _strike(text: str | None, names: tuple[str, ...]) -> str | None:
    if not text:
        return text
    for name in names:
        text = text.replace(name, STRUCK)
    return text


class PrivacyService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.audit = AuditService(session, clock)

    # -- /mydata ------------------------------------------------------------------------

    async def download(self, user: Person, campaign: Campaign) -> MyData:
        """Everything kept about `user` as the two files of /mydata (the DOCX is laid out
        in a thread, in the current language)."""
        data = await self.export(user)
        body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        word = await asyncio.to_thread(build_mydata_docx, data, campaign, user.timezone)
        return MyData(docx=word, json=body)

    async def export(self, user: Person) -> dict[str, Any]:
        """Everything kept about `user`, as plain JSON-ready data."""
        s, uid = self.session, user.id
        unit = await s.get(Unit, user.unit_id) if user.unit_id else None
        consents = (
            await s.exec(select(ConsentRecord).where(ConsentRecord.user_id == uid).order_by(col(ConsentRecord.id)))
        ).all()
        checkins = (await s.exec(select(CheckIn).where(CheckIn.user_id == uid).order_by(col(CheckIn.week)))).all()
        answers: dict[int, list[CheckInAnswer]] = {}
        if checkins:
            res = await s.exec(select(CheckInAnswer).where(col(CheckInAnswer.checkin_id).in_([c.id for c in checkins])))
            for a in res.all():
                answers.setdefault(a.checkin_id, []).append(a)
        examples = (
            await s.exec(select(GoodExample).where(GoodExample.submitter_id == uid).order_by(col(GoodExample.id)))
        ).all()
        notes: dict[int, list[ExampleNote]] = {}
        photos: dict[int, int] = {}
        if examples:
            ids = [e.id for e in examples]
            for n in (
                await s.exec(
                    select(ExampleNote).where(col(ExampleNote.example_id).in_(ids)).order_by(col(ExampleNote.id))
                )
            ).all():
                notes.setdefault(n.example_id, []).append(n)
            for p in (await s.exec(select(ExamplePhoto.example_id).where(col(ExamplePhoto.example_id).in_(ids)))).all():
                photos[p] = photos.get(p, 0) + 1
        nominations = (
            await s.exec(
                select(Nomination, Unit)
                .join(Unit, col(Unit.id) == col(Nomination.unit_id))
                .where(Nomination.nominated_by == uid)
                .order_by(col(Nomination.id))
            )
        ).all()
        audit = (
            (
                await s.exec(
                    select(AuditEntry)
                    .where(AuditEntry.actor_telegram_id == user.telegram_id)
                    .order_by(col(AuditEntry.id))
                )
            ).all()
            if user.telegram_id
            else []
        )
        data = {
            "exported_at": _iso(self.clock.now()),
            "profile": {
                "telegram_id": user.telegram_id,
                "zalo_id": user.zalo_id,
                "full_name": user.full_name,
                "position": user.position,
                "unit": {"code": unit.code, "name": unit.name} if unit else None,
                "role": _v(user.role),
                "language": user.locale,
                "timezone": user.timezone,
                "checkin_weekday": user.checkin_weekday,
                "checkin_time": user.checkin_time,
                "paused_until": _iso(user.paused_until),
                "active": user.active,
                "registered_at": _iso(user.created_at),
                "onboarded_at": _iso(user.onboarded_at),
            },
            "consents": [
                {
                    "notice_version": c.notice_version,
                    "language": c.locale,
                    "accepted_at": _iso(c.accepted_at),
                    "withdrawn_at": _iso(c.withdrawn_at),
                }
                for c in consents
            ],
            "checkins": [
                {
                    "week": f"{c.week // 100}-W{c.week % 100:02d}",
                    "status": _v(c.status),
                    "skip_reason": c.skip_reason,
                    "reflection": c.reflection,
                    "example_note": c.example_note,
                    "started_at": _iso(c.started_at),
                    "completed_at": _iso(c.completed_at),
                    "answers": [
                        {
                            "criterion": a.criterion,
                            "level": _v(a.level),
                            "unmet_items": [i for i in a.sub_items.split(",") if i],
                            "note": a.note,
                            "answered_at": _iso(a.answered_at),
                        }
                        for a in sorted(answers.get(c.id or 0, []), key=lambda a: a.id or 0)
                    ],
                }
                for c in checkins
            ],
            "good_examples": [
                {
                    "id": e.id,
                    "status": _v(e.status),
                    "category": _v(e.category),
                    "about": _v(e.subject),
                    "about_name": e.subject_name,
                    "story": e.story,
                    "names_may_be_published": e.consent_names,
                    "tags": [t for t in e.tags.split(",") if t],
                    "created_at": _iso(e.created_at),
                    "submitted_at": _iso(e.submitted_at),
                    "decided_at": _iso(e.decided_at),
                    "reject_reason": e.reject_reason,
                    "published_url": e.published_url,
                    "photos": photos.get(e.id or 0, 0),
                    "exchange": [
                        {"kind": _v(n.kind), "text": n.text, "at": _iso(n.at), "by_you": n.author_id == uid}
                        for n in notes.get(e.id or 0, [])
                    ],
                }
                for e in examples
            ],
            "nominations_entered": [
                {
                    "round": n.round_key,
                    "unit": u.code,
                    "slot": n.slot,
                    "kind": _v(n.kind),
                    "nominee": n.nominee,
                    "achievement": n.achievement,
                    "entered_at": _iso(n.created_at),
                    "withdrawn_at": _iso(n.withdrawn_at),
                }
                for n, u in nominations
            ],
            "actions_logged": [{"at": _iso(a.at), "action": a.action, "outcome": a.outcome} for a in audit],
        }
        self.audit.note(None, "privacy.export", detail="self-service")
        await self.session.commit()
        return data

    # -- /forget ---------------------------------------------------------------------------

    async def forget(self, user: Person, *, keep_examples: bool) -> ForgetResult:
        """Erase `user` (see the module's docstring). One transaction: all or nothing."""
        s, uid, tid = self.session, user.id, user.telegram_id
        name = (user.full_name or "").strip()
        names = tuple(n for n in {name, escape(name)} if len(name) >= MIN_NAME_TO_STRIKE)

        # Check-ins: detached, free texts gone; unit and week stay for the aggregates.
        checkin_ids = list((await s.exec(select(CheckIn.id).where(CheckIn.user_id == uid))).all())
        if checkin_ids:
            await s.exec(update(CheckInAnswer).where(col(CheckInAnswer.checkin_id).in_(checkin_ids)).values(note=None))
            await s.exec(
                update(CheckIn)
                .where(col(CheckIn.id).in_(checkin_ids))
                .values(user_id=None, reflection=None, example_note=None)
            )

        # Good examples: drafts always go; the rest as the person chose.
        mine = list((await s.exec(select(GoodExample).where(GoodExample.submitter_id == uid))).all())
        remove = [e.id for e in mine if not keep_examples or e.status == ExampleStatus.draft]
        keep = [e for e in mine if e.id not in remove]
        if remove:
            await s.exec(delete(ExamplePhoto).where(col(ExamplePhoto.example_id).in_(remove)))
            await s.exec(delete(ExampleNote).where(col(ExampleNote.example_id).in_(remove)))
            await s.exec(delete(GoodExample).where(col(GoodExample.id).in_(remove)))
        for e in keep:
            e.submitter_id = None
            e.story = _strike(e.story, names)
            e.subject_name = _strike(e.subject_name, names)
            s.add(e)
        if keep and names:
            for note in (
                await s.exec(select(ExampleNote).where(col(ExampleNote.example_id).in_([e.id for e in keep])))
            ).all():
                note.text = _strike(note.text, names) or ""
                s.add(note)

        # Every other reference to the person.
        for stmt in (
            update(GoodExample).where(col(GoodExample.reviewer_id) == uid).values(reviewer_id=None),
            update(ExampleNote).where(col(ExampleNote.author_id) == uid).values(author_id=None),
            update(Nomination).where(col(Nomination.nominated_by) == uid).values(nominated_by=None),
            update(Nomination).where(col(Nomination.withdrawn_by) == uid).values(withdrawn_by=None),
            update(NominationRound).where(col(NominationRound.created_by) == uid).values(created_by=None),
            update(DeadlineDone).where(col(DeadlineDone.done_by) == uid).values(done_by=None),
        ):
            await s.exec(stmt)
        if tid is not None:
            for stmt in (
                update(CustomDeadline).where(col(CustomDeadline.created_by) == tid).values(created_by=None),
                update(Invitation).where(col(Invitation.created_by) == tid).values(created_by=None),
                update(Broadcast).where(col(Broadcast.started_by) == tid).values(started_by=None),
                update(AuditEntry).where(col(AuditEntry.actor_telegram_id) == tid).values(actor_telegram_id=None),
            ):
                await s.exec(stmt)
        # Audit entries about them (a role change) name their row, which is about to go.
        mark = re.compile(rf"\buser={uid}\b")
        for entry in (await s.exec(select(AuditEntry).where(col(AuditEntry.detail).contains(f"user={uid}")))).all():
            entry.detail = mark.sub("user=erased", entry.detail)
            s.add(entry)

        # Messages for them, and their name in messages for others.
        where_theirs = col(OutboxMessage.user_id) == uid
        if tid is not None:
            where_theirs = where_theirs | (col(OutboxMessage.chat_id) == tid)
        if user.zalo_id is not None:
            where_theirs = where_theirs | (col(OutboxMessage.zalo_chat_id) == user.zalo_id)
        removed = (await s.exec(delete(OutboxMessage).where(where_theirs))).rowcount or 0
        if names:
            for row in (await s.exec(select(OutboxMessage).where(col(OutboxMessage.payload).contains(name)))).all():
                row.payload = _strike(row.payload, names) or "{}"
                s.add(row)

        # Consent records, conversation state, and the person.
        await s.exec(delete(ConsentRecord).where(col(ConsentRecord.user_id) == uid))
        if tid is not None:
            await s.exec(delete(FsmRecord).where(col(FsmRecord.key).contains(f":{tid}:")))
        if user.zalo_id is not None:  # the Zalo chat's state (bot/channels/zalo/conversation.py)
            await s.exec(delete(FsmRecord).where(col(FsmRecord.key) == f"zalo:{user.zalo_id}"))
        await s.exec(delete(User).where(col(User.id) == uid))
        self.audit.note(
            None,
            "privacy.forget",
            detail=f"checkins={len(checkin_ids)} examples_kept={len(keep)} examples_removed={len(remove)}",
        )
        await s.commit()
        s.expunge_all()  # the person's objects are gone; nothing may lazily reload them
        return ForgetResult(
            checkins=len(checkin_ids),
            examples_kept=len(keep),
            examples_removed=len(remove),
            messages_removed=int(removed),
        )
