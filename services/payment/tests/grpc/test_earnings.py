"""The double-entry ledger, earnings, referral commissions, payout accounts (encrypted at
rest) and payouts, over gRPC on PostgreSQL."""

from __future__ import annotations

import asyncio

import grpc
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from lms.payment.v1 import payment_pb2
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason
from lms_payment.adapters.payouts import SqlPayoutAccounts
from lms_payment.adapters.tables import payout_accounts
from lms_payment.rotate_keys import rotate

from ..conftest import PAYOUT_KEY
from .support import bought, earnings, ledger_totals, paid_course, uid, usd


async def referral_code(mesh, owner: str) -> str:
    code = await mesh.payments.CreateReferralCode(
        payment_pb2.CreateReferralCodeRequest(), metadata=mesh.learner(owner)
    )
    return code.name.split("/")[1]


async def set_account(mesh, user_id: str, number: str = "GB29NWBK60161331926819"):
    return await mesh.payments.SetPayoutAccount(
        payment_pb2.SetPayoutAccountRequest(
            account=payment_pb2.PayoutAccount(
                name=f"users/{user_id}/payoutAccount",
                holder_name="Ada Lovelace",
                account_number=number,
                bank_code="NWBKGB2L",
                country_code="GB",
            )
        ),
        metadata=mesh.learner(user_id),
    )


async def payout(mesh, user_id: str, minor: int, request_id: str | None = None):
    return await mesh.payments.CreatePayout(
        payment_pb2.CreatePayoutRequest(
            parent=f"users/{user_id}", amount=usd(minor), request_id=request_id or uid()
        ),
        metadata=mesh.learner(user_id),
    )


async def test_a_sale_splits_into_teacher_share_platform_fee_and_referral_commission(mesh):
    course, _, teacher_id = await paid_course(mesh, price=10_000)
    affiliate = f"affiliate-{uid()}"
    code = await referral_code(mesh, affiliate)

    order = await bought(mesh, f"learner-{uid()}", course.name, referral_code=code)

    assert order.referral_code == code
    # 30% platform fee (3,000), of which the 10% commission (1,000) goes to the referrer.
    assert (await earnings(mesh, teacher_id))["USD"] == (7_000, 0, 0)
    assert (await earnings(mesh, affiliate))["USD"] == (1_000, 0, 0)
    codes = await mesh.payments.ListReferralCodes(
        payment_pb2.ListReferralCodesRequest(parent=f"users/{affiliate}"), metadata=mesh.learner(affiliate)
    )
    assert [(c.name, c.paid_order_count) for c in codes.referral_codes] == [(f"referralCodes/{code}", 1)]
    own = await bought(mesh, affiliate, course.name, referral_code=code)  # one's own code is ignored
    assert own.referral_code == ""
    assert set((await ledger_totals(mesh)).values()) <= {0}


async def test_the_ledger_balances_to_zero_after_sales_refunds_and_payouts(mesh):
    course, _, teacher_id = await paid_course(mesh, price=9_999)  # odd amounts exercise the rounding
    affiliate = f"affiliate-{uid()}"
    code = await referral_code(mesh, affiliate)
    orders = [await bought(mesh, f"learner-{uid()}", course.name, referral_code=code) for _ in range(3)]

    for minor in (3_333, 1, 6_665):  # the first order refunded in three odd parts
        await mesh.payments.RefundOrder(
            payment_pb2.RefundOrderRequest(name=orders[0].name, amount=usd(minor), request_id=uid()),
            metadata=mesh.admin(),
        )
    await mesh.payments.RefundOrder(
        payment_pb2.RefundOrderRequest(name=orders[1].name, amount=usd(5_000), request_id=uid()),
        metadata=mesh.admin(),
    )
    teacher_share = 9_999 - 9_999 * 3_000 // 10_000  # 7,000 per full sale
    available = (await earnings(mesh, teacher_id))["USD"][0]
    # Order 0 is fully reversed; order 1 keeps the teacher's share of the 4,999 not refunded.
    assert available == teacher_share + (teacher_share - (teacher_share * 5_000 // 9_999))

    await set_account(mesh, teacher_id)
    paid = await payout(mesh, teacher_id, 5_000)
    failed = await payout(mesh, teacher_id, 1_000)
    batch = await mesh.payments.CreatePayoutBatch(
        payment_pb2.CreatePayoutBatchRequest(currency_code="USD", request_id=uid()), metadata=mesh.admin()
    )
    assert {p.name for p in batch.payouts} >= {paid.name, failed.name}
    done = await mesh.payments.CompletePayoutBatch(
        payment_pb2.CompletePayoutBatchRequest(
            name=batch.name, failed=[payment_pb2.FailedPayout(payout=failed.name, reason="account closed")]
        ),
        metadata=mesh.admin(),
    )
    states = {p.name: p.state for p in done.payouts}
    assert states[paid.name] == payment_pb2.PAYOUT_STATE_PAID
    assert states[failed.name] == payment_pb2.PAYOUT_STATE_FAILED
    assert (await earnings(mesh, teacher_id))["USD"] == (available - 5_000, 0, 5_000)

    assert set((await ledger_totals(mesh)).values()) == {0}


async def test_concurrent_payout_requests_never_take_more_than_the_available_earnings(mesh):
    course, _, teacher_id = await paid_course(mesh, price=10_000)
    await bought(mesh, f"learner-{uid()}", course.name)  # 7,000 available
    await set_account(mesh, teacher_id)

    results = await asyncio.gather(
        *(payout(mesh, teacher_id, 2_000) for _ in range(6)), return_exceptions=True
    )

    assert sum(isinstance(r, payment_pb2.Payout) for r in results) == 3
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert {error_reason(r) for r in refused} == {"INSUFFICIENT_EARNINGS"}
    assert (await earnings(mesh, teacher_id))["USD"] == (1_000, 6_000, 0)
    retry = await payout(mesh, teacher_id, 1_000, request_id="payout-retry-1")
    assert (await payout(mesh, teacher_id, 1_000, request_id="payout-retry-1")).name == retry.name


async def test_a_payout_needs_a_payout_account_and_its_owner(mesh):
    course, _, teacher_id = await paid_course(mesh, price=10_000)
    await bought(mesh, f"learner-{uid()}", course.name)
    missing = await fails(payout(mesh, teacher_id, 100))
    assert (missing.code(), error_reason(missing)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "PAYOUT_ACCOUNT_MISSING",
    )
    not_mine = await fails(
        mesh.payments.CreatePayout(
            payment_pb2.CreatePayoutRequest(parent=f"users/{teacher_id}", amount=usd(100), request_id=uid()),
            metadata=mesh.learner("thief"),
        )
    )
    assert not_mine.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_bank_details_are_encrypted_at_rest_masked_on_read_and_survive_key_rotation(mesh):
    user = f"teacher-{uid()}"
    saved = await set_account(mesh, user, number="000123456789")
    assert saved.account_number == "" and saved.account_number_last4 == "6789"
    read = await mesh.payments.GetPayoutAccount(
        payment_pb2.GetPayoutAccountRequest(name=f"users/{user}/payoutAccount"), metadata=mesh.admin()
    )
    assert (read.holder_name, read.account_number, read.account_number_last4) == ("Ada Lovelace", "", "6789")

    async with mesh.database.session() as session:
        stored = await session.scalar(
            sa.select(payout_accounts.c.details).where(payout_accounts.c.user_id == user)
        )
    assert "000123456789" not in stored and "Ada" not in stored

    new_key = Fernet.generate_key().decode()
    rotated = mesh.settings.model_copy(update={"payout_encryption_keys": f"{new_key},{PAYOUT_KEY}"})
    assert await rotate(rotated) >= 1  # what `python -m lms_payment.rotate_keys` runs
    async with mesh.database.session() as session:
        only_new = SqlPayoutAccounts(session, MultiFernet([Fernet(new_key.encode())]))
        assert (await only_new.get(user)).account_number == "000123456789"
    # Rotate back: the running service holds only the original key.
    back = mesh.settings.model_copy(update={"payout_encryption_keys": f"{PAYOUT_KEY},{new_key}"})
    await rotate(back)
