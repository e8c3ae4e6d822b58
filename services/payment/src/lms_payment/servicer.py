"""PaymentService over gRPC: proto -> handler -> proto, nothing else."""

from __future__ import annotations

from lms.options.v1 import options_pb2
from lms.payment.v1 import payment_pb2, payment_pb2_grpc
from lms_kit.auth.principal import current_principal
from lms_payment import mappers
from lms_payment.adapters.stripe_gateway import SIGNATURE_HEADER
from lms_payment.domain.model import Provider
from lms_payment.handlers import PaymentHandlers


def last_id(name: str) -> str:
    return name.rsplit("/", 1)[-1]


class PaymentServicer(payment_pb2_grpc.PaymentServiceServicer):
    def __init__(self, handlers: PaymentHandlers) -> None:
        self._handlers = handlers

    async def CreateOrder(self, request, context):
        order = await self._handlers.create_order(
            user_id=current_principal().user_id,
            course_id=last_id(request.course),
            provider=mappers.PROVIDER_FROM_PROTO[request.provider],
            request_id=request.request_id,
        )
        return mappers.order_to_proto(order)

    async def GetOrder(self, request, context):
        principal = current_principal()
        order = await self._handlers.get_order(
            last_id(request.name),
            user_id=principal.user_id,
            is_admin=principal.has_role(options_pb2.ROLE_ADMIN),
        )
        return mappers.order_to_proto(order)

    async def HandleStripeWebhook(self, request, context):
        headers = {k: v for k, v in context.invocation_metadata() if k == SIGNATURE_HEADER}
        handled = await self._handlers.handle_webhook(Provider.STRIPE, request.body.data, headers)
        return payment_pb2.HandleStripeWebhookResponse(handled=handled)
