"""Banks, categories and versioned questions over gRPC: teachers of the course only, every
bad field named, versions kept."""

from __future__ import annotations

import grpc

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import questions_pb2 as qpb
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason, field_violations

from .builders import bank_with_category, question, short_answer, single_choice


async def test_a_teacher_builds_a_bank_with_nested_categories_and_versioned_questions(mesh, course):
    stub = mesh.stub
    bank, category = await bank_with_category(stub, course.teacher, course.course_id)
    child = await stub.CreateCategory(
        pb.CreateCategoryRequest(
            parent=bank.name, category=pb.Category(display_name="Kinematics", parent=category.name)
        ),
        metadata=course.teacher,
    )
    listed = await stub.ListCategories(pb.ListCategoriesRequest(parent=bank.name), metadata=course.teacher)
    assert [(c.display_name, c.parent) for c in listed.categories] == [
        ("Mechanics", ""),
        ("Kinematics", category.name),
    ]
    created = await question(stub, course.teacher, bank, child, single_choice())
    assert created.version == 1 and created.body.WhichOneof("kind") == "single_choice"
    updated = await stub.UpdateQuestion(
        pb.UpdateQuestionRequest(
            question=pb.Question(
                name=created.name, title="Q2", points=2, body=short_answer(), tags=["Forces", "forces"]
            )
        ),
        metadata=course.teacher,
    )
    assert (updated.version, updated.title, list(updated.tags)) == (2, "Q2", ["forces"])
    assert updated.body.WhichOneof("kind") == "short_answer"
    tagged = await stub.ListQuestions(
        pb.ListQuestionsRequest(parent=bank.name, tag="forces"), metadata=course.teacher
    )
    assert [q.name for q in tagged.questions] == [created.name]


async def test_a_broken_question_names_every_problem(mesh, course):
    bank, category = await bank_with_category(mesh.stub, course.teacher, course.course_id)
    broken = qpb.QuestionBody(
        calculated=qpb.Calculated(
            formula="x + __import__('os')", variables=[qpb.VariableRange(name="x", maximum=1)]
        )
    )
    error = await fails(question(mesh.stub, course.teacher, bank, category, broken, title=" ", points=-1))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error_reason(error) == "QUESTION_INVALID"
    assert field_violations(error) == {
        "question.body.calculated.formula": "FORMULA_INVALID",
        "question.title": "TITLE_BLANK",
        "question.points": "POINTS_OUT_OF_RANGE",
    }
    empty = await fails(question(mesh.stub, course.teacher, bank, category, qpb.QuestionBody()))
    assert field_violations(empty) == {"question.body.kind": "BODY_INVALID"}


async def test_a_teacher_of_another_course_sees_no_bank_and_learners_are_refused(mesh, course):
    bank, _ = await bank_with_category(mesh.stub, course.teacher, course.course_id)
    stranger = mesh.people.teacher("t-stranger")
    hidden = await fails(
        mesh.stub.ListCategories(pb.ListCategoriesRequest(parent=bank.name), metadata=stranger)
    )
    assert (hidden.code(), error_reason(hidden)) == (grpc.StatusCode.NOT_FOUND, "BANK_NOT_FOUND")
    refused = await fails(
        mesh.stub.CreateBank(
            pb.CreateBankRequest(bank=pb.Bank(course=f"courses/{course.course_id}", title="Mine")),
            metadata=stranger,
        )
    )
    assert (refused.code(), error_reason(refused)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "NOT_COURSE_TEACHER",
    )
    learner = await fails(
        mesh.stub.ListCategories(pb.ListCategoriesRequest(parent=bank.name), metadata=course.learner)
    )
    assert learner.code() == grpc.StatusCode.PERMISSION_DENIED
