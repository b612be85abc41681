"""/mydata and /forget (SPEC §3.9): the two files, the question before erasing, and what
erasing did."""

from __future__ import annotations

from bot.i18n import _
from bot.services.privacy import ForgetResult, MyData
from bot.views.actions import Forget, ForgetAct
from bot.views.screen import Button, Document, Screen, rows


def mydata_screen(files: MyData) -> Screen:
    """Two files, no text of their own: a document to read and the same data as JSON."""
    return Screen(
        "",
        attachments=(
            Document(
                files.docx,
                _("my-data.docx"),
                caption=_(
                    "Everything the bot keeps about you, to read: who you are, your consent, your settings, "
                    "your weekly self-assessments week by week, and the good examples and nominations you entered. "
                    "To erase it all, send /forget."
                ),
            ),
            Document(
                files.json,
                "du-lieu-cua-toi.json",
                caption=_(
                    "The same data as a JSON file, for a computer to read or to take to another service. "
                    "Photos are counted, not included."
                ),
            ),
        ),
    )


def forget_question() -> Screen:
    buttons = [
        Button(_("🗑 Erase, and remove my good examples"), Forget(a=ForgetAct.remove)),
        Button(_("🗑 Erase, keep my good examples without my name"), Forget(a=ForgetAct.anonymise)),
        Button(_("✖ Cancel"), Forget(a=ForgetAct.cancel)),
    ]
    return Screen(
        _(
            "<b>Erase your data?</b>\n"
            "Your profile, consent records, conversation state and messages waiting for you are deleted, and you "
            "leave the bot: to come back you will need a new invitation.\n"
            "Your weekly self-assessments stay only as anonymous figures of your unit, without your name or "
            "anything you typed. Drafts and their photos are deleted.\n"
            "Your submitted good examples: remove them, or keep them for the campaign's record without your name?\n\n"
            "This cannot be undone. You can first download your data with /mydata."
        ),
        rows(buttons),
    )


def forget_cancelled() -> Screen:
    return Screen(_("Cancelled. Nothing was erased."))


def forgotten(result: ForgetResult) -> Screen:
    return Screen(
        _(
            "✅ Your data has been erased: {checkins} weekly self-assessments now count only in your unit's "
            "anonymous figures; good examples kept without your name: {kept}; removed: {removed}.\n"
            "Thank you for taking part. To come back, ask your unit for a new invitation."
        ).format(checkins=result.checkins, kept=result.examples_kept, removed=result.examples_removed)
    )
