"""Cycle checks for the prerequisite graph and the category tree."""

from __future__ import annotations

from collections.abc import Iterable


def prerequisites_make_cycle(course_id: str, required: Iterable[str], required_closure: set[str]) -> bool:
    """Whether making `course_id` require `required` closes a cycle. `required_closure`
    is every course that the required courses themselves (transitively) require."""
    required = set(required)
    return course_id in required or course_id in required_closure


def category_path(parent_path: str, category_id: str) -> str:
    """The materialised path of a category: `/root/.../id/` (prefix = subtree)."""
    return f"{parent_path or '/'}{category_id}/"


def moves_under_itself(category_path_: str, new_parent_path: str) -> bool:
    """Whether a category would move under itself or one of its descendants."""
    return bool(new_parent_path) and new_parent_path.startswith(category_path_)
