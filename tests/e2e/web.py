"""HTTP clients of the e2e tests: through the ingress stand-in as a user would, or straight to
the pod as a peer the tests choose (the load balancer's address, or port-forward's loopback)."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from tests.e2e.ingress import IngressStandIn
from tests.support.net import cluster_dns


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def through_ingress(
    ingress: IngressStandIn,
    method: str,
    path: str,
    *,
    body: Any = None,
    token: str | None = None,
    cookie: str | None = None,
    origin: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """A request to https://<ingress.host><path>, name resolved to the stand-in."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if cookie is not None:
        sent["Cookie"] = cookie
    if origin is not None:
        sent["Origin"] = origin
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"https://{ingress.host}{path}", data=data, headers=sent, method=method
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ingress.ssl_context()), _NoRedirect()
    )
    with cluster_dns({(ingress.host, 443): ("127.0.0.1", ingress.port)}):
        try:
            with opener.open(req, timeout=30) as resp:
                return Reply(int(resp.status), resp.read().decode(), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            return Reply(int(exc.code), exc.read().decode(), dict(exc.headers))


def to_pod(
    port: int,
    method: str,
    path: str,
    *,
    source: str,
    host: str,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> Reply:
    """A request straight to the server, from the local address `source` (127.0.0.2 stands
    for the load balancer, 127.0.0.1 for port-forward)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    sent = {"Host": host, **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=sent)
        resp = conn.getresponse()
        return Reply(resp.status, resp.read().decode(errors="replace"), dict(resp.getheaders()))
    finally:
        conn.close()


def loopback_alias_works(address: str) -> bool:
    with socket.socket() as s:
        try:
            s.bind((address, 0))
        except OSError:
            return False
    return True
