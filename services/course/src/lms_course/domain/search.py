"""What a catalogue search asks for and what it finds."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lms_course.domain.model import Course, Level, Money


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
