"""Question types: each body grades an answer against the variant the attempt was shown."""

from lms_assessment.domain.questions.base import Answer, Body, Option, Outcome, Variant
from lms_assessment.domain.questions.calculated import Calculated, VariableRange
from lms_assessment.domain.questions.choice import Choice, MultipleResponse, SingleChoice, TrueFalse
from lms_assessment.domain.questions.composite import Cloze, DragDropText, Gap, Placement, Token
from lms_assessment.domain.questions.manual import (
    Description,
    Essay,
    FileResponse,
    RubricCriterion,
    RubricLevel,
)
from lms_assessment.domain.questions.structured import Matching, MatchStem, Ordering
from lms_assessment.domain.questions.text import Numerical, NumericAnswer, ShortAnswer, TextAnswer, Unit

__all__ = [
    "Answer",
    "Body",
    "Calculated",
    "Choice",
    "Cloze",
    "Description",
    "DragDropText",
    "Essay",
    "FileResponse",
    "Gap",
    "MatchStem",
    "Matching",
    "MultipleResponse",
    "NumericAnswer",
    "Numerical",
    "Option",
    "Ordering",
    "Outcome",
    "Placement",
    "RubricCriterion",
    "RubricLevel",
    "ShortAnswer",
    "SingleChoice",
    "TextAnswer",
    "Token",
    "TrueFalse",
    "Unit",
    "VariableRange",
    "Variant",
]
