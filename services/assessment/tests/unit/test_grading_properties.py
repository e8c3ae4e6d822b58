"""Property: whatever the question and whatever the learner sends, a grade never exceeds the
question's maximum and is never negative unless the question uses negative marking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lms_assessment.domain.questions import (
    Answer,
    Calculated,
    Choice,
    Cloze,
    DragDropText,
    Gap,
    Matching,
    MatchStem,
    MultipleResponse,
    Numerical,
    NumericAnswer,
    Option,
    Ordering,
    Placement,
    ShortAnswer,
    SingleChoice,
    TextAnswer,
    Token,
    TrueFalse,
    Unit,
    VariableRange,
)
from lms_assessment.domain.questions.catalogue import draw_variant, grade

IDS = st.sampled_from(["a", "b", "c", "d", "e"])
FRACTIONS = st.floats(-1.0, 1.0, allow_nan=False)
TEXTS = st.text(max_size=12)


def choices(min_size: int = 2):
    return st.lists(
        st.builds(Choice, id=IDS, text=TEXTS, fraction=FRACTIONS, correct=st.booleans()),
        min_size=min_size,
        max_size=5,
        unique_by=lambda c: c.id,
    )


single = st.builds(SingleChoice, choices=choices().map(tuple), negative_marking=st.booleans())
multiple = st.builds(
    MultipleResponse,
    choices=choices().filter(lambda cs: any(c.correct for c in cs)).map(tuple),
    partial=st.booleans(),
    negative_marking=st.booleans(),
)
short = st.builds(
    ShortAnswer,
    answers=st.lists(st.builds(TextAnswer, pattern=TEXTS, fraction=st.floats(0, 1)), min_size=1).map(tuple),
    case_sensitive=st.booleans(),
)
numeric = st.builds(
    Numerical,
    answers=st.lists(
        st.builds(
            NumericAnswer, value=st.floats(-100, 100), tolerance=st.floats(0, 5), fraction=st.floats(0, 1)
        ),
        min_size=1,
    ).map(tuple),
    units=st.just((Unit("m"), Unit("cm", 0.01))),
    unit_required=st.booleans(),
    unit_penalty=st.floats(0, 1),
)
calculated = st.builds(
    Calculated,
    formula=st.sampled_from(["x + y", "x * y - 3", "x / y", "sqrt(x) * y"]),
    variables=st.just((VariableRange("x", 1, 9, 1), VariableRange("y", 1, 5))),
    tolerance=st.floats(0, 1),
)
matching = st.just(
    Matching(
        (MatchStem("s1", "one", "a"), MatchStem("s2", "two", "b")),
        (Option("a", "A"), Option("b", "B"), Option("c", "C")),
    )
)
ordering = st.builds(
    Ordering, items=st.just((Option("a", "A"), Option("b", "B"), Option("c", "C"))), partial=st.booleans()
)
drag = st.just(
    DragDropText(
        "{{g1}} {{g2}}", (Token("a", "A"), Token("b", "B")), (Placement("g1", "a"), Placement("g2", "b"))
    )
)
cloze = st.builds(
    lambda body, weight: Cloze(
        "{{x}} {{y}}", (Gap("x", body, weight), Gap("y", ShortAnswer((TextAnswer("y"),))))
    ),
    st.one_of(single, short, numeric),
    st.floats(0.1, 5),
)
true_false = st.builds(TrueFalse, correct=st.booleans())
BODIES = st.one_of(single, multiple, short, numeric, calculated, matching, ordering, drag, cloze, true_false)

ANSWERS = st.builds(
    Answer,
    choices=st.lists(st.one_of(IDS, st.sampled_from(["true", "false"])), max_size=5).map(tuple),
    text=st.one_of(TEXTS, st.floats(-200, 200).map(str), st.floats(-200, 200).map(lambda v: f"{v} cm")),
    pairs=st.dictionaries(
        st.sampled_from(["s1", "s2", "g1", "g2", "x", "y"]), st.one_of(IDS, TEXTS), max_size=4
    ),
    order=st.permutations(["a", "b", "c"]).map(tuple) | st.lists(IDS, max_size=4).map(tuple),
)


def negative(body) -> bool:
    return getattr(body, "negative_marking", False) or any(
        getattr(g.body, "negative_marking", False) for g in getattr(body, "gaps", ())
    )


@settings(max_examples=250, deadline=None)
@given(body=BODIES, answer=ANSWERS, seed=st.integers(0, 2**32), points=st.floats(0.5, 20))
def test_a_grade_stays_between_zero_and_the_maximum(body, answer, seed, points):
    earned = grade(body, answer, draw_variant(body, seed)).points(points)
    assert earned <= points + 1e-9
    if not negative(body):
        assert earned >= 0.0
    else:
        assert earned >= -points - 1e-9
