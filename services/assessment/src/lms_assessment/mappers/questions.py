"""Question bodies, questions, banks and categories <-> proto. Bodies go through their dict
form: the proto's field names are the dataclasses' field names, and a oneof field name is
the body's kind."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from lms.assessment.v1 import assessment_pb2, questions_pb2
from lms_assessment.domain.bank import Bank, Category, Question
from lms_assessment.domain.errors import QuestionInvalid
from lms_assessment.domain.questions.base import Answer, Body
from lms_assessment.domain.questions.codec import BodyFormatError, body_from_dict, body_to_dict
from lms_kit.proto import ResourceName, timestamp

BANK = ResourceName("banks/{bank}")
CATEGORY = ResourceName("banks/{bank}/categories/{category}")
QUESTION = ResourceName("banks/{bank}/questions/{question}")
COURSE = ResourceName("courses/{course}")


def _to_proto_shape(data: dict[str, Any]) -> dict[str, Any]:
    """{"kind": k, **fields} -> {k: fields}; cloze gaps' bodies too."""
    fields = {key: value for key, value in data.items() if key != "kind"}
    if data["kind"] == "cloze":
        fields["gaps"] = [{**gap, "body": _to_proto_shape(gap["body"])} for gap in fields["gaps"]]
    return {data["kind"]: fields}


def _from_proto_shape(data: dict[str, Any]) -> dict[str, Any]:
    if len(data) != 1:
        raise BodyFormatError("set exactly one question type")
    ((kind, fields),) = data.items()
    fields = dict(fields)
    if kind == "cloze":
        fields["gaps"] = [
            {**gap, "body": _from_proto_shape(gap.get("body", {}))} for gap in fields.get("gaps", [])
        ]
    return {"kind": kind, **fields}


def body_to_proto(body: Body) -> questions_pb2.QuestionBody:
    message = questions_pb2.QuestionBody()
    json_format.ParseDict(_to_proto_shape(body_to_dict(body)), message)
    return message


def body_from_proto(message: questions_pb2.QuestionBody, field: str = "question.body") -> Body:
    data = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    try:
        return body_from_dict(_from_proto_shape(data))
    except BodyFormatError as exc:
        raise QuestionInvalid(f"{field}.", [("kind", "BODY_INVALID", str(exc))]) from exc


def answer_from_proto(message: questions_pb2.Answer) -> Answer:
    return Answer(
        choices=tuple(message.choices), text=message.text, pairs=dict(message.pairs), order=tuple(message.order),
        file=message.file,
    )  # fmt: skip


def answer_to_proto(answer: Answer) -> questions_pb2.Answer:
    return questions_pb2.Answer(
        choices=list(answer.choices), text=answer.text, pairs=dict(answer.pairs), order=list(answer.order),
        file=answer.file,
    )  # fmt: skip


def bank_to_proto(bank: Bank) -> assessment_pb2.Bank:
    return assessment_pb2.Bank(
        name=BANK.format(bank=bank.id),
        course=COURSE.format(course=bank.course_id) if bank.course_id else "",
        title=bank.title,
        create_time=timestamp(bank.created_at),
    )


def category_to_proto(category: Category) -> assessment_pb2.Category:
    parent = CATEGORY.format(bank=category.bank_id, category=category.parent_id) if category.parent_id else ""
    return assessment_pb2.Category(
        name=CATEGORY.format(bank=category.bank_id, category=category.id),
        parent=parent,
        display_name=category.name,
    )


def question_to_proto(question: Question) -> assessment_pb2.Question:
    current = question.current
    return assessment_pb2.Question(
        name=QUESTION.format(bank=question.bank_id, question=question.id),
        category=CATEGORY.format(bank=question.bank_id, category=question.category_id),
        version=current.version,
        title=current.title,
        text=current.text,
        points=current.points,
        general_feedback=current.general_feedback,
        tags=list(question.tags),
        body=body_to_proto(current.body),
        update_time=timestamp(current.created_at),
    )
