"""Push through Firebase Cloud Messaging (HTTP v1) with the official firebase-admin SDK.

With `api_base` set (development and tests) the SDK's requests go to a local stand-in instead
of fcm.googleapis.com; everything else (credentials, OAuth, payload, errors) is the SDK's own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import firebase_admin
from firebase_admin import credentials, exceptions, messaging
from google.auth.exceptions import GoogleAuthError

from lms_notification.domain.errors import SendFailed
from lms_notification.domain.model import Delivery

# FCM says the token is gone for good: drop it, never retry it.
_GONE = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
_PERMANENT = (exceptions.InvalidArgumentError, exceptions.PermissionDeniedError, exceptions.NotFoundError)


class FcmSender:
    def __init__(self, credentials_file: str, *, project_id: str = "", api_base: str = "") -> None:
        options = {"projectId": project_id} if project_id else {}
        self._app = firebase_admin.initialize_app(
            credentials.Certificate(credentials_file),
            options,
            name=f"lms-notification-{uuid.uuid4().hex[:8]}",
        )
        if api_base:
            service = messaging._get_messaging_service(self._app)
            service._fcm_url = f"{api_base.rstrip('/')}/v1/projects/{service._project_id}/messages:send"

    def close(self) -> None:
        firebase_admin.delete_app(self._app)

    async def send(self, delivery: Delivery) -> Sequence[str]:
        tokens = [t for t in delivery.address.split(",") if t]
        gone: list[str] = []
        errors: list[str] = []
        permanent = True
        for token in tokens:
            try:
                await asyncio.to_thread(messaging.send, self._message(delivery, token), False, self._app)
                return [*gone]  # one device is enough; the rest keep their tokens
            except _GONE as error:
                gone.append(token)
                errors.append(f"{type(error).__name__} {error.code}: {error}")
            except _PERMANENT as error:
                errors.append(f"{type(error).__name__} {error.code}: {error}")
            except (exceptions.FirebaseError, GoogleAuthError, OSError) as error:
                permanent = False
                errors.append(f"{type(error).__name__}: {error}")
        raise SendFailed("; ".join(errors) or "no device token", permanent=permanent, prune=tuple(gone))

    def _message(self, delivery: Delivery, token: str) -> messaging.Message:
        return messaging.Message(
            fid=token,
            notification=messaging.Notification(
                title=delivery.content.subject, body=delivery.content.text_body
            ),
            data={"notification_id": delivery.notification_id, "type": delivery.type},
            # Newer messages of a type replace older ones still waiting on the device.
            android=messaging.AndroidConfig(collapse_key=delivery.type),
            apns=messaging.APNSConfig(headers={"apns-collapse-id": delivery.type}),
        )
