"""examples/iap_client/ (mlflow-iap-client): the token is refreshed before it expires, and is
sent to the tracking server's origin only. The Google side is a test double of TokenSource here;
the e2e test runs the real google-auth code against the stand-in token endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from mlflow_iap_client.provider import IapBearerAuth, IapRequestAuthProvider
from mlflow_iap_client.tokens import FreshToken, GoogleIdTokens


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Tokens:
    clock: Clock
    lifetime: float = 3600.0
    issued: list[str] = field(default_factory=list)
    expiry: dict[str, float] = field(default_factory=dict)

    def fetch(self) -> tuple[str, float]:
        self.issued.append(f"token-{len(self.issued)}")
        self.expiry[self.issued[-1]] = self.clock.now + self.lifetime
        return self.issued[-1], self.expiry[self.issued[-1]]


def test_refreshes_before_expiry_never_after() -> None:
    clock = Clock()
    source = Tokens(clock)
    fresh = FreshToken(source, margin=300, clock=clock)
    assert fresh.get() == "token-0"
    clock.now += 3600 - 301
    assert fresh.get() == "token-0"  # still more than the margin left
    clock.now += 2
    assert fresh.get() == "token-1"  # refreshed 299 s before token-0 expired
    assert source.issued == ["token-0", "token-1"]


def test_short_lived_tokens_refresh_at_half_life() -> None:
    clock = Clock()
    source = Tokens(clock, lifetime=10)
    fresh = FreshToken(source, margin=300, clock=clock)
    sent = []
    for _ in range(40):  # a request every second for 40 s of 10 s tokens
        token = fresh.get()
        sent.append(token)
        # Sent with at least half its lifetime left: never expired on arrival.
        assert source.expiry[token] - clock.now >= 5
        clock.now += 1
    assert len(source.issued) == 8  # every 5 s
    assert len(set(sent)) == 8


def _prepared(url: str) -> Any:
    return requests.Request("POST", url).prepare()


def test_bearer_goes_to_the_tracking_origin_only() -> None:
    clock = Clock()
    auth = IapBearerAuth("https://mlflow.example.com", FreshToken(Tokens(clock), clock=clock))
    ours = auth(_prepared("https://mlflow.example.com/api/2.0/mlflow/runs/create"))
    assert ours.headers["Authorization"] == "Bearer token-0"
    for other in (
        "https://storage.googleapis.com/bucket/object",
        "http://mlflow.example.com/api/2.0/mlflow/runs/create",
        "https://mlflow.example.com:8443/x",
        "https://mlflow.example.com.evil.example/x",
    ):
        assert "Authorization" not in auth(_prepared(other)).headers, other


def test_provider_needs_https_and_an_audience(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.example.com")
    with pytest.raises(ValueError, match="https:// only"):
        IapRequestAuthProvider(Tokens(Clock())).get_auth()
    with pytest.raises(ValueError, match="MLFLOW_IAP_AUDIENCE is not set"):
        GoogleIdTokens("")


def test_mlflow_finds_the_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow.tracking.request_auth.registry import _request_auth_provider_registry

    names = [p.get_name() for p in _request_auth_provider_registry]
    assert "iap" in names
