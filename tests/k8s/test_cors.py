"""The ConfigMap's CORS allowlist: exactly the origins users come from, nothing broader.

Checked with MLflow's own decision function (`should_block_cors_request`), which the server's
middleware calls for every state-changing request to /api/ and /ajax-api/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from settings import Settings

Objects = dict[str, list[dict[str, Any]]]
Synth = Callable[[Settings], Objects]
KEY = "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"


def _origins(objects: Objects) -> list[str]:
    (config,) = [
        o
        for docs in objects.values()
        for o in docs
        if o["kind"] == "ConfigMap" and KEY in o.get("data", {})
    ]
    return config["data"][KEY].split(",")


@pytest.fixture(scope="module", params=["e2e", "gke", "local", "shared"])
def env(request: pytest.FixtureRequest, k8s_synth: Synth) -> tuple[Settings, list[str]]:
    settings = request.getfixturevalue(f"{request.param}_settings")
    return settings, _origins(k8s_synth(settings))


def test_exactly_the_users_origins(env: tuple[Settings, list[str]]) -> None:
    settings, origins = env
    port = settings.local.service_port if settings.local else settings.server.port
    expected = {f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://[::1]:{port}"}
    if settings.target.is_gke:
        expected.add(f"https://{settings.ingress.host}")
    assert len(origins) == len(set(origins))
    assert set(origins) == expected


def test_every_entry_is_one_plain_origin(env: tuple[Settings, list[str]]) -> None:
    """No wildcard (MLflow turns `*` into "no server-side check"), no path, no plain HTTP
    except loopback, and the ingress origin without :443 (browsers omit the default port)."""
    _, origins = env
    for origin in origins:
        assert not set("*?[") & set(origin.replace("[::1]", "")), origin
        parts = urlsplit(origin)
        assert (parts.path, parts.query, parts.fragment) == ("", "", ""), origin
        assert origin == origin.strip().lower(), origin
        if parts.scheme == "http":
            assert parts.hostname in {"localhost", "127.0.0.1", "::1"}, origin
        else:
            assert parts.scheme == "https", origin
            assert parts.port is None, origin


def test_mlflow_blocks_foreign_origins_and_admits_ours(env: tuple[Settings, list[str]]) -> None:
    from mlflow.server.security_utils import should_block_cors_request

    settings, origins = env
    for origin in origins:
        assert not should_block_cors_request(origin, "POST", origins), origin
    host = settings.ingress.host
    foreign = [
        "https://evil.example.net",
        f"https://{host}.evil.example.net",
        f"https://evil.{host}",
        f"http://{host}",  # downgraded scheme
        f"https://{host}:8443",
        "null",  # sandboxed iframes and file:// pages
    ]
    for origin in foreign:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert should_block_cors_request(origin, method, origins), (origin, method)


def test_origin_follows_the_ingress_host(k8s_synth: Synth, gke_settings: Settings) -> None:
    ingress = gke_settings.ingress.model_copy(update={"host": "ml.corp.example.org"})
    origins = _origins(k8s_synth(gke_settings.model_copy(update={"ingress": ingress})))
    assert "https://ml.corp.example.org" in origins
    assert f"https://{gke_settings.ingress.host}" not in origins
