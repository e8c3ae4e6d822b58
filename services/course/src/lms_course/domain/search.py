"""What a catalogue search asks for and what it finds."""

from __future__ import annotations

import enum
import re
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


# -- forgiving queries --------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
COMPLETIONS = 5  # terms offered for the word being typed
ALTERNATIVES = 3  # corrections tried per misspelt word


def query_words(text: str) -> list[str]:
    """The words of a query, lower-cased (runs of letters and digits: "html5" is one)."""
    return _WORD.findall(text.lower())


def forgivable(word: str) -> bool:
    """Whether a word may be corrected or completed: letters only, as the vocabulary
    spells them. A word with digits (a version, a code) is searched as written."""
    return word.isalpha()


def typo_budget(word: str) -> int:
    """Edits forgiven in a word: none below 5 letters, one up to 8, two from 9 (the
    "AUTO" fuzziness of Elasticsearch and Meilisearch's defaults); none with digits."""
    if not forgivable(word):
        return 0
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def completes_last_word(text: str) -> bool:
    """Whether the query's last word may still be being typed (no space after it)."""
    words = query_words(text)
    return bool(words) and len(words[-1]) >= 2 and forgivable(words[-1]) and not text[-1:].isspace()


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What a search box shows while typing: `corrected` is the query with its misspelt
    words replaced ("did you mean"; empty when nothing needed it) and `completions` are
    whole queries ending in a word that completes the last one."""

    corrected: str
    completions: tuple[str, ...]


def corrected_query(text: str, corrections: dict[str, list[str]]) -> str:
    """`text` with each corrected word replaced by its best correction; '' if none was."""
    words = query_words(text)
    if not any(corrections.get(w) for w in words):
        return ""
    return " ".join(corrections[w][0] if corrections.get(w) else w for w in words)
