"""Import and export over gRPC: a bank exported as QTI 3.0 imports into another bank with
the same questions; GIFT imports; a broken file adds nothing and names the item."""

from __future__ import annotations

import grpc

from lms.assessment.v1 import assessment_pb2 as pb
from lms_devkit.course import fails
from lms_kit.testing.harness import field_violations

from .builders import bank_with_category, essay, question, short_answer, single_choice


async def test_a_bank_exported_as_qti_imports_elsewhere_with_the_same_questions(mesh, course):
    stub, teacher = mesh.stub, course.teacher
    bank, category = await bank_with_category(stub, teacher, course.course_id)
    made = [
        await question(stub, teacher, bank, category, body, title=f"Q{i}", points=2)
        for i, body in enumerate([single_choice(), short_answer(), essay()])
    ]
    exported = await stub.ExportQuestions(
        pb.ExportQuestionsRequest(parent=bank.name, format=pb.INTERCHANGE_FORMAT_QTI3), metadata=teacher
    )
    assert sorted(i.question for i in exported.items) == sorted(q.name for q in made) and not exported.skipped
    other, target = await bank_with_category(stub, teacher, course.course_id)
    imported = await stub.ImportQuestions(
        pb.ImportQuestionsRequest(
            parent=other.name, category=target.name, format=pb.INTERCHANGE_FORMAT_QTI3,
            items=[i.content for i in exported.items],
        ),
        metadata=teacher,
    )  # fmt: skip
    by_title = {q.title: q for q in made}
    for copy in imported.questions:
        original = by_title[copy.title]
        assert (copy.body, copy.points, copy.category) == (original.body, original.points, target.name)


async def test_gift_imports_and_a_broken_file_adds_nothing(mesh, course):
    stub, teacher = mesh.stub, course.teacher
    bank, category = await bank_with_category(stub, teacher, course.course_id)
    gift = "::Boil:: Water boils at 100 C. {T}\n\n::Who:: Who wrote the Principia? {=Newton}"
    imported = await stub.ImportQuestions(
        pb.ImportQuestionsRequest(
            parent=bank.name, category=category.name, format=pb.INTERCHANGE_FORMAT_GIFT, content=gift
        ),
        metadata=teacher,
    )
    assert [q.body.WhichOneof("kind") for q in imported.questions] == ["true_false", "short_answer"]
    broken = await fails(
        stub.ImportQuestions(
            pb.ImportQuestionsRequest(
                parent=bank.name, category=category.name, format=pb.INTERCHANGE_FORMAT_QTI3,
                items=["<qti-assessment-item/>", "<not xml"],
            ),
            metadata=teacher,
        )
    )  # fmt: skip
    assert broken.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(broken) == {"items[0]": "IMPORT_INVALID"}
    listed = await stub.ListQuestions(pb.ListQuestionsRequest(parent=bank.name), metadata=teacher)
    assert len(listed.questions) == 2
