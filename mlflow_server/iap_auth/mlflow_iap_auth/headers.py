"""No header spelling reaches MLflow that another layer reads as a different header.

Flask sees the request through a WSGI environ (MLflow mounts it with Starlette's
build_environ), where a header's name becomes `HTTP_` + upper-case with `-` -> `_`: a client's
`x_mlflow_iap_principal` and the middleware's `x-mlflow-iap-principal` are one variable, and
their values are joined with ','. That is how `evil,bob@example.com` became an MLflow user.
The plugin's identity header travels only as the middleware appends it, so:

* any header whose name, lower-cased with '_' -> '-', is the principal header is refused,
  the exact spelling included (only the middleware writes it);
* any header name with an underscore at all is refused. Each such name shares its WSGI
  variable with its hyphenated twin, so an underscore header can fold a value into any header
  MLflow reads through Flask, not only ours. No client of this server needs one: MLflow's
  clients, browsers, Managed Prometheus, kubelet probes and Google's front end send hyphenated
  names, and nginx drops underscore names by default for the same reason
  (https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers).
  Google's load balancer passes any RFC 7230 token, and '_' is one (it refuses only invalid
  names, with a 400:
  https://cloud.google.com/knowledge/kb/http-400-response-reported-by-external-http-s-load-balancer-000004693
  ), so the check must be here. Refused loudly (400 naming the header), not dropped, so that a
  client that does send one learns why;
* IAP's headers (https://cloud.google.com/iap/docs/identity-howto) come once, from IAP: a
  repeated assertion or IAP identity header is refused, as are a repeated Host or Origin
  (MLflow's host and CORS guards read the last one, Werkzeug the joined ones);
* a header value with a control character other than a tab (a folded or smuggled line) is
  refused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from mlflow_iap_auth.callers import ASSERTION_HEADER, PRINCIPAL_HEADER

IAP_HEADERS = (
    ASSERTION_HEADER,
    "x-goog-authenticated-user-email",
    "x-goog-authenticated-user-id",
)
# Each at most once: IAP's, and the two that MLflow's host and CORS checks read.
SINGLE_HEADERS = (*IAP_HEADERS, "host", "origin")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def normalized(name: bytes) -> str:
    """A header name as WSGI folds it (case and '_' vs '-' do not count)."""
    return name.decode("latin-1").lower().replace("_", "-")


def header_refusal(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """Why these request headers are refused, or None."""
    count: Counter[str] = Counter()
    for raw_name, value in headers:
        name = normalized(raw_name)
        shown = raw_name.decode("latin-1")
        if name == PRINCIPAL_HEADER:
            return f"the header {shown!r} is the server's identity header: no client may send it"
        if "_" in shown:
            if name in IAP_HEADERS:
                return f"the header {shown!r} is a misspelling of IAP's {name!r}"
            return f"the header {shown!r} has an underscore in its name (use '-')"
        if _CONTROL.search(value):
            return f"the header {shown!r} has a control character in its value"
        count[name] += 1
    for name in SINGLE_HEADERS:
        if count[name] > 1:
            return f"the header {name!r} is sent {count[name]} times"
    return None


def single(headers: Iterable[tuple[bytes, bytes]], name: str) -> str | None:
    """The value of a header that header_refusal admitted at most once, or None."""
    wanted = name.encode()
    return next((v.decode("latin-1") for k, v in headers if k.lower() == wanted), None)
