import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from lms.type.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_UNSPECIFIED: _ClassVar[OrderState]
    ORDER_STATE_PENDING: _ClassVar[OrderState]
    ORDER_STATE_PAID: _ClassVar[OrderState]
    ORDER_STATE_FULFILLED: _ClassVar[OrderState]
    ORDER_STATE_FAILED: _ClassVar[OrderState]
    ORDER_STATE_EXPIRED: _ClassVar[OrderState]
    ORDER_STATE_REFUNDED: _ClassVar[OrderState]

class PaymentProvider(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_PROVIDER_UNSPECIFIED: _ClassVar[PaymentProvider]
    PAYMENT_PROVIDER_STRIPE: _ClassVar[PaymentProvider]
    PAYMENT_PROVIDER_RAZORPAY: _ClassVar[PaymentProvider]
    PAYMENT_PROVIDER_FREE: _ClassVar[PaymentProvider]

class RefundState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUND_STATE_UNSPECIFIED: _ClassVar[RefundState]
    REFUND_STATE_PENDING: _ClassVar[RefundState]
    REFUND_STATE_SUCCEEDED: _ClassVar[RefundState]
    REFUND_STATE_FAILED: _ClassVar[RefundState]

class BillingInterval(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BILLING_INTERVAL_UNSPECIFIED: _ClassVar[BillingInterval]
    BILLING_INTERVAL_MONTHLY: _ClassVar[BillingInterval]
    BILLING_INTERVAL_YEARLY: _ClassVar[BillingInterval]

class SubscriptionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBSCRIPTION_STATE_UNSPECIFIED: _ClassVar[SubscriptionState]
    SUBSCRIPTION_STATE_INCOMPLETE: _ClassVar[SubscriptionState]
    SUBSCRIPTION_STATE_ACTIVE: _ClassVar[SubscriptionState]
    SUBSCRIPTION_STATE_PAST_DUE: _ClassVar[SubscriptionState]
    SUBSCRIPTION_STATE_CANCELED: _ClassVar[SubscriptionState]

class LedgerEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEDGER_ENTRY_KIND_UNSPECIFIED: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_SALE: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_PLATFORM_FEE: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_COMMISSION: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_REFUND_REVERSAL: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_PAYOUT: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_SUBSCRIPTION: _ClassVar[LedgerEntryKind]
    LEDGER_ENTRY_KIND_PROVIDER: _ClassVar[LedgerEntryKind]

class PayoutState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYOUT_STATE_UNSPECIFIED: _ClassVar[PayoutState]
    PAYOUT_STATE_REQUESTED: _ClassVar[PayoutState]
    PAYOUT_STATE_BATCHED: _ClassVar[PayoutState]
    PAYOUT_STATE_PAID: _ClassVar[PayoutState]
    PAYOUT_STATE_FAILED: _ClassVar[PayoutState]

class PayoutBatchState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYOUT_BATCH_STATE_UNSPECIFIED: _ClassVar[PayoutBatchState]
    PAYOUT_BATCH_STATE_PROCESSING: _ClassVar[PayoutBatchState]
    PAYOUT_BATCH_STATE_COMPLETED: _ClassVar[PayoutBatchState]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ORDER_NOT_FOUND: _ClassVar[ErrorReason]
    COURSE_NOT_FOUND: _ClassVar[ErrorReason]
    COURSE_NOT_PURCHASABLE: _ClassVar[ErrorReason]
    WEBHOOK_SIGNATURE_INVALID: _ClassVar[ErrorReason]
    UPSTREAM_UNAVAILABLE: _ClassVar[ErrorReason]
    REQUEST_ID_REUSED: _ClassVar[ErrorReason]
    PROVIDER_NOT_CONFIGURED: _ClassVar[ErrorReason]
    ORDER_NOT_PAID: _ClassVar[ErrorReason]
    REFUND_WINDOW_CLOSED: _ClassVar[ErrorReason]
    REFUND_EXCEEDS_PAYMENT: _ClassVar[ErrorReason]
    COUPON_NOT_FOUND: _ClassVar[ErrorReason]
    COUPON_EXPIRED: _ClassVar[ErrorReason]
    COUPON_NOT_APPLICABLE: _ClassVar[ErrorReason]
    COUPON_EXHAUSTED: _ClassVar[ErrorReason]
    ALREADY_EXISTS: _ClassVar[ErrorReason]
    PLAN_NOT_FOUND: _ClassVar[ErrorReason]
    SUBSCRIPTION_NOT_FOUND: _ClassVar[ErrorReason]
    INSUFFICIENT_EARNINGS: _ClassVar[ErrorReason]
    PAYOUT_ACCOUNT_MISSING: _ClassVar[ErrorReason]
    PAYOUT_BATCH_NOT_FOUND: _ClassVar[ErrorReason]
    PAYOUT_NOT_IN_BATCH: _ClassVar[ErrorReason]
    CHECKOUT_SIGNATURE_INVALID: _ClassVar[ErrorReason]
    WRONG_PROVIDER: _ClassVar[ErrorReason]
    WEBHOOK_PAYLOAD_INVALID: _ClassVar[ErrorReason]
    COURSE_PRICE_INVALID: _ClassVar[ErrorReason]
ORDER_STATE_UNSPECIFIED: OrderState
ORDER_STATE_PENDING: OrderState
ORDER_STATE_PAID: OrderState
ORDER_STATE_FULFILLED: OrderState
ORDER_STATE_FAILED: OrderState
ORDER_STATE_EXPIRED: OrderState
ORDER_STATE_REFUNDED: OrderState
PAYMENT_PROVIDER_UNSPECIFIED: PaymentProvider
PAYMENT_PROVIDER_STRIPE: PaymentProvider
PAYMENT_PROVIDER_RAZORPAY: PaymentProvider
PAYMENT_PROVIDER_FREE: PaymentProvider
REFUND_STATE_UNSPECIFIED: RefundState
REFUND_STATE_PENDING: RefundState
REFUND_STATE_SUCCEEDED: RefundState
REFUND_STATE_FAILED: RefundState
BILLING_INTERVAL_UNSPECIFIED: BillingInterval
BILLING_INTERVAL_MONTHLY: BillingInterval
BILLING_INTERVAL_YEARLY: BillingInterval
SUBSCRIPTION_STATE_UNSPECIFIED: SubscriptionState
SUBSCRIPTION_STATE_INCOMPLETE: SubscriptionState
SUBSCRIPTION_STATE_ACTIVE: SubscriptionState
SUBSCRIPTION_STATE_PAST_DUE: SubscriptionState
SUBSCRIPTION_STATE_CANCELED: SubscriptionState
LEDGER_ENTRY_KIND_UNSPECIFIED: LedgerEntryKind
LEDGER_ENTRY_KIND_SALE: LedgerEntryKind
LEDGER_ENTRY_KIND_PLATFORM_FEE: LedgerEntryKind
LEDGER_ENTRY_KIND_COMMISSION: LedgerEntryKind
LEDGER_ENTRY_KIND_REFUND_REVERSAL: LedgerEntryKind
LEDGER_ENTRY_KIND_PAYOUT: LedgerEntryKind
LEDGER_ENTRY_KIND_SUBSCRIPTION: LedgerEntryKind
LEDGER_ENTRY_KIND_PROVIDER: LedgerEntryKind
PAYOUT_STATE_UNSPECIFIED: PayoutState
PAYOUT_STATE_REQUESTED: PayoutState
PAYOUT_STATE_BATCHED: PayoutState
PAYOUT_STATE_PAID: PayoutState
PAYOUT_STATE_FAILED: PayoutState
PAYOUT_BATCH_STATE_UNSPECIFIED: PayoutBatchState
PAYOUT_BATCH_STATE_PROCESSING: PayoutBatchState
PAYOUT_BATCH_STATE_COMPLETED: PayoutBatchState
ERROR_REASON_UNSPECIFIED: ErrorReason
ORDER_NOT_FOUND: ErrorReason
COURSE_NOT_FOUND: ErrorReason
COURSE_NOT_PURCHASABLE: ErrorReason
WEBHOOK_SIGNATURE_INVALID: ErrorReason
UPSTREAM_UNAVAILABLE: ErrorReason
REQUEST_ID_REUSED: ErrorReason
PROVIDER_NOT_CONFIGURED: ErrorReason
ORDER_NOT_PAID: ErrorReason
REFUND_WINDOW_CLOSED: ErrorReason
REFUND_EXCEEDS_PAYMENT: ErrorReason
COUPON_NOT_FOUND: ErrorReason
COUPON_EXPIRED: ErrorReason
COUPON_NOT_APPLICABLE: ErrorReason
COUPON_EXHAUSTED: ErrorReason
ALREADY_EXISTS: ErrorReason
PLAN_NOT_FOUND: ErrorReason
SUBSCRIPTION_NOT_FOUND: ErrorReason
INSUFFICIENT_EARNINGS: ErrorReason
PAYOUT_ACCOUNT_MISSING: ErrorReason
PAYOUT_BATCH_NOT_FOUND: ErrorReason
PAYOUT_NOT_IN_BATCH: ErrorReason
CHECKOUT_SIGNATURE_INVALID: ErrorReason
WRONG_PROVIDER: ErrorReason
WEBHOOK_PAYLOAD_INVALID: ErrorReason
COURSE_PRICE_INVALID: ErrorReason

class Order(_message.Message):
    __slots__ = ("name", "course", "user", "amount", "state", "provider", "provider_payment_id", "client_secret", "failure_reason", "create_time", "pay_time", "fulfill_time", "list_price", "discount", "coupon", "referral_code", "provider_key_id", "provider_transaction_id", "refunded_amount", "refundable_until", "state_reason", "test_checkout_url")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAY_TIME_FIELD_NUMBER: _ClassVar[int]
    FULFILL_TIME_FIELD_NUMBER: _ClassVar[int]
    LIST_PRICE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    COUPON_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_CODE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFUNDABLE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    TEST_CHECKOUT_URL_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    user: str
    amount: _money_pb2.Money
    state: OrderState
    provider: PaymentProvider
    provider_payment_id: str
    client_secret: str
    failure_reason: str
    create_time: _timestamp_pb2.Timestamp
    pay_time: _timestamp_pb2.Timestamp
    fulfill_time: _timestamp_pb2.Timestamp
    list_price: _money_pb2.Money
    discount: _money_pb2.Money
    coupon: str
    referral_code: str
    provider_key_id: str
    provider_transaction_id: str
    refunded_amount: _money_pb2.Money
    refundable_until: _timestamp_pb2.Timestamp
    state_reason: str
    test_checkout_url: str
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., user: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[OrderState, str]] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., provider_payment_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., failure_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pay_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fulfill_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., list_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., discount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., coupon: _Optional[str] = ..., referral_code: _Optional[str] = ..., provider_key_id: _Optional[str] = ..., provider_transaction_id: _Optional[str] = ..., refunded_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., refundable_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state_reason: _Optional[str] = ..., test_checkout_url: _Optional[str] = ...) -> None: ...

class CreateOrderRequest(_message.Message):
    __slots__ = ("course", "provider", "request_id", "coupon_code", "referral_code")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COUPON_CODE_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_CODE_FIELD_NUMBER: _ClassVar[int]
    course: str
    provider: PaymentProvider
    request_id: str
    coupon_code: str
    referral_code: str
    def __init__(self, course: _Optional[str] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., request_id: _Optional[str] = ..., coupon_code: _Optional[str] = ..., referral_code: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListUserOrdersRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListUserOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchOrdersRequest(_message.Message):
    __slots__ = ("state", "provider", "user", "course", "create_time_from", "create_time_to", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FROM_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_TO_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: OrderState
    provider: PaymentProvider
    user: str
    course: str
    create_time_from: _timestamp_pb2.Timestamp
    create_time_to: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[OrderState, str]] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., user: _Optional[str] = ..., course: _Optional[str] = ..., create_time_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetReceiptRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("name", "receipt_number", "order", "course", "user", "list_price", "discount", "amount_paid", "amount_refunded", "provider", "provider_transaction_id", "pay_time", "refunds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    LIST_PRICE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_PAID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_REFUNDED_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    PAY_TIME_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    receipt_number: str
    order: str
    course: str
    user: str
    list_price: _money_pb2.Money
    discount: _money_pb2.Money
    amount_paid: _money_pb2.Money
    amount_refunded: _money_pb2.Money
    provider: PaymentProvider
    provider_transaction_id: str
    pay_time: _timestamp_pb2.Timestamp
    refunds: _containers.RepeatedCompositeFieldContainer[Refund]
    def __init__(self, name: _Optional[str] = ..., receipt_number: _Optional[str] = ..., order: _Optional[str] = ..., course: _Optional[str] = ..., user: _Optional[str] = ..., list_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., discount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., amount_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., amount_refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., provider_transaction_id: _Optional[str] = ..., pay_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refunds: _Optional[_Iterable[_Union[Refund, _Mapping]]] = ...) -> None: ...

class ConfirmRazorpayPaymentRequest(_message.Message):
    __slots__ = ("name", "razorpay_payment_id", "razorpay_signature")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RAZORPAY_PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RAZORPAY_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    name: str
    razorpay_payment_id: str
    razorpay_signature: str
    def __init__(self, name: _Optional[str] = ..., razorpay_payment_id: _Optional[str] = ..., razorpay_signature: _Optional[str] = ...) -> None: ...

class HandleStripeWebhookRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleStripeWebhookResponse(_message.Message):
    __slots__ = ("handled",)
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    handled: bool
    def __init__(self, handled: _Optional[bool] = ...) -> None: ...

class HandleRazorpayWebhookRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleRazorpayWebhookResponse(_message.Message):
    __slots__ = ("handled",)
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    handled: bool
    def __init__(self, handled: _Optional[bool] = ...) -> None: ...

class Refund(_message.Message):
    __slots__ = ("name", "amount", "state", "reason", "requester", "provider_refund_id", "create_time", "complete_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    amount: _money_pb2.Money
    state: RefundState
    reason: str
    requester: str
    provider_refund_id: str
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[RefundState, str]] = ..., reason: _Optional[str] = ..., requester: _Optional[str] = ..., provider_refund_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RefundOrderRequest(_message.Message):
    __slots__ = ("name", "amount", "reason", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    amount: _money_pb2.Money
    reason: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListRefundsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListRefundsResponse(_message.Message):
    __slots__ = ("refunds",)
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    refunds: _containers.RepeatedCompositeFieldContainer[Refund]
    def __init__(self, refunds: _Optional[_Iterable[_Union[Refund, _Mapping]]] = ...) -> None: ...

class Coupon(_message.Message):
    __slots__ = ("name", "percent_off", "amount_off", "course", "start_time", "end_time", "max_redemptions", "max_redemptions_per_user", "redemption_count", "active", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERCENT_OFF_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_OFF_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_REDEMPTIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_REDEMPTIONS_PER_USER_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    percent_off: int
    amount_off: _money_pb2.Money
    course: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    max_redemptions: int
    max_redemptions_per_user: int
    redemption_count: int
    active: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., percent_off: _Optional[int] = ..., amount_off: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., course: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_redemptions: _Optional[int] = ..., max_redemptions_per_user: _Optional[int] = ..., redemption_count: _Optional[int] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCouponRequest(_message.Message):
    __slots__ = ("coupon",)
    COUPON_FIELD_NUMBER: _ClassVar[int]
    coupon: Coupon
    def __init__(self, coupon: _Optional[_Union[Coupon, _Mapping]] = ...) -> None: ...

class GetCouponRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCouponsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCouponsResponse(_message.Message):
    __slots__ = ("coupons", "next_page_token")
    COUPONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    coupons: _containers.RepeatedCompositeFieldContainer[Coupon]
    next_page_token: str
    def __init__(self, coupons: _Optional[_Iterable[_Union[Coupon, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeactivateCouponRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PreviewPriceRequest(_message.Message):
    __slots__ = ("course", "coupon_code")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    COUPON_CODE_FIELD_NUMBER: _ClassVar[int]
    course: str
    coupon_code: str
    def __init__(self, course: _Optional[str] = ..., coupon_code: _Optional[str] = ...) -> None: ...

class PricePreview(_message.Message):
    __slots__ = ("list_price", "discount", "amount")
    LIST_PRICE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    list_price: _money_pb2.Money
    discount: _money_pb2.Money
    amount: _money_pb2.Money
    def __init__(self, list_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., discount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Plan(_message.Message):
    __slots__ = ("name", "display_name", "interval", "price", "courses", "all_courses", "stripe_price_id", "active", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    COURSES_FIELD_NUMBER: _ClassVar[int]
    ALL_COURSES_FIELD_NUMBER: _ClassVar[int]
    STRIPE_PRICE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    interval: BillingInterval
    price: _money_pb2.Money
    courses: _containers.RepeatedScalarFieldContainer[str]
    all_courses: bool
    stripe_price_id: str
    active: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., interval: _Optional[_Union[BillingInterval, str]] = ..., price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., courses: _Optional[_Iterable[str]] = ..., all_courses: _Optional[bool] = ..., stripe_price_id: _Optional[str] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePlanRequest(_message.Message):
    __slots__ = ("plan", "plan_id")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    plan_id: str
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ..., plan_id: _Optional[str] = ...) -> None: ...

class ListPlansRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPlansResponse(_message.Message):
    __slots__ = ("plans",)
    PLANS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[Plan]
    def __init__(self, plans: _Optional[_Iterable[_Union[Plan, _Mapping]]] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ("name", "user", "plan", "state", "provider_subscription_id", "client_secret", "current_period_end", "cancel_at_period_end", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CANCEL_AT_PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    user: str
    plan: str
    state: SubscriptionState
    provider_subscription_id: str
    client_secret: str
    current_period_end: _timestamp_pb2.Timestamp
    cancel_at_period_end: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., user: _Optional[str] = ..., plan: _Optional[str] = ..., state: _Optional[_Union[SubscriptionState, str]] = ..., provider_subscription_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., current_period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_at_period_end: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSubscriptionRequest(_message.Message):
    __slots__ = ("plan", "request_id")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plan: str
    request_id: str
    def __init__(self, plan: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSubscriptionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListUserSubscriptionsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListUserSubscriptionsResponse(_message.Message):
    __slots__ = ("subscriptions",)
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    def __init__(self, subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ...) -> None: ...

class CancelSubscriptionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CheckCourseAccessRequest(_message.Message):
    __slots__ = ("user", "course")
    USER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    user: str
    course: str
    def __init__(self, user: _Optional[str] = ..., course: _Optional[str] = ...) -> None: ...

class CheckCourseAccessResponse(_message.Message):
    __slots__ = ("granted", "subscription", "access_until")
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ACCESS_UNTIL_FIELD_NUMBER: _ClassVar[int]
    granted: bool
    subscription: str
    access_until: _timestamp_pb2.Timestamp
    def __init__(self, granted: _Optional[bool] = ..., subscription: _Optional[str] = ..., access_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetEarningsRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Earnings(_message.Message):
    __slots__ = ("name", "balances")
    NAME_FIELD_NUMBER: _ClassVar[int]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    name: str
    balances: _containers.RepeatedCompositeFieldContainer[EarningsBalance]
    def __init__(self, name: _Optional[str] = ..., balances: _Optional[_Iterable[_Union[EarningsBalance, _Mapping]]] = ...) -> None: ...

class EarningsBalance(_message.Message):
    __slots__ = ("available", "in_payout", "paid_out")
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    IN_PAYOUT_FIELD_NUMBER: _ClassVar[int]
    PAID_OUT_FIELD_NUMBER: _ClassVar[int]
    available: _money_pb2.Money
    in_payout: _money_pb2.Money
    paid_out: _money_pb2.Money
    def __init__(self, available: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., in_payout: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_out: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("transaction_id", "account", "amount", "kind", "reference", "create_time")
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    transaction_id: str
    account: str
    amount: _money_pb2.Money
    kind: LedgerEntryKind
    reference: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, transaction_id: _Optional[str] = ..., account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., kind: _Optional[_Union[LedgerEntryKind, str]] = ..., reference: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListLedgerEntriesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLedgerEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetLedgerBalanceRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LedgerBalance(_message.Message):
    __slots__ = ("totals", "entry_count")
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    totals: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    entry_count: int
    def __init__(self, totals: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., entry_count: _Optional[int] = ...) -> None: ...

class PayoutAccount(_message.Message):
    __slots__ = ("name", "holder_name", "account_number", "bank_code", "country_code", "account_number_last4", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    BANK_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_LAST4_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    holder_name: str
    account_number: str
    bank_code: str
    country_code: str
    account_number_last4: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., holder_name: _Optional[str] = ..., account_number: _Optional[str] = ..., bank_code: _Optional[str] = ..., country_code: _Optional[str] = ..., account_number_last4: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetPayoutAccountRequest(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: PayoutAccount
    def __init__(self, account: _Optional[_Union[PayoutAccount, _Mapping]] = ...) -> None: ...

class GetPayoutAccountRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Payout(_message.Message):
    __slots__ = ("name", "amount", "state", "batch", "failure_reason", "create_time", "complete_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    amount: _money_pb2.Money
    state: PayoutState
    batch: str
    failure_reason: str
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[PayoutState, str]] = ..., batch: _Optional[str] = ..., failure_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePayoutRequest(_message.Message):
    __slots__ = ("parent", "amount", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    amount: _money_pb2.Money
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListPayoutsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPayoutsResponse(_message.Message):
    __slots__ = ("payouts", "next_page_token")
    PAYOUTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    payouts: _containers.RepeatedCompositeFieldContainer[Payout]
    next_page_token: str
    def __init__(self, payouts: _Optional[_Iterable[_Union[Payout, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PayoutBatch(_message.Message):
    __slots__ = ("name", "currency_code", "total", "payouts", "state", "create_time", "complete_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAYOUTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    currency_code: str
    total: _money_pb2.Money
    payouts: _containers.RepeatedCompositeFieldContainer[Payout]
    state: PayoutBatchState
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., currency_code: _Optional[str] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payouts: _Optional[_Iterable[_Union[Payout, _Mapping]]] = ..., state: _Optional[_Union[PayoutBatchState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePayoutBatchRequest(_message.Message):
    __slots__ = ("currency_code", "request_id")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    request_id: str
    def __init__(self, currency_code: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CompletePayoutBatchRequest(_message.Message):
    __slots__ = ("name", "failed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    name: str
    failed: _containers.RepeatedCompositeFieldContainer[FailedPayout]
    def __init__(self, name: _Optional[str] = ..., failed: _Optional[_Iterable[_Union[FailedPayout, _Mapping]]] = ...) -> None: ...

class FailedPayout(_message.Message):
    __slots__ = ("payout", "reason")
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    payout: str
    reason: str
    def __init__(self, payout: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReferralCode(_message.Message):
    __slots__ = ("name", "owner", "commission_bps", "paid_order_count", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_BPS_FIELD_NUMBER: _ClassVar[int]
    PAID_ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    owner: str
    commission_bps: int
    paid_order_count: int
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., owner: _Optional[str] = ..., commission_bps: _Optional[int] = ..., paid_order_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateReferralCodeRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class ListReferralCodesRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListReferralCodesResponse(_message.Message):
    __slots__ = ("referral_codes",)
    REFERRAL_CODES_FIELD_NUMBER: _ClassVar[int]
    referral_codes: _containers.RepeatedCompositeFieldContainer[ReferralCode]
    def __init__(self, referral_codes: _Optional[_Iterable[_Union[ReferralCode, _Mapping]]] = ...) -> None: ...

class ReconcileOrdersRequest(_message.Message):
    __slots__ = ("min_age_seconds",)
    MIN_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    min_age_seconds: int
    def __init__(self, min_age_seconds: _Optional[int] = ...) -> None: ...

class ReconcileOrdersResponse(_message.Message):
    __slots__ = ("checked", "paid", "failed", "expired", "refunds_settled")
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_SETTLED_FIELD_NUMBER: _ClassVar[int]
    checked: int
    paid: int
    failed: int
    expired: int
    refunds_settled: int
    def __init__(self, checked: _Optional[int] = ..., paid: _Optional[int] = ..., failed: _Optional[int] = ..., expired: _Optional[int] = ..., refunds_settled: _Optional[int] = ...) -> None: ...
