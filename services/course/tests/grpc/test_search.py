"""Catalogue search on PostgreSQL full-text: ranking, snippets, filters, sorts and
keyset pages that stay stable while courses are added."""

from __future__ import annotations

from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2
from lms.type.v1 import money_pb2
from lms_devkit.course import People, add_chapter, add_lecture, fails, new_course, uid
from lms_kit.testing.harness import error_reason


async def publish(stub, teacher, **fields) -> course_pb2.Course:
    course = await new_course(stub, teacher, **fields)
    chapter = await add_chapter(stub, teacher, course.name)
    await add_lecture(stub, teacher, chapter.name)
    return await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)


async def search(stub, **fields) -> course_pb2.SearchCoursesResponse:
    return await stub.SearchCourses(course_pb2.SearchCoursesRequest(**fields))


async def test_full_text_ranks_title_matches_first_with_highlighted_snippets(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    word = f"zebrafish{uid()[:6]}"
    in_title = await publish(stub, teacher, title=f"Mastering {word} genetics", description="A lab course.")
    in_text = await publish(
        stub, teacher, title="Developmental biology", description=f"Includes one week on {word} embryos."
    )
    in_tags = await publish(stub, teacher, title="Model organisms", tags=[word])
    await new_course(stub, teacher, title=f"Draft about {word}")  # drafts are never found

    found = await search(stub, query=word)

    names = [r.course.name for r in found.results]
    assert set(names) == {in_title.name, in_text.name, in_tags.name}
    assert names[-1] == in_text.name  # description weighs least
    by_name = {r.course.name: r for r in found.results}
    assert f"<mark>{word}</mark>" in by_name[in_text.name].snippet
    assert all(r.relevance > 0 for r in found.results)


async def test_filters_combine_category_subtree_level_language_price_and_rating(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = people.teacher(uid())
    tag = uid()[:8]
    root = await stub.CreateCategory(
        course_pb2.CreateCategoryRequest(
            category=course_pb2.Category(slug=f"root-{tag}", display_name="Root")
        ),
        metadata=people.admin(),
    )
    leaf = await stub.CreateCategory(
        course_pb2.CreateCategoryRequest(
            category=course_pb2.Category(slug=f"leaf-{tag}", display_name="Leaf", parent=root.name)
        ),
        metadata=people.admin(),
    )
    match = await publish(
        stub, teacher, title=f"Match {tag}", category=leaf.name, level=course_pb2.COURSE_LEVEL_BEGINNER,
        language="de", price=1500,
    )  # fmt: skip
    await publish(stub, teacher, title=f"Wrong level {tag}", category=leaf.name, language="de", price=1500)
    await publish(
        stub, teacher, title=f"Too dear {tag}", category=root.name, level=course_pb2.COURSE_LEVEL_BEGINNER,
        language="de", price=9900,
    )  # fmt: skip
    await publish(
        stub, teacher, title=f"Elsewhere {tag}", level=course_pb2.COURSE_LEVEL_BEGINNER, language="de"
    )

    found = await search(
        stub,
        query=tag,
        category=root.name,
        level=course_pb2.COURSE_LEVEL_BEGINNER,
        language="de",
        min_price=money_pb2.Money(currency_code="USD", amount_minor=1000),
        max_price=money_pb2.Money(currency_code="USD", amount_minor=2000),
    )
    assert [r.course.name for r in found.results] == [match.name]

    free = await search(stub, query=tag, free_only=True)
    assert [r.course.title for r in free.results] == [f"Elsewhere {tag}"]
    assert list((await search(stub, query=tag, min_rating=4.5)).results) == []


async def test_pages_stay_stable_while_courses_are_added(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    tag = f"stable{uid()[:6]}"
    made = [await publish(stub, teacher, title=f"{tag} {i}") for i in range(5)]

    first = await search(stub, query=tag, order_by=course_pb2.SEARCH_ORDER_NEWEST, page_size=2)
    await publish(stub, teacher, title=f"{tag} late")  # newer than everything: belongs before page one
    rest, token = [], first.next_page_token
    while token:
        page = await search(
            stub, query=tag, order_by=course_pb2.SEARCH_ORDER_NEWEST, page_size=2, page_token=token
        )
        rest += [r.course.name for r in page.results]
        token = page.next_page_token

    seen = [r.course.name for r in first.results] + rest
    assert seen == [c.name for c in reversed(made)]


async def test_relevance_pages_cover_every_match_once(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    tag = f"paging{uid()[:6]}"
    made = [
        await publish(stub, teacher, title=f"{tag} " + "x " * i, description=f"{tag} " * (i % 3))
        for i in range(7)
    ]
    seen, token = [], ""
    while True:
        page = await search(stub, query=tag, page_size=3, page_token=token)
        seen += [r.course.name for r in page.results]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(c.name for c in made)


async def test_sort_by_rating_and_popularity(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = people.teacher(uid())
    tag = f"sorts{uid()[:6]}"
    low, high, busy = [await publish(stub, teacher, title=f"{tag} {n}") for n in ("low", "high", "busy")]
    for course, learners, rating in ((low, 1, 2), (high, 1, 5), (busy, 3, 3)):
        for _ in range(learners):
            learner = people.student(uid())
            await stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=learner)
            await stub.CreateReview(
                course_pb2.CreateReviewRequest(parent=course.name, review=course_pb2.Review(rating=rating)),
                metadata=learner,
            )

    by_rating = await search(stub, query=tag, order_by=course_pb2.SEARCH_ORDER_RATING)
    by_popularity = await search(stub, query=tag, order_by=course_pb2.SEARCH_ORDER_POPULARITY)
    assert [r.course.name for r in by_rating.results] == [high.name, busy.name, low.name]
    assert by_popularity.results[0].course.name == busy.name
    assert [
        r.course.name
        for r in (
            await search(stub, query=tag, min_rating=3, order_by=course_pb2.SEARCH_ORDER_RATING)
        ).results
    ] == [
        high.name,
        busy.name,
    ]


async def test_a_page_token_for_another_query_is_refused(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    tag = f"tok{uid()[:6]}"
    for i in range(3):
        await publish(stub, teacher, title=f"{tag} {i}")
    page = await search(stub, query=tag, page_size=1)
    error = await fails(search(stub, query=tag + "x", page_size=1, page_token=page.next_page_token))
    assert error_reason(error) == "PAGE_TOKEN_INVALID"


async def test_editing_a_published_course_updates_what_search_and_get_return(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await publish(stub, teacher, title="Before")
    assert (
        await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))
    ).title == "Before"  # now cached
    word = f"after{uid()[:6]}"
    await stub.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=course.name, title=word),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        metadata=teacher,
    )
    assert (await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))).title == word
    assert [r.course.name for r in (await search(stub, query=word)).results] == [course.name]


async def test_a_repeated_search_sees_courses_published_and_archived_since(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    tag = f"cached{uid()[:6]}"
    first = await publish(stub, teacher, title=f"{tag} one")
    assert [r.course.name for r in (await search(stub, query=tag)).results] == [first.name]

    second = await publish(stub, teacher, title=f"{tag} two")
    assert sorted(r.course.name for r in (await search(stub, query=tag)).results) == sorted(
        [first.name, second.name]
    )

    await stub.ArchiveCourse(course_pb2.ArchiveCourseRequest(name=first.name), metadata=teacher)
    assert [r.course.name for r in (await search(stub, query=tag)).results] == [second.name]


def letters(count: int) -> str:
    """A word no other test uses (letters only: a word with digits is never corrected)."""
    import random
    import string

    return "".join(random.choices(string.ascii_lowercase, k=count))


def typo(word: str, at: int) -> str:
    """`word` with the letter at `at` replaced (one edit)."""
    other = "q" if word[at] != "q" else "x"
    return word[:at] + other + word[at + 1 :]


async def names(stub, query: str) -> list[str]:
    return [r.course.name for r in (await search(stub, query=query)).results]


async def test_typos_are_forgiven_by_word_length_and_a_word_being_typed_completes(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    eight, ten, four = letters(8), letters(10), letters(4)
    course = await publish(stub, teacher, title=f"Practical {eight} and {ten}", tags=[four])

    assert await names(stub, typo(eight, 3)) == [course.name]  # 8 letters: one edit forgiven
    assert await names(stub, typo(typo(eight, 1), 5)) == []  # ...but not two
    assert await names(stub, typo(typo(ten, 2), 7)) == [course.name]  # 10 letters: two edits
    assert await names(stub, typo(four, 1)) == []  # short words must be exact
    assert await names(stub, f"practical {typo(eight, 0)}") == [course.name]  # with a known word
    assert await names(stub, eight[:4]) == [course.name]  # being typed: completes
    assert await names(stub, eight[:4] + " ") == []  # a finished word does not


async def test_a_word_with_digits_is_searched_as_written_not_completed_by_its_tail(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    tail = letters(4)
    code = f"{letters(6)}7{tail}"  # e.g. a product code; its letter tail must not widen the query
    in_title = await publish(stub, teacher, title=f"Release {code}")
    in_text = await publish(stub, teacher, title=f"Intro {tail}{letters(5)}", description=f"Covers {code}.")

    assert await names(stub, code) == [in_title.name, in_text.name]  # title first, nothing else
    suggested = await stub.SuggestSearch(course_pb2.SuggestSearchRequest(query=code))
    assert list(suggested.completions) == [] and suggested.corrected_query == ""


async def test_the_vocabulary_follows_edits_and_unpublishing(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    old, new = letters(9), letters(9)
    course = await publish(stub, teacher, title=f"About {old}")
    assert await names(stub, typo(old, 4)) == [course.name]
    await stub.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=course.name, title=f"About {new}"),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        metadata=teacher,
    )
    assert await names(stub, typo(new, 4)) == [course.name]
    assert await names(stub, typo(old, 4)) == []
    suggested = await stub.SuggestSearch(course_pb2.SuggestSearchRequest(query=typo(new, 4)))
    assert suggested.corrected_query == new
    await stub.ArchiveCourse(course_pb2.ArchiveCourseRequest(name=course.name), metadata=teacher)
    suggested = await stub.SuggestSearch(course_pb2.SuggestSearchRequest(query=typo(new, 4)))
    assert suggested.corrected_query == ""  # an archived course's words left the vocabulary


async def test_suggestions_correct_misspelt_words_and_complete_the_last_one(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    stem = letters(6)
    popular, rare = stem + "ing", stem + "ed"
    for _ in range(2):
        await publish(stub, teacher, title=f"Intro {popular}")
    await publish(stub, teacher, title=f"Intro {rare}")

    typing = await stub.SuggestSearch(course_pb2.SuggestSearchRequest(query=f"intro {stem}"))
    assert list(typing.completions) == [f"intro {popular}", f"intro {rare}"]  # most used first
    assert typing.corrected_query == ""
    misspelt = await stub.SuggestSearch(course_pb2.SuggestSearchRequest(query=f"intro {typo(popular, 2)} "))
    assert misspelt.corrected_query == f"intro {popular}" and list(misspelt.completions) == []
    error = await fails(stub.SuggestSearch(course_pb2.SuggestSearchRequest(query="x" * 201)))
    assert error_reason(error) == "INVALID_FIELDS"
