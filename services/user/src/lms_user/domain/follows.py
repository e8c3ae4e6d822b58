"""Who follows whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FollowView:
    """One follow, with the display names lists show."""

    follower_id: str
    followee_id: str
    follower_display_name: str
    followee_display_name: str
    created_at: datetime
