"""Re-encrypt every stored payout account with the newest key.

    LMS_PAYOUT_ENCRYPTION_KEYS=<new>,<old> LMS_DATABASE_URL=... python -m lms_payment.rotate_keys

Key rotation: put the new Fernet key first in LMS_PAYOUT_ENCRYPTION_KEYS (the services keep
decrypting with the old one, and encrypt new details with the new one), run this once, then
drop the old key from the setting.
"""

from __future__ import annotations

import asyncio

from lms_kit.db import Database
from lms_kit.service import load_settings
from lms_payment.adapters.payouts import payout_keys
from lms_payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from lms_payment.server import SERVICE
from lms_payment.settings import PaymentSettings


async def rotate(settings: PaymentSettings) -> int:
    keys = payout_keys(settings.payout_encryption_keys)
    if keys is None:
        raise SystemExit("LMS_PAYOUT_ENCRYPTION_KEYS is empty")
    database = Database(settings.database_url)
    try:
        async with SqlPaymentUnitOfWork(database, keys) as uow:
            count = await uow.payout_accounts.rotate()
            await uow.commit()
        return count
    finally:
        await database.dispose()


def main() -> None:
    settings = load_settings(SERVICE)
    print(f"re-encrypted {asyncio.run(rotate(settings))} payout accounts with the newest key")


if __name__ == "__main__":
    main()
