"""The campaign's facts as the bot says them come from the file (issue 13.1): name, decision,
number of groups, rounds and the report's due day; a draft is named as a draft."""

from __future__ import annotations

import yaml

from bot.campaign import Campaign, load_campaign
from bot.campaign.in_force import NEXT_PHASE_FILE
from bot.campaign.loader import DEFAULT_CAMPAIGN_FILE
from bot.campaign.wording import (
    annual_report_due,
    award_rounds,
    campaign_reference,
    individual_groups,
    max_nominations,
)
from bot.i18n import use_locale


def one_group(tmp_path) -> Campaign:  # noqa: ANN001
    data = yaml.safe_load(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    data["individual_criteria"] = data["individual_criteria"][:1]
    data["awards"]["max_per_unit"] = 1
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_campaign(path)


def test_the_plan_in_force_is_named_with_its_decision() -> None:
    campaign = load_campaign()
    with use_locale("vi"):
        assert campaign_reference(campaign).endswith(
            "giai đoạn 2019 - 2025 (Kế hoạch ban hành kèm theo Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019)"
        )
        assert individual_groups(campaign) == "7 nhóm tiêu chuẩn đối với cá nhân"
        assert annual_report_due(campaign) == "15 tháng 12"
        assert (
            award_rounds(campaign) == "Khen thưởng hàng năm, Khen thưởng sơ kết năm 2022, Khen thưởng tổng kết năm 2025"
        )
        assert max_nominations(campaign) == "tối đa 2 tập thể hoặc cá nhân mỗi đơn vị, mỗi đợt"
    with use_locale("en"):
        assert campaign_reference(campaign).endswith(
            "2019–2025 (plan issued with Decision 2497/QĐ-BTNMT of 02/10/2019)"
        )
        assert individual_groups(campaign) == "the 7 groups of individual criteria"
        assert annual_report_due(campaign) == "15 December"


def test_a_draft_is_named_as_a_draft_without_a_number() -> None:
    draft = load_campaign(NEXT_PHASE_FILE)
    with use_locale("vi"):
        assert campaign_reference(draft).endswith("giai đoạn 2026 - 2030 (dự thảo, chờ quyết định của Bộ)")
        assert "QĐ" not in campaign_reference(draft)
        assert award_rounds(draft).endswith("Khen thưởng sơ kết năm 2028, Khen thưởng tổng kết năm 2030")
    with use_locale("en"):
        assert campaign_reference(draft).endswith("2026–2030 (draft, awaiting the ministry's decision)")


def test_counts_are_plural_safe(tmp_path) -> None:  # noqa: ANN001
    campaign = one_group(tmp_path)
    with use_locale("en"):
        assert individual_groups(campaign) == "the 1 group of individual criteria"
        assert max_nominations(campaign) == "at most 1 per unit and round"
    with use_locale("vi"):
        assert individual_groups(campaign) == "1 nhóm tiêu chuẩn đối với cá nhân"


def test_a_misspelt_placeholder_is_refused_naming_the_field(tmp_path) -> None:  # noqa: ANN001
    import pytest

    from bot.campaign import CampaignError

    data = yaml.safe_load(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    data["awards"]["award"]["vi"] = "Bằng khen của Bộ trưởng {ministy}"
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    assert caught.value.field == "awards.award.vi" and "{ministy}" in caught.value.problem


def test_the_organisation_names_fill_the_files_texts() -> None:
    campaign = load_campaign(ministry="Bộ X", standing_agency="Vụ Y")
    assert campaign.awards.award.vi == "Bằng khen của Bộ trưởng Bộ X"
    assert campaign.deadline("annual-report").title.vi.endswith("về Bộ X (qua Vụ Y)")
    assert campaign.awards.round("annual").year_title.vi == "Khen thưởng năm {year}"  # its own placeholder kept
