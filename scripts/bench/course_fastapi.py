"""The alternative for scripts/bench_course.py: what a Python team would otherwise
write - a minimal FastAPI + SQLAlchemy (async, psycopg) endpoint returning the same
course JSON (camelCase, published course with chapters and lectures) from the same
database. No cache, no auth: a generous baseline.

    BENCH_DATABASE_URL=postgresql+psycopg://... uvicorn course_fastapi:app --workers 2
"""

from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

app = FastAPI()
engine = create_async_engine(os.environ["BENCH_DATABASE_URL"], pool_size=10, max_overflow=10)

COURSE = text(
    "SELECT id, owner_id, title, subtitle, description, category_id, level, language, tags, thumbnail,"
    " price_amount_minor, price_currency, state, rating_count, rating_total, enrollment_count,"
    " created_at, updated_at, published_at FROM courses WHERE id = :id AND state <> 'draft'"
)
CHAPTERS = text("SELECT id, title, position FROM chapters WHERE course_id = :id ORDER BY position")
LECTURES = text(
    "SELECT id, chapter_id, title, position, kind, free_preview, duration_s FROM lectures"
    " WHERE course_id = :id ORDER BY chapter_id, position"
)


@app.get("/courses/{course_id}")
async def get_course(course_id: str) -> dict:
    async with engine.connect() as conn:
        course = (await conn.execute(COURSE, {"id": course_id})).mappings().first()
        if course is None:
            raise HTTPException(status_code=404, detail="course not found")
        chapters = (await conn.execute(CHAPTERS, {"id": course_id})).mappings().all()
        lectures = (await conn.execute(LECTURES, {"id": course_id})).mappings().all()
    by_chapter: dict[str, list] = {c["id"]: [] for c in chapters}
    for lecture in lectures:
        by_chapter[lecture["chapter_id"]].append(
            {
                "name": f"courses/{course_id}/chapters/{lecture['chapter_id']}/lectures/{lecture['id']}",
                "title": lecture["title"],
                "position": lecture["position"],
                "kind": lecture["kind"],
                "freePreview": lecture["free_preview"],
                "durationSeconds": lecture["duration_s"],
            }
        )
    count = course["rating_count"]
    return {
        "name": f"courses/{course_id}",
        "title": course["title"],
        "subtitle": course["subtitle"],
        "description": course["description"],
        "category": f"categories/{course['category_id']}" if course["category_id"] else "",
        "level": course["level"],
        "language": course["language"],
        "tags": course["tags"],
        "thumbnail": course["thumbnail"],
        "price": {"currencyCode": course["price_currency"], "amountMinor": str(course["price_amount_minor"])},
        "state": course["state"],
        "owner": f"users/{course['owner_id']}",
        "chapters": [
            {
                "name": f"courses/{course_id}/chapters/{c['id']}",
                "title": c["title"],
                "position": c["position"],
                "lectures": by_chapter[c["id"]],
            }
            for c in chapters
        ],
        "lectureCount": len(lectures),
        "totalDurationSeconds": str(sum(lec["duration_s"] for lec in lectures)),
        "rating": {"count": str(count), "average": course["rating_total"] / count if count else 0},
        "enrollmentCount": str(course["enrollment_count"]),
        "createTime": course["created_at"].isoformat(),
        "updateTime": course["updated_at"].isoformat(),
        "publishTime": course["published_at"].isoformat() if course["published_at"] else None,
    }
