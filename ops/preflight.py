"""What the lifecycle targets check first, before they install anything large or start a tool
that would fail noisily: one line naming the cause and the command that fixes it, exit 2.

    .venv/bin/python -m ops.preflight STACK_DIR          # deploy, plan, destroy, tf-plan, tf-apply
    .venv/bin/python -m ops.preflight --gcloud           # image, credentials, secrets, upgrade
    .venv/bin/python -m ops.preflight --kube-context=CTX # apply, secrets, port-forward, upgrade

Without network or credentials, `cdktf diff` prints a screenful of spinner frames before it says
that the registry cannot be reached. This says it in one line, naming the cause and the fix, and
exits 2:

* the Terraform registry (registry.terraform.io, or HTTPS_PROXY), which serves the google and
  random providers, unless Terraform has them already (the stack folder's .terraform, or a
  TF_PLUGIN_CACHE_DIR);
* Application Default Credentials, which the google provider uses.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
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


def _local(argv: list[str]) -> subprocess.CompletedProcess[str] | None:
    """A local (no network) CLI call; None when the tool is missing."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    except FileNotFoundError:
        return None


def check_gcloud_account() -> None:
    """gcloud has a signed-in account (read from its configuration, no network)."""
    proc = _local(["gcloud", "config", "get-value", "account"])
    if proc is None:
        raise PreflightError(
            "gcloud is not on PATH: install the Google Cloud CLI "
            "(https://cloud.google.com/sdk/docs/install), then run gcloud auth login"
        )
    if proc.returncode != 0 or not proc.stdout.strip() or "(unset)" in proc.stdout:
        raise PreflightError("gcloud has no signed-in account: run gcloud auth login")


def check_kube_context(context: str) -> None:
    """kubectl knows `context` (empty: it has a current context); read from kubeconfig only."""
    argv = ["kubectl", "config", "get-contexts", "-o", "name"]
    proc = _local(argv if context else ["kubectl", "config", "current-context"])
    if proc is None:
        raise PreflightError("kubectl is not on PATH: gcloud components install kubectl")
    if context and context not in proc.stdout.split():
        raise PreflightError(
            f"kubectl has no context {context}, the environment's cluster: run make credentials"
        )
    if not context and (proc.returncode != 0 or not proc.stdout.strip()):
        raise PreflightError(
            "kubectl has no current context: start the local cluster (docker-desktop, kind) "
            "or pass KUBE_CONTEXT=<name>"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="What a lifecycle target needs, checked first.")
    parser.add_argument("stack_dir", nargs="?", type=Path, help="Terraform: registry and ADC")
    parser.add_argument("--gcloud", action="store_true", help="a signed-in gcloud account")
    parser.add_argument("--kube-context", help="a kubectl context ('' for the current one)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.gcloud:
            check_gcloud_account()
        if args.kube_context is not None:
            check_kube_context(args.kube_context)
        if args.stack_dir is not None:
            check_registry(args.stack_dir)
            check_credentials()
    except PreflightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
