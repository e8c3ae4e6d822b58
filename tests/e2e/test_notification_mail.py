"""Mail through the mesh as developers run it (the user and notification services, the real
Envoy, NATS and PostgreSQL) into a real SMTP server: registering mails the verification link,
which verifies; a password reset mails its link; the one-click unsubscribe works over REST."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from aiosmtpd.controller import Controller

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted"

    def mail(self, to: str, kind: str, timeout_s: float = 30.0) -> EmailMessage:
        def found() -> list[EmailMessage]:
            return [m for m in self.messages if m["To"] == to and m["X-LMS-Notification-Type"] == kind]

        with self._arrived:
            self._arrived.wait_for(lambda: bool(found()), timeout_s)
            matches = found()
        assert matches, f"no {kind} mail for {to}; got {[(m['To'], m['Subject']) for m in self.messages]}"
        return matches[0]


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture(scope="module")
def mesh(start_mesh, tmp_path_factory, mailbox):
    _, port = mailbox
    running = start_mesh(
        tmp_path_factory.mktemp("notification-mesh") / "data",
        "--only",
        "user",
        "--only",
        "notification",
        env={"LMS_SMTP_HOST": "127.0.0.1", "LMS_SMTP_PORT": str(port), "LMS_DELIVERY_POLL_INTERVAL_S": "0.2"},
    )
    yield running
    running.terminate()


@pytest.fixture(scope="module")
def rest(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.rest, timeout=10.0, trust_env=False) as client:
        yield client


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def link_in(message: EmailMessage, marker: str) -> str:
    return next(word for word in text_of(message).split() if marker in word)


def test_registering_mails_a_verification_link_that_verifies(rest: httpx.Client, mailbox) -> None:
    box, _ = mailbox
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register", json={"email": address, "password": PASSWORD, "displayName": "Ada"}
    )
    assert registered.status_code == 200, registered.text
    mail = box.mail(address, "email_verification")
    assert "Ada" in text_of(mail)
    token = parse_qs(urlparse(link_in(mail, "token=")).query)["token"][0]
    verified = rest.post("/v1/auth:verifyEmail", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert verified.json()["user"]["emailVerified"] is True
    assert box.mail(address, "welcome")["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        len(
            [
                m
                for m in box.messages
                if m["To"] == address and m["X-LMS-Notification-Type"] == "email_verification"
            ]
        )
        == 1
    )


def test_a_password_reset_mails_its_link(rest: httpx.Client, mailbox) -> None:
    box, _ = mailbox
    address = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    assert (
        rest.post(
            "/v1/users:register", json={"email": address, "password": PASSWORD, "displayName": "Tester"}
        ).status_code
        == 200
    )
    asked = rest.post("/v1/auth:requestPasswordReset", json={"email": address})
    assert asked.status_code == 200, asked.text
    mail = box.mail(address, "password_reset")
    token = parse_qs(urlparse(link_in(mail, "token=")).query)["token"][0]
    reset = rest.post("/v1/auth:resetPassword", json={"token": token, "newPassword": PASSWORD + " again"})
    assert reset.status_code == 200, reset.text
    assert mail["List-Unsubscribe"] is None  # critical mail cannot be unsubscribed from


def test_one_click_unsubscribe_over_rest_get_confirms_and_post_unsubscribes(
    rest: httpx.Client, mailbox
) -> None:
    box, _ = mailbox
    address = f"lin-{uuid.uuid4().hex[:8]}@example.com"
    assert (
        rest.post(
            "/v1/users:register", json={"email": address, "password": PASSWORD, "displayName": "Tester"}
        ).status_code
        == 200
    )
    welcome = box.mail(address, "welcome")
    url = welcome["List-Unsubscribe"].strip("<>")
    path = url.removeprefix(str(rest.base_url).rstrip("/"))
    assert path.startswith("/v1/notification/unsubscribe?token=")
    checked = rest.get(path)
    assert checked.status_code == 200, checked.text
    assert checked.json()["category"] == "CATEGORY_ACCOUNT" and not checked.json().get("unsubscribed")
    # RFC 8058: the mail client POSTs this form body to the List-Unsubscribe URL.
    done = rest.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["unsubscribed"] is True
    assert rest.get(path).json()["unsubscribed"] is True
    forged = rest.get(path[:-4] + "AAAA")
    assert forged.status_code == 400 and "UNSUBSCRIBE_TOKEN_INVALID" in forged.text
