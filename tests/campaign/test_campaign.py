"""The campaign file: the shipped 2019–2025 data checked against the plan itself, the
schema's helpers, and a set of broken files that must each be refused by name."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.campaign import (
    DEFAULT_CAMPAIGN_FILE,
    Campaign,
    CampaignError,
    Text,
    check_campaign,
    load_campaign,
)

REPO = Path(__file__).resolve().parents[2]
NEXT_PHASE_FILE = REPO / "bot" / "campaign" / "data" / "van-hoa-cong-so-2026-2030.yaml"
PLAN_NAME = "2497-QD-BTNMT-2019.txt"

# Sub-items per group, as counted in the plan's bullets (a group without bullets has
# one sub-item equal to its heading). test_counts_match_the_plan_bullets re-counts them
# from the plan text, so these numbers are not taken on trust.
INDIVIDUAL_COUNTS = {"a": 4, "b": 3, "c": 1, "d": 4, "đ": 4, "e": 6, "f": 1}
COLLECTIVE_COUNTS = {"a": 5, "b": 3, "c": 1, "d": 2, "đ": 1, "e": 1}

# The plan's typos that the data file corrects: corrected -> as printed in the plan.
CORRECTED_TYPOS = {"vòi vĩnh": "vôi vĩnh", "bổ nhiệm người thân": "bỏ nhiệm người thân"}


def _plan_path() -> Path | None:
    candidates = [
        os.environ.get("PLAN_FILE"),
        REPO / "plan" / PLAN_NAME,
        REPO.parent / "shared" / "plan" / PLAN_NAME,
        Path("/work/shared/plan") / PLAN_NAME,
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _norm(text: str) -> str:
    return " ".join(text.replace("*", "").split())


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign()


#: The organisations as the 2019 plan names them. The file writes "{ministry}" and
#: "{standing_agency}" where the bot speaks of the present (the yearly report, the award),
#: filled from settings; with the plan's own names, its texts are the plan's words.
PLAN_MINISTRY = "Bộ Tài nguyên và Môi trường"
PLAN_AGENCY = "Vụ Thi đua, Khen thưởng và Tuyên truyền"


@pytest.fixture(scope="module")
def as_in_the_plan() -> Campaign:
    return load_campaign(ministry=PLAN_MINISTRY, standing_agency=PLAN_AGENCY)


@pytest.fixture(scope="module")
def plan_text() -> str:
    path = _plan_path()
    if path is None:
        pytest.skip(f"plan file {PLAN_NAME} not found (set PLAN_FILE)")
    return path.read_text(encoding="utf-8")


def _as_printed_in_plan(text: str) -> str:
    for corrected, printed in CORRECTED_TYPOS.items():
        text = text.replace(corrected, printed)
    return _norm(text)


def _plan_section(plan: str, start: str, end: str) -> str:
    begin = plan.index(start)
    return plan[begin : plan.index(end, begin)]


def _bullets_per_group(section: str) -> dict[str, int]:
    """Count the "- " bullets under each lettered heading ("a)", "đ)", or "d " where
    the plan lost the parenthesis)."""
    counts: dict[str, int] = {}
    current = None
    for line in section.splitlines():
        line = line.strip()
        heading = re.match(r"^([a-zđ])\)?\s", line)
        if heading and not line.startswith("- "):
            current = heading.group(1)
            counts[current] = 0
        elif line.startswith("- ") and current is not None:
            counts[current] += 1
    return counts


# --- the shipped 2019–2025 campaign -------------------------------------------------


def test_default_file_loads_with_the_plans_metadata(campaign: Campaign) -> None:
    assert DEFAULT_CAMPAIGN_FILE.is_file()
    assert load_campaign(DEFAULT_CAMPAIGN_FILE) == campaign
    assert campaign.code == "2497/QĐ-BTNMT"
    assert campaign.id == "2497-qd-btnmt-2019"
    assert campaign.version
    assert campaign.issued == date(2019, 10, 2)
    assert (campaign.start, campaign.end) == (date(2019, 10, 2), date(2025, 12, 31))
    assert campaign.period == "2019–2025"
    assert "văn hóa công sở" in campaign.title.vi
    assert "office culture" in campaign.title.en


def test_group_codes_follow_the_vietnamese_alphabet(campaign: Campaign) -> None:
    assert [g.code for g in campaign.individual_criteria] == ["a", "b", "c", "d", "đ", "e", "f"]
    assert [g.code for g in campaign.collective_criteria] == ["a", "b", "c", "d", "đ", "e"]


@pytest.mark.parametrize("code, count", INDIVIDUAL_COUNTS.items())
def test_individual_sub_item_counts(campaign: Campaign, code: str, count: int) -> None:
    group = campaign.criterion(code)
    assert [i.code for i in group.items] == [f"{code}{n}" for n in range(1, count + 1)]


@pytest.mark.parametrize("code, count", COLLECTIVE_COUNTS.items())
def test_collective_sub_item_counts(campaign: Campaign, code: str, count: int) -> None:
    assert len(campaign.collective_criterion(code).items) == count


def test_counts_match_the_plan_bullets(plan_text: str) -> None:
    individual = _plan_section(plan_text, "1.2. Đối với cán bộ", "2. Hình thức khen thưởng")
    collective = _plan_section(plan_text, "1.1. Đối với tập thể", "1.2. Đối với cán bộ")
    as_items = lambda counts: {code: n or 1 for code, n in counts.items()}  # noqa: E731
    assert as_items(_bullets_per_group(individual)) == INDIVIDUAL_COUNTS
    assert as_items(_bullets_per_group(collective)) == COLLECTIVE_COUNTS


@pytest.mark.parametrize("code", [f"{g}{n}" for g, count in INDIVIDUAL_COUNTS.items() for n in range(1, count + 1)])
def test_individual_sub_item_is_the_plans_wording(campaign: Campaign, plan_text: str, code: str) -> None:
    item = campaign.criterion(code[:-1]).item(code)
    assert _as_printed_in_plan(item.text.vi) in _norm(plan_text)


def test_every_other_vietnamese_text_is_the_plans_wording(as_in_the_plan: Campaign, plan_text: str) -> None:
    campaign = as_in_the_plan
    plan = _norm(plan_text)
    texts = []
    for group in campaign.individual_criteria + campaign.collective_criteria:
        texts.append(group.title.vi)
        texts.extend(item.text.vi for item in group.items)
    for heading in campaign.content:
        texts.append(heading.slogan.vi)
        texts.extend(item.vi for item in heading.items)
    missing = [t for t in texts if _as_printed_in_plan(t) not in plan]
    # Deadline titles are phrases lifted from mid-sentence, so only their case differs.
    missing += [
        d.title.vi for d in campaign.deadlines if _as_printed_in_plan(d.title.vi).casefold() not in plan.casefold()
    ]
    assert missing == []


def test_the_plans_typos_are_corrected(campaign: Campaign, plan_text: str) -> None:
    everything = DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8")
    data_texts = " ".join(item.text.vi for group in campaign.individual_criteria for item in group.items)
    for corrected, printed in CORRECTED_TYPOS.items():
        assert printed in plan_text  # the plan really has the typo...
        assert corrected in data_texts  # ...the data has the correction...
        assert printed not in data_texts
        assert f'"{printed.split()[0]} {printed.split()[1]}"' in everything  # ...and says so


def test_every_ref_starts_with_section_sign(campaign: Campaign) -> None:
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(campaign.model_dump())
    # 13 groups + 36 sub-items + 9 collective figures + 2 headings + 4 deadlines + quota + 3 rounds
    assert len(refs) == 13 + 36 + 9 + 2 + 4 + 1 + 3
    assert all(ref.startswith("§") for ref in refs)
    assert campaign.criterion("đ").item("đ3").ref == "§IV.1.2.đ.3"
    assert campaign.collective_criterion("e").ref == "§IV.1.1.e"


def test_groups_have_short_titles_and_hints(campaign: Campaign) -> None:
    # 2–5 words. A Vietnamese word is often two syllables ("kỷ cương", "hành chính"),
    # so there the limit is on syllables: the 6 of "Kỷ cương, kỷ luật hành chính".
    for group in campaign.individual_criteria + campaign.collective_criteria:
        assert 2 <= len(group.short.en.split()) <= 5, group.short
        assert 2 <= len(group.short.vi.split()) <= 6, group.short
        for language in ("vi", "en"):
            assert len(group.hint.get(language)) <= 120, group.hint
    assert campaign.criterion("a").short.vi == "Kỷ cương, kỷ luật hành chính"
    assert campaign.criterion("a").short.en == "Administrative discipline"
    assert "nhựa" in campaign.collective_criterion("e").title.vi


def test_groups_without_bullets_have_their_heading_as_sole_item(campaign: Campaign) -> None:
    for group in (
        campaign.criterion("c"),
        campaign.criterion("f"),
        campaign.collective_criterion("đ"),
    ):
        assert len(group.items) == 1
        assert group.items[0].text == group.title


def test_content_headings(campaign: Campaign) -> None:
    by_target = {h.target: h for h in campaign.content}
    assert by_target["collective"].ref == "§II.2.1"
    assert by_target["collective"].slogan.vi.startswith("Thi đua xây dựng cơ quan, đơn vị văn minh")
    assert len(by_target["collective"].items) == 5
    assert by_target["individual"].ref == "§II.2.2"
    assert by_target["individual"].slogan.vi == ("Thi đua thực hiện kỷ cương, trách nhiệm, tận tụy, chuyên nghiệp")
    assert len(by_target["individual"].items) == 7


def test_annual_report_is_due_before_15_december_every_year(campaign: Campaign) -> None:
    report = campaign.deadline("annual-report")
    assert report.ref == "§VI.1"
    assert (report.kind, report.month, report.day, report.strictly_before) == ("annual", 12, 15, True)
    assert report.occurrences(date(2024, 1, 1), date(2025, 12, 31)) == [
        date(2024, 12, 15),
        date(2025, 12, 15),
    ]
    assert report.occurrences(date(2024, 12, 16), date(2025, 12, 14)) == []
    assert report.last_day(date(2024, 12, 15)) == date(2024, 12, 14)


def test_review_deadlines_default_to_15_december_of_their_year(campaign: Campaign) -> None:
    by_code = {d.code: d for d in campaign.deadlines}
    assert {c: (d.ref, d.year) for c, d in by_code.items() if d.kind == "once"} == {
        "launch-2019": ("§V.1", 2019),
        "midterm-2022": ("§V.2", 2022),
        "final-2025": ("§V.3", 2025),
    }
    midterm = by_code["midterm-2022"]
    assert midterm.due is None
    assert midterm.due_date == date(2022, 12, 15)
    assert midterm.occurrences(date(2019, 1, 1), date(2025, 12, 31)) == [date(2022, 12, 15)]
    assert midterm.occurrences(date(2023, 1, 1), date(2025, 12, 31)) == []
    assert by_code["annual-report"].due_date is None


def test_annual_deadlines_recur_after_the_period_once_deadlines_do_not(campaign: Campaign) -> None:
    """§VI.1: the report is due "hằng năm"; with no next phase loaded it is still due in 2026."""
    found = campaign.deadlines_between(date(2025, 1, 1), date(2027, 12, 31))
    assert [(due, d.code) for due, d in found] == [
        (date(2025, 12, 15), "annual-report"),
        (date(2025, 12, 15), "final-2025"),
        (date(2026, 12, 15), "annual-report"),
        (date(2027, 12, 15), "annual-report"),
    ]
    assert campaign.deadlines_between(date(2010, 1, 1), date(2019, 12, 31))[0][0] == date(2019, 12, 15)
    assert campaign.has_ended(date(2026, 12, 1)) and not campaign.has_ended(date(2025, 12, 31))
    assert list(campaign.annual_years(date(2026, 12, 1))) == list(range(2019, 2027))


def test_award_quota(campaign: Campaign, as_in_the_plan: Campaign) -> None:
    awards = campaign.awards
    assert awards.ref == "§IV.2"
    assert awards.max_per_unit == 2
    # The Minister of the ministry as it now is (MINISTRY_NAME's default); the plan's words
    # with the plan's ministry.
    assert awards.award.vi == "Bằng khen của Bộ trưởng Bộ Nông nghiệp và Môi trường"
    assert as_in_the_plan.awards.award.vi == "Bằng khen của Bộ trưởng Bộ Tài nguyên và Môi trường"
    assert [(r.code, r.ref, r.kind, r.year) for r in awards.rounds] == [
        ("annual", "§IV.2.1", "annual", None),
        ("midterm-2022", "§IV.2.2", "once", 2022),
        ("final-2025", "§IV.2.2", "once", 2025),
    ]
    assert [r.code for r in awards.rounds_in(2022)] == ["annual", "midterm-2022"]
    assert [r.code for r in awards.rounds_in(2023)] == ["annual"]
    with pytest.raises(KeyError):
        awards.round("final-2030")


def test_lookups_raise_key_error(campaign: Campaign) -> None:
    assert campaign.criterion("đ").short.en == "Communication and conduct"
    with pytest.raises(KeyError):
        campaign.criterion("g")
    with pytest.raises(KeyError):
        campaign.collective_criterion("f")  # collective groups stop at e
    with pytest.raises(KeyError):
        campaign.deadline("nope")


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("vi", "xin chào"),
        ("en", "hello"),
        ("en-US", "hello"),
        ("EN_gb", "hello"),
        ("fr", "xin chào"),
        ("", "xin chào"),
        (None, "xin chào"),
    ],
)
def test_text_get_falls_back_to_vietnamese(locale: str | None, expected: str) -> None:
    assert Text(vi="xin chào", en="hello").get(locale) == expected


def test_check_campaign_summary() -> None:
    summary = check_campaign(DEFAULT_CAMPAIGN_FILE)
    assert summary.startswith("2497/QĐ-BTNMT 2019–2025: ")
    assert "7 individual criterion groups (23 sub-items)" in summary
    assert "6 collective criterion groups (13 sub-items)" in summary
    assert "4 deadlines" in summary
    assert "\n" not in summary


# --- a second phase -----------------------------------------------------------------


def test_the_2026_2030_draft_keeps_the_criteria_and_the_yearly_duties() -> None:
    """The shipped next phase: the same criteria and figures, the yearly duties, 2026–2030,
    a draft with no invented decision number or date."""
    old, new = load_campaign(), load_campaign(NEXT_PHASE_FILE)
    assert new.id != old.id and (new.start, new.end) == (date(2026, 1, 1), date(2030, 12, 31))
    assert new.is_draft and new.issued is None and new.code == "…/QĐ-BNNMT"
    assert not re.search(r"\d", new.code)  # no number until the Minister signs
    for kind in ("individual_criteria", "collective_criteria"):
        old_groups, new_groups = getattr(old, kind), getattr(new, kind)
        assert [(g.code, g.ref, [i.code for i in g.items], g.figures) for g in new_groups] == [
            (g.code, g.ref, [i.code for i in g.items], g.figures) for g in old_groups
        ]
    assert new.individual_criteria == old.individual_criteria  # word for word
    report = new.deadline("annual-report")
    assert (report.kind, report.month, report.day, report.strictly_before, report.ref) == (
        "annual",
        12,
        15,
        True,
        "§VI.1",
    )
    assert report.occurrences(date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 12, 15)]
    assert new.awards.max_per_unit == 2 and new.awards.round("annual").ref == "§IV.2.1"
    assert [r.code for r in new.awards.rounds_in(2028)] == ["annual", "midterm-2028"]
    assert check_campaign(NEXT_PHASE_FILE).startswith(
        "…/QĐ-BNNMT 2026–2030 (DRAFT, to be confirmed by the ministry's decision): 7 individual"
    )


def test_an_issued_campaign_needs_its_decision_date(tmp_path: Path) -> None:
    data = yaml.safe_load(NEXT_PHASE_FILE.read_text(encoding="utf-8"))
    data["status"] = "issued"
    bad = tmp_path / "issued.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        load_campaign(bad)
    assert err.value.field == "issued" and "required for an issued campaign" in str(err.value)


@pytest.mark.parametrize("path", [DEFAULT_CAMPAIGN_FILE, NEXT_PHASE_FILE], ids=["2019-2025", "2026-2030"])
def test_an_annual_round_is_named_for_its_year_without_saying_the_year_twice(path: Path) -> None:
    """ "Khen thưởng hàng năm năm 2026" must never be shown (issue 13)."""
    annual = load_campaign(path).awards.round("annual")
    assert annual.title_for(2026, "vi") == "Khen thưởng năm 2026"
    assert annual.title_for(2026, "en") == "Awards for 2026"


def test_a_year_title_without_its_year_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(NEXT_PHASE_FILE.read_text(encoding="utf-8"))
    data["awards"]["rounds"][0]["year_title"]["vi"] = "Khen thưởng"
    bad = tmp_path / "no-year.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        load_campaign(bad)
    assert err.value.field == "awards.rounds[0].year_title.vi" and "{year}" in str(err.value)


# --- broken files -------------------------------------------------------------------


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    """("individual_criteria[2].items[0].text.en") -> (the parent container, last key)."""
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    node = data
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        parent, key = _walk(data, path)
        parent[key] = value

    return mutate


def _delete(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        parent, key = _walk(data, path)
        del parent[key]

    return mutate


def _copy_first_group_over_second(data: dict) -> None:
    data["individual_criteria"][1] = copy.deepcopy(data["individual_criteria"][0])


def _swap_d_and_dd(data: dict) -> None:
    groups = data["individual_criteria"]
    groups[3], groups[4] = groups[4], groups[3]


BROKEN = [
    (
        "missing English",
        _delete("individual_criteria[2].items[0].text.en"),
        "individual_criteria[2].items[0].text.en",
        "Field required",
    ),
    (
        "blank Vietnamese",
        _set("collective_criteria[0].title.vi", "   "),
        "collective_criteria[0].title.vi",
        "at least 1 character",
    ),
    ("duplicate group", _copy_first_group_over_second, "individual_criteria[1].code", "duplicate group code 'a'"),
    (
        "duplicate sub-item",
        _set("individual_criteria[0].items[2].code", "a1"),
        "individual_criteria[0].items[2].code",
        "duplicate sub-item code 'a1'",
    ),
    (
        "sub-item of another group",
        _set("individual_criteria[0].items[0].code", "b1"),
        "individual_criteria[0].items[0].code",
        "'b1' should be the group code 'a'",
    ),
    ("đ before d", _swap_d_and_dd, "individual_criteria[4].code", "group 'd' comes after 'đ'"),
    ("not a letter", _set("collective_criteria[5].code", "e2"), "collective_criteria[5].code", "not a single letter"),
    ("empty items", _set("individual_criteria[2].items", []), "individual_criteria[2].items", "at least 1 item"),
    (
        "ref without §",
        _set("individual_criteria[0].items[0].ref", "IV.1.2.a.1"),
        "individual_criteria[0].items[0].ref",
        "should match pattern",
    ),
    ("start after end", _set("start", date(2026, 1, 1)), "end", "before start 2026-01-01"),
    ("annual without day", _delete("deadlines[3].day"), "deadlines[3].day", "required for an annual deadline"),
    (
        "31 April",
        lambda d: (_set("deadlines[3].month", 4)(d), _set("deadlines[3].day", 31)(d)),
        "deadlines[3].day",
        "31 is not a day of month 4",
    ),
    (
        "29 February",
        lambda d: (_set("deadlines[3].month", 2)(d), _set("deadlines[3].day", 29)(d)),
        "deadlines[3].day",
        "not a day of month 2 in every year",
    ),
    ("month 13", _set("deadlines[3].month", 13), "deadlines[3].month", "less than or equal to 12"),
    ("once without year", _delete("deadlines[1].year"), "deadlines[1].year", "required for a once deadline"),
    ("once in the wrong year", _set("deadlines[1].due", date(2023, 1, 10)), "deadlines[1].due", "not in year 2022"),
    (
        "once outside the period",
        _set("deadlines[1].year", 2031),
        "deadlines[1].year",
        "outside the campaign period 2019–2025",
    ),
    ("quota zero", _set("awards.max_per_unit", 0), "awards.max_per_unit", "greater than or equal to 1"),
    (
        "once round without year",
        _delete("awards.rounds[1].year"),
        "awards.rounds[1].year",
        "required for a once award round",
    ),
    (
        "unknown key in a group",
        _set("individual_criteria[0].weight", 3),
        "individual_criteria[0].weight",
        "Extra inputs are not permitted",
    ),
    ("unknown top-level key", _set("ministry", "BTNMT"), "ministry", "Extra inputs"),
    ("no awards", _delete("awards"), "awards", "Field required"),
    (
        "hint too long",
        _set("individual_criteria[0].hint.en", "x" * 121),
        "individual_criteria[0].hint.en",
        "hint longer than 120 characters",
    ),
    ("version as a number", _set("version", 1.0), "version", "valid string"),
]


@pytest.fixture(scope="module")
def good_data() -> dict:
    return yaml.safe_load(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate, field, problem", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file_is_refused_naming_the_field(
    tmp_path: Path, good_data: dict, mutate: Callable, field: str, problem: str
) -> None:
    data = copy.deepcopy(good_data)
    mutate(data)
    file = tmp_path / "broken.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(file)
    message = str(caught.value)
    assert message.startswith(f"campaign file {file}: {field}: "), message
    assert problem in message
    assert "\n" not in message
    assert caught.value.field == field


def test_the_unbroken_round_trip_loads(tmp_path: Path, good_data: dict) -> None:
    # Guards the test above: the dump itself must not be what breaks the file.
    file = tmp_path / "same.yaml"
    file.write_text(yaml.safe_dump(good_data, allow_unicode=True), encoding="utf-8")
    assert load_campaign(file) == load_campaign()


def test_several_errors_report_the_first_and_a_count(tmp_path: Path, good_data: dict) -> None:
    data = copy.deepcopy(good_data)
    del data["individual_criteria"][0]["title"]["en"]
    del data["collective_criteria"][0]["title"]["en"]
    file = tmp_path / "two.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        CampaignError, match=r"individual_criteria\[0\]\.title\.en: Field required \(and 1 more error\)$"
    ):
        load_campaign(file)


@pytest.mark.parametrize(
    "content, problem",
    [
        ("id: x\ntitle: [unclosed\n", "not valid YAML: line "),
        ("- just\n- a list\n", "must be a YAML mapping of campaign fields, but it is a list"),
        ("", "but it is empty"),
        ("just a sentence\n", "but it is a str"),
        ("id: a\nid: b\n", "duplicate key 'id'"),
    ],
    ids=["not YAML", "a list", "empty", "a scalar", "duplicate key"],
)
def test_unreadable_file_is_refused(tmp_path: Path, content: str, problem: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(file)
    message = str(caught.value)
    assert message.startswith(f"campaign file {file}: ")
    assert problem in message
    assert "\n" not in message


def test_missing_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(CampaignError, match="no such file"):
        load_campaign(missing)
    with pytest.raises(CampaignError, match="no such file"):
        check_campaign(str(missing))
    with pytest.raises(CampaignError, match="is a directory"):
        load_campaign(tmp_path)
