"""Rebuild ops/cost/prices.json from Google's Cloud Billing Catalog API (make refresh-prices).

    python -m ops.cost.refresh            # us-central1 and every configured environment's region

Authentication: the API key in CLOUD_BILLING_API_KEY (an API key restricted to the Cloud
Billing API is enough: the catalog is public), else `gcloud auth print-access-token`.
Offline, it stops before anything else with what to do; the shipped table stays as it is.
https://cloud.google.com/billing/docs/how-to/get-pricing-information-api
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request
from functools import cache

from ops.cli import run
from ops.cost.catalog import refresh_table
from ops.cost.prices import PRICES
from ops.environments import environments
from settings.errors import ConfigError
from settings.load import load_settings
from settings.paths import REPO_ROOT

HOST = "cloudbilling.googleapis.com"
KEY_ENV = "CLOUD_BILLING_API_KEY"
SHOWN = PRICES.relative_to(REPO_ROOT)


def require_network(host: str = HOST, timeout: float = 5.0) -> None:
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError as exc:
        raise ConfigError(
            f"cannot reach {host} ({exc.__class__.__name__}: {exc}): make refresh-prices needs "
            f"the internet; the shipped table ({SHOWN}) stays in use by make cost"
        ) from None


def _headers() -> tuple[dict[str, str], dict[str, str]]:
    """(query parameters, headers) that authenticate a request."""
    if key := os.environ.get(KEY_ENV):
        return {"key": key}, {}
    if not shutil.which("gcloud"):
        raise ConfigError(
            f"no credentials for the Cloud Billing API: set {KEY_ENV} to an API key, or install "
            "the Google Cloud CLI and run gcloud auth login"
        )
    token = subprocess.run(
        ["gcloud", "auth", "print-access-token"], capture_output=True, text=True, check=False
    )
    if token.returncode:
        raise ConfigError(
            f"gcloud auth print-access-token failed ({token.stderr.strip()}): run gcloud auth "
            f"login, or set {KEY_ENV} to an API key"
        )
    return {}, {"Authorization": f"Bearer {token.stdout.strip()}"}


@cache
def skus_of(service: str) -> list[dict]:
    params, headers = _headers()
    found: list[dict] = []
    page = ""
    while True:
        query = urllib.parse.urlencode(
            {
                **params,
                "currencyCode": "USD",
                "pageSize": 5000,
                **({"pageToken": page} if page else {}),
            }
        )
        request = urllib.request.Request(
            f"https://{HOST}/v1/services/{service}/skus?{query}", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (https only)
                body = json.load(response)
        except OSError as exc:
            raise ConfigError(
                f"the Cloud Billing API refused services/{service}/skus: {exc}"
            ) from None
        found += body.get("skus", [])
        page = body.get("nextPageToken", "")
        if not page:
            return found


def main() -> None:
    require_network()
    table = json.loads(PRICES.read_text(encoding="utf-8"))
    regions = {table["list_region"]} | {load_settings(env).region for env in environments()}
    today = datetime.date.today().isoformat()
    fresh, kept = refresh_table(table, skus_of, regions, today)
    PRICES.write_text(json.dumps(fresh, indent=2) + "\n", encoding="utf-8")
    print(f"rewrote {SHOWN} for {', '.join(sorted(regions))} (as of {today})")
    for message in kept:
        print(f"  kept: {message}")


if __name__ == "__main__":
    run(main)
