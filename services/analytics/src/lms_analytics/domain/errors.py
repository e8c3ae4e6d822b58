"""The analytics service's errors: kit categories with this service's reasons
(lms.analytics.v1.ErrorReason)."""

from __future__ import annotations

from lms_kit.domain import FieldViolation, Invalid, NotFound


class ItemNotFound(NotFound):
    def __init__(self, item_id: str) -> None:
        name = f"items/{item_id}"
        super().__init__("ITEM_NOT_FOUND", f"{name} not found", metadata={"name": name})


class TitleBlank(Invalid):
    def __init__(self) -> None:
        super().__init__(
            [FieldViolation("item.title", "an item needs a title, not only spaces", "TITLE_BLANK")],
            reason="TITLE_BLANK",
        )
