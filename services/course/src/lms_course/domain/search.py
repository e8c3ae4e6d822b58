"""What a catalogue search asks for and what it finds."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lms_course.domain.enums import Level
from lms_course.domain.model import Course
from lms_kit.domain.money import Money


class SearchOrder(enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    RATING = "rating"
    POPULARITY = "popularity"


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    query: str = ""
    category_id: str | None = None
    level: Level | None = None
    language: str = ""
    min_price: Money | None = None
    max_price: Money | None = None
    free_only: bool = False
    min_rating: float = 0.0
    order: SearchOrder = SearchOrder.RELEVANCE

    @property
    def effective_order(self) -> SearchOrder:
        """Relevance needs words to rank by; without a query it means newest."""
        if self.order is SearchOrder.RELEVANCE and not self.query.strip():
            return SearchOrder.NEWEST
        return self.order


@dataclass(frozen=True, slots=True)
class SearchHit:
    course: Course
    snippet: str
    relevance: float
    key: tuple[str, str]  # the keyset position of this hit in its order


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One page of a search: the criteria, where the previous page ended (its last hit's
    `key`, None for the first page) and how many hits the page shows. Equal queries give
    every caller the same page (search shows only published courses)."""

    criteria: SearchCriteria
    after: tuple[str, str] | None
    size: int
