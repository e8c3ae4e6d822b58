"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_notification.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_notification.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms_kit.service import Runtime, ServiceDefinition, serve_service
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.handlers import ItemHandlers
from lms_notification.migrations import MIGRATIONS_DIR
from lms_notification.servicer import NotificationServicer
from lms_notification.settings import NotificationSettings


async def wire(runtime: Runtime[NotificationSettings]) -> list[object]:
    items = ItemHandlers(runtime.unit_of_work(SqlNotificationUnitOfWork))
    runtime.expose(items=items)
    return [NotificationServicer(items, page_max=runtime.settings.item_page_max)]


SERVICE = ServiceDefinition(
    name="notification", settings=NotificationSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
