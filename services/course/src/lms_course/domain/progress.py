"""How complete a course is: one function, used by every read and write path."""

from __future__ import annotations


def completion_percent(completed_lectures: int, total_lectures: int) -> int:
    """Completed lectures as a whole percentage, rounded down, so that 100 means
    every lecture is completed. A course with no lectures is 0% complete."""
    if total_lectures <= 0:
        return 0
    completed = max(0, min(completed_lectures, total_lectures))
    return completed * 100 // total_lectures


def is_complete(completed_lectures: int, total_lectures: int) -> bool:
    return total_lectures > 0 and completed_lectures >= total_lectures
