"""lms.payment.v1.PaymentService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has authenticated the caller, enforced the contract's access policy
(roles, the owner of `users/{user}`, the course service for CheckCourseAccess) and checked
the field rules before a method runs; what needs a lookup (an order's learner) is the
handlers' to check."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from lms.payment.v1 import payment_pb2, payment_pb2_grpc
from lms_kit.caller import actor
from lms_kit.paging import Pager
from lms_kit.proto import ResourceName, last_id
from lms_payment import mappers
from lms_payment.domain.model import Order, Provider
from lms_payment.handlers import Handlers
from lms_payment.handlers.results import OrderFilter

RECEIPT = ResourceName("orders/{order}/receipt")
EARNINGS = ResourceName("users/{user}/earnings")
PAYOUT_ACCOUNT = ResourceName("users/{user}/payoutAccount")
STRIPE_HEADERS = ("stripe-signature",)
RAZORPAY_HEADERS = ("x-razorpay-signature", "x-razorpay-event-id")


class _Dated(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


def _by_time(item: _Dated) -> tuple[str, str]:
    """The key of newest-first lists: (creation time, id)."""
    return (item.created_at.isoformat(), item.id)


def _headers(context: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in context.invocation_metadata() if k in names}


class PaymentServicer(payment_pb2_grpc.PaymentServiceServicer):
    def __init__(
        self,
        handlers: Handlers,
        *,
        razorpay_key_id: str = "",
        test_checkout: Mapping[Provider, str] | None = None,
    ) -> None:
        self._h = handlers
        # What the app opens each provider's checkout with (Razorpay's key id).
        self._key_ids = {Provider.RAZORPAY: razorpay_key_id}
        # Test mode (a stand-in): where each provider's payments are completed with a test card.
        self._test_checkout = dict(test_checkout or {})

    def _order(self, order: Order) -> payment_pb2.Order:
        return mappers.order_to_proto(
            order,
            key_id=self._key_ids.get(order.provider, ""),
            test_checkout=self._test_checkout.get(order.provider, ""),
        )

    # Orders

    async def CreateOrder(self, request, context):
        caller = actor()
        order = await self._h.orders.create_order(
            user_id=caller.user_id,
            email_verified=caller.email_verified,
            course_id=last_id(request.course),
            provider=mappers.PROVIDER_FROM_PROTO[request.provider],
            request_id=request.request_id,
            coupon_code=request.coupon_code,
            referral_code=request.referral_code,
        )
        return self._order(order)

    async def GetOrder(self, request, context):
        return self._order(await self._h.orders.get_order(last_id(request.name), actor()))

    async def ListUserOrders(self, request, context):
        pager = Pager(request)
        where = OrderFilter(user_id=last_id(request.parent))
        found = await self._h.orders.search(where, pager.after_time(), pager.size + 1)
        return payment_pb2.ListUserOrdersResponse(
            orders=[self._order(o) for o in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def SearchOrders(self, request, context):
        pager = Pager(request)
        found = await self._h.orders.search(mappers.order_filter(request), pager.after_time(), pager.size + 1)
        return payment_pb2.SearchOrdersResponse(
            orders=[self._order(o) for o in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def GetReceipt(self, request, context):
        (order_id,) = RECEIPT.ids(request.name)
        return mappers.receipt_to_proto(await self._h.orders.receipt(order_id, actor()))

    async def ConfirmRazorpayPayment(self, request, context):
        order = await self._h.orders.confirm_razorpay(
            actor(),
            last_id(request.name),
            payment_id=request.razorpay_payment_id,
            signature=request.razorpay_signature,
        )
        return self._order(order)

    async def PreviewPrice(self, request, context):
        price = await self._h.orders.preview_price(last_id(request.course), request.coupon_code)
        return mappers.price_to_proto(price)

    # Webhooks: the raw body, byte-exact, and the signature headers

    async def HandleStripeWebhook(self, request, context):
        headers = _headers(context, STRIPE_HEADERS)
        handled = await self._h.webhooks.handle(Provider.STRIPE, request.body.data, headers)
        return payment_pb2.HandleStripeWebhookResponse(handled=handled)

    async def HandleRazorpayWebhook(self, request, context):
        headers = _headers(context, RAZORPAY_HEADERS)
        handled = await self._h.webhooks.handle(Provider.RAZORPAY, request.body.data, headers)
        return payment_pb2.HandleRazorpayWebhookResponse(handled=handled)

    # Refunds

    async def RefundOrder(self, request, context):
        amount = mappers.money_from_request(request.amount, "amount") if request.HasField("amount") else None
        refund = await self._h.refunds.refund_order(
            actor(),
            last_id(request.name),
            amount=amount,
            reason=request.reason,
            request_id=request.request_id,
        )
        return mappers.refund_to_proto(refund)

    async def ListRefunds(self, request, context):
        refunds = await self._h.refunds.list_refunds(actor(), last_id(request.parent))
        return payment_pb2.ListRefundsResponse(refunds=[mappers.refund_to_proto(r) for r in refunds])

    # Coupons

    async def CreateCoupon(self, request, context):
        coupon = await self._h.coupons.create(mappers.new_coupon(request.coupon))
        return mappers.coupon_to_proto(coupon)

    async def GetCoupon(self, request, context):
        return mappers.coupon_to_proto(await self._h.coupons.get(last_id(request.name).upper()))

    async def ListCoupons(self, request, context):
        pager = Pager(request)
        found = await self._h.coupons.list(pager.after[0] if pager.after else None, pager.size + 1)
        return payment_pb2.ListCouponsResponse(
            coupons=[mappers.coupon_to_proto(c) for c in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda c: (c.code,)),
        )

    async def DeactivateCoupon(self, request, context):
        return mappers.coupon_to_proto(await self._h.coupons.deactivate(last_id(request.name).upper()))

    # Plans and subscriptions

    async def CreatePlan(self, request, context):
        plan = await self._h.subscriptions.create_plan(mappers.new_plan(request.plan_id, request.plan))
        return mappers.plan_to_proto(plan)

    async def ListPlans(self, request, context):
        plans = await self._h.subscriptions.list_plans()
        return payment_pb2.ListPlansResponse(plans=[mappers.plan_to_proto(p) for p in plans])

    async def CreateSubscription(self, request, context):
        subscription = await self._h.subscriptions.subscribe(
            actor(), last_id(request.plan), request.request_id
        )
        return mappers.subscription_to_proto(subscription)

    async def GetSubscription(self, request, context):
        subscription = await self._h.subscriptions.get(actor(), last_id(request.name))
        return mappers.subscription_to_proto(subscription)

    async def ListUserSubscriptions(self, request, context):
        found = await self._h.subscriptions.list_for_user(last_id(request.parent))
        return payment_pb2.ListUserSubscriptionsResponse(
            subscriptions=[mappers.subscription_to_proto(s) for s in found]
        )

    async def CancelSubscription(self, request, context):
        subscription = await self._h.subscriptions.cancel(actor(), last_id(request.name))
        return mappers.subscription_to_proto(subscription)

    async def CheckCourseAccess(self, request, context):
        grant = await self._h.subscriptions.check_access(last_id(request.user), last_id(request.course))
        return mappers.access_to_proto(grant)

    # Earnings and the ledger

    async def GetEarnings(self, request, context):
        (user_id,) = EARNINGS.ids(request.name)
        return mappers.earnings_to_proto(request.name, await self._h.earnings.balances(user_id))

    async def ListLedgerEntries(self, request, context):
        pager = Pager(request, default=50, maximum=200)
        after = int(pager.after[0]) if pager.after else None
        found = await self._h.earnings.entries(last_id(request.parent), after, pager.size + 1)
        return payment_pb2.ListLedgerEntriesResponse(
            entries=[mappers.ledger_entry_to_proto(e) for e in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda e: (str(e.entry_id),)),
        )

    async def GetLedgerBalance(self, request, context):
        return mappers.ledger_balance_to_proto(await self._h.earnings.totals())

    # Payout accounts, payouts, batches

    async def SetPayoutAccount(self, request, context):
        given = request.account
        (user_id,) = PAYOUT_ACCOUNT.ids(given.name, "account.name")
        account = await self._h.payouts.set_account(
            user_id,
            holder_name=given.holder_name,
            account_number=given.account_number,
            bank_code=given.bank_code,
            country_code=given.country_code,
        )
        return mappers.payout_account_to_proto(account)

    async def GetPayoutAccount(self, request, context):
        (user_id,) = PAYOUT_ACCOUNT.ids(request.name)
        return mappers.payout_account_to_proto(await self._h.payouts.account(user_id))

    async def CreatePayout(self, request, context):
        amount = mappers.money_from_request(request.amount, "amount")
        payout = await self._h.payouts.request(last_id(request.parent), amount, request.request_id)
        return mappers.payout_to_proto(payout)

    async def ListPayouts(self, request, context):
        pager = Pager(request)
        found = await self._h.payouts.for_user(last_id(request.parent), pager.after_time(), pager.size + 1)
        return payment_pb2.ListPayoutsResponse(
            payouts=[mappers.payout_to_proto(p) for p in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def CreatePayoutBatch(self, request, context):
        batch, members = await self._h.payouts.create_batch(request.currency_code, request.request_id)
        return mappers.batch_to_proto(batch, members)

    async def CompletePayoutBatch(self, request, context):
        failed = {last_id(f.payout): f.reason for f in request.failed}
        batch, members = await self._h.payouts.complete_batch(last_id(request.name), failed)
        return mappers.batch_to_proto(batch, members)

    # Referral codes

    async def CreateReferralCode(self, request, context):
        code = await self._h.referrals.create(actor().user_id, request.code)
        return mappers.referral_to_proto(code)

    async def ListReferralCodes(self, request, context):
        codes = await self._h.referrals.for_owner(last_id(request.parent))
        return payment_pb2.ListReferralCodesResponse(
            referral_codes=[mappers.referral_to_proto(c) for c in codes]
        )

    # Operations

    async def ReconcileOrders(self, request, context):
        age = timedelta(seconds=request.min_age_seconds) if request.min_age_seconds else None
        return mappers.reconcile_report_to_proto(await self._h.reconciler.run(age))
