"""A user's preferences and the rule that decides, per channel, whether and when to send."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from lms_kit.domain import FieldViolation, Invalid
from lms_notification.domain.catalog import Category, Channel, NotificationType

E164 = r"\+[1-9][0-9]{6,14}"


@dataclass(frozen=True, slots=True)
class Decision:
    """Send at `send_at`, or not at all (`suppressed_by` names the rule)."""

    send_at: datetime
    suppressed_by: str = ""
    held_by_quiet_hours: bool = False


@dataclass
class Preferences:
    user_id: str
    opt_outs: set[tuple[Category, Channel]] = field(default_factory=set)
    time_zone: str = "UTC"
    quiet_start_minute: int = 0
    quiet_end_minute: int = 0
    marketing_unsubscribed: bool = False
    locale: str = ""
    social_digest: bool = False

    def check(self, *, prefix: str = "preferences.") -> None:
        """Refuse a time zone that is not an IANA zone and quiet hours out of range."""
        violations = []
        if not _is_zone(self.time_zone):
            violations.append(
                FieldViolation(
                    prefix + "time_zone", f"{self.time_zone!r} is not an IANA time zone", "TIME_ZONE_INVALID"
                )
            )
        for name in ("quiet_start_minute", "quiet_end_minute"):
            if not 0 <= getattr(self, name) < 24 * 60:
                violations.append(
                    FieldViolation(prefix + name, "minutes after midnight, 0..1439", "OUT_OF_RANGE")
                )
        if violations:
            raise Invalid(
                violations, reason=violations[0].reason if len(violations) == 1 else "INVALID_FIELDS"
            )

    def decide(self, ntype: NotificationType, channel: Channel, due: datetime) -> Decision:
        """Whether and when `ntype` goes out on `channel`, given the wanted time `due`.

        Critical types ignore opt-outs and quiet hours; the in-app inbox has no quiet hours."""
        if ntype.critical:
            return Decision(due)
        if (
            ntype.category is Category.MARKETING
            and self.marketing_unsubscribed
            and channel is not Channel.IN_APP
        ):
            return Decision(due, suppressed_by="marketing_unsubscribed")
        if (ntype.category, channel) in self.opt_outs:
            return Decision(due, suppressed_by="opt_out")
        if self.social_digest and ntype.digestible and channel is Channel.EMAIL:
            return Decision(due, suppressed_by="digest")
        if channel is not Channel.IN_APP:
            quiet_end = self.quiet_hours_end(due)
            if quiet_end is not None:
                return Decision(quiet_end, held_by_quiet_hours=True)
        return Decision(due)

    def quiet_hours_end(self, at: datetime) -> datetime | None:
        """When the quiet hours that `at` falls in end (UTC), or None outside them."""
        start, end = self.quiet_start_minute, self.quiet_end_minute
        if start == end:
            return None
        zone = ZoneInfo(self.time_zone or "UTC")
        local = at.astimezone(zone)
        minute = local.hour * 60 + local.minute
        inside = start <= minute < end if start < end else (minute >= start or minute < end)
        if not inside:
            return None
        end_day = local.date() if minute < end else local.date() + timedelta(days=1)
        wall = datetime.combine(end_day, time(end // 60, end % 60), tzinfo=zone)
        return wall.astimezone(at.tzinfo)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _is_zone(name: str) -> bool:
    if not name:
        return True
    if name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
