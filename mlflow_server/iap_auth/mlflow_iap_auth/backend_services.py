"""Which backend service is this server's: the one GKE's Ingress controller made for its Service.

IAP's assertion names its backend service by numeric id, `aud` =
/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID (https://cloud.google.com/iap/docs/
signed-headers-howto#verifying_the_jwt_payload). The id exists only after the Ingress has
built the load balancer, so the server looks it up with its own identity (Workload Identity:
the GKE metadata server's token, no key): Compute Engine's `backendServices.list` on the
cluster's project (GET https://compute.googleapis.com/compute/v1/projects/PROJECT/global/
backendServices, https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/list;
permission compute.backendServices.list, which infra/edge.py grants the workload alone).

A backend service is this server's when all of these hold:

* its `description` is the JSON object the GKE Ingress controller writes (kubernetes/
  ingress-gce, pkg/utils/description.go: `{"kubernetes.io/service-name": "NAMESPACE/NAME",
  "kubernetes.io/service-port": PORT, "x-features": [...]}`) and service-name is exactly this
  Service's NAMESPACE/NAME;
* its service-port names this Service's port as the Ingress does (by name). Controller versions
  write it either plainly ("http") or as Go prints the Ingress's ServiceBackendPort
  ("&ServiceBackendPort{Name:http,Number:0,}"): both are accepted, nothing else;
* IAP is on (`iap.enabled`): an assertion can only come from a backend service IAP fronts.

On the Gateway API edge (the ConfigMap sets the port's number, IAP_SERVICE_PORT_NUMBER), GKE's
Gateway controller names the backend service instead: `gkegw1-<4-character hash>-NAMESPACE-NAME-
PORT-<12-character hash>`, 63 characters at most, NAMESPACE and NAME cut to prefixes when they
do not fit (e.g. `gkegw1-yi3w-mcp-agent-prod-agent-webapp-80-4fdj4jjm3trk` for Service
mcp-agent-prod/agent-webapp port 80, as `gcloud compute backend-services list` shows; the
controller is not open source and documents no description). Such a name, with IAP on, is
this server's too.

Exactly one match pins the audience. None (the Ingress is not built yet) or several (two
clusters of the project serve the same NAMESPACE/NAME) pin nothing, and the log says what was
found and that auth.backend_service_id settles it. What only a live project shows (the
description's exact text, the permission) is in docs/security.md#the-audience.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_COMPUTE_URL = "https://compute.googleapis.com/compute/v1"
SERVICE_NAME_KEY = "kubernetes.io/service-name"
SERVICE_PORT_KEY = "kubernetes.io/service-port"
# Only what the match needs comes back (a partial response, `fields`).
FIELDS = "items(id,name,description,iap/enabled),nextPageToken"
MAX_PAGES = 20  # 500 per page: 10,000 backend services, far more than a project holds
_GO_PORT = re.compile(r"&ServiceBackendPort\{Name:([^,]*),Number:([0-9]+),\}")
_ID = re.compile(r"[1-9][0-9]{0,19}")


class LookupFailed(Exception):
    """The list could not be read (network, permission, a malformed answer)."""


@dataclass(frozen=True)
class Target:
    """What names this server's backend service."""

    project: str  # the cluster's project id (where the Ingress builds the load balancer)
    service: str  # NAMESPACE/NAME of the Service the Ingress routes to
    port: str  # the Service port's name, as the Ingress names it
    port_number: str | None = None  # the Service port's number, as the Gateway names it

    @property
    def url_path(self) -> str:
        return f"/projects/{self.project}/global/backendServices"


@dataclass(frozen=True)
class Found:
    """A backend service that names this server's Service."""

    id: str
    name: str
    iap: bool


def port_matches(value: Any, port: str) -> bool:
    if value == port:
        return True
    go = _GO_PORT.fullmatch(value) if isinstance(value, str) else None
    return go is not None and go.group(1) == port


GATEWAY_NAME_MAX = 63
_GATEWAY_NAME = re.compile(r"gkegw1-[a-z0-9]{4}-(?P<middle>[-a-z0-9]+)-[a-z0-9]{12}")


def _prefixes_join(text: str, first: str, second: str) -> bool:
    """text is `a-b` with a a non-empty prefix of first and b one of second."""
    for i, char in enumerate(text):
        if char == "-" and i > 0 and first.startswith(text[:i]):
            rest = text[i + 1 :]
            if rest and second.startswith(rest):
                return True
    return False


def gateway_names_service(name: str, target: Target) -> bool:
    """`name` is what GKE's Gateway controller calls the backend service of target's Service
    and port number: the full NAMESPACE-NAME when the name is short, prefixes when it is cut."""
    if target.port_number is None or len(name) > GATEWAY_NAME_MAX:
        return False
    match = _GATEWAY_NAME.fullmatch(name)
    suffix = f"-{target.port_number}"
    if match is None or not match["middle"].endswith(suffix):
        return False
    middle = match["middle"][: -len(suffix)]
    namespace, _, service = target.service.partition("/")
    if middle == f"{namespace}-{service}":
        return True
    return len(name) == GATEWAY_NAME_MAX and _prefixes_join(middle, namespace, service)


def _describes_service(item: Mapping[str, Any], target: Target) -> bool:
    """The GKE Ingress controller's description names target's Service and port."""
    try:
        description = json.loads(item.get("description") or "")
    except (TypeError, ValueError):
        return False
    if not isinstance(description, dict):
        return False
    if description.get(SERVICE_NAME_KEY) != target.service:
        return False
    return port_matches(description.get(SERVICE_PORT_KEY), target.port)


def naming_this_service(items: Iterable[Mapping[str, Any]], target: Target) -> list[Found]:
    """The backend services whose description (Ingress) or name (Gateway) names target's
    Service and port."""
    found = []
    for item in items:
        if not (
            _describes_service(item, target)
            or gateway_names_service(str(item.get("name", "")), target)
        ):
            continue
        service_id = str(item.get("id", ""))
        if not _ID.fullmatch(service_id):
            continue
        iap = item.get("iap")
        found.append(
            Found(
                id=service_id,
                name=str(item.get("name", "")),
                iap=isinstance(iap, dict) and iap.get("enabled") is True,
            )
        )
    return found


@dataclass(frozen=True)
class Outcome:
    """One lookup: the id to pin (or None) and the sentence the log says."""

    service_id: str | None
    message: str


def decide(found: list[Found], target: Target) -> Outcome:
    """Exactly one backend service of target's Service with IAP on, or nothing pinned."""
    where = (
        f"backend services of project {target.project} naming Service {target.service} "
        f"port {target.port}"
    )
    with_iap = [f for f in found if f.iap]
    if len(with_iap) == 1:
        (one,) = with_iap
        return Outcome(one.id, f"backend service {one.name} (id {one.id}): one of the {where}")
    listed = ", ".join(f"{f.name} (id {f.id}, IAP {'on' if f.iap else 'off'})" for f in found)
    if not with_iap:
        why = f"none with IAP on among the {where}: {listed}" if found else f"no {where}"
        return Outcome(None, f"{why} (the Ingress may not be built yet)")
    return Outcome(
        None,
        f"{len(with_iap)} {where} have IAP on ({listed}): ambiguous, set "
        "auth.backend_service_id to the right id",
    )


Get = Callable[[str, Mapping[str, str]], Any]


def list_backend_services(get: Get, base_url: str, target: Target) -> list[dict[str, Any]]:
    """Every global backend service of target.project, page by page."""
    items: list[dict[str, Any]] = []
    token = ""
    for _ in range(MAX_PAGES):
        params = {"fields": FIELDS, "maxResults": "500"}
        if token:
            params["pageToken"] = token
        page = get(base_url + target.url_path, params)
        if not isinstance(page, dict):
            raise LookupFailed("backendServices.list: the answer is not a JSON object")
        page_items = page.get("items", [])
        if not isinstance(page_items, list):
            raise LookupFailed("backendServices.list: items is not a list")
        items.extend(i for i in page_items if isinstance(i, dict))
        token = page.get("nextPageToken") or ""
        if not token:
            return items
    raise LookupFailed(f"backendServices.list: more than {MAX_PAGES} pages")


def google_get(timeout: float = 10.0) -> Get:
    """GET with the pod's own identity: the GKE metadata server's Workload Identity token.

    IAP identities run only on GKE (settings: auth needs a GKE platform), where the metadata
    server hands out the Kubernetes service account's Google identity
    (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity). No key.
    """
    from google.auth import compute_engine
    from google.auth.transport.requests import AuthorizedSession

    session = AuthorizedSession(compute_engine.Credentials())

    def get(url: str, params: Mapping[str, str]) -> Any:
        try:
            resp = session.get(url, params=dict(params), timeout=timeout)
        except Exception as exc:
            raise LookupFailed(f"backendServices.list: {type(exc).__name__}: {exc}") from None
        if resp.status_code != 200:
            raise LookupFailed(
                f"backendServices.list: HTTP {resp.status_code} {resp.text[:300]!r}"
                + (
                    " (the workload's service account needs compute.backendServices.list on "
                    "the cluster's project: infra/edge.py grants it)"
                    if resp.status_code == 403
                    else ""
                )
            )
        try:
            return resp.json()
        except ValueError:
            raise LookupFailed("backendServices.list: the answer is not JSON") from None

    return get


def look_up(get: Get, base_url: str, target: Target) -> Outcome:
    """One lookup; LookupFailed when the list could not be read."""
    return decide(naming_this_service(list_backend_services(get, base_url, target), target), target)
