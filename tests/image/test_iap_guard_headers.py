"""mlflow_iap_auth's request guard: header spellings and Origin, through the plugin's ASGI stack
(tests/image/iap_stack.py) in front of a real Flask app."""

from __future__ import annotations

import pytest

from tests.image.iap_stack import (
    ORIGINS,
    PORT_FORWARD_USER,
    STACK,
    admitted,
    call,
)

# --- header spellings ---------------------------------------------------------------------


def test_a_plain_request_reaches_flask_with_exactly_the_middlewares_principal() -> None:
    headers = [(b"accept", b"*/*"), (b"user-agent", b"x\ty"), (b"x-custom-header", b"1,2")]
    assert admitted(*call("/api/2.0/mlflow/experiments/search", headers=headers)) == (
        PORT_FORWARD_USER
    )


def test_without_the_guard_an_underscore_header_folds_into_the_identity() -> None:
    """The harness sees what MLflow saw before the guard: the exploit of the report."""
    unguarded = STACK.app
    headers = [(b"x_mlflow_iap_principal", b"evil")]
    principal = admitted(*call("/api/2.0/mlflow/users/current", headers=headers, app=unguarded))
    assert principal == f"evil,{PORT_FORWARD_USER}"


PRINCIPAL_SPELLINGS = [
    b"x-mlflow-iap-principal",
    b"x_mlflow_iap_principal",
    b"X_MLFLOW_IAP_PRINCIPAL",
    b"X-Mlflow-Iap-Principal",
    b"x-mlflow_iap-principal",
    b"x_mlflow-iap_principal",
    b"X-MLFLOW-IAP-PRINCIPAL",
]


@pytest.mark.parametrize("name", PRINCIPAL_SPELLINGS)
@pytest.mark.parametrize("value", [b"evil@example.com", b"", b"root@example.com,evil"])
def test_no_spelling_of_the_principal_header_is_accepted(name: bytes, value: bytes) -> None:
    status, body = call("/api/2.0/mlflow/experiments/search", headers=[(name, value)])
    assert status == 400, body
    assert body.startswith("IAP: the header "), body
    assert "identity header" in body


@pytest.mark.parametrize(
    "name",
    [
        b"x_goog_iap_jwt_assertion",
        b"x-goog-iap-jwt_assertion",
        b"X_Goog_Iap_Jwt_Assertion",
        b"x_goog_authenticated_user_email",
        b"x-goog-authenticated-user_email",
        b"x_goog_authenticated_user_id",
    ],
)
def test_misspelled_iap_headers_are_refused(name: bytes) -> None:
    status, body = call("/api/2.0/mlflow/experiments/search", headers=[(name, b"x")])
    assert status == 400, body
    assert "misspelling of IAP's" in body


@pytest.mark.parametrize(
    "name", [b"x_forwarded_for", b"content_type", b"accept_encoding", b"x_mlflow_workspace", b"_"]
)
def test_any_underscore_in_a_header_name_is_refused(name: bytes) -> None:
    status, body = call("/api/2.0/mlflow/experiments/search", headers=[(name, b"1")])
    assert status == 400, body
    assert "underscore" in body


@pytest.mark.parametrize(
    "pair",
    [
        (b"x-goog-iap-jwt-assertion", b"x-goog-iap-jwt-assertion"),
        (b"x-goog-iap-jwt-assertion", b"X-Goog-Iap-Jwt-Assertion"),
        (b"x-goog-authenticated-user-email", b"x-goog-authenticated-user-email"),
        (b"x-goog-authenticated-user-id", b"X-GOOG-AUTHENTICATED-USER-ID"),
        (b"host", b"Host"),
        (b"origin", b"origin"),
    ],
)
def test_repeated_single_headers_are_refused(pair: tuple[bytes, bytes]) -> None:
    first, second = pair
    headers = [(first, b"http://localhost:5000"), (second, b"http://localhost:5000")]
    if first == b"host":
        headers = [(second, b"localhost:5000")]  # call() sends the first Host
    status, body = call("/api/2.0/mlflow/experiments/search", headers=headers)
    assert status == 400, body
    assert "times" in body


@pytest.mark.parametrize(
    "value", [b"a\r\n b", b"a\n\tb", b"a\x00b", b"a\rb", b"\x7f", b"a\x0bb", b"x\x1b[31m"]
)
def test_folded_or_control_header_values_are_refused(value: bytes) -> None:
    status, body = call("/api/2.0/mlflow/experiments/search", headers=[(b"x-note", value)])
    assert status == 400, body
    assert "control character" in body


# --- Origin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        b"null",
        b"https://evil.example.net",
        b"http://localhost:9999",
        b"http://localhost",
        b"http://127.0.0.1:5000",
        b"http://localhost:5000/",
        b"HTTP://LOCALHOST:5000",
        b"https://mlflow.example.com.evil.example.net",
        b"https://mlflow.example.com:443",
        b"",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
def test_a_foreign_origin_is_refused_on_every_method(origin: bytes, method: str) -> None:
    headers = [(b"origin", origin)]
    status, body = call("/ajax-api/2.0/mlflow/experiments/search", headers=headers, method=method)
    assert status == 403, body
    assert "is not one of this server's origins" in body


@pytest.mark.parametrize("origin", sorted(ORIGINS))
def test_the_configured_origins_pass(origin: str) -> None:
    headers = [(b"origin", origin.encode())]
    status, body = call("/ajax-api/2.0/mlflow/experiments/search", headers=headers, method="POST")
    assert admitted(status, body) == PORT_FORWARD_USER
