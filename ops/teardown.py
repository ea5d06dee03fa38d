"""`make destroy`, between the manifests and Terraform: remove what the edge's controller (the
GKE Ingress controller) created and left behind, which would otherwise block deleting the
static IP and the VPC.

    .venv/bin/python -m ops.teardown [--dry-run]

The Ingress's finalizer makes `kubectl delete --wait` wait until the controller has removed the
load balancer, and deleting the namespace waits for the Service's network endpoint groups (NEGs).
When that was cut short (a timeout, a cluster deleted first), the controller's resources stay.
They are found by the controller's own naming (ops/leftovers.py, per edge) and deleted in
dependency order, in the project that holds them: the cluster's (existing_cluster.project, when
the cluster is in another project than project_id), where the controller builds the load
balancer and the NEGs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Sequence

from ops.cli import run
from ops.leftovers import Kind, kinds
from settings import Settings, load_settings

Runner = Callable[[Sequence[str]], str]


def _gcloud(args: Sequence[str]) -> str:
    return subprocess.run(
        ["gcloud", *args], capture_output=True, text=True, check=True, timeout=300
    ).stdout


def leftover_project(settings: Settings) -> str:
    """Where the edge's controller created the load balancer: the cluster's project."""
    return settings.target.project


def leftovers(settings: Settings, kind: Kind, gcloud: Runner = _gcloud) -> list[tuple[str, str]]:
    """(name, zone or "") of each resource of `kind` that is still there."""
    fmt = "value(name,zone.basename())" if kind.scope == "zone" else "value(name)"
    filters = [f"name~'{kind.name}'"]
    if kind.group == "firewall-rules":
        filters.append(f"network~'/{settings.names.network}$'")
    out = gcloud(
        [
            "compute",
            kind.group,
            "list",
            f"--project={leftover_project(settings)}",
            f"--filter={' AND '.join(filters)}",
            f"--format={fmt}",
        ]
    )
    rows = []
    for line in out.splitlines():
        if line.strip():
            name, _, zone = line.partition("\t")
            rows.append((name.strip(), zone.strip()))
    return rows


def clean_up(settings: Settings, *, dry_run: bool = False, gcloud: Runner = _gcloud) -> int:
    """Delete the leftovers; return how many there were."""
    found = kinds(settings)
    if not found:
        print(f"nothing to clean up: no Google load balancer on platform {settings.platform}")
        return 0
    count = 0
    for kind in found:
        for name, zone in leftovers(settings, kind, gcloud):
            where = (
                [f"--zone={zone}"]
                if kind.scope == "zone"
                else (
                    ["--global"] if kind.group in ("forwarding-rules", "backend-services") else []
                )
            )
            command = [
                "compute",
                kind.group,
                "delete",
                name,
                *where,
                f"--project={leftover_project(settings)}",
                "--quiet",
            ]
            print(("would run: " if dry_run else "") + "gcloud " + " ".join(command))
            if not dry_run:
                gcloud(command)
            count += 1
    print(f"{count} load balancer leftovers" + (" found" if dry_run else " removed"))
    return count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
    args = parser.parse_args(argv)
    try:
        clean_up(load_settings(), dry_run=args.dry_run)
    except subprocess.CalledProcessError as exc:
        print(
            f"error: `gcloud {' '.join(exc.cmd[1:])}` failed: {exc.stderr.strip()}", file=sys.stderr
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    run(main)
