"""Integrity events of an attempt and the rules that flag it for a teacher's review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from lms_assessment.domain.quiz import IntegrityRules


class IntegrityKind(Enum):
    TAB_HIDDEN = "tab_hidden"
    TAB_VISIBLE = "tab_visible"
    WINDOW_BLUR = "window_blur"
    COPY = "copy"
    PASTE = "paste"
    FULLSCREEN_EXIT = "fullscreen_exit"
    SECOND_SESSION = "second_session"  # recorded by the server
    IP_CHANGE = "ip_change"  # recorded by the server
    PROCTORING = "proctoring"  # added by the proctoring service


# What clients may report; the others the server (or proctoring) records itself.
CLIENT_KINDS = frozenset(
    {
        IntegrityKind.TAB_HIDDEN,
        IntegrityKind.TAB_VISIBLE,
        IntegrityKind.WINDOW_BLUR,
        IntegrityKind.COPY,
        IntegrityKind.PASTE,
        IntegrityKind.FULLSCREEN_EXIT,
    }
)


@dataclass(frozen=True)
class IntegrityEvent:
    attempt_id: str
    kind: IntegrityKind
    occurred_at: datetime
    detail: str = ""
    source: str = "client"  # client | server | proctoring


def flag_reasons(counts: Mapping[str, int], rules: IntegrityRules) -> list[str]:
    """Every flag reason the counts meet under the rules."""
    reasons = []
    if rules.max_tab_switches and counts.get(IntegrityKind.TAB_HIDDEN.value, 0) > rules.max_tab_switches:
        reasons.append("TAB_SWITCHES")
    copies = counts.get(IntegrityKind.COPY.value, 0) + counts.get(IntegrityKind.PASTE.value, 0)
    if rules.max_copy_paste and copies > rules.max_copy_paste:
        reasons.append("COPY_PASTE")
    if rules.flag_second_session and counts.get(IntegrityKind.SECOND_SESSION.value, 0):
        reasons.append("SECOND_SESSION")
    if rules.flag_ip_change and counts.get(IntegrityKind.IP_CHANGE.value, 0):
        reasons.append("IP_CHANGE")
    if rules.flag_fullscreen_exit and counts.get(IntegrityKind.FULLSCREEN_EXIT.value, 0):
        reasons.append("FULLSCREEN_EXIT")
    if counts.get(IntegrityKind.PROCTORING.value, 0):
        reasons.append("PROCTORING")
    return reasons
