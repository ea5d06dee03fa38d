"""`make deploy`, `plan` and `destroy` check first what cdktf would otherwise fail on noisily.

    .venv/bin/python -m infra.preflight

Without network or credentials, `cdktf diff` prints a screenful of spinner frames before it says
that the registry cannot be reached. This says it in one line, naming the cause and the fix, and
exits 2:

* the Terraform registry (registry.terraform.io, or HTTPS_PROXY), which serves the google and
  random providers, unless Terraform has them already (the stack folder's .terraform, or a
  TF_PLUGIN_CACHE_DIR);
* Application Default Credentials, which the google provider uses.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.parse
from pathlib import Path

REGISTRY = ("registry.terraform.io", 443)
PROVIDERS = ("registry.terraform.io/hashicorp/google", "registry.terraform.io/hashicorp/random")


class PreflightError(Exception):
    pass


def _providers_present(stack_dir: Path) -> bool:
    roots = [stack_dir / ".terraform" / "providers"]
    if os.environ.get("TF_PLUGIN_CACHE_DIR"):
        roots.append(Path(os.environ["TF_PLUGIN_CACHE_DIR"]))
    return any(all((root / p).is_dir() for p in PROVIDERS) for root in roots)


def check_registry(stack_dir: Path, *, timeout: float = 5) -> None:
    if _providers_present(stack_dir):
        return
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    host, port = REGISTRY
    if proxy:
        parsed = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host, port = parsed.hostname or "", parsed.port or 3128
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        via = f"the proxy {host}:{port} (HTTPS_PROXY)" if proxy else f"{host}:{port}"
        raise PreflightError(
            f"cannot reach {via}, where Terraform downloads the google provider ({exc}): "
            "check the network, or set TF_PLUGIN_CACHE_DIR to a folder that holds the providers"
        ) from None


def _adc_file() -> Path | None:
    explicit = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit:
        return Path(explicit)
    config = Path(os.environ.get("CLOUDSDK_CONFIG") or Path.home() / ".config" / "gcloud")
    return config / "application_default_credentials.json"


def check_credentials(*, timeout: float = 1) -> None:
    path = _adc_file()
    if path is not None and path.is_file():
        try:
            kind = json.loads(path.read_text()).get("type")
        except (OSError, ValueError):
            raise PreflightError(f"{path} is not a credentials file (JSON)") from None
        if kind:
            return
    # On Google Cloud (Cloud Shell, a VM) the metadata server provides the credentials; its
    # address is google-auth's, GCE_METADATA_IP overriding it as there.
    host, _, port = os.environ.get("GCE_METADATA_IP", "169.254.169.254:80").partition(":")
    try:
        socket.create_connection((host, int(port or 80)), timeout=timeout).close()
        return
    except OSError:
        pass
    where = (
        "GOOGLE_APPLICATION_CREDENTIALS"
        if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        else path
    )
    raise PreflightError(
        f"no Application Default Credentials (looked at {where} and the metadata server), "
        "which Terraform's google provider needs: run gcloud auth application-default login"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stack_dir = Path(args[0]) if args else Path(".")
    try:
        check_registry(stack_dir)
        check_credentials()
    except PreflightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
