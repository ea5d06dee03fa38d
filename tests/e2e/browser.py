"""Debian's Chromium, driven by Playwright for Python, pointed at the ingress stand-in.

No browser is downloaded: Playwright starts the system's `chromium` (tests/system-packages.txt).
The ingress host resolves to the stand-in by Chromium's host resolver rules (port included),
so the page's origin is exactly https://<ingress.host>; the stand-in's certificate is trusted
by its public key pin (--ignore-certificate-errors-spki-list), not by turning checks off.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from settings import REPO_ROOT
from tests.e2e.ingress import IngressStandIn

ARTIFACTS = REPO_ROOT / "test-artifacts"  # git-ignored: screenshots of the browser test
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError(
            "Debian's chromium is not installed: run tests/install-system-packages.sh as root"
        )
    return found


def spki_pin(certificate: Path) -> str:
    """base64(sha256(SubjectPublicKeyInfo)), Chromium's form of a public key pin."""
    cert = x509.load_pem_x509_certificate(certificate.read_bytes())
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@dataclass
class Traffic:
    """Every response and failed request the page caused."""

    responses: list[tuple[int, str, str]] = field(default_factory=list)  # status, method, url
    failed: list[tuple[str, str]] = field(default_factory=list)

    def errors(self) -> list[tuple[int, str, str]]:
        return [r for r in self.responses if r[0] >= 400]


@contextmanager
def browser_page(ingress: IngressStandIn) -> Iterator[tuple[Any, Traffic]]:
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="e2e-chromium-"))
    pin = spki_pin(ingress.nginx.root / "server.crt")
    args = [
        *CHROMIUM_FLAGS,
        f"--host-resolver-rules=MAP {ingress.host}:443 127.0.0.1:{ingress.port}",
        f"--ignore-certificate-errors-spki-list={pin}",
    ]
    traffic = Traffic()
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=chromium(),
                args=args,
                headless=True,
                viewport={"width": 1400, "height": 900},
                chromium_sandbox=False,
            )
            try:
                page = context.new_page()
                page.on(
                    "response",
                    lambda r: traffic.responses.append((r.status, r.request.method, r.url)),
                )
                page.on(
                    "requestfailed",
                    lambda r: traffic.failed.append((r.url, str(r.failure))),
                )
                yield page, traffic
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
