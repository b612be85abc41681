"""Admin screens (SPEC §3.8): the unit tree, a unit's people and their roles, invitations
and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape
from typing import TYPE_CHECKING

from bot.domain import Person, Role
from bot.i18n import _
from bot.services.invites import InviteList, deep_link
from bot.services.people import ASSIGNABLE
from bot.services.units import CSV_COLUMNS, ImportResult, TreeRow
from bot.views import actions
from bot.views.screen import Button, Screen, rows
from bot.views.texts import role_name

if TYPE_CHECKING:
    from storage.models import AuditEntry, Invitation, Unit

MAX_TREE_LINES = 120
MAX_MEMBERS_SHOWN = 60
MAX_ROLE_BUTTONS = 20
MAX_INVITES = 20


def units_usage() -> str:
    return _(
        "/units — the tree\n"
        "/units add CODE PARENT_CODE|- [ministry_unit|province_dept|division] NAME — add a unit "
        "(- for a top-level one)\n"
        "/units import — then send a CSV file (code,name,parent_code,kind)\n"
        "/units show CODE — the unit's people and their roles\n"
        "/units doc CODE DOC_CODE [PLACE] — its documents' code and place (Số: …/BC-DOC_CODE; PLACE, ngày …)\n"
        "/role PERSON_NO employee|leader|comms — change a person's role"
    )


# -- the unit tree ------------------------------------------------------------------------


def tree_screen(tree: Sequence[TreeRow]) -> Screen:
    if not tree:
        return Screen(
            _("There are no units yet. Add one with /units add, or send a CSV file with /units import.")
            + "\n\n"
            + escape(units_usage())
        )
    lines = [_("<b>Units</b> ({count})").format(count=len(tree))]
    for row in tree[:MAX_TREE_LINES]:
        lines.append("{}• <code>{}</code> {}".format("    " * row.depth, escape(row.unit.code), escape(row.unit.name)))
    if len(tree) > MAX_TREE_LINES:
        lines.append(_("… and {count} more.").format(count=len(tree) - MAX_TREE_LINES))
    lines += ["", escape(units_usage())]
    return Screen("\n".join(lines))


def csv_prompt() -> Screen:
    return Screen(
        _(
            "Send the CSV file now, as a document, with the columns {columns} "
            "(parent_code and kind may be empty). Or send /cancel."
        ).format(columns=", ".join(CSV_COLUMNS))
    )


def unit_added(unit: Unit) -> Screen:
    return Screen(_("Unit added: <code>{code}</code> {name}.").format(code=escape(unit.code), name=escape(unit.name)))


def units_imported(result: ImportResult) -> Screen:
    return Screen(
        _("Units imported: {created} added, {updated} updated.").format(created=result.created, updated=result.updated)
    )


def unit_documents(unit: Unit) -> Screen:
    return Screen(
        _("Documents of {name}: “Số: …/BC-{doc_code}”, “{place}, ngày … tháng … năm …”.").format(
            name=escape(unit.name), doc_code=escape(unit.doc_code or ""), place=escape(unit.place or "…")
        )
    )


def unit_people(unit: Unit, people: Sequence[Person]) -> Screen:
    """A unit's registered people with their roles; a button per person (not administrators)
    to change the role."""
    lines = [
        _("<b>{name}</b> (<code>{code}</code>): {n} registered").format(
            name=escape(unit.name), code=escape(unit.code), n=len(people)
        )
    ]
    for p in people[:MAX_MEMBERS_SHOWN]:
        lines.append(
            _("• no. {id} {name}, {position} — {role}").format(
                id=p.id, name=escape(p.full_name or "?"), position=escape(p.position or "—"), role=role_name(p.role)
            )
        )
    if len(people) > MAX_MEMBERS_SHOWN:
        lines.append(_("… and {count} more.").format(count=len(people) - MAX_MEMBERS_SHOWN))
    if people:
        lines += ["", _("Tap a person to change their role, or send /role NO ROLE.")]
    buttons = [
        Button("{} · {}".format((p.full_name or "?")[:30], role_name(p.role)), actions.Role(id=p.id or 0))
        for p in [p for p in people if Role(p.role) != Role.admin][:MAX_ROLE_BUTTONS]
    ]
    return Screen("\n".join(lines), rows(buttons))


# -- roles -----------------------------------------------------------------------------------


def role_choices(person: Person) -> Screen:
    """The roles an administrator can give, the person's own marked."""
    buttons = [
        Button(("• " if Role(person.role) == role else "") + role_name(role), actions.Role(id=person.id or 0, r=n))
        for n, role in enumerate(ASSIGNABLE)
    ]
    return Screen(
        _("Role of {name} (now {role}):").format(name=escape(person.full_name), role=role_name(person.role)),
        rows(buttons),
    )


def role_changed(person: Person, old: Role) -> Screen:
    if old == Role(person.role):
        return Screen(_("{name} is already {role}.").format(name=escape(person.full_name), role=role_name(person.role)))
    return Screen(
        _("{name} is now {role} (was {old}).").format(
            name=escape(person.full_name), role=role_name(person.role), old=role_name(old)
        )
    )


def role_told(person: Person) -> Screen:
    """What the person whose role changed is told (in their own language)."""
    return Screen(
        _("An administrator has made you {role}. Send /help to see what you can do now.").format(
            role=role_name(person.role)
        )
    )


# -- invitations -------------------------------------------------------------------------------


def invite_created(inv: Invitation, unit_code: str, days: int, uses: int | None, bot_username: str) -> Screen:
    uses_text = _("unlimited") if uses is None else str(uses)
    return Screen(
        _(
            "Invitation for <b>{unit}</b> as {role}, valid {days} days, uses: {uses}.\n{link}\n\n"
            "Withdraw it with /revoke {token}"
        ).format(
            unit=escape(unit_code),
            role=role_name(inv.role),
            days=days,
            uses=uses_text,
            link=escape(deep_link(bot_username, inv.token))
            + "\n"
            + _("Zalo code: {code} (on Zalo, the person sends it to the bot)").format(code=f"<code>{inv.code}</code>"),
            token=inv.token,
        )
    )


def invite_revoked() -> Screen:
    return Screen(_("The invitation has been withdrawn. Its link no longer works."))


def invite_withdrawn_notice(invitation_id: int) -> str:
    return _("Invitation no. {id} withdrawn: its link no longer works.").format(id=invitation_id)


def invitations(listing: InviteList, bot_username: str, zone: tzinfo) -> Screen:
    """Invitations that still work, newest first, with their links and a withdraw button each."""
    working = listing.working
    lines = [
        _("<b>Invitations that work</b> ({n}); withdrawn, expired or used up: {others}").format(
            n=len(working), others=listing.others
        )
    ]
    buttons = []
    for inv in working[:MAX_INVITES]:
        unit = listing.units.get(inv.unit_id) if inv.unit_id else None
        lines.append(
            _("• no. {id}: {unit}, {role}; until {date}; used {uses}/{limit}\n  {link}").format(
                id=inv.id,
                unit=escape(unit.code if unit else "—"),
                role=role_name(inv.role),
                date=inv.expires_at.astimezone(zone).strftime("%d/%m/%Y") if inv.expires_at else "—",
                uses=inv.uses,
                limit=inv.max_uses if inv.max_uses is not None else "∞",
                link=escape(deep_link(bot_username, inv.token)),
            )
        )
        buttons.append(Button(_("Withdraw no. {id}").format(id=inv.id), actions.Invite(id=inv.id or 0)))
    if len(working) > MAX_INVITES:
        lines.append(_("… and {count} more.").format(count=len(working) - MAX_INVITES))
    if not working:
        lines.append(_("None. Create one with /invite UNIT_CODE [role] [days] [uses]."))
    return Screen("\n".join(lines), rows(buttons, 2))


# -- the audit log ----------------------------------------------------------------------------


def audit_log(entries: Sequence[AuditEntry], refused_only: bool, zone: tzinfo) -> Screen:
    """The newest entries first, as many as fit in one message."""
    lines = [
        _("<b>Audit log</b>, newest first ({n}){only}").format(
            n=len(entries), only=_(", refusals only") if refused_only else ""
        )
    ]
    footer = ["", _("/audit refused — refusals only")]
    for e in entries:
        line = "{at} · <b>{action}</b> · {outcome} · {actor}{detail}".format(
            at=e.at.astimezone(zone).strftime("%d/%m %H:%M"),
            action=escape(e.action),
            outcome=escape(e.outcome),
            actor=e.actor_telegram_id if e.actor_telegram_id is not None else "—",
            detail=" · " + escape(e.detail[:120]) if e.detail else "",
        )
        if sum(len(x) + 1 for x in lines + footer) + len(line) > 4000:
            break
        lines.append(line)
    if not entries:
        lines.append(_("No entries."))
    return Screen("\n".join(lines + footer))
