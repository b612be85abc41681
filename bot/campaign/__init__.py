"""The campaign as data (SPEC §1): schema, loader and the shipped campaign files.

The default campaign is Decision 2497/QĐ-BTNMT (2019–2025) in ``data/``; a new
phase or another ministry's plan is another YAML file of the same shape::

    from bot.campaign import load_campaign
    campaign = load_campaign()            # or load_campaign("path/to/file.yaml")
    campaign.criterion("đ").short.get("en")   # "Communication and conduct"
"""

from bot.campaign.loader import DEFAULT_CAMPAIGN_FILE, CampaignError, check_campaign, load_campaign
from bot.campaign.schema import (
    AwardQuota,
    AwardRound,
    Campaign,
    ContentHeading,
    CriterionGroup,
    Deadline,
    SubItem,
    Text,
)

__all__ = [
    "DEFAULT_CAMPAIGN_FILE",
    "AwardQuota",
    "AwardRound",
    "Campaign",
    "CampaignError",
    "ContentHeading",
    "CriterionGroup",
    "Deadline",
    "SubItem",
    "Text",
    "check_campaign",
    "load_campaign",
]
