"""Stand-ins for the two Google endpoints the IAP plugin's audience lookup calls.

* GKE's metadata server, the token side of Workload Identity
  (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity): google-auth's
  compute_engine.Credentials asks `instance/service-accounts/default/?recursive=true` for the
  account, then `instance/service-accounts/default/token` for an access token, both with
  `Metadata-Flavor: Google` (GCE_METADATA_HOST points google-auth here).
* Compute Engine's backendServices.list (GET /compute/v1/projects/PROJECT/global/
  backendServices, https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/
  list): the project's backend services, paged by maxResults/pageToken, for a token the
  metadata stand-in issued, with the `description` the GKE Ingress controller writes
  (kubernetes/ingress-gce pkg/utils/description.go).
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

METADATA_PREFIX = "/computeMetadata/v1/instance/service-accounts/default/"
COMPUTE_PREFIX = "/compute/v1/projects/"


def ingress_description(service: str, port: str, *, go_form: bool = False) -> str:
    """The description GKE's Ingress controller writes on the backend service of a Service.
    Newer controllers print the Ingress's ServiceBackendPort as Go does (go_form)."""
    printed = f"&ServiceBackendPort{{Name:{port},Number:0,}}" if go_form else port
    return json.dumps(
        {
            "kubernetes.io/service-name": service,
            "kubernetes.io/service-port": printed,
            "x-features": ["NEG"],
        },
        separators=(",", ":"),
    )


@dataclass
class ComputeStandIn:
    """The project's backend services and the tokens the metadata server issued."""

    project: str = ""
    email: str = "workload@example-project.iam.gserviceaccount.com"
    backend_services: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    list_calls: int = 0
    refuse_with: int | None = None  # answer every list with this status (403: no permission)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_backend_service(
        self,
        service_id: str,
        *,
        service: str,
        port: str = "http",
        iap: bool = True,
        go_form: bool = False,
    ) -> dict[str, Any]:
        item = {
            "id": service_id,
            "name": f"k8s1-standin-{service.replace('/', '-')}-{port}-{service_id[-6:]}",
            "description": ingress_description(service, port, go_form=go_form),
            "iap": {"enabled": iap},
            "protocol": "HTTP",
        }
        with self._lock:
            self.backend_services.append(item)
        return item

    def metadata(self, path: str, headers: Any) -> tuple[int, Any]:
        if headers.get("Metadata-Flavor") != "Google":
            return 403, {"error": "Missing Metadata-Flavor: Google"}
        rest = path[len(METADATA_PREFIX) :].split("?", 1)[0]
        if rest == "":
            return 200, {"email": self.email, "scopes": _SCOPES, "aliases": ["default"]}
        if rest == "token":
            token = "ya29.standin-" + secrets.token_urlsafe(16)  # pragma: allowlist secret
            with self._lock:
                self.tokens.add(token)
            kind = "Bearer"
            answer = {"access_token": token, "expires_in": 3599}  # pragma: allowlist secret
            return 200, {**answer, "token_type": kind}
        return 404, {"error": "not_found"}

    def list(self, path: str, query: dict[str, str], headers: Any) -> tuple[int, Any]:
        with self._lock:
            self.list_calls += 1
            items = list(self.backend_services)
            tokens = set(self.tokens)
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in tokens:
            return 401, {"error": {"code": 401, "message": "Request had invalid credentials."}}
        if path != f"{COMPUTE_PREFIX}{self.project}/global/backendServices":
            return 404, {"error": {"code": 404, "message": f"{path} not found"}}
        if self.refuse_with is not None:
            return self.refuse_with, {"error": {"code": self.refuse_with, "message": "refused"}}
        size = int(query.get("maxResults", "500"))
        start = int(query.get("pageToken") or 0)
        page: dict[str, Any] = {"items": items[start : start + size]}
        if start + size < len(items):
            page["nextPageToken"] = str(start + size)
        return 200, page


_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
