"""One spelling per path: a request whose path (or artifact path parameter) is not canonical is
refused before anything reads it.

MLflow 3.17.2 authorizes some requests from a path and serves them from another reading of the
same path. Its artifact proxy check (mlflow/server/auth/__init__.py,
`_experiment_id_from_canonical_proxy_path`) looks for `^<digits>/` in the path, and when it
finds no experiment it falls back to the default permission; `validate_path_is_safe`
(mlflow/utils/uri.py) lets `./1/...` through, and the store reads `1/...`. So
`GET /api/2.0/mlflow-artifacts/artifacts/./1/<run>/artifacts/secret.txt` returned a file its
caller is denied (also `%2e/` and `.//`). Rather than predict every reader (Starlette and
Werkzeug routing, `validate_path_is_safe` which percent-decodes until nothing changes, the GCS
client), only the one spelling that every reader sees alike is served:

* the URL path: absolute, no `.` or `..` segment, no empty segment (`//`), no backslash, no
  control character, no percent-encoded `.` `/` `\\` (`%2e` `%2f` `%5c`, any case), checked on
  the raw path and again after each percent-decoding (a `%252e` is a `.` to MLflow);
* the artifact path parameters (`path` of get-artifact, model-versions/get-artifact,
  artifacts/list and mlflow-artifacts' list, `artifact_file_path` and
  `artifact_directory_path` of logged models): the same rules, relative, sent at most once
  (Werkzeug reads the first of repeated parameters, Starlette the last).

Which API families name a resource by a path (MLflow 3.17.2, read from its handlers and its
auth module): only the artifact proxy (`/api/2.0/mlflow-artifacts/...` and
`/ajax-api/2.0/mlflow-artifacts/...`: artifacts, mpu/create|complete|abort, presigned; GET and
PUT served by FastAPI, the rest by Flask) derives the experiment from the path. Everything
else names resources by id or name and the path parameter only selects a file inside it:
get-artifact and artifacts/list (run_id), model-versions/get-artifact (name, version), logged
model artifacts (model_id), trace artifacts (request_id), graphql (ids in the body), OTLP
/v1/traces (the X-Mlflow-Experiment-Id header), the gateway (endpoint names), the MCP server
routes (names). For those, the canonical rules above keep every spelling equal; for the
artifact proxy, `artifact_proxy_experiment` says whether a path names an experiment, and
guard.ExperimentScope refuses non-admins a path that names none (MLflow's fallback).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, unquote, unquote_plus

# Query parameters that carry a path inside an artifact store (handlers.py: get_artifact_handler,
# get_model_version_artifact_handler, _list_artifacts, _list_artifacts_mlflow_artifacts,
# get_logged_model_artifact_handler, _list_logged_model_artifacts, get_trace_artifact_handler).
ARTIFACT_PATH_PARAMS = ("path", "artifact_file_path", "artifact_directory_path")
_ENCODED_SEPARATOR = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# More rounds of percent-decoding than this is no client's artifact name.
_MAX_DECODINGS = 4

# The artifact proxy's routes (handlers.get_service_endpoints(MlflowArtifactsService)) below
# /api/2.0/mlflow-artifacts/ and /ajax-api/2.0/mlflow-artifacts/; `artifacts` alone is the
# list route, whose path is the `path` query parameter.
ARTIFACT_PROXY_PREFIXES = ("/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/")
_PROXY_ROUTES = ("artifacts/", "mpu/create/", "mpu/complete/", "mpu/abort/", "presigned/")
# An experiment id as MLflow writes it (no sign, no leading zero: `01` would name no grant).
_EXPERIMENT_SEGMENT = re.compile(r"(0|[1-9][0-9]*)(/.*)?", re.DOTALL)


def _decodings(text: str) -> list[str] | None:
    """`text` and each percent-decoding of it until nothing changes; None if that never ends."""
    stages = [text]
    for _ in range(_MAX_DECODINGS):
        decoded = unquote(stages[-1])
        if decoded == stages[-1]:
            return stages
        stages.append(decoded)
    return None


def _flaw(text: str, *, absolute: bool) -> str | None:
    """What makes one spelling of a path non-canonical, or None."""
    if _CONTROL.search(text):
        return "a control character"
    if "\\" in text:
        return "a backslash"
    if _ENCODED_SEPARATOR.search(text):
        return "a percent-encoded '.', '/' or '\\'"
    if absolute != text.startswith("/"):
        return "no leading '/'" if absolute else "a leading '/'"
    segments = text.split("/")
    if absolute:
        segments = segments[1:]
    if segments and segments[-1] == "":  # one trailing '/' names the same directory
        segments = segments[:-1]
    for segment in segments:
        if segment in (".", ".."):
            return f"a {segment!r} segment"
        if segment == "":
            return "an empty segment ('//')"
    return None


def _check(text: str, *, absolute: bool) -> str | None:
    stages = _decodings(text)
    if stages is None:
        return f"more than {_MAX_DECODINGS} rounds of percent-encoding"
    for stage in stages:
        if flaw := _flaw(stage, absolute=absolute):
            return flaw
    return None


def query_params(scope: Mapping[str, object]) -> list[tuple[str, str]]:
    """The query's parameters as Starlette and Werkzeug decode them ('+' is a space)."""
    raw = scope.get("query_string") or b""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    return parse_qsl(text, keep_blank_values=True)


def _without_dot_segments(value: bytes) -> bytes:
    """A raw query value without its literal `.` segments (`a%2F.%2Fb` -> `a%2Fb`, `.` -> ``),
    re-encoded; unchanged when it has none, or a percent-encoded `.` (refused later)."""
    if b"%2e" in value.lower():
        return value
    text = unquote_plus(value.decode("latin-1"))
    segments = text.split("/")
    if "." not in segments:
        return value
    return quote("/".join(s for s in segments if s != "."), safe="/").encode("ascii")


def canonical_query(query: bytes) -> bytes:
    """The query with each artifact path parameter's `.` segments dropped.

    `<dir>/.` names `<dir>`, `./<name>` and `<dir>/./<name>` name `<name>` in it: MLflow's own
    client sends them (for `mlflow.artifacts.download_artifacts(run_id=..., artifact_path=".")`
    it lists `<run root>/.` through the proxy, then `<run root>/./<dir>`), and MLflow's GCS
    store would list the prefix `<root>/./`, which matches no object. Rewritten here, before
    anything reads the query, every reader sees the one spelling; `..`, empty and
    percent-encoded segments are not rewritten, and path_refusal refuses them."""
    if b"." not in query:
        return query
    parts = query.split(b"&")
    for i, part in enumerate(parts):
        name, eq, value = part.partition(b"=")
        if eq and unquote_plus(name.decode("latin-1")) in ARTIFACT_PATH_PARAMS:
            parts[i] = name + b"=" + _without_dot_segments(value)
    return b"&".join(parts)


def path_refusal(scope: Mapping[str, object]) -> str | None:
    """Why this request's path or artifact path parameters are not canonical, or None."""
    raw = scope.get("raw_path")
    spellings = [raw.decode("latin-1")] if isinstance(raw, bytes) else []
    spellings.append(str(scope.get("path", "")))
    for spelling in spellings:
        if flaw := _check(spelling, absolute=True):
            return f"the path has {flaw}"
    seen: set[str] = set()
    for name, value in query_params(scope):
        if name not in ARTIFACT_PATH_PARAMS:
            continue
        if name in seen:
            return f"the query parameter {name!r} is given more than once"
        seen.add(name)
        if value and (flaw := _check(value, absolute=False)):
            return f"the query parameter {name!r} has {flaw}"
    return None


def artifact_proxy_path(scope: Mapping[str, object]) -> str | None:
    """The store path an artifact proxy request names ('' for none), or None if the request
    is not for the artifact proxy. An unknown route below the proxy's prefix names none."""
    path = str(scope.get("path", ""))
    prefix = next((p for p in ARTIFACT_PROXY_PREFIXES if path.startswith(p)), None)
    if prefix is None:
        return None
    rest = path[len(prefix) :]
    if rest in ("artifacts", "artifacts/"):  # the list route: ?path=
        return next((v for k, v in query_params(scope) if k == "path"), "")
    route = next((r for r in _PROXY_ROUTES if rest.startswith(r)), None)
    return "" if route is None else rest[len(route) :]


def names_an_experiment(store_path: str) -> bool:
    """Whether an artifact proxy path begins with an experiment id segment (`<id>` or
    `<id>/...`), the only shape for which MLflow checks the experiment's permission."""
    return _EXPERIMENT_SEGMENT.fullmatch(store_path) is not None
