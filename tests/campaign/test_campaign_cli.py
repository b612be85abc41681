"""`python -m bot campaign check FILE` on the shipped 2026–2030 draft, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_campaign_check_validates_the_2026_2030_draft() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "bot", "campaign", "check", "bot/campaign/data/van-hoa-cong-so-2026-2030.yaml"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == (
        "…/QĐ-BNNMT 2026–2030 (DRAFT, to be confirmed by the ministry's decision): 7 individual criterion groups "
        "(23 sub-items), 6 collective criterion groups (13 sub-items), 4 deadlines, at most 2 nominations per unit "
        "in each of 3 award rounds"
    )
