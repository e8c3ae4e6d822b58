"""Second factors: TOTP factors (secrets encrypted with Fernet), recovery codes and the
sign-in challenges that wait for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import mfa_challenges, recovery_codes, totp_factors
from lms_user.domain.mfa import MfaChallenge, TotpFactor


class SqlFactors(SqlRepository):
    def __init__(self, session: AsyncSession, track: Callable[[object], None], fernet: MultiFernet) -> None:
        super().__init__(session, track)
        self._fernet = fernet

    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None:
        query = sa.select(totp_factors).where(totp_factors.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return TotpFactor(
            user_id=row["user_id"],
            secret=self._fernet.decrypt(row["secret"]).decode("ascii"),
            created_at=row["created_at"],
            confirmed_at=row["confirmed_at"],
            last_used_step=row["last_used_step"],
        )

    async def save_totp(self, factor: TotpFactor) -> None:
        values = {
            "secret": self._fernet.encrypt(factor.secret.encode("ascii")),
            "created_at": factor.created_at,
            "confirmed_at": factor.confirmed_at,
            "last_used_step": factor.last_used_step,
        }
        statement = insert(totp_factors).values(user_id=factor.user_id, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))

    async def delete_totp(self, user_id: str) -> None:
        await self.session.execute(sa.delete(totp_factors).where(totp_factors.c.user_id == user_id))
        await self.session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))

    async def replace_recovery_codes(self, user_id: str, code_hashes: Sequence[str], now: datetime) -> None:
        await self.session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        await self.session.execute(
            sa.insert(recovery_codes),
            [{"user_id": user_id, "code_hash": h, "created_at": now, "used_at": None} for h in code_hashes],
        )

    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        result: Any = await self.session.execute(
            sa.update(recovery_codes)
            .where(
                recovery_codes.c.user_id == user_id,
                recovery_codes.c.code_hash == code_hash,
                recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
        return bool(result.rowcount == 1)

    async def add_challenge(self, challenge: MfaChallenge) -> None:
        await self.session.execute(sa.insert(mfa_challenges).values(**_challenge_row(challenge)))

    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None:
        query = sa.select(mfa_challenges).where(mfa_challenges.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return MfaChallenge(**row) if row else None

    async def save_challenge(self, challenge: MfaChallenge) -> None:
        await self.session.execute(
            sa.update(mfa_challenges)
            .where(mfa_challenges.c.id == challenge.id)
            .values(attempts=challenge.attempts, used_at=challenge.used_at)
        )


def _challenge_row(challenge: MfaChallenge) -> dict[str, Any]:
    return {
        "id": challenge.id,
        "token_hash": challenge.token_hash,
        "user_id": challenge.user_id,
        "provider": challenge.provider,
        "created_at": challenge.created_at,
        "expires_at": challenge.expires_at,
        "attempts": challenge.attempts,
        "used_at": challenge.used_at,
    }
