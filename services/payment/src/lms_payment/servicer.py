"""PaymentService over gRPC: proto -> handler -> proto, nothing else. The kit's pipeline has
authenticated the caller, enforced the contract's access policy and checked the field rules
before a method runs; the ownership that needs a lookup (an order's learner) is the
handlers' to check."""

from __future__ import annotations

from datetime import timedelta

from lms.options.v1 import options_pb2
from lms.payment.v1 import payment_pb2, payment_pb2_grpc
from lms_kit import errors as rpc
from lms_kit.auth.principal import current_principal
from lms_kit.paging import Pager
from lms_payment import mappers
from lms_payment.domain.earnings import PayoutAccount
from lms_payment.domain.model import Money, Provider
from lms_payment.handlers import Actor, Handlers, OrderFilter
from lms_payment.handlers.common import Clock, utcnow
from lms_payment.mappers import last_id, money, money_from_proto

RAZORPAY_HEADERS = ("x-razorpay-signature", "x-razorpay-event-id")


def actor() -> Actor:
    principal = current_principal()
    return Actor(principal.user_id, principal.has_role(options_pb2.ROLE_ADMIN))


def _by_time(item) -> tuple[str, str]:
    return (item.created_at.isoformat(), item.id)


class PaymentServicer(payment_pb2_grpc.PaymentServiceServicer):
    def __init__(self, handlers: Handlers, *, clock: Clock = utcnow, razorpay_key_id: str = "") -> None:
        self._h = handlers
        self._clock = clock
        self._key_ids = {Provider.RAZORPAY: razorpay_key_id}

    def _order(self, order) -> payment_pb2.Order:
        return mappers.order_to_proto(order, key_id=self._key_ids.get(order.provider, ""))

    # Orders

    async def CreateOrder(self, request, context):
        order = await self._h.orders.create_order(
            user_id=current_principal().user_id,
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
        found = await self._h.orders.search(
            OrderFilter(user_id=last_id(request.parent)), pager.after_time(), pager.size + 1
        )
        return payment_pb2.ListUserOrdersResponse(
            orders=[self._order(o) for o in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def SearchOrders(self, request, context):
        pager = Pager(request)
        where = OrderFilter(
            user_id=last_id(request.user) if request.user else "",
            course_id=last_id(request.course) if request.course else "",
            state=mappers.STATE_FROM_PROTO.get(request.state),
            provider=mappers.PROVIDER_FROM_PROTO[request.provider] if request.provider else None,
            created_from=mappers.from_timestamp(request, "create_time_from"),
            created_to=mappers.from_timestamp(request, "create_time_to"),
        )
        found = await self._h.orders.search(where, pager.after_time(), pager.size + 1)
        return payment_pb2.SearchOrdersResponse(
            orders=[self._order(o) for o in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def GetReceipt(self, request, context):
        order, refunds = await self._h.orders.receipt(request.name.split("/")[1], actor())
        return mappers.receipt_to_proto(order, refunds)

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
        return payment_pb2.PricePreview(
            list_price=money(price.list_price), discount=money(price.discount), amount=money(price.amount)
        )

    # Webhooks

    async def HandleStripeWebhook(self, request, context):
        headers = {k: v for k, v in context.invocation_metadata() if k == "stripe-signature"}
        handled = await self._h.webhooks.handle(Provider.STRIPE, request.body.data, headers)
        return payment_pb2.HandleStripeWebhookResponse(handled=handled)

    async def HandleRazorpayWebhook(self, request, context):
        headers = {k: v for k, v in context.invocation_metadata() if k in RAZORPAY_HEADERS}
        handled = await self._h.webhooks.handle(Provider.RAZORPAY, request.body.data, headers)
        return payment_pb2.HandleRazorpayWebhookResponse(handled=handled)

    # Refunds

    async def RefundOrder(self, request, context):
        amount = money_from_proto(request.amount, "amount") if request.HasField("amount") else None
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
        coupon = mappers.coupon_from_proto(request.coupon, self._clock())
        return mappers.coupon_to_proto(await self._h.coupons.create(coupon))

    async def GetCoupon(self, request, context):
        return mappers.coupon_to_proto(await self._h.coupons.get(last_id(request.name).upper()))

    async def ListCoupons(self, request, context):
        pager = Pager(request)
        key = pager.after
        found = await self._h.coupons.list(key[0] if key else None, pager.size + 1)
        return payment_pb2.ListCouponsResponse(
            coupons=[mappers.coupon_to_proto(c) for c in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda c: (c.code,)),
        )

    async def DeactivateCoupon(self, request, context):
        return mappers.coupon_to_proto(await self._h.coupons.deactivate(last_id(request.name).upper()))

    # Plans and subscriptions

    async def CreatePlan(self, request, context):
        plan = mappers.plan_from_proto(request.plan_id, request.plan, self._clock())
        return mappers.plan_to_proto(await self._h.subscriptions.create_plan(plan))

    async def ListPlans(self, request, context):
        plans = await self._h.subscriptions.list_plans()
        return payment_pb2.ListPlansResponse(plans=[mappers.plan_to_proto(p) for p in plans])

    async def CreateSubscription(self, request, context):
        subscription = await self._h.subscriptions.subscribe(
            actor(), last_id(request.plan), request.request_id
        )
        return mappers.subscription_to_proto(subscription)

    async def GetSubscription(self, request, context):
        return mappers.subscription_to_proto(await self._h.subscriptions.get(actor(), last_id(request.name)))

    async def ListUserSubscriptions(self, request, context):
        found = await self._h.subscriptions.list_for_user(last_id(request.parent))
        return payment_pb2.ListUserSubscriptionsResponse(
            subscriptions=[mappers.subscription_to_proto(s) for s in found]
        )

    async def CancelSubscription(self, request, context):
        return mappers.subscription_to_proto(
            await self._h.subscriptions.cancel(actor(), last_id(request.name))
        )

    async def CheckCourseAccess(self, request, context):
        found = await self._h.subscriptions.check_access(last_id(request.user), last_id(request.course))
        if found is None:
            return payment_pb2.CheckCourseAccessResponse(granted=False)
        subscription, until = found
        response = payment_pb2.CheckCourseAccessResponse(
            granted=True, subscription=f"subscriptions/{subscription.id}"
        )
        if until is not None:
            response.access_until.CopyFrom(mappers.timestamp(until))
        return response

    # Earnings, ledger, payouts

    async def GetEarnings(self, request, context):
        user_id = request.name.split("/")[1]
        balances = await self._h.earnings.balances(user_id)
        return payment_pb2.Earnings(
            name=request.name,
            balances=[
                payment_pb2.EarningsBalance(
                    available=money(Money(b.available, b.currency)),
                    in_payout=money(Money(b.in_payout, b.currency)),
                    paid_out=money(Money(b.paid_out, b.currency)),
                )
                for b in balances
            ],
        )

    async def ListLedgerEntries(self, request, context):
        pager = Pager(request, default=50, maximum=200)
        key = pager.after
        found = await self._h.earnings.entries(
            last_id(request.parent), int(key[0]) if key else None, pager.size + 1
        )
        return payment_pb2.ListLedgerEntriesResponse(
            entries=[
                payment_pb2.LedgerEntry(
                    transaction_id=e.transaction_id,
                    account=e.entry.account,
                    amount=money(e.entry.amount),
                    kind=mappers.ENTRY_KIND_TO_PROTO[e.entry.kind],
                    reference=e.reference,
                    create_time=mappers.timestamp(e.at),
                )
                for e in found[: pager.size]
            ],
            next_page_token=pager.next_token(found, lambda e: (str(e.entry_id),)),
        )

    async def GetLedgerBalance(self, request, context):
        totals, count = await self._h.earnings.totals()
        return payment_pb2.LedgerBalance(
            totals=[money(Money(total, currency)) for currency, total in totals.items()],
            entry_count=count,
        )

    async def SetPayoutAccount(self, request, context):
        given = request.account
        account = PayoutAccount(
            user_id=given.name.split("/")[1],
            holder_name=given.holder_name,
            account_number=given.account_number,
            bank_code=given.bank_code,
            country_code=given.country_code,
            updated_at=self._clock(),
        )
        return mappers.payout_account_to_proto(await self._h.earnings.set_payout_account(account))

    async def GetPayoutAccount(self, request, context):
        return mappers.payout_account_to_proto(
            await self._h.earnings.payout_account(request.name.split("/")[1])
        )

    async def CreatePayout(self, request, context):
        amount = money_from_proto(request.amount, "amount")
        if amount.amount_minor <= 0:
            raise rpc.InvalidArgument([rpc.FieldViolation("amount.amount_minor", "must be positive", "MIN")])
        payout = await self._h.earnings.request_payout(last_id(request.parent), amount, request.request_id)
        return mappers.payout_to_proto(payout)

    async def ListPayouts(self, request, context):
        pager = Pager(request)
        found = await self._h.earnings.payouts(last_id(request.parent), pager.after_time(), pager.size + 1)
        return payment_pb2.ListPayoutsResponse(
            payouts=[mappers.payout_to_proto(p) for p in found[: pager.size]],
            next_page_token=pager.next_token(found, _by_time),
        )

    async def CreatePayoutBatch(self, request, context):
        batch, members = await self._h.earnings.create_batch(request.currency_code, request.request_id)
        return mappers.batch_to_proto(batch, members)

    async def CompletePayoutBatch(self, request, context):
        failed = {last_id(f.payout): f.reason or "transfer failed" for f in request.failed}
        batch, members = await self._h.earnings.complete_batch(last_id(request.name), failed)
        return mappers.batch_to_proto(batch, members)

    # Referral codes

    async def CreateReferralCode(self, request, context):
        code = await self._h.earnings.create_referral_code(current_principal().user_id, request.code)
        return mappers.referral_to_proto(code)

    async def ListReferralCodes(self, request, context):
        codes = await self._h.earnings.referral_codes(last_id(request.parent))
        return payment_pb2.ListReferralCodesResponse(
            referral_codes=[mappers.referral_to_proto(c) for c in codes]
        )

    # Operations

    async def ReconcileOrders(self, request, context):
        age = timedelta(seconds=request.min_age_seconds) if request.min_age_seconds else None
        report = await self._h.reconciler.run(age)
        return payment_pb2.ReconcileOrdersResponse(
            checked=report.checked,
            paid=report.paid,
            failed=report.failed,
            expired=report.expired,
            refunds_settled=report.refunds_settled,
        )
