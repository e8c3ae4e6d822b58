"""QTI 3.0 export and import keep every supported type (round trip); hostile XML is
refused; GIFT imports the common forms."""

from __future__ import annotations

import pytest

from lms_assessment.domain.interchange import InterchangeError, ItemDefinition
from lms_assessment.domain.interchange.gift import import_gift
from lms_assessment.domain.interchange.qti import export_item, import_item
from lms_assessment.domain.questions import (
    Choice,
    Cloze,
    Description,
    DragDropText,
    Essay,
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
)

BODIES = {
    "single choice": SingleChoice(
        (Choice("a", "Paris", 1.0, feedback="Yes"), Choice("b", "Lyon", -0.5), Choice("c", "Nice", 0.25)),
        shuffle=True,
        negative_marking=True,
    ),
    "multiple response": MultipleResponse(
        (Choice("a", "2", correct=True), Choice("b", "3", correct=True), Choice("c", "4")), partial=False
    ),
    "true/false": TrueFalse(False, "Not quite", "Right"),
    "short answer": ShortAnswer((TextAnswer("newton", 1.0), TextAnswer("*newton", 0.5)), case_sensitive=True),
    "numerical": Numerical((NumericAnswer(9.81, 0.05),)),
    "essay": Essay(),
    "matching": Matching(
        (MatchStem("fr", "France", "paris"), MatchStem("it", "Italy", "rome")),
        (Option("paris", "Paris"), Option("rome", "Rome"), Option("bonn", "Bonn")),
        partial=True,
        shuffle=True,
    ),
    "ordering": Ordering((Option("1", "one"), Option("2", "two"), Option("3", "three")), partial=False),
    "gap match": DragDropText(
        "{{g1}} is a fruit, {{g2}} is not",
        (Token("apple", "apple"), Token("stone", "stone"), Token("x", "x", unlimited=True)),
        (Placement("g1", "apple"), Placement("g2", "stone")),
        shuffle=True,
    ),
    "cloze (inline choice and text entry)": Cloze(
        "The capital is {{city}} on the {{river}}, {{km}} km from the sea.",
        (
            Gap("city", ShortAnswer((TextAnswer("Paris"),)), weight=2.0),
            Gap(
                "river", SingleChoice((Choice("seine", "Seine", 1.0), Choice("loire", "Loire")), shuffle=True)
            ),
            Gap("km", Numerical((NumericAnswer(160.0, 10.0),))),
        ),
    ),
}


@pytest.mark.parametrize("name", list(BODIES))
def test_qti_round_trip_keeps_the_question(name):
    item = ItemDefinition("item-1", f"A {name}", "Answer this.", BODIES[name], 3.0)
    xml = export_item(item)
    assert (
        xml.startswith("<qti-assessment-item")
        and 'xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"' in xml
    )
    assert import_item(xml) == item


def test_qti_import_refuses_entities_and_other_roots():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><qti-assessment-item>&a;</qti-assessment-item>'
    )
    with pytest.raises(InterchangeError):
        import_item(bomb)
    external = (
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><qti-assessment-item>&e;</qti-assessment-item>'
    )
    with pytest.raises(InterchangeError):
        import_item(external)
    with pytest.raises(InterchangeError):
        import_item("<html/>")


GIFT = """
// a comment
::Capital:: What is the capital of France? {=Paris#Yes ~Lyon#No ~%50%Paris, France}

::Primes:: Which are prime? {~%50%2 ~%50%3 ~%-100%4}

Water boils at 100 C at sea level. {T}

::Who:: Who wrote the Principia? {=Newton =Isaac Newton}

::g:: What is g in m/s2? {#9.81:0.05}

::Match:: Match the capitals. {=France -> Paris =Italy -> Rome}

::Essay:: Explain inertia. {}

Read the text above.
"""


def test_gift_import_reads_the_common_forms():
    items = import_gift(GIFT)
    kinds = [i.body.kind for i in items]
    assert kinds == [
        "single_choice", "multiple_response", "true_false", "short_answer", "numerical", "matching", "essay",
        "description",
    ]  # fmt: skip
    capital = items[0].body
    assert isinstance(capital, SingleChoice) and [
        (c.text, c.fraction, c.feedback) for c in capital.choices
    ] == [
        ("Paris", 1.0, "Yes"),
        ("Lyon", 0.0, "No"),
        ("Paris, France", 0.5, ""),
    ]
    assert items[0].title == "Capital" and items[0].text == "What is the capital of France?"
    assert all(item.body.problems() == [] for item in items)
    assert isinstance(items[2].body, TrueFalse) and items[2].body.correct
    assert isinstance(items[4].body, Numerical) and items[4].body.answers == (NumericAnswer(9.81, 0.05),)
    assert isinstance(items[7].body, Description)


def test_gift_import_names_the_broken_question():
    with pytest.raises(InterchangeError, match="question 2"):
        import_gift("Fine {T}\n\nBroken {#not-a-number}")
