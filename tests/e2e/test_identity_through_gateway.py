"""The identity service through the real Envoy: register, log in, read and
update the profile with the issued token, rotate the refresh token."""

import uuid

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_register_login_profile_and_refresh_over_rest(rest: httpx.Client) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery staple"
    registered = rest.post(
        "/v1/users:register", json={"email": email, "password": password, "displayName": "Ada"}
    )
    assert registered.status_code == 200, registered.text
    user_name = registered.json()["user"]["name"]
    assert user_name.startswith("users/")

    login = rest.post("/v1/auth:login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    tokens = login.json()["tokens"]
    bearer = {"authorization": f"Bearer {tokens['accessToken']}"}

    profile = rest.get(f"/v1/{user_name}", headers=bearer)
    assert profile.status_code == 200, profile.text
    assert profile.json()["email"] == email

    updated = rest.patch(
        f"/v1/{user_name}",
        params={"updateMask": "displayName"},
        json={"displayName": "Ada L."},
        headers=bearer,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["displayName"] == "Ada L."

    refreshed = rest.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["tokens"]["refreshToken"] != tokens["refreshToken"]

    # The rotated token is spent: replaying it is refused.
    replay = rest.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    assert replay.status_code == 401, replay.text


def test_profile_without_token_is_401_and_wrong_password_is_401(rest: httpx.Client) -> None:
    assert rest.get("/v1/users/someone").status_code == 401
    refused = rest.post("/v1/auth:login", json={"email": "nobody@example.com", "password": "x" * 14})
    assert refused.status_code == 401
    body = refused.json()
    assert body["code"] == 16 and body["details"], body


def test_jwks_is_published_over_rest(rest: httpx.Client) -> None:
    document = rest.get("/.well-known/jwks.json")
    assert document.status_code == 200
    keys = document.json()["keys"]
    assert keys and all(k["kid"] and k["kty"] for k in keys)
