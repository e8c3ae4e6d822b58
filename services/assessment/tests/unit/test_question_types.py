"""Every question type graded right, wrong and partly right, with its feedback."""

from __future__ import annotations

import pytest

from lms_assessment.domain.questions import (
    Answer,
    Calculated,
    Choice,
    Cloze,
    Description,
    DragDropText,
    Essay,
    FileResponse,
    Gap,
    Matching,
    MatchStem,
    MultipleResponse,
    Numerical,
    NumericAnswer,
    Option,
    Ordering,
    Placement,
    RubricCriterion,
    RubricLevel,
    ShortAnswer,
    SingleChoice,
    TextAnswer,
    Token,
    TrueFalse,
    Unit,
    VariableRange,
    Variant,
)
from lms_assessment.domain.questions.catalogue import draw_variant, grade

NONE = Variant()

CAPITAL = SingleChoice(
    (
        Choice("a", "Paris", 1.0, feedback="Yes."),
        Choice("b", "Lyon", 0.0, feedback="Second city."),
        Choice("c", "Paris, France (close enough)", 0.5),
        Choice("d", "Berlin", -0.5),
    )
)


def test_single_choice_right_wrong_partial_and_feedback():
    assert grade(CAPITAL, Answer(choices=("a",)), NONE).fraction == 1.0
    assert grade(CAPITAL, Answer(choices=("a",)), NONE).feedback == ("Yes.",)
    assert grade(CAPITAL, Answer(choices=("b",)), NONE).fraction == 0.0
    assert grade(CAPITAL, Answer(choices=("c",)), NONE).fraction == 0.5
    assert grade(CAPITAL, Answer(choices=("a", "b")), NONE).fraction == 0.0
    assert grade(CAPITAL, Answer(choices=("zz",)), NONE).fraction == 0.0


def test_negative_choice_costs_marks_only_with_negative_marking():
    assert grade(CAPITAL, Answer(choices=("d",)), NONE).fraction == 0.0
    negative = SingleChoice(CAPITAL.choices, negative_marking=True)
    assert grade(negative, Answer(choices=("d",)), NONE).fraction == -0.5


PRIMES = (Choice("2", "2", correct=True), Choice("3", "3", correct=True), Choice("4", "4"), Choice("9", "9"))


def test_multiple_response_partial_gains_per_right_and_loses_per_wrong_choice():
    partial = MultipleResponse(PRIMES)
    assert grade(partial, Answer(choices=("2", "3")), NONE).fraction == 1.0
    assert grade(partial, Answer(choices=("2",)), NONE).fraction == 0.5
    assert grade(partial, Answer(choices=("2", "4")), NONE).fraction == 0.0
    assert grade(partial, Answer(choices=("2", "3", "4")), NONE).fraction == 0.5
    assert grade(partial, Answer(choices=("4", "9")), NONE).fraction == 0.0
    assert (
        grade(MultipleResponse(PRIMES, negative_marking=True), Answer(choices=("4", "9")), NONE).fraction
        == -1.0
    )


def test_multiple_response_all_or_nothing_needs_exactly_the_right_set():
    strict = MultipleResponse(PRIMES, partial=False)
    assert grade(strict, Answer(choices=("3", "2")), NONE).fraction == 1.0
    assert grade(strict, Answer(choices=("2",)), NONE).fraction == 0.0
    assert grade(strict, Answer(choices=("2", "3", "9")), NONE).fraction == 0.0


def test_true_false_with_feedback():
    question = TrueFalse(True, true_feedback="Right.", false_feedback="Water boils at 100 C.")
    assert grade(question, Answer(choices=("true",)), NONE).fraction == 1.0
    wrong = grade(question, Answer(choices=("false",)), NONE)
    assert (wrong.fraction, wrong.feedback) == (0.0, ("Water boils at 100 C.",))
    assert grade(question, Answer(), NONE).fraction == 0.0


def test_short_answer_case_spacing_and_wildcards():
    question = ShortAnswer(
        (TextAnswer("Isaac Newton", 1.0, "Yes"), TextAnswer("*Newton", 0.8), TextAnswer("Leibniz", 0.3))
    )
    assert grade(question, Answer(text="  isaac   NEWTON "), NONE).fraction == 1.0
    assert grade(question, Answer(text="Sir I. Newton"), NONE).fraction == 0.8
    assert grade(question, Answer(text="leibniz"), NONE).fraction == 0.3
    assert grade(question, Answer(text="Einstein"), NONE).fraction == 0.0
    strict = ShortAnswer((TextAnswer("Isaac Newton"),), case_sensitive=True, exact_spacing=True)
    assert grade(strict, Answer(text="isaac newton"), NONE).fraction == 0.0
    assert grade(strict, Answer(text="Isaac  Newton"), NONE).fraction == 0.0
    assert grade(strict, Answer(text="Isaac Newton"), NONE).fraction == 1.0


def test_short_answer_wildcard_does_not_treat_other_characters_as_regex():
    question = ShortAnswer((TextAnswer("a.c"),))
    assert grade(question, Answer(text="abc"), NONE).fraction == 0.0
    assert grade(question, Answer(text="a.c"), NONE).fraction == 1.0


LENGTH = Numerical(
    (NumericAnswer(1.5, tolerance=0.05), NumericAnswer(1.0, tolerance=0.6, fraction=0.25)),
    units=(Unit("m"), Unit("cm", 0.01)),
    unit_required=True,
    unit_penalty=0.2,
)


def test_numerical_tolerance_units_and_unit_penalty():
    assert grade(LENGTH, Answer(text="1.52 m"), NONE).fraction == 1.0
    assert grade(LENGTH, Answer(text="150 cm"), NONE).fraction == 1.0
    assert grade(LENGTH, Answer(text="1,5m"), NONE).fraction == 1.0
    assert grade(LENGTH, Answer(text="1.5"), NONE).fraction == 0.8
    assert grade(LENGTH, Answer(text="1.5 km"), NONE).fraction == 0.8
    assert grade(LENGTH, Answer(text="1.3 m"), NONE).fraction == 0.25
    assert grade(LENGTH, Answer(text="3 m"), NONE).fraction == 0.0
    assert grade(LENGTH, Answer(text="about one and a half"), NONE).fraction == 0.0


def test_calculated_draws_reproducible_values_and_grades_against_them():
    question = Calculated(
        "a * b + sqrt(c)",
        (VariableRange("a", 1, 10), VariableRange("b", 1, 10, 1), VariableRange("c", 4, 4)),
        tolerance=0.01,
        relative_tolerance=True,
    )
    assert question.problems() == []
    first, again, other = draw_variant(question, 7), draw_variant(question, 7), draw_variant(question, 8)
    assert first == again and first != other
    value = first.values["a"] * first.values["b"] + 2
    assert grade(question, Answer(text=str(value)), first).fraction == 1.0
    assert grade(question, Answer(text=str(value * 1.005)), first).fraction == 1.0
    assert grade(question, Answer(text=str(value * 1.05)), first).fraction == 0.0


def test_calculated_refuses_formulas_outside_the_safe_grammar():
    def reasons(formula: str) -> list[str]:
        return [r for _, r, _ in Calculated(formula, (VariableRange("x", 1, 2),)).problems()]

    assert reasons("__import__('os').system('true')") == ["FORMULA_INVALID"]
    assert reasons("x.__class__") == ["FORMULA_INVALID"]
    assert reasons("2 ** 9 ** 9") == ["FORMULA_INVALID"]
    assert reasons("x + y") == ["FORMULA_UNKNOWN_VARIABLE"]
    assert reasons("1 / (x - x)") == ["FORMULA_INVALID"]
    assert reasons("max(x, 2) * pi") == []


FLAGS = Matching(
    (MatchStem("fr", "France", "blue-white-red"), MatchStem("it", "Italy", "green-white-red")),
    (
        Option("blue-white-red", "tricolore"),
        Option("green-white-red", "il tricolore"),
        Option("black-red-gold", "x"),
    ),
)


def test_matching_partial_and_all_or_nothing():
    both = Answer(pairs={"fr": "blue-white-red", "it": "green-white-red"})
    one = Answer(pairs={"fr": "blue-white-red", "it": "black-red-gold"})
    assert grade(FLAGS, both, NONE).fraction == 1.0
    assert grade(FLAGS, one, NONE).fraction == 0.5
    assert grade(FLAGS, Answer(), NONE).fraction == 0.0
    assert grade(Matching(FLAGS.stems, FLAGS.choices, partial=False), one, NONE).fraction == 0.0


def test_ordering_partial_by_position_and_incomplete_orders_score_nothing():
    question = Ordering(tuple(Option(i, i) for i in "1234"))
    assert grade(question, Answer(order=("1", "2", "3", "4")), NONE).fraction == 1.0
    assert grade(question, Answer(order=("1", "2", "4", "3")), NONE).fraction == 0.5
    assert grade(question, Answer(order=("1", "2", "3")), NONE).fraction == 0.0
    strict = Ordering(question.items, partial=False)
    assert grade(strict, Answer(order=("1", "2", "4", "3")), NONE).fraction == 0.0
    assert sorted(draw_variant(question, 1).orders["items"]) == ["1", "2", "3", "4"]


CLOZE = Cloze(
    "The capital of France is {{city}}, it has about {{people}} million people and lies on the {{river}}.",
    (
        Gap("city", ShortAnswer((TextAnswer("Paris"),)), weight=2),
        Gap("people", Numerical((NumericAnswer(2.1, 0.2),))),
        Gap("river", SingleChoice((Choice("seine", "Seine", 1.0), Choice("loire", "Loire")))),
    ),
)


def test_cloze_weights_each_gap_by_its_own_kind():
    assert CLOZE.problems() == []
    full = Answer(pairs={"city": "paris", "people": "2.2", "river": "seine"})
    assert grade(CLOZE, full, NONE).fraction == 1.0
    assert grade(CLOZE, Answer(pairs={"city": "Paris"}), NONE).fraction == 0.5
    assert grade(CLOZE, Answer(pairs={"people": "2", "river": "seine"}), NONE).fraction == 0.5
    assert grade(CLOZE, Answer(pairs={"river": "loire"}), NONE).fraction == 0.0


def test_cloze_refuses_text_and_gaps_that_disagree():
    broken = Cloze("only {{city}}", CLOZE.gaps)
    assert [r for _, r, _ in broken.problems()] == ["GAPS_DO_NOT_MATCH_TEXT"]


DRAG = DragDropText(
    "{{g1}} is a fruit and {{g2}} is a vegetable.",
    (Token("apple", "apple"), Token("carrot", "carrot"), Token("stone", "stone")),
    (Placement("g1", "apple"), Placement("g2", "carrot")),
)


def test_drag_and_drop_into_text_partial_and_one_use_tokens():
    assert grade(DRAG, Answer(pairs={"g1": "apple", "g2": "carrot"}), NONE).fraction == 1.0
    assert grade(DRAG, Answer(pairs={"g1": "apple", "g2": "stone"}), NONE).fraction == 0.5
    assert grade(DRAG, Answer(pairs={"g1": "carrot", "g2": "apple"}), NONE).fraction == 0.0
    reused = DragDropText("{{a}} {{b}}", (Token("x", "x"),), (Placement("a", "x"), Placement("b", "x")))
    assert grade(reused, Answer(pairs={"a": "x", "b": "x"}), NONE).fraction == 0.0
    unlimited = DragDropText(
        "{{a}} {{b}}", (Token("x", "x", unlimited=True),), (Placement("a", "x"), Placement("b", "x"))
    )
    assert grade(unlimited, Answer(pairs={"a": "x", "b": "x"}), NONE).fraction == 1.0


def test_essay_waits_for_a_teacher_and_its_rubric_gives_the_fraction():
    rubric = (
        RubricCriterion(
            "argument", "Argument", (RubricLevel("weak", "weak", 0), RubricLevel("strong", "strong", 3))
        ),
        RubricCriterion("style", "Style", (RubricLevel("poor", "poor", 0), RubricLevel("good", "good", 1))),
    )
    essay = Essay(rubric)
    assert grade(essay, Answer(text="My essay"), NONE).needs_manual
    assert not grade(essay, Answer(text="  "), NONE).needs_manual
    assert essay.rubric_fraction({"argument": "strong", "style": "poor"}) == 0.75
    assert essay.rubric_fraction({"argument": "strong"}) is None


def test_file_response_waits_for_a_teacher_only_with_a_file_reference():
    assert grade(FileResponse(), Answer(file="files/abc"), NONE).needs_manual
    assert not grade(FileResponse(), Answer(text="no file"), NONE).needs_manual


def test_description_is_never_graded():
    outcome = grade(Description(), Answer(text="anything"), NONE)
    assert (outcome.fraction, outcome.needs_manual) == (0.0, False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffles_are_seeded_reproducible_and_keep_every_choice(seed):
    question = SingleChoice(tuple(Choice(str(i), str(i), 1.0 if i == 0 else 0.0) for i in range(8)))
    first = draw_variant(question, seed).orders["choices"]
    assert first == draw_variant(question, seed).orders["choices"]
    assert sorted(first) == sorted(c.id for c in question.choices)
    fixed = SingleChoice(question.choices, shuffle=False)
    assert draw_variant(fixed, seed).orders["choices"] == tuple(c.id for c in question.choices)
    assert len({draw_variant(question, s).orders["choices"] for s in range(20)}) > 1
