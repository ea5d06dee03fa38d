"""mlflow_iap_auth's audience: the backend service id looked up and pinned, fail closed until
then (audience.py, backend_services.py). The e2e tests run the same lookup from the pod as
dist/ starts it (tests/e2e/test_iap_audience.py); these cover every outcome directly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from mlflow_iap_auth import backend_services
from mlflow_iap_auth.assertion import KeySet, Refused, Verifier
from mlflow_iap_auth.audience import Audience, AudienceUnknown, audience_for
from mlflow_iap_auth.backend_services import LookupFailed, Outcome, Target
from mlflow_iap_auth.config import ConfigError, IapConfig
from mlflow_iap_auth.middleware import IapMiddleware

from tests.support.compute_standin import ingress_description
from tests.support.google_standin import GoogleStandIn, google_standin

NUMBER = "123456789012"
PREFIX = f"/projects/{NUMBER}/global/backendServices/"
TARGET = Target(project="example-project", service="mlflow/mlflow-server", port="http")
ENV = {
    "IAP_PROJECT_NUMBER": NUMBER,
    "IAP_ADMINS": "root@example.com",
    "IAP_PORT_FORWARD_USER": "kubectl-port-forward",
    "IAP_AUTH_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/mlflow_auth",
    "IAP_PROJECT_ID": TARGET.project,
    "IAP_SERVICE": TARGET.service,
    "IAP_SERVICE_PORT": TARGET.port,
}


def item(service_id: str, description: str, iap: bool = True) -> dict[str, Any]:
    return {
        "id": service_id,
        "name": f"k8s1-{service_id}",
        "description": description,
        "iap": {"enabled": iap},
    }


OURS = ingress_description(TARGET.service, "http")


@pytest.mark.parametrize(
    ("description", "matches"),
    [
        (OURS, True),
        (ingress_description(TARGET.service, "http", go_form=True), True),
        (
            '{"kubernetes.io/service-name":"mlflow/mlflow-server","kubernetes.io/service-port":"http"}',
            True,
        ),
        (ingress_description(TARGET.service, "metrics"), False),
        (
            '{"kubernetes.io/service-name":"mlflow/mlflow-server","kubernetes.io/service-port":'
            '"&ServiceBackendPort{Name:,Number:5000,}"}',
            False,
        ),
        (ingress_description("other/mlflow-server", "http"), False),
        (ingress_description("mlflow/mlflow-server-2", "http"), False),
        ("", False),
        ("not json", False),
        ('["mlflow/mlflow-server"]', False),
        ('{"kubernetes.io/service-name":"mlflow/mlflow-server"}', False),
    ],
)
def test_which_descriptions_name_this_service(description: str, matches: bool) -> None:
    found = backend_services.naming_this_service([item("42", description)], TARGET)
    assert bool(found) is matches


def test_exactly_one_with_iap_pins() -> None:
    found = backend_services.naming_this_service(
        [item("42", OURS), item("43", OURS, iap=False), item("44", "{}")], TARGET
    )
    outcome = backend_services.decide(found, TARGET)
    assert outcome.service_id == "42"
    assert "k8s1-42 (id 42)" in outcome.message


@pytest.mark.parametrize(
    ("items", "says"),
    [
        ([], "no backend services of project example-project naming Service"),
        ([item("43", OURS, iap=False)], "none with IAP on"),
        ([item("42", OURS), item("44", OURS)], "2 backend services"),
    ],
)
def test_none_or_several_pin_nothing(items: list[dict[str, Any]], says: str) -> None:
    outcome = backend_services.decide(backend_services.naming_this_service(items, TARGET), TARGET)
    assert outcome.service_id is None
    assert says in outcome.message


def test_a_non_numeric_id_is_never_pinned() -> None:
    assert backend_services.naming_this_service([item("42abc", OURS)], TARGET) == []


def test_the_list_is_read_page_by_page() -> None:
    pages = {
        "": {"items": [item("1", "{}")], "nextPageToken": "p2"},  # pragma: allowlist secret
        "p2": {"items": [item("42", OURS)]},
    }
    asked: list[dict[str, str]] = []

    def get(url: str, params: Any) -> Any:
        assert url == "https://c.example/compute/v1/projects/example-project/global/backendServices"
        asked.append(dict(params))
        return pages[params.get("pageToken", "")]

    outcome = backend_services.look_up(get, "https://c.example/compute/v1", TARGET)
    assert outcome.service_id == "42"
    assert [a.get("pageToken") for a in asked] == [None, "p2"]
    assert asked[0]["fields"] == backend_services.FIELDS


@pytest.mark.parametrize("answer", [[], "x", {"items": "x"}])
def test_a_malformed_list_is_a_failed_lookup(answer: Any) -> None:
    with pytest.raises(LookupFailed):
        backend_services.look_up(lambda u, p: answer, "https://c", TARGET)


class Lookups:
    """A lookup whose outcomes the test sets."""

    def __init__(self) -> None:
        self.next: Outcome | Exception = Outcome(None, "nothing yet")
        self.calls = 0

    def __call__(self) -> Outcome:
        self.calls += 1
        if isinstance(self.next, Exception):
            raise self.next
        return self.next


def test_the_pin_follows_each_lookup_and_a_failure_keeps_it() -> None:
    lookups = Lookups()
    audience = Audience(PREFIX, lookup=lookups)
    audience.check()
    assert audience.current is None
    lookups.next = Outcome("42", "found")
    audience.check()
    assert audience.current == PREFIX + "42"
    lookups.next = LookupFailed("HTTP 503")
    audience.check()
    assert audience.current == PREFIX + "42"  # an outage does not unpin
    lookups.next = Outcome("77", "the Ingress was recreated")
    audience.check()
    assert audience.current == PREFIX + "77"
    lookups.next = Outcome(None, "2 backend services")
    audience.check()
    assert audience.current is None  # ambiguity: closed


def test_a_configured_id_wins_and_nothing_is_looked_up() -> None:
    lookups = Lookups()
    audience = Audience(PREFIX, service_id="4242", lookup=lookups)
    audience.check()
    audience.start()
    audience.nudge()
    assert lookups.calls == 0
    assert audience.current == PREFIX + "4242"
    config = IapConfig.from_env({**ENV, "IAP_BACKEND_SERVICE_ID": "4242"})
    assert config.lookup is None
    assert audience_for(config).current == PREFIX + "4242"


def test_the_thread_looks_up_at_once_and_again_when_nudged() -> None:
    lookups = Lookups()
    lookups.next = Outcome("42", "found")
    clock = [1000.0]
    audience = Audience(PREFIX, lookup=lookups, clock=lambda: clock[0])
    audience.start()
    try:
        _wait(lambda: audience.current == PREFIX + "42")
        lookups.next = Outcome("77", "recreated")
        audience.nudge()  # too soon after the last lookup: ignored
        time.sleep(0.2)
        assert audience.current == PREFIX + "42"
        clock[0] += 60
        audience.nudge()
        _wait(lambda: audience.current == PREFIX + "77")
    finally:
        audience.stop()


def _wait(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleStandIn]:
    with google_standin() as standin:
        yield standin


def _verifier(google: GoogleStandIn, audience: Audience) -> Verifier:
    config = IapConfig.from_env({**ENV, "IAP_KEYS_URL": google.keys_url})
    return Verifier(config, KeySet(config.keys_url), audience)


def _assertion(google: GoogleStandIn, service_id: str) -> str:
    return google.iap.assertion(
        email="alice@example.com", user_id="1", audience=PREFIX + service_id
    )


def test_until_pinned_a_valid_assertion_waits_and_a_forged_one_is_refused(
    google: GoogleStandIn,
) -> None:
    audience = Audience(PREFIX, lookup=Lookups())
    verifier = _verifier(google, audience)
    with pytest.raises(AudienceUnknown, match="IAP audience not yet known"):
        verifier.verify(_assertion(google, "42"))
    # What is not this project's, or not IAP's, is refused outright (403), pinned or not.
    with pytest.raises(Refused, match="is not a backend service of"):
        verifier.verify(
            google.iap.assertion(
                email="a@example.com",
                user_id="1",
                audience="/projects/999999999/global/backendServices/42",
            )
        )
    now = int(time.time())
    claims = {"iss": "https://evil.example", "aud": PREFIX + "42", "email": "a@example.com"}
    with pytest.raises(Refused, match="issuer"):
        verifier.verify(google.iap.sign({**claims, "iat": now, "exp": now + 600}))


def test_pinned_only_that_backend_service_and_a_repin_voids_the_cache(
    google: GoogleStandIn,
) -> None:
    lookups = Lookups()
    lookups.next = Outcome("42", "found")
    audience = Audience(PREFIX, lookup=lookups)
    audience.check()
    verifier = _verifier(google, audience)
    ours = _assertion(google, "42")
    assert verifier.verify(ours).principal == "alice@example.com"
    # Another app of the same project: IAP signed it, for its own backend service.
    with pytest.raises(Refused, match="is not this backend service"):
        verifier.verify(_assertion(google, "43"))
    lookups.next = Outcome("43", "the Ingress was recreated")
    audience.check()
    with pytest.raises(Refused, match="is not this backend service"):
        verifier.verify(ours)  # cached as valid before: checked again against the new pin


def test_the_middleware_answers_503_with_retry_after(google: GoogleStandIn) -> None:
    audience = Audience(PREFIX, lookup=Lookups())
    verifier = _verifier(google, audience)
    reached: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope)

    def call(headers: list[tuple[bytes, bytes]], peer: str, path: str = "/api/2.0/x") -> Any:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "headers": headers,
            "client": (peer, 1234),
        }
        asyncio.run(IapMiddleware(app, verifier.config, verifier)(scope, None, send))
        return sent

    sent = call([(b"x-goog-iap-jwt-assertion", _assertion(google, "42").encode())], "35.191.1.2")
    assert sent[0]["status"] == 503
    assert (b"retry-after", b"30") in sent[0]["headers"]
    assert b"IAP audience not yet known" in sent[1]["body"]
    assert reached == []
    # Without an assertion: the health path and port-forward are not affected.
    assert call([], "35.191.1.2", "/health") == []
    assert call([], "127.0.0.1") == []
    assert len(reached) == 2


def test_the_lookup_over_http_with_the_metadata_servers_token(
    google: GoogleStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """google_get as the pod runs it: a Workload Identity token from the metadata server,
    then backendServices.list with it (the stand-ins check both)."""
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_GCE_METADATA_HOST", google.metadata_host)
    compute = google.compute
    compute.project = TARGET.project
    compute.backend_services.clear()
    compute.add_backend_service("1111", service="other/app")
    compute.add_backend_service("4242", service=TARGET.service, go_form=True)
    get = backend_services.google_get()
    outcome = backend_services.look_up(get, google.compute_url, TARGET)
    assert outcome.service_id == "4242"
    compute.refuse_with = 403
    try:
        with pytest.raises(LookupFailed, match=r"needs compute\.backendServices\.list"):
            backend_services.look_up(get, google.compute_url, TARGET)
    finally:
        compute.refuse_with = None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("IAP_PROJECT_ID", "", "IAP_PROJECT_ID is not set: without IAP_BACKEND_SERVICE_ID"),
        ("IAP_SERVICE", "mlflow-server", "IAP_SERVICE='mlflow-server' must be NAMESPACE/NAME"),
        ("IAP_SERVICE_PORT", "HTTP", "IAP_SERVICE_PORT='HTTP' must be the Service port's name"),
        ("IAP_COMPUTE_URL", "https://evil.example/compute/v1", "must be https://\\*.googleapis"),
        ("IAP_COMPUTE_URL", "http://compute.googleapis.com/x", "must be https://\\*.googleapis"),
    ],
)
def test_bad_lookup_settings_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        IapConfig.from_env({**ENV, name: value})
