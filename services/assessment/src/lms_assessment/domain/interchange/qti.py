"""QTI 3.0 assessment items: export with xml.etree, import with defusedxml (no entities, no
external references, no billion laughs). Supported interactions: choice (single choice,
multiple response, true/false), text-entry (short answer, numerical), extended-text
(essay), inline-choice and text-entry inside text (cloze), match, order, gap-match
(drag-and-drop into text). What QTI cannot say natively (partial scoring mode, negative
marking, wildcards, feedback per choice) travels in `data-lms-*` attributes, which QTI 3.0
allows on its elements and other tools ignore."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import defusedxml.ElementTree as SafeET

from lms_assessment.domain.interchange import InterchangeError, ItemDefinition
from lms_assessment.domain.questions.base import Body, Option
from lms_assessment.domain.questions.choice import Choice, MultipleResponse, SingleChoice, TrueFalse
from lms_assessment.domain.questions.composite import Cloze, DragDropText, Gap, Placement, Token, placeholders
from lms_assessment.domain.questions.manual import Essay
from lms_assessment.domain.questions.structured import Matching, MatchStem, Ordering
from lms_assessment.domain.questions.text import Numerical, NumericAnswer, ShortAnswer, TextAnswer

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
MAP_RESPONSE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response"
MATCH_CORRECT = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct"
_PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_-]+)\}\}")
MAX_BYTES = 2_000_000


class UnsupportedItem(InterchangeError):
    pass


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _is(value: str | None) -> bool:
    return value == "true"


# -- export --------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, attributes)


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(tag, attributes)


def _declaration(parent: ET.Element, identifier: str, cardinality: str, base_type: str) -> ET.Element:
    return _sub(
        parent,
        "qti-response-declaration",
        identifier=identifier,
        cardinality=cardinality,
        **{"base-type": base_type},
    )


def _correct(declaration: ET.Element, values: list[str]) -> None:
    correct = _sub(declaration, "qti-correct-response")
    for value in values:
        _sub(correct, "qti-value").text = value


def _mapping(declaration: ET.Element, entries: list[tuple[str, float]], **attributes: str) -> ET.Element:
    mapping = _sub(declaration, "qti-mapping", **{"default-value": "0", **attributes})
    for key, value in entries:
        _sub(mapping, "qti-map-entry", **{"map-key": key, "mapped-value": f"{value:g}"})
    return mapping


def _choice_interaction(
    body: ET.Element, choices: tuple[Choice, ...], max_choices: int, shuffle: bool
) -> ET.Element:
    interaction = _sub(
        body,
        "qti-choice-interaction",
        **{"response-identifier": "RESPONSE", "max-choices": str(max_choices), "shuffle": _flag(shuffle)},
    )
    for choice in choices:
        element = _sub(interaction, "qti-simple-choice", identifier=choice.id)
        element.text = choice.text
        if choice.feedback:
            element.set("data-lms-feedback", choice.feedback)
    return interaction


def _text_with_interactions(
    body: ET.Element, text: str, make: Callable[[ET.Element, str], ET.Element]
) -> None:
    """`text` with each `{{gap}}` replaced by the element `make(parent, gap)` appends."""
    paragraph = _sub(body, "p")
    parts = _PLACEHOLDER.split(text)
    paragraph.text = parts[0]
    last: ET.Element | None = None
    for index in range(1, len(parts), 2):
        last = make(paragraph, parts[index])
        last.tail = parts[index + 1]


def export_item(item: ItemDefinition) -> str:
    """One QTI 3.0 assessment item as XML text."""
    root = _element(
        "qti-assessment-item",
        xmlns=NS,
        identifier=item.identifier,
        title=item.title,
        **{"adaptive": "false", "time-dependent": "false"},
    )
    declarations = ET.Element("declarations")
    content = ET.Element("qti-item-body")
    _sub(content, "p").text = item.text
    template = MATCH_CORRECT
    match item.body:
        case TrueFalse():
            declaration = _declaration(declarations, "RESPONSE", "single", "identifier")
            _correct(declaration, [_flag(item.body.correct)])
            interaction = _choice_interaction(
                content,
                (
                    Choice("true", "True", feedback=item.body.true_feedback),
                    Choice("false", "False", feedback=item.body.false_feedback),
                ),
                1,
                False,
            )
            interaction.set("class", "lms-true-false")
        case SingleChoice():
            declaration = _declaration(declarations, "RESPONSE", "single", "identifier")
            _correct(declaration, [c.id for c in item.body.choices if c.fraction >= 1.0])
            _mapping(declaration, [(c.id, c.fraction) for c in item.body.choices])
            interaction = _choice_interaction(content, item.body.choices, 1, item.body.shuffle)
            interaction.set("data-lms-negative-marking", _flag(item.body.negative_marking))
            template = MAP_RESPONSE
        case MultipleResponse():
            declaration = _declaration(declarations, "RESPONSE", "multiple", "identifier")
            _correct(declaration, [c.id for c in item.body.choices if c.correct])
            interaction = _choice_interaction(content, item.body.choices, 0, item.body.shuffle)
            interaction.set("data-lms-partial", _flag(item.body.partial))
            interaction.set("data-lms-negative-marking", _flag(item.body.negative_marking))
        case ShortAnswer():
            declaration = _declaration(declarations, "RESPONSE", "single", "string")
            _correct(declaration, [a.pattern for a in item.body.answers if a.fraction >= 1.0][:1])
            mapping = _mapping(declaration, [(a.pattern, a.fraction) for a in item.body.answers])
            for entry in mapping:
                entry.set("case-sensitive", _flag(item.body.case_sensitive))
            interaction = _sub(content, "qti-text-entry-interaction", **{"response-identifier": "RESPONSE"})
            interaction.set("data-lms-exact-spacing", _flag(item.body.exact_spacing))
            template = MAP_RESPONSE
        case Numerical() if not item.body.units and len(item.body.answers) == 1:
            (accepted,) = item.body.answers
            declaration = _declaration(declarations, "RESPONSE", "single", "float")
            _correct(declaration, [repr(accepted.value)])
            interaction = _sub(content, "qti-text-entry-interaction", **{"response-identifier": "RESPONSE"})
            interaction.set("data-lms-tolerance", repr(accepted.tolerance))
        case Essay():
            _declaration(declarations, "RESPONSE", "single", "string")
            _sub(content, "qti-extended-text-interaction", **{"response-identifier": "RESPONSE"})
            template = ""
        case Matching():
            declaration = _declaration(declarations, "RESPONSE", "multiple", "directedPair")
            _correct(declaration, [f"{s.id} {s.answer_id}" for s in item.body.stems])
            interaction = _sub(
                content,
                "qti-match-interaction",
                **{
                    "response-identifier": "RESPONSE",
                    "shuffle": _flag(item.body.shuffle),
                    "max-associations": "0",
                },
            )
            interaction.set("data-lms-partial", _flag(item.body.partial))
            stems = _sub(interaction, "qti-simple-match-set")
            for stem in item.body.stems:
                _sub(
                    stems, "qti-simple-associable-choice", identifier=stem.id, **{"match-max": "1"}
                ).text = stem.text
            targets = _sub(interaction, "qti-simple-match-set")
            for option in item.body.choices:
                _sub(
                    targets, "qti-simple-associable-choice", identifier=option.id, **{"match-max": "0"}
                ).text = option.text
        case Ordering():
            declaration = _declaration(declarations, "RESPONSE", "ordered", "identifier")
            _correct(declaration, [i.id for i in item.body.items])
            interaction = _sub(
                content, "qti-order-interaction", **{"response-identifier": "RESPONSE", "shuffle": "true"}
            )
            interaction.set("data-lms-partial", _flag(item.body.partial))
            for option in item.body.items:
                _sub(interaction, "qti-simple-choice", identifier=option.id).text = option.text
        case DragDropText():
            declaration = _declaration(declarations, "RESPONSE", "multiple", "directedPair")
            _correct(declaration, [f"{p.token} {p.gap}" for p in item.body.answers])
            interaction = _sub(
                content,
                "qti-gap-match-interaction",
                **{"response-identifier": "RESPONSE", "shuffle": _flag(item.body.shuffle)},
            )
            for token in item.body.tokens:
                _sub(
                    interaction,
                    "qti-gap-text",
                    identifier=token.id,
                    **{"match-max": "0" if token.unlimited else "1"},
                ).text = token.text
            _text_with_interactions(
                interaction,
                item.body.text,
                lambda parent, gap: _sub(parent, "qti-gap", identifier=gap),
            )
        case Cloze():
            for gap in item.body.gaps:
                _cloze_declaration(declarations, gap)
            gaps = {g.id: g for g in item.body.gaps}
            _text_with_interactions(
                content, item.body.text, lambda parent, gap_id: _cloze_interaction(parent, gaps[gap_id])
            )
            template = MAP_RESPONSE
        case _:
            raise UnsupportedItem(f"{item.body.kind} has no QTI 3.0 form here")
    for declaration in declarations:
        root.append(declaration)
    outcome = _sub(
        root, "qti-outcome-declaration", identifier="SCORE", cardinality="single", **{"base-type": "float"}
    )
    outcome.set("normal-maximum", f"{item.points:g}")
    root.append(content)
    if template:
        _sub(root, "qti-response-processing", template=template)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def _cloze_declaration(declarations: ET.Element, gap: Gap) -> None:
    body = gap.body
    if isinstance(body, SingleChoice):
        declaration = _declaration(declarations, gap.id, "single", "identifier")
        _correct(declaration, [c.id for c in body.choices if c.fraction >= 1.0][:1])
        _mapping(declaration, [(c.id, c.fraction) for c in body.choices])
    elif isinstance(body, ShortAnswer):
        declaration = _declaration(declarations, gap.id, "single", "string")
        _correct(declaration, [a.pattern for a in body.answers if a.fraction >= 1.0][:1])
        mapping = _mapping(declaration, [(a.pattern, a.fraction) for a in body.answers])
        for entry in mapping:
            entry.set("case-sensitive", _flag(body.case_sensitive))
    else:
        declaration = _declaration(declarations, gap.id, "single", "float")
        _correct(declaration, [repr(body.answers[0].value)])
    declaration.set("data-lms-weight", repr(gap.weight))


def _cloze_interaction(parent: ET.Element, gap: Gap) -> ET.Element:
    if isinstance(gap.body, SingleChoice):
        interaction = _sub(
            parent,
            "qti-inline-choice-interaction",
            **{"response-identifier": gap.id, "shuffle": _flag(gap.body.shuffle)},
        )
        for choice in gap.body.choices:
            _sub(interaction, "qti-inline-choice", identifier=choice.id).text = choice.text
        return interaction
    interaction = _sub(parent, "qti-text-entry-interaction", **{"response-identifier": gap.id})
    if isinstance(gap.body, Numerical):
        interaction.set("data-lms-tolerance", repr(gap.body.answers[0].tolerance))
    return interaction


# -- import --------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _find(element: ET.Element, name: str) -> ET.Element | None:
    for child in element.iter():
        if _local(child.tag) == name:
            return child
    return None


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _correct_values(declaration: ET.Element) -> list[str]:
    correct = _find(declaration, "qti-correct-response")
    return [(_text(v)) for v in _children(correct, "qti-value")] if correct is not None else []


def _map_entries(declaration: ET.Element) -> list[ET.Element]:
    mapping = _find(declaration, "qti-mapping")
    return _children(mapping, "qti-map-entry") if mapping is not None else []


def import_item(xml_text: str) -> ItemDefinition:
    if len(xml_text.encode()) > MAX_BYTES:
        raise InterchangeError("an item is at most 2 MB")
    try:
        root = SafeET.fromstring(xml_text, forbid_dtd=True)
    except Exception as exc:  # defusedxml raises several types for hostile or broken XML
        raise InterchangeError(f"not safe, well-formed XML: {exc}") from exc
    if _local(root.tag) != "qti-assessment-item":
        raise InterchangeError("the root must be qti-assessment-item")
    declarations = {d.get("identifier", ""): d for d in _children(root, "qti-response-declaration")}
    content = _find(root, "qti-item-body")
    if content is None:
        raise InterchangeError("the item has no qti-item-body")
    outcome = next(
        (o for o in _children(root, "qti-outcome-declaration") if o.get("identifier") == "SCORE"), None
    )
    points = float(outcome.get("normal-maximum", "1")) if outcome is not None else 1.0
    first = next(iter(content), None)
    text = _text(first) if first is not None and _local(first.tag) == "p" else ""
    body = _body(content, declarations)
    return ItemDefinition(root.get("identifier", ""), root.get("title", ""), text, body, points)


def _body(content: ET.Element, declarations: dict[str, ET.Element]) -> Body:
    response = declarations.get("RESPONSE")
    if (interaction := _find(content, "qti-choice-interaction")) is not None and response is not None:
        simple = _children(interaction, "qti-simple-choice")
        correct = set(_correct_values(response))
        if interaction.get("class") == "lms-true-false":
            notes = {c.get("identifier"): c.get("data-lms-feedback", "") for c in simple}
            return TrueFalse("true" in correct, notes.get("true", ""), notes.get("false", ""))
        fractions = {e.get("map-key"): float(e.get("mapped-value", "0")) for e in _map_entries(response)}
        shuffle = _is(interaction.get("shuffle"))
        if response.get("cardinality") == "multiple":
            choices = tuple(
                Choice(
                    c.get("identifier", ""),
                    _text(c),
                    correct=c.get("identifier") in correct,
                    feedback=c.get("data-lms-feedback", ""),
                )
                for c in simple
            )
            return MultipleResponse(
                choices,
                _is(interaction.get("data-lms-partial", "true")),
                shuffle,
                _is(interaction.get("data-lms-negative-marking")),
            )
        choices = tuple(
            Choice(
                c.get("identifier", ""),
                _text(c),
                fractions.get(c.get("identifier"), 1.0 if c.get("identifier") in correct else 0.0),
                feedback=c.get("data-lms-feedback", ""),
            )
            for c in simple
        )
        return SingleChoice(choices, shuffle, _is(interaction.get("data-lms-negative-marking")))
    if (interaction := _find(content, "qti-extended-text-interaction")) is not None:
        return Essay()
    if (interaction := _find(content, "qti-match-interaction")) is not None and response is not None:
        sets = _children(interaction, "qti-simple-match-set")
        if len(sets) != 2:
            raise InterchangeError("a match interaction needs two qti-simple-match-set")
        answers = dict(pair.split(" ", 1) for pair in _correct_values(response))
        stems = tuple(
            MatchStem(s.get("identifier", ""), _text(s), answers.get(s.get("identifier", ""), ""))
            for s in _children(sets[0], "qti-simple-associable-choice")
        )
        options = tuple(
            Option(c.get("identifier", ""), _text(c))
            for c in _children(sets[1], "qti-simple-associable-choice")
        )
        return Matching(
            stems, options, _is(interaction.get("data-lms-partial", "true")), _is(interaction.get("shuffle"))
        )
    if (interaction := _find(content, "qti-order-interaction")) is not None and response is not None:
        texts = {c.get("identifier", ""): _text(c) for c in _children(interaction, "qti-simple-choice")}
        order = _correct_values(response)
        return Ordering(
            tuple(Option(i, texts.get(i, "")) for i in order),
            _is(interaction.get("data-lms-partial", "true")),
        )
    if (interaction := _find(content, "qti-gap-match-interaction")) is not None and response is not None:
        tokens = tuple(
            Token(t.get("identifier", ""), _text(t), unlimited=t.get("match-max") == "0")
            for t in _children(interaction, "qti-gap-text")
        )
        placements = tuple(Placement(*reversed(pair.split(" ", 1))) for pair in _correct_values(response))
        return DragDropText(
            _gapped_text(interaction, "qti-gap", "identifier"),
            tokens,
            placements,
            _is(interaction.get("shuffle")),
        )
    inline = [
        e
        for e in content.iter()
        if _local(e.tag) in ("qti-inline-choice-interaction", "qti-text-entry-interaction")
    ]
    if len(inline) == 1 and inline[0].get("response-identifier") == "RESPONSE" and response is not None:
        return _text_entry(inline[0], response)
    if inline:
        gaps = tuple(_gap(e, declarations) for e in inline)
        return Cloze(_gapped_text(content, None, "response-identifier", skip_first=True), gaps)
    raise UnsupportedItem("no supported interaction in the item body")


def _text_entry(interaction: ET.Element, declaration: ET.Element) -> Body:
    if declaration.get("base-type") == "float":
        (value,) = _correct_values(declaration)[:1] or ["0"]
        return Numerical((NumericAnswer(float(value), float(interaction.get("data-lms-tolerance", "0"))),))
    entries = _map_entries(declaration)
    answers = tuple(
        TextAnswer(e.get("map-key", ""), float(e.get("mapped-value", "0"))) for e in entries
    ) or tuple(TextAnswer(v) for v in _correct_values(declaration))
    case_sensitive = any(_is(e.get("case-sensitive")) for e in entries)
    return ShortAnswer(answers, case_sensitive, _is(interaction.get("data-lms-exact-spacing")))


def _gap(interaction: ET.Element, declarations: dict[str, ET.Element]) -> Gap:
    identifier = interaction.get("response-identifier", "")
    declaration = declarations.get(identifier)
    if declaration is None:
        raise InterchangeError(f"no qti-response-declaration for {identifier}")
    weight = float(declaration.get("data-lms-weight", "1"))
    if _local(interaction.tag) == "qti-inline-choice-interaction":
        fractions = {e.get("map-key"): float(e.get("mapped-value", "0")) for e in _map_entries(declaration)}
        correct = set(_correct_values(declaration))
        choices = tuple(
            Choice(
                c.get("identifier", ""),
                _text(c),
                fractions.get(c.get("identifier"), 1.0 if c.get("identifier") in correct else 0.0),
            )
            for c in _children(interaction, "qti-inline-choice")
        )
        return Gap(identifier, SingleChoice(choices, _is(interaction.get("shuffle"))), weight)
    body = _text_entry(interaction, declaration)
    assert isinstance(body, ShortAnswer | Numerical)
    return Gap(identifier, body, weight)


def _gapped_text(
    container: ET.Element, gap_tag: str | None, id_attribute: str, *, skip_first: bool = False
) -> str:
    """The paragraph text with each interaction (or gap) written back as `{{id}}`."""
    interactive = {"qti-gap", "qti-inline-choice-interaction", "qti-text-entry-interaction"}
    paragraphs = [p for p in container if _local(p.tag) == "p"]
    if skip_first:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return ""
    paragraph = paragraphs[0]
    parts = [paragraph.text or ""]
    for child in paragraph:
        if _local(child.tag) in interactive and (gap_tag is None or _local(child.tag) == gap_tag):
            parts.append("{{" + child.get(id_attribute, "") + "}}")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    text = "".join(parts)
    if not placeholders(text):
        raise InterchangeError("the gapped text has no gaps")
    return text
