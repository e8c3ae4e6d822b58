"""GIFT (Moodle's plain-text question format) import: single choice (`=right ~wrong`, with
`~%50%partial`), multiple response (`~%50%a ~%50%b ~%-100%c`), true/false (`{T}`, `{F}`),
short answer (`{=a =b}`), numerical (`{#1.5:0.1}`), matching (`{=a -> b}`), essay (`{}`)
and description (no braces). Comments (`//`) and `$CATEGORY:` lines are skipped."""

from __future__ import annotations

import re

from lms_assessment.domain.interchange import InterchangeError, ItemDefinition
from lms_assessment.domain.questions.base import Body, Option
from lms_assessment.domain.questions.choice import Choice, MultipleResponse, SingleChoice, TrueFalse
from lms_assessment.domain.questions.manual import Description, Essay
from lms_assessment.domain.questions.structured import Matching, MatchStem
from lms_assessment.domain.questions.text import Numerical, NumericAnswer, ShortAnswer, TextAnswer

_TITLE = re.compile(r"^::(.*?)::\s*", re.DOTALL)
_ANSWER = re.compile(r"([=~])(%-?\d+(?:\.\d+)?%)?((?:\\.|[^=~#\\])*)(?:#((?:\\.|[^=~\\])*))?")
_ESCAPES = re.compile(r"\\(.)")
MAX_QUESTIONS = 1000


def _clean(text: str) -> str:
    return _ESCAPES.sub(r"\1", text).strip()


def _blocks(source: str) -> list[str]:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("//", "$CATEGORY"))]
    return [block.strip() for block in re.split(r"\n\s*\n", "\n".join(lines)) if block.strip()]


def import_gift(source: str) -> list[ItemDefinition]:
    items = []
    for index, block in enumerate(_blocks(source)):
        if index >= MAX_QUESTIONS:
            raise InterchangeError(f"at most {MAX_QUESTIONS} questions per file")
        items.append(_question(block, index))
    return items


def _question(block: str, index: int) -> ItemDefinition:
    title = ""
    if found := _TITLE.match(block):
        title, block = _clean(found.group(1)), block[found.end() :]
    start, end = _unescaped(block, "{"), _unescaped(block, "}", reverse=True)
    if start < 0:
        text = _clean(block)
        return ItemDefinition(f"gift-{index + 1}", title or text[:60], text, Description(), 0.0)
    if end < start:
        raise InterchangeError(f"question {index + 1}: an answer block is not closed")
    text = _clean(block[:start] + " " + block[end + 1 :])
    body = _answers(block[start + 1 : end].strip(), index)
    return ItemDefinition(f"gift-{index + 1}", title or text[:60], text, body)


def _unescaped(text: str, char: str, *, reverse: bool = False) -> int:
    positions = [i for i, c in enumerate(text) if c == char and (i == 0 or text[i - 1] != "\\")]
    if not positions:
        return -1
    return positions[-1] if reverse else positions[0]


def _answers(spec: str, index: int) -> Body:
    where = f"question {index + 1}"
    if not spec:
        return Essay()
    if spec.upper() in ("T", "TRUE", "F", "FALSE"):
        return TrueFalse(spec.upper().startswith("T"))
    if spec.startswith("#"):
        value, _, tolerance = spec[1:].partition(":")
        try:
            return Numerical((NumericAnswer(float(value), float(tolerance or 0)),))
        except ValueError as exc:
            raise InterchangeError(f"{where}: not a number: {spec}") from exc
    answers = [m for m in _ANSWER.finditer(spec) if m.group(0).strip()]
    if not answers:
        raise InterchangeError(f"{where}: no answers in {{{spec}}}")
    if all(m.group(1) == "=" and "->" in m.group(3) for m in answers):
        stems, choices = [], []
        for n, m in enumerate(answers, start=1):
            left, right = (_clean(part) for part in m.group(3).split("->", 1))
            stems.append(MatchStem(f"s{n}", left, f"c{n}"))
            choices.append(Option(f"c{n}", right))
        return Matching(tuple(stems), tuple(choices))
    if all(m.group(1) == "=" for m in answers):
        return ShortAnswer(
            tuple(TextAnswer(_clean(m.group(3)), 1.0, _clean(m.group(4) or "")) for m in answers)
        )
    weights = [
        float(m.group(2).strip("%")) / 100 if m.group(2) else (1.0 if m.group(1) == "=" else 0.0)
        for m in answers
    ]
    choices_made = tuple(
        Choice(f"c{n}", _clean(m.group(3)), w, correct=w > 0, feedback=_clean(m.group(4) or ""))
        for n, (m, w) in enumerate(zip(answers, weights, strict=True), start=1)
    )
    if sum(1 for w in weights if w > 0) > 1 and not any(w >= 1.0 for w in weights):
        return MultipleResponse(choices_made, partial=True)
    return SingleChoice(choices_made)
