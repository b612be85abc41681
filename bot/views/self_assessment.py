"""Screens of /selfassess: the unit's self-assessment on the collective criteria (§IV.1.1),
with its evidence, the sub-units' roll-up and the unit emulation officer; and this
feature's error texts (shared with /submit)."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, _
from bot.services.errors import DomainError
from bot.views.texts import error_text as common_error_text

# -- errors of this feature, in the person's language ----------------------------------------

MESSAGES = {
    "account_too_long": N_(
        "The account is at most {max} characters; this one has {length}. "
        "Please shorten it and send it again: what was saved before is kept."
    ),
    "account_empty": N_("Please type what the unit did, in one message."),
    "assessment_submitted": N_("The unit's self-assessment has been submitted: it can no longer be changed."),
    "assessment_incomplete": N_("Not yet: assess every criterion first (still missing: {missing})."),
    "assessment_stale": N_("That button is out of date. Send /selfassess to see the self-assessment again."),
    "assessment_level": N_("That button is out of date. Send /selfassess to see the self-assessment again."),
    "figure_percent": N_("Please type a percentage from 0 to 100, e.g. 98,5."),
    "figure_count": N_("Please type a whole number, e.g. 12."),
    "figure_yes_no": N_("Please answer yes or no."),
    "file_too_big": N_("That file is over {max} MB: it was not kept. Please send a smaller one."),
    "file_unreadable": N_("That file could not be read. Please send it again."),
    "photo_unreadable": N_("That photo could not be read as a picture. Please send it again, or as a file."),
    "photo_too_big": N_("That photo is too large (over {max} MB). Please send a smaller one."),
    "report_file_type": N_(
        "Only a PDF or a Word (DOCX) file can be submitted; “{name}” is neither. "
        "Please send the signed report as a PDF or DOCX file."
    ),
    "report_already_submitted": N_("Your unit has already submitted “{name}”."),
}


def error_text(exc: DomainError) -> str:
    if exc.code in MESSAGES:
        params = {k: escape(str(v)) for k, v in exc.params.items()}
        try:
            return _(MESSAGES[exc.code]).format(**params)
        except (KeyError, IndexError):
            return _(MESSAGES[exc.code])
    return common_error_text(exc)
