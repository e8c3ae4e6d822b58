"""References kept from other services' events: a lecture's asset that is a file."""

from __future__ import annotations

import logging

from lms_file.domain.errors import FileStateInvalid
from lms_file.handlers.common import GONE
from lms_file.handlers.ports import FileUnitOfWork
from lms_kit.domain import Clock, utc_now

log = logging.getLogger("lms_file")

FILE_PREFIX = "files/"


def file_id_of(asset: str) -> str | None:
    """The id of a `files/{file}` asset; None for external assets (`videos/abc`)."""
    file_id = asset.removeprefix(FILE_PREFIX)
    if file_id == asset or not file_id or "/" in file_id:
        return None
    return file_id


class ReferenceHandlers:
    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._clock = clock

    async def asset_changed(
        self, uow: FileUnitOfWork, *, referrer: str, old_asset: str, new_asset: str
    ) -> None:
        """`referrer` (a lecture) stopped using `old_asset` and uses `new_asset` now, in the
        consumer's unit of work (it commits with the inbox row; adding or removing a
        reference twice changes nothing). Assets that are not files, and files that are
        gone or never existed, are skipped: retrying would not change them."""
        old_id, new_id = file_id_of(old_asset), file_id_of(new_asset)
        if old_id == new_id:
            return
        if old_id is not None:
            old = await uow.files.get(old_id, lock=True)
            if old is not None and old.remove_reference(referrer):
                await uow.files.save(old)
        if new_id is None:
            return
        new = await uow.files.get(new_id, lock=True)
        if new is None or new.state in GONE:
            log.info("reference_to_missing_file file_id=%s referrer=%s", new_id, referrer)
            return
        try:
            added = new.add_reference(referrer)
        except FileStateInvalid:
            log.info("reference_to_dead_file file_id=%s referrer=%s", new_id, referrer)
            return
        if added:
            new.announce_video((referrer,), self._clock())
            await uow.files.save(new)
