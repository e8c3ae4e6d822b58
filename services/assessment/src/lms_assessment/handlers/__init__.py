"""Use cases of the assessment service: plain values and an Actor in, domain objects out."""

from lms_assessment.handlers.attempts import AttemptHandlers
from lms_assessment.handlers.banks import BankHandlers
from lms_assessment.handlers.grading import GradingHandlers
from lms_assessment.handlers.interchange import InterchangeHandlers
from lms_assessment.handlers.quizzes import QuizHandlers

__all__ = ["AttemptHandlers", "BankHandlers", "GradingHandlers", "InterchangeHandlers", "QuizHandlers"]
