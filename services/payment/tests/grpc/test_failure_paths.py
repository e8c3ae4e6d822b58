"""The failure paths of the payment RPCs through the real pipeline: bad input (with the
field named), the wrong caller, and a missing resource; plus the reads that the flow tests
do not page through (ledger entries, payouts, coupons)."""

from __future__ import annotations

import grpc

from lms.payment.v1 import payment_pb2
from lms.type.v1 import money_pb2
from lms_devkit.course import People, fails, published_course
from lms_kit.testing.harness import error_reason, field_violations

from .support import bought, order_for, paid_course, uid, usd


def status(error: grpc.aio.AioRpcError) -> tuple[grpc.StatusCode, str]:
    return error.code(), error_reason(error)


NOT_FOUND = grpc.StatusCode.NOT_FOUND
DENIED = grpc.StatusCode.PERMISSION_DENIED
PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
INVALID = grpc.StatusCode.INVALID_ARGUMENT


async def test_orders_refuse_bad_input_and_hide_other_learners_orders(mesh):
    course, _, _ = await paid_course(mesh)
    bad = await fails(
        mesh.payments.CreateOrder(
            payment_pb2.CreateOrderRequest(course="nope", request_id="short", coupon_code="!"),
            metadata=mesh.learner("someone"),
        )
    )
    assert bad.code() == INVALID
    assert set(field_violations(bad)) == {"course", "request_id", "coupon_code"}

    learner = f"learner-{uid()}"
    order = await bought(mesh, learner, course.name)
    stranger = mesh.learner(f"stranger-{uid()}")
    for call in (
        mesh.payments.GetReceipt(
            payment_pb2.GetReceiptRequest(name=f"{order.name}/receipt"), metadata=stranger
        ),
        mesh.payments.ListRefunds(payment_pb2.ListRefundsRequest(parent=order.name), metadata=stranger),
        mesh.payments.ConfirmRazorpayPayment(
            payment_pb2.ConfirmRazorpayPaymentRequest(
                name=order.name, razorpay_payment_id="pay_x", razorpay_signature="0" * 64
            ),
            metadata=stranger,
        ),
        mesh.payments.GetOrder(
            payment_pb2.GetOrderRequest(name="orders/no-such-order"), metadata=mesh.admin()
        ),
    ):
        assert status(await fails(call)) == (NOT_FOUND, "ORDER_NOT_FOUND")


async def test_a_free_course_has_no_price_to_preview(mesh):
    teacher = People(mesh.mint).teacher(f"t-{uid()}")
    free, _ = await published_course(mesh.courses, teacher, title="Free")
    error = await fails(
        mesh.payments.PreviewPrice(
            payment_pb2.PreviewPriceRequest(course=free.name), metadata=mesh.learner("me")
        )
    )
    assert status(error) == (PRECONDITION, "COURSE_NOT_PURCHASABLE")


async def test_coupons_that_do_not_exist_are_not_found_and_the_list_pages_by_code(mesh):
    for call in (
        mesh.payments.GetCoupon(
            payment_pb2.GetCouponRequest(name="coupons/NOPE-NOPE"), metadata=mesh.admin()
        ),
        mesh.payments.DeactivateCoupon(
            payment_pb2.DeactivateCouponRequest(name="coupons/NOPE-NOPE"), metadata=mesh.admin()
        ),
    ):
        assert status(await fails(call)) == (NOT_FOUND, "COUPON_NOT_FOUND")

    prefix = f"PG{uid()[:6].upper()}"
    for i in range(3):
        await mesh.payments.CreateCoupon(
            payment_pb2.CreateCouponRequest(
                coupon=payment_pb2.Coupon(name=f"coupons/{prefix}{i}", percent_off=5)
            ),
            metadata=mesh.admin(),
        )
    seen, token = [], ""
    while True:
        page = await mesh.payments.ListCoupons(
            payment_pb2.ListCouponsRequest(page_size=2, page_token=token), metadata=mesh.admin()
        )
        seen += [c.name for c in page.coupons]
        token = page.next_page_token
        if not token:
            break
    ours = [n for n in seen if n.startswith(f"coupons/{prefix}")]
    assert ours == [f"coupons/{prefix}{i}" for i in range(3)] and seen == sorted(seen)


async def test_plans_refuse_bad_input_and_taken_ids(mesh):
    bad = await fails(
        mesh.payments.CreatePlan(
            payment_pb2.CreatePlanRequest(
                plan_id="BAD ID",
                plan=payment_pb2.Plan(display_name="x", interval=payment_pb2.BILLING_INTERVAL_MONTHLY),
            ),
            metadata=mesh.admin(),
        )
    )
    assert bad.code() == INVALID
    assert {"plan_id", "plan.price", "plan.stripe_price_id"} <= set(field_violations(bad))
    no_courses = await fails(
        mesh.payments.CreatePlan(
            payment_pb2.CreatePlanRequest(
                plan_id=f"plan-{uid()[:8]}",
                plan=payment_pb2.Plan(
                    display_name="Empty",
                    interval=payment_pb2.BILLING_INTERVAL_YEARLY,
                    price=usd(100),
                    stripe_price_id="price_x",
                ),
            ),
            metadata=mesh.admin(),
        )
    )
    assert no_courses.code() == INVALID and "plan.courses" in field_violations(no_courses)

    plan_id = f"plan-{uid()[:8]}"
    request = payment_pb2.CreatePlanRequest(
        plan_id=plan_id,
        plan=payment_pb2.Plan(
            display_name="All",
            interval=payment_pb2.BILLING_INTERVAL_YEARLY,
            price=usd(9_900),
            all_courses=True,
            stripe_price_id="price_all",
        ),
    )
    await mesh.payments.CreatePlan(request, metadata=mesh.admin())
    taken = await fails(mesh.payments.CreatePlan(request, metadata=mesh.admin()))
    assert status(taken) == (grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS")


async def test_subscriptions_of_others_are_hidden(mesh):
    missing = await fails(
        mesh.payments.GetSubscription(
            payment_pb2.GetSubscriptionRequest(name="subscriptions/none"), metadata=mesh.learner("me")
        )
    )
    assert status(missing) == (NOT_FOUND, "SUBSCRIPTION_NOT_FOUND")
    others = await fails(
        mesh.payments.ListUserSubscriptions(
            payment_pb2.ListUserSubscriptionsRequest(parent="users/someone-else"), metadata=mesh.learner("me")
        )
    )
    assert others.code() == DENIED


async def test_earnings_ledger_entries_and_payouts_are_the_users_own_and_page(mesh):
    course, _, teacher_id = await paid_course(mesh, price=10_000)
    for _ in range(3):
        await bought(mesh, f"learner-{uid()}", course.name)
    owner = mesh.learner(teacher_id)

    seen, token = [], ""
    while True:
        page = await mesh.payments.ListLedgerEntries(
            payment_pb2.ListLedgerEntriesRequest(parent=f"users/{teacher_id}", page_size=2, page_token=token),
            metadata=owner,
        )
        seen += list(page.entries)
        token = page.next_page_token
        if not token:
            break
    assert [e.amount.amount_minor for e in seen] == [-7_000] * 3  # the teacher's share of each sale
    assert {e.kind for e in seen} == {payment_pb2.LEDGER_ENTRY_KIND_SALE}
    assert len({e.transaction_id for e in seen}) == 3

    stranger = mesh.learner(f"stranger-{uid()}")
    for call in (
        mesh.payments.GetEarnings(
            payment_pb2.GetEarningsRequest(name=f"users/{teacher_id}/earnings"), metadata=stranger
        ),
        mesh.payments.ListLedgerEntries(
            payment_pb2.ListLedgerEntriesRequest(parent=f"users/{teacher_id}"), metadata=stranger
        ),
        mesh.payments.ListPayouts(
            payment_pb2.ListPayoutsRequest(parent=f"users/{teacher_id}"), metadata=stranger
        ),
        mesh.payments.GetLedgerBalance(payment_pb2.GetLedgerBalanceRequest(), metadata=owner),
        mesh.payments.ReconcileOrders(payment_pb2.ReconcileOrdersRequest(), metadata=owner),
    ):
        assert (await fails(call)).code() == DENIED

    missing = await fails(
        mesh.payments.GetPayoutAccount(
            payment_pb2.GetPayoutAccountRequest(name=f"users/{teacher_id}/payoutAccount"), metadata=owner
        )
    )
    assert status(missing) == (NOT_FOUND, "PAYOUT_ACCOUNT_MISSING")
    bad_account = await fails(
        mesh.payments.SetPayoutAccount(
            payment_pb2.SetPayoutAccountRequest(
                account=payment_pb2.PayoutAccount(
                    name=f"users/{teacher_id}/payoutAccount",
                    holder_name="T",
                    account_number="12",
                    bank_code="B1",
                    country_code="gb",
                )
            ),
            metadata=owner,
        )
    )
    assert bad_account.code() == INVALID
    assert {"account.account_number", "account.country_code"} <= set(field_violations(bad_account))
    someone_elses = await fails(
        mesh.payments.SetPayoutAccount(
            payment_pb2.SetPayoutAccountRequest(
                account=payment_pb2.PayoutAccount(
                    name=f"users/{teacher_id}/payoutAccount",
                    holder_name="Thief",
                    account_number="99999999",
                    bank_code="B1",
                    country_code="GB",
                )
            ),
            metadata=stranger,
        )
    )
    assert someone_elses.code() == DENIED

    await mesh.payments.SetPayoutAccount(
        payment_pb2.SetPayoutAccountRequest(
            account=payment_pb2.PayoutAccount(
                name=f"users/{teacher_id}/payoutAccount",
                holder_name="T",
                account_number="12345678",
                bank_code="B1",
                country_code="GB",
            )
        ),
        metadata=owner,
    )
    for amount, field in (
        (usd(0), "amount.amount_minor"),
        (money_pb2.Money(currency_code="us", amount_minor=5), "amount.currency_code"),
    ):
        error = await fails(
            mesh.payments.CreatePayout(
                payment_pb2.CreatePayoutRequest(
                    parent=f"users/{teacher_id}", amount=amount, request_id=uid()
                ),
                metadata=owner,
            )
        )
        assert error.code() == INVALID and field in field_violations(error)
    payouts = []
    for minor in (1_000, 2_000):
        payouts.append(
            await mesh.payments.CreatePayout(
                payment_pb2.CreatePayoutRequest(
                    parent=f"users/{teacher_id}", amount=usd(minor), request_id=uid()
                ),
                metadata=owner,
            )
        )
    listed = await mesh.payments.ListPayouts(
        payment_pb2.ListPayoutsRequest(parent=f"users/{teacher_id}", page_size=1), metadata=owner
    )
    assert [p.name for p in listed.payouts] == [payouts[-1].name] and listed.next_page_token
    rest = await mesh.payments.ListPayouts(
        payment_pb2.ListPayoutsRequest(
            parent=f"users/{teacher_id}", page_size=1, page_token=listed.next_page_token
        ),
        metadata=owner,
    )
    assert [p.name for p in rest.payouts] == [payouts[0].name]


async def test_payout_batches_are_idempotent_and_refuse_unknown_names(mesh):
    missing = await fails(
        mesh.payments.CompletePayoutBatch(
            payment_pb2.CompletePayoutBatchRequest(name="payoutBatches/none"), metadata=mesh.admin()
        )
    )
    assert status(missing) == (NOT_FOUND, "PAYOUT_BATCH_NOT_FOUND")

    request_id = uid()
    batch = await mesh.payments.CreatePayoutBatch(
        payment_pb2.CreatePayoutBatchRequest(currency_code="EUR", request_id=request_id),
        metadata=mesh.admin(),
    )
    again = await mesh.payments.CreatePayoutBatch(
        payment_pb2.CreatePayoutBatchRequest(currency_code="EUR", request_id=request_id),
        metadata=mesh.admin(),
    )
    assert again.name == batch.name
    # Nothing requested in EUR: the batch is empty and complete at once.
    assert batch.state == payment_pb2.PAYOUT_BATCH_STATE_COMPLETED and not batch.payouts
    assert batch.total.amount_minor == 0
    completed = await mesh.payments.CompletePayoutBatch(
        payment_pb2.CompletePayoutBatchRequest(name=batch.name), metadata=mesh.admin()
    )
    assert completed == batch


async def test_a_payout_named_that_is_not_in_the_batch_is_refused(mesh):
    course, _, teacher_id = await paid_course(mesh, price=10_000)
    await bought(mesh, f"learner-{uid()}", course.name)
    owner = mesh.learner(teacher_id)
    await mesh.payments.SetPayoutAccount(
        payment_pb2.SetPayoutAccountRequest(
            account=payment_pb2.PayoutAccount(
                name=f"users/{teacher_id}/payoutAccount",
                holder_name="T",
                account_number="12345678",
                bank_code="B1",
                country_code="GB",
            )
        ),
        metadata=owner,
    )
    await mesh.payments.CreatePayout(
        payment_pb2.CreatePayoutRequest(parent=f"users/{teacher_id}", amount=usd(1_000), request_id=uid()),
        metadata=owner,
    )
    batch = await mesh.payments.CreatePayoutBatch(
        payment_pb2.CreatePayoutBatchRequest(currency_code="USD", request_id=uid()), metadata=mesh.admin()
    )
    assert batch.state == payment_pb2.PAYOUT_BATCH_STATE_PROCESSING
    error = await fails(
        mesh.payments.CompletePayoutBatch(
            payment_pb2.CompletePayoutBatchRequest(
                name=batch.name,
                failed=[payment_pb2.FailedPayout(payout=f"users/{teacher_id}/payouts/not-in-it")],
            ),
            metadata=mesh.admin(),
        )
    )
    assert status(error) == (PRECONDITION, "PAYOUT_NOT_IN_BATCH")
    done = await mesh.payments.CompletePayoutBatch(
        payment_pb2.CompletePayoutBatchRequest(name=batch.name), metadata=mesh.admin()
    )
    again = await mesh.payments.CompletePayoutBatch(
        payment_pb2.CompletePayoutBatchRequest(name=batch.name), metadata=mesh.admin()
    )
    assert done.state == again.state == payment_pb2.PAYOUT_BATCH_STATE_COMPLETED
    assert [p.state for p in again.payouts] == [p.state for p in done.payouts]


async def test_referral_codes_can_be_chosen_once_and_are_listed_only_for_their_owner(mesh):
    owner = f"affiliate-{uid()}"
    code = f"Ref{uid()[:8]}"
    made = await mesh.payments.CreateReferralCode(
        payment_pb2.CreateReferralCodeRequest(code=code), metadata=mesh.learner(owner)
    )
    assert made.name == f"referralCodes/{code.upper()}" and made.commission_bps == 1_000
    taken = await fails(
        mesh.payments.CreateReferralCode(
            payment_pb2.CreateReferralCodeRequest(code=code.lower()), metadata=mesh.learner("other")
        )
    )
    assert status(taken) == (grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS")
    bad = await fails(
        mesh.payments.CreateReferralCode(
            payment_pb2.CreateReferralCodeRequest(code="a b"), metadata=mesh.learner(owner)
        )
    )
    assert bad.code() == INVALID and "code" in field_violations(bad)
    others = await fails(
        mesh.payments.ListReferralCodes(
            payment_pb2.ListReferralCodesRequest(parent=f"users/{owner}"), metadata=mesh.learner("other")
        )
    )
    assert others.code() == DENIED
    # An unknown code at checkout is ignored, not an error.
    course, _, _ = await paid_course(mesh)
    order = await order_for(mesh, f"learner-{uid()}", course.name, referral_code="NOBODYSCODE")
    assert order.referral_code == ""
