"""Issue 13, item 3: every individual sub-item has a short label for its button at the
check-in's "Chưa đạt" step, in both shipped campaign files, within the limit; a file
without one, or with one too long, is refused naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.campaign import CampaignError, load_campaign
from bot.campaign.loader import DEFAULT_CAMPAIGN_FILE
from bot.campaign.schema import LABEL_MAX_CHARS
from bot.channels.telegram.callbacks import CheckinItemCB

FILES = sorted((DEFAULT_CAMPAIGN_FILE.parent).glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_individual_sub_item_has_a_short_label_in_both_languages(path: Path) -> None:
    campaign = load_campaign(path)
    labels = []
    for g in campaign.individual_criteria:
        for i, item in enumerate(g.items):
            assert item.label is not None, item.code
            for lang in ("vi", "en"):
                text = item.label.get(lang)
                assert 3 <= len(text) <= LABEL_MAX_CHARS == 30, (item.code, text)
                labels.append(text)
            # the button's data stays far within Telegram's 64 bytes
            data = CheckinItemCB(w=203053, c=len(campaign.individual_criteria) - 1, i=i, e=True).pack()
            assert len(data.encode()) <= 64
    assert len(labels) == 2 * 23
    assert campaign.criterion("b").item("b2").label.vi == "Chủ động phối hợp"


def test_both_files_label_the_same_criteria_alike() -> None:
    old, new = (load_campaign(p) for p in FILES)
    assert [(i.code, i.label) for g in old.individual_criteria for i in g.items] == [
        (i.code, i.label) for g in new.individual_criteria for i in g.items
    ]


def _broken(tmp_path: Path, mutate) -> CampaignError:  # noqa: ANN001
    data = yaml.safe_load(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    mutate(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CampaignError) as err:
        load_campaign(bad)
    return err.value


def test_a_missing_label_is_refused_naming_the_field(tmp_path: Path) -> None:
    err = _broken(tmp_path, lambda d: d["individual_criteria"][1]["items"][2].pop("label"))
    assert err.field == "individual_criteria[1].items[2].label" and "required" in str(err)


def test_a_label_too_long_for_a_button_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict) -> None:
        d["individual_criteria"][0]["items"][0]["label"]["vi"] = "Nghiêm chỉnh chấp hành chủ trương, pháp luật"

    err = _broken(tmp_path, mutate)
    assert err.field == "individual_criteria[0].items[0].label.vi" and "longer than 30" in str(err)


def test_two_buttons_of_a_group_cannot_read_alike(tmp_path: Path) -> None:
    def mutate(d: dict) -> None:
        items = d["individual_criteria"][0]["items"]
        items[1]["label"] = dict(items[0]["label"])

    err = _broken(tmp_path, mutate)
    assert err.field == "individual_criteria[0].items[1].label.vi" and "items[0]" in str(err)
