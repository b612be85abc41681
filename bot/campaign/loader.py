"""Loading and checking campaign files (SPEC §1).

A campaign file is YAML of the shape of :class:`bot.campaign.schema.Campaign`. Any
problem — a missing file, bad YAML, a duplicate key, a field that fails validation —
becomes one :class:`CampaignError` whose message is a single line naming the file
and the field, so ``python -m bot campaign check FILE`` can print it as it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.campaign.schema import Campaign

__all__ = ["DEFAULT_CAMPAIGN_FILE", "CampaignError", "check_campaign", "load_campaign"]

#: Decision 2497/QĐ-BTNMT, 2019–2025: the campaign the bot runs unless told otherwise.
DEFAULT_CAMPAIGN_FILE = Path(__file__).resolve().parent / "data" / "2497-QD-BTNMT-2019.yaml"


class CampaignError(Exception):
    """A campaign file that cannot be used. ``str(error)`` is one line:
    "campaign file PATH: FIELD.PATH: what is wrong"."""

    def __init__(self, path: str | Path, problem: str, field: str | None = None) -> None:
        self.path = str(path)
        self.field = field
        self.problem = _one_line(problem)
        where = f"{field}: " if field else ""
        super().__init__(f"campaign file {self.path}: {where}{self.problem}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (plain PyYAML keeps
    the last one silently, which would hide a pasted-over translation)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: Organisation names a campaign file's texts may hold as placeholders, filled on load from
#: settings (MINISTRY_NAME, STANDING_AGENCY): the ministry has been reorganised since the
#: plan was issued, and what the bot says today (the §VI.1 report "to {ministry}", the
#: §IV.2 "Bằng khen của Bộ trưởng {ministry}") names the ministry as it is now.
PLACEHOLDERS = ("ministry", "standing_agency")


def _organisation_defaults() -> dict[str, str]:
    from bot.config import Settings

    return {
        "ministry": str(Settings.model_fields["ministry_name"].default),
        "standing_agency": str(Settings.model_fields["standing_agency"].default),
    }


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _unknown_placeholder(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first "{name}" in the file's texts that nothing fills, with its field path: a
    misspelt "{ministy}" would otherwise reach people as it stands. "{year}" is the award
    round's year_title's own."""
    if isinstance(value, str):
        for name in _PLACEHOLDER.findall(value):
            if name not in PLACEHOLDERS and not (name == "year" and ".year_title." in f"{path}."):
                return path, name
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        where = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
        found = _unknown_placeholder(item, where)
        if found:
            return found
    return None


def _fill(value: Any, names: dict[str, str]) -> Any:
    """Every "{ministry}" and "{standing_agency}" in the file's texts replaced by its name;
    other braces ("{year}" in an award round's year_title) are left as they are."""
    if isinstance(value, str):
        for key, name in names.items():
            value = value.replace("{" + key + "}", name)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def load_campaign(
    path: str | Path | None = None, *, ministry: str | None = None, standing_agency: str | None = None
) -> Campaign:
    """Read and validate a campaign file; None means :data:`DEFAULT_CAMPAIGN_FILE`.

    ``ministry`` and ``standing_agency`` (settings' MINISTRY_NAME and STANDING_AGENCY; their
    defaults when None) fill the placeholders of :data:`PLACEHOLDERS` in the file's texts.

    Raises :class:`CampaignError` for a missing or unreadable file, text that is not
    YAML or not a mapping, and any field the schema refuses.
    """
    file = Path(path) if path is not None else DEFAULT_CAMPAIGN_FILE
    try:
        raw = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CampaignError(file, "no such file") from None
    except IsADirectoryError:
        raise CampaignError(file, "is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise CampaignError(file, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise CampaignError(file, f"cannot be read ({exc.strerror or exc})") from None

    try:
        data = yaml.load(raw, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CampaignError(file, f"not valid YAML: {_describe_yaml_error(exc)}") from None

    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise CampaignError(file, f"must be a YAML mapping of campaign fields, but it is {kind}")

    unknown = _unknown_placeholder(data)
    if unknown is not None:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise CampaignError(
            file, f"unknown placeholder {{{unknown[1]}}} (known: {known}; {{year}} in year_title)", unknown[0]
        )
    names = _organisation_defaults()
    if ministry:
        names["ministry"] = ministry
    if standing_agency:
        names["standing_agency"] = standing_agency
    try:
        return Campaign.model_validate(_fill(data, names))
    except ValidationError as exc:
        raise _from_validation_error(file, exc) from None


def check_campaign(path: str | Path | None = None) -> str:
    """Load a campaign file and summarise it in one line, or raise CampaignError.

    E.g. "2497/QĐ-BTNMT 2019–2025: 7 individual criterion groups (23 sub-items), 6
    collective criterion groups (13 sub-items), 4 deadlines, at most 2 nominations
    per unit in each of 3 award rounds".
    """
    campaign = load_campaign(path)
    individual = campaign.individual_criteria
    collective = campaign.collective_criteria
    draft = " (DRAFT, to be confirmed by the ministry's decision)" if campaign.is_draft else ""
    return (
        f"{campaign.code} {campaign.period}{draft}: "
        f"{len(individual)} individual criterion groups "
        f"({sum(len(g.items) for g in individual)} sub-items), "
        f"{len(collective)} collective criterion groups "
        f"({sum(len(g.items) for g in collective)} sub-items), "
        f"{len(campaign.deadlines)} deadlines, "
        f"at most {campaign.awards.max_per_unit} nominations per unit "
        f"in each of {len(campaign.awards.rounds)} award rounds"
    )


def _from_validation_error(file: Path, exc: ValidationError) -> CampaignError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    field = _field_path(first["loc"], (first.get("ctx") or {}).get("at"))
    problem = first["msg"]
    if len(errors) > 1:
        more = len(errors) - 1
        problem += f" (and {more} more error{'s' if more > 1 else ''})"
    return CampaignError(file, problem, field or "(top level)")


def _field_path(loc: tuple[int | str, ...], at: str | None) -> str:
    """("individual_criteria", 2, "items", 0) -> "individual_criteria[2].items[0]"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    if at:
        path += at if at.startswith("[") or not path else f".{at}"
    return path


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return problem


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
