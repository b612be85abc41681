"""The campaign file's schema (SPEC §1: the campaign is data).

Everything Decision 2497/QĐ-BTNMT fixes — criteria (tiêu chuẩn thi đua, §IV.1),
content headings (nội dung thi đua, §II.2), deadlines (tiến độ, §V and §VI.1) and the
award quota (hình thức khen thưởng, §IV.2) — is described here as plain pydantic
models. A new phase or another ministry's plan is a new YAML file of the same shape.

The models are strict about shape (``extra="forbid"``, non-empty text in both
languages) and about the rules a reader of the plan relies on: group codes follow
the Vietnamese alphabet (đ comes after d), codes are unique, every reference starts
with "§", and dates are possible. Nothing here imports aiogram or touches storage.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "ALPHABET",
    "DEFAULT_ONCE_DAY",
    "DEFAULT_ONCE_MONTH",
    "Figure",
    "AwardQuota",
    "AwardRound",
    "Campaign",
    "ContentHeading",
    "CriterionGroup",
    "Deadline",
    "SubItem",
    "Text",
]

#: Letters allowed as criterion group codes, in sort order. The plan numbers its
#: groups a) b) c) d) đ) e) f): the Vietnamese letters (đ after d, ă â after a, ê after
#: e, ô ơ after o, ư after u) merged with the Latin ones the plan also uses (f).
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}

#: §V gives only a year for the launch, the sơ kết and the tổng kết. Their results feed
#: the annual report due before 15 December (§VI.1), so that is the default due date.
DEFAULT_ONCE_MONTH = 12
DEFAULT_ONCE_DAY = 15

#: Limits that keep a group's labels usable as a button and a one-line hint.
SHORT_MAX_CHARS = 40
HINT_MAX_CHARS = 120
FIGURE_LABEL_MAX_CHARS = 120
#: A sub-item's label is the text of a button on a phone (one button a row, with a mark
#: in front): about 30 characters fit a 390-pixel-wide screen without being cut.
LABEL_MAX_CHARS = 30

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^§\S")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _fail(message: str, at: str | None = None, **context: object) -> PydanticCustomError:
    """An error for a rule of this module.

    A custom error type keeps the message free of pydantic's "Value error, " prefix.
    ``at`` is the path below the validated field ("[3].code", "month") that the loader
    appends to the error location, so the message names the exact field.
    """
    if at is not None:
        context["at"] = at
    return PydanticCustomError("campaign", message, context or None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A text in Vietnamese (the plan's own wording) and English; both required."""

    vi: NonEmptyStr
    en: NonEmptyStr

    def get(self, locale: str | None) -> str:
        """The text for ``locale``: "en", "en-US", "en_GB" give English; anything
        else (including "vi" and unknown locales) gives Vietnamese, the first
        language."""
        language = (locale or "").replace("_", "-").split("-")[0].strip().lower()
        return self.en if language == "en" else self.vi


class SubItem(_Model):
    """One bullet of a criterion group, e.g. ``đ3`` = §IV.1.2.đ, third bullet."""

    code: NonEmptyStr
    ref: Ref
    text: Text
    #: A few words for a button ("Chủ động phối hợp"), faithful to the bullet's wording;
    #: required for the individual criteria, whose "Chưa đạt" step shows one button per
    #: sub-item (see Campaign._individual_items_labelled).
    label: Text | None = None

    @field_validator("label")
    @classmethod
    def _label_fits(cls, label: Text | None) -> Text | None:
        if label is not None:
            for language in ("vi", "en"):
                if len(getattr(label, language)) > LABEL_MAX_CHARS:
                    raise _fail("label longer than {limit} characters", at=language, limit=LABEL_MAX_CHARS)
        return label

    def label_for(self, locale: str | None) -> str:
        """The button's text; the sub-item's code where a file gives no label."""
        return self.label.get(locale) if self.label is not None else self.code


class Figure(_Model):
    """A figure a unit reports with its self-assessment on a collective criterion, where
    the plan implies one (§IV.1.1.c: "100% thủ tục hành chính được giải quyết đúng hạn,
    thực hiện xin lỗi nếu quá hạn"). ``kind``: "percent" (0–100), "count" (a whole number
    from 0) or "yes_no"."""

    code: Slug
    ref: Ref
    label: Text
    kind: Literal["percent", "count", "yes_no"]

    @field_validator("label")
    @classmethod
    def _label_fits(cls, label: Text) -> Text:
        for language in ("vi", "en"):
            if len(getattr(label, language)) > FIGURE_LABEL_MAX_CHARS:
                raise _fail("figure label longer than {limit} characters", at=language, limit=FIGURE_LABEL_MAX_CHARS)
        return label


class CriterionGroup(_Model):
    """A lettered criterion group of §IV.1 (tiêu chuẩn thi đua).

    ``title`` is the plan's full heading of the group; ``short`` (a few words) heads a
    question or a button; ``hint`` (one line) says what the group covers. A group the
    plan gives without bullets has a single sub-item equal to its heading. ``figures``
    (collective criteria only) are what a unit reports in numbers on the group.
    """

    code: NonEmptyStr
    ref: Ref
    title: Text
    short: Text
    hint: Text
    items: list[SubItem] = Field(min_length=1)
    figures: list[Figure] = Field(default_factory=list)

    @field_validator("figures")
    @classmethod
    def _figures_belong_here(cls, figures: list[Figure], info: ValidationInfo) -> list[Figure]:
        _refuse_duplicates([f.code for f in figures], "figure code")
        ref = info.data.get("ref")
        for i, figure in enumerate(figures):
            if ref is not None and not figure.ref.startswith(ref):
                raise _fail(
                    "'{fig_ref}' is not inside the group's '{ref}'", at=f"[{i}].ref", fig_ref=figure.ref, ref=ref
                )
        return figures

    def figure(self, code: str) -> Figure:
        """The figure with this code; KeyError if the group asks for none such."""
        for figure in self.figures:
            if figure.code == code:
                return figure
        raise KeyError(code)

    @field_validator("code")
    @classmethod
    def _code_is_a_letter(cls, code: str) -> str:
        if code not in _RANK:
            raise _fail(
                "group code '{code}' is not a single letter of the alphabet {alphabet}",
                code=code,
                alphabet=ALPHABET,
            )
        return code

    @field_validator("short")
    @classmethod
    def _short_fits(cls, short: Text) -> Text:
        for language in ("vi", "en"):
            value = getattr(short, language)
            if len(value) > SHORT_MAX_CHARS:
                raise _fail(
                    "short title longer than {limit} characters",
                    at=language,
                    limit=SHORT_MAX_CHARS,
                )
        return short

    @field_validator("hint")
    @classmethod
    def _hint_fits(cls, hint: Text) -> Text:
        for language in ("vi", "en"):
            value = getattr(hint, language)
            if len(value) > HINT_MAX_CHARS:
                raise _fail(
                    "hint longer than {limit} characters",
                    at=language,
                    limit=HINT_MAX_CHARS,
                )
        return hint

    @field_validator("items")
    @classmethod
    def _items_belong_here(cls, items: list[SubItem], info: ValidationInfo) -> list[SubItem]:
        group = info.data.get("code")
        ref = info.data.get("ref")
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.code in seen:
                raise _fail(
                    "duplicate sub-item code '{code}' (also at [{first}])",
                    at=f"[{i}].code",
                    code=item.code,
                    first=seen[item.code],
                )
            seen[item.code] = i
            if group is not None:
                number = item.code[len(group) :]
                if not item.code.startswith(group) or not number.isdigit() or number.startswith("0"):
                    raise _fail(
                        "sub-item code '{code}' should be the group code '{group}' and a number",
                        at=f"[{i}].code",
                        code=item.code,
                        group=group,
                    )
            if ref is not None and not item.ref.startswith(ref):
                raise _fail(
                    "'{item_ref}' is not inside the group's '{ref}'",
                    at=f"[{i}].ref",
                    item_ref=item.ref,
                    ref=ref,
                )
        return items

    def item(self, code: str) -> SubItem:
        """The sub-item with this code; KeyError if the group has none."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


class ContentHeading(_Model):
    """A content heading of §II.2 (nội dung thi đua): a slogan and its bullets."""

    ref: Ref
    target: Literal["collective", "individual"]
    slogan: Text
    items: list[Text] = Field(min_length=1)


class Deadline(_Model):
    """A dated duty from the plan.

    ``kind="annual"``: every year on ``month``/``day`` (§VI.1: the report "trước ngày 15
    tháng 12 hàng năm"). 29 February is refused, since it does not fall every year.

    ``kind="once"``: in ``year`` (§V: 2019 launch, 2022 sơ kết, 2025 tổng kết). The plan
    gives only the year, so ``due`` is optional: when absent, the deadline is taken as
    15 December of that year, because the review results feed that year's annual
    report of §VI.1. :attr:`due_date` is the date in force either way.

    ``strictly_before``: the duty must be done *before* the due date ("trước ngày"), so
    the last day to act is the day before (:meth:`last_day`).
    """

    code: Slug
    ref: Ref
    title: Text
    detail: Text | None = None
    kind: Literal["annual", "once"]
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    year: int | None = Field(default=None, ge=1900, le=2999)
    due: date | None = None
    strictly_before: bool = False

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Deadline:
        if self.kind == "annual":
            month, day = self.month, self.day
            if month is None or day is None:
                missing = [name for name in ("month", "day") if getattr(self, name) is None]
                raise _fail(
                    "{fields} required for an annual deadline",
                    at=missing[0],
                    fields=" and ".join(missing),
                )
            extra = [name for name in ("year", "due") if getattr(self, name) is not None]
            if extra:
                raise _fail(
                    "{fields} not allowed for an annual deadline",
                    at=extra[0],
                    fields=" and ".join(extra),
                )
            # A non-leap year: 29 February does not recur every year, so it is refused too.
            if day > calendar.monthrange(2023, month)[1]:
                raise _fail(
                    "{day} is not a day of month {month} in every year",
                    at="day",
                    day=self.day,
                    month=self.month,
                )
        else:
            if self.year is None:
                raise _fail("required for a once deadline", at="year")
            extra = [name for name in ("month", "day") if getattr(self, name) is not None]
            if extra:
                raise _fail(
                    "{fields} not allowed for a once deadline (use year and due)",
                    at=extra[0],
                    fields=" and ".join(extra),
                )
            if self.due is not None and self.due.year != self.year:
                raise _fail("{due} is not in year {year}", at="due", due=self.due.isoformat(), year=self.year)
        return self

    @property
    def due_date(self) -> date | None:
        """For a once deadline: ``due``, or 15 December of ``year`` when absent.
        None for an annual deadline (see :meth:`due_in`)."""
        if self.kind != "once":
            return None
        assert self.year is not None
        return self.due or date(self.year, DEFAULT_ONCE_MONTH, DEFAULT_ONCE_DAY)

    def due_in(self, year: int) -> date | None:
        """The due date falling in ``year``, or None if there is none."""
        if self.kind == "annual":
            assert self.month is not None and self.day is not None
            return date(year, self.month, self.day)
        due = self.due_date
        return due if due is not None and due.year == year else None

    def occurrences(self, start: date, end: date) -> list[date]:
        """The due dates within [start, end], both ends included, in order."""
        found = (self.due_in(year) for year in range(start.year, end.year + 1))
        return [due for due in found if due is not None and start <= due <= end]

    def last_day(self, due: date) -> date:
        """The last day to act for an occurrence due on ``due``."""
        return due - timedelta(days=1) if self.strictly_before else due


class AwardRound(_Model):
    """A round of nominations under §IV.2: every year (2.1) or once (2.2, sơ kết and
    tổng kết)."""

    code: Slug
    ref: Ref
    title: Text
    kind: Literal["annual", "once"]
    year: int | None = Field(default=None, ge=1900, le=2999)
    #: An annual round's name for one year, with "{year}" ("Khen thưởng năm {year}"): the
    #: plan's title ("Khen thưởng hàng năm") followed by a year would read "… hàng năm năm 2026".
    year_title: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _year_fits_kind(self) -> AwardRound:
        if self.kind == "once" and self.year is None:
            raise _fail("required for a once award round", at="year")
        if self.kind == "annual" and self.year is not None:
            raise _fail("not allowed for an annual award round", at="year")
        if self.year_title is not None:
            if self.kind != "annual":
                raise _fail("only for an annual award round", at="year_title")
            for lang in ("vi", "en"):
                if "{year}" not in getattr(self.year_title, lang):
                    raise _fail("must contain {year}", at=f"year_title.{lang}")
        return self

    def title_for(self, year: int, lang: str) -> str:
        """The round's name in `lang` for `year` (a once round's name is its own)."""
        if self.kind != "annual":
            return str(getattr(self.title, lang))
        if self.year_title is not None:
            return str(getattr(self.year_title, lang)).replace("{year}", str(year))
        return f"{getattr(self.title, lang)} {year}"

    def applies_in(self, year: int) -> bool:
        return self.kind == "annual" or self.year == year


class AwardQuota(_Model):
    """§IV.2: each unit proposes at most ``max_per_unit`` collectives or individuals
    (together, not each) per round for ``award`` (Bằng khen của Bộ trưởng)."""

    ref: Ref
    max_per_unit: int = Field(ge=1)
    award: Text
    rounds: list[AwardRound] = Field(min_length=1)

    @field_validator("rounds")
    @classmethod
    def _unique_rounds(cls, rounds: list[AwardRound]) -> list[AwardRound]:
        _refuse_duplicates([r.code for r in rounds], "award round code")
        return rounds

    def round(self, code: str) -> AwardRound:
        """The round with this code; KeyError if there is none."""
        for award_round in self.rounds:
            if award_round.code == code:
                return award_round
        raise KeyError(code)

    def rounds_in(self, year: int) -> list[AwardRound]:
        """The rounds held in ``year`` (the annual one plus any sơ kết/tổng kết)."""
        return [r for r in self.rounds if r.applies_in(year)]


def _refuse_duplicates(codes: list[str], what: str) -> None:
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code in seen:
            raise _fail(
                "duplicate {what} '{code}' (also at [{first}])",
                at=f"[{i}].code",
                what=what,
                code=code,
                first=seen[code],
            )
        seen[code] = i


def _check_groups(groups: list[CriterionGroup]) -> list[CriterionGroup]:
    _refuse_duplicates([g.code for g in groups], "group code")
    for i in range(1, len(groups)):
        before, after = groups[i - 1].code, groups[i].code
        if _RANK[after] < _RANK[before]:
            raise _fail(
                "group '{after}' comes after '{before}'; codes must follow the Vietnamese alphabet {alphabet}",
                at=f"[{i}].code",
                after=after,
                before=before,
                alphabet=ALPHABET,
            )
    return groups


class Campaign(_Model):
    """One phase of an emulation campaign (phong trào thi đua), as loaded from a file.

    The default is Decision 2497/QĐ-BTNMT for 2019–2025; see ``bot.campaign.loader``.
    """

    id: Slug
    code: NonEmptyStr  # the decision's number and code, "2497/QĐ-BTNMT"; "…/QĐ-BNNMT" in a draft
    version: NonEmptyStr
    #: "issued": the ministry's decision is signed; "draft": a plan awaiting the decision
    #: (no number or date of its own yet), said wherever the bot names the campaign.
    status: Literal["issued", "draft"] = "issued"
    title: Text
    note: Text | None = None
    issued: date | None = None  # the decision's date; required once issued
    start: date
    end: date
    individual_criteria: list[CriterionGroup] = Field(min_length=1)
    collective_criteria: list[CriterionGroup] = Field(min_length=1)
    content: list[ContentHeading] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    awards: AwardQuota

    @model_validator(mode="after")
    def _issued_when_issued(self) -> Campaign:
        if self.issued is None and self.status == "issued":
            raise _fail(
                "required for an issued campaign (status: issued); a plan awaiting its decision is status: draft",
                at="issued",
            )
        return self

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and start > end:
            raise _fail("end {end} is before start {start}", end=end.isoformat(), start=start.isoformat())
        return end

    @field_validator("individual_criteria", "collective_criteria")
    @classmethod
    def _groups_in_order(cls, groups: list[CriterionGroup]) -> list[CriterionGroup]:
        return _check_groups(groups)

    @field_validator("individual_criteria")
    @classmethod
    def _individual_items_labelled(cls, groups: list[CriterionGroup]) -> list[CriterionGroup]:
        """Every individual sub-item has a label, distinct within its group: a person marks
        the points not met by these buttons alone."""
        for i, group in enumerate(groups):
            seen: dict[str, int] = {}
            for j, item in enumerate(group.items):
                if item.label is None:
                    raise _fail(
                        "required for an individual criterion's sub-item (a button's text)",
                        at=f"[{i}].items[{j}].label",
                    )
                for language in ("vi", "en"):
                    value = getattr(item.label, language).casefold()
                    key = f"{language}:{value}"
                    if key in seen:
                        raise _fail(
                            "the same label as items[{first}] of this group",
                            at=f"[{i}].items[{j}].label.{language}",
                            first=seen[key],
                        )
                    seen[key] = j
        return groups

    @field_validator("content")
    @classmethod
    def _one_heading_per_target(cls, content: list[ContentHeading]) -> list[ContentHeading]:
        seen: dict[str, int] = {}
        for i, heading in enumerate(content):
            if heading.target in seen:
                raise _fail(
                    "a second '{target}' heading (also at [{first}])",
                    at=f"[{i}].target",
                    target=heading.target,
                    first=seen[heading.target],
                )
            seen[heading.target] = i
        return content

    @field_validator("deadlines")
    @classmethod
    def _deadlines_in_period(cls, deadlines: list[Deadline], info: ValidationInfo) -> list[Deadline]:
        _refuse_duplicates([d.code for d in deadlines], "deadline code")
        start, end = info.data.get("start"), info.data.get("end")
        if start is not None and end is not None:
            for i, deadline in enumerate(deadlines):
                if deadline.kind == "once" and not start.year <= deadline.year <= end.year:
                    raise _fail(
                        "{year} is outside the campaign period {first}–{last}",
                        at=f"[{i}].year",
                        year=deadline.year,
                        first=start.year,
                        last=end.year,
                    )
        return deadlines

    @field_validator("awards")
    @classmethod
    def _rounds_in_period(cls, awards: AwardQuota, info: ValidationInfo) -> AwardQuota:
        start, end = info.data.get("start"), info.data.get("end")
        if start is not None and end is not None:
            for i, award_round in enumerate(awards.rounds):
                if award_round.year is not None and not start.year <= award_round.year <= end.year:
                    raise _fail(
                        "{year} is outside the campaign period {first}–{last}",
                        at=f"rounds[{i}].year",
                        year=award_round.year,
                        first=start.year,
                        last=end.year,
                    )
        return awards

    @property
    def period(self) -> str:
        """ "2019–2025"."""
        return f"{self.start.year}–{self.end.year}"

    def criterion(self, code: str) -> CriterionGroup:
        """The individual criterion group (§IV.1.2) with this code; KeyError if none."""
        return _find(self.individual_criteria, code)

    def collective_criterion(self, code: str) -> CriterionGroup:
        """The collective criterion group (§IV.1.1) with this code; KeyError if none."""
        return _find(self.collective_criteria, code)

    def deadline(self, code: str) -> Deadline:
        """The deadline with this code; KeyError if none."""
        for deadline in self.deadlines:
            if deadline.code == code:
                return deadline
        raise KeyError(code)

    def deadlines_between(self, start: date, end: date) -> list[tuple[date, Deadline]]:
        """Every (due date, deadline) within [start, end], from the campaign's start, in
        date order. A once deadline falls in its own year, inside the period. An annual
        deadline (§VI.1: the report before 15 December "hằng năm") keeps recurring after
        the period has ended: the yearly duties go on until the next phase's file is
        loaded (SPEC §3.7)."""
        start = max(start, self.start)
        found = [(due, d) for d in self.deadlines for due in d.occurrences(start, end)]
        return sorted(found, key=lambda pair: (pair[0], pair[1].code))

    def is_active(self, on: date) -> bool:
        """Whether ``on`` falls within the campaign period."""
        return self.start <= on <= self.end

    def has_ended(self, on: date) -> bool:
        """The period is over: only the yearly duties carry on (see :meth:`annual_years`)."""
        return on > self.end

    def annual_years(self, on: date) -> range:
        """The years the yearly duties run in, as of ``on``: the period's years and, once it
        has ended with no successor loaded, every year since, up to ``on``'s year
        (§VI.1 annual report, §IV.2.1 annual nomination round)."""
        return range(self.start.year, max(self.end.year, on.year) + 1)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


def _find(groups: list[CriterionGroup], code: str) -> CriterionGroup:
    for group in groups:
        if group.code == code:
            return group
    raise KeyError(code)
