"""A teardown that completes: the Ingress's leftovers go before the VPC, and the private
services peering that Cloud SQL holds is removed by Terraform itself, retrying until it can."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from ops import teardown
from settings import REPO_ROOT, Settings

Doc = dict[str, Any]


def _only(doc: Doc, type_: str) -> tuple[str, dict[str, Any]]:
    ((name, body),) = doc["resource"][type_].items()
    return f"{type_}.{name}", body


@pytest.fixture(scope="module")
def gke(tf_synth: Callable[[Settings], Doc], gke_settings: Settings) -> Doc:
    return tf_synth(gke_settings)


def test_destroy_order_instance_connection_peering_step_network(gke: Doc) -> None:
    network, _ = _only(gke, "google_compute_network")
    step, cleanup = _only(gke, "terraform_data")
    connection, psa = _only(gke, "google_service_networking_connection")
    _, instance = _only(gke, "google_sql_database_instance")
    # Terraform destroys a resource before what it depends on.
    assert network in cleanup["depends_on"]
    assert step in psa["depends_on"]
    assert connection in instance["depends_on"]
    assert psa["deletion_policy"] == "ABANDON"  # deleting it fails while Cloud SQL holds it
    (provisioner,) = cleanup["provisioner"]
    assert provisioner["local-exec"]["when"] == "destroy"
    assert cleanup["input"]["network"] == _only(gke, "google_compute_network")[1]["name"]


def _script(doc: Doc, network: str, project: str) -> str:
    _, cleanup = _only(doc, "terraform_data")
    command = cleanup["provisioner"][0]["local-exec"]["command"]
    return command.replace("${self.input.network}", network).replace(
        "${self.input.project}", project
    )


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _run_script(tmp_path: Path, gke: Doc, *, gcloud: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "gcloud", gcloud)
    _fake(bin_dir, "sleep", 'echo "sleep $*" >> "$LOG"')  # no real waiting in a test
    return subprocess.run(
        ["/bin/bash", "-c", _script(gke, "vpc-1", "proj-1")],
        env={
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "LOG": str(tmp_path / "log"),
            "STATE": str(tmp_path / "state"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


HELD_TWICE = """\
echo "$*" >> "$LOG"
n=$(cat "$STATE" 2>/dev/null || echo 0)
case "$4" in
  list) echo "servicenetworking-googleapis-com;other-peering" ;;
  delete) echo $((n+1)) > "$STATE"; [ "$n" -ge 2 ] || { echo held >&2; exit 1; } ;;
esac"""


def test_the_peering_step_retries_until_cloud_sql_lets_go(tmp_path: Path, gke: Doc) -> None:
    proc = _run_script(tmp_path, gke, gcloud=HELD_TWICE)
    assert proc.returncode == 0, proc.stderr
    log = (tmp_path / "log").read_text().splitlines()
    deletes = [line for line in log if " peerings delete " in line]
    assert len(deletes) == 3
    assert all("--network=vpc-1 --project=proj-1 --quiet" in d for d in deletes)
    assert sum(line.startswith("sleep ") for line in log) == 2
    assert "retry 1/60" in proc.stderr


def test_the_peering_step_is_done_when_the_peering_is_gone(tmp_path: Path, gke: Doc) -> None:
    proc = _run_script(tmp_path, gke, gcloud='echo "$*" >> "$LOG"; [ "$4" = list ] && echo ""')
    assert proc.returncode == 0, proc.stderr
    assert " delete " not in (tmp_path / "log").read_text()


def test_the_peering_step_gives_up_with_the_command_to_run(tmp_path: Path, gke: Doc) -> None:
    always = 'case "$4" in list) echo servicenetworking-googleapis-com ;; *) exit 1 ;; esac'
    proc = _run_script(tmp_path, gke, gcloud=always)
    assert proc.returncode == 1
    assert "gave up: run gcloud compute networks peerings delete servicenetworking" in proc.stderr
    assert "then make destroy again" in proc.stderr


# --- the Ingress controller's leftovers ---------------------------------------------------------


class FakeGcloud:
    def __init__(self, listing: dict[str, str]) -> None:
        self.listing = listing
        self.calls: list[list[str]] = []

    def __call__(self, args: Sequence[str]) -> str:
        self.calls.append(list(args))
        return self.listing.get(args[1], "") if args[2] == "list" else ""


def test_leftovers_are_found_by_the_controllers_naming(gke_settings: Settings) -> None:
    names = gke_settings.names
    kinds = {k.group: k for k in teardown.kinds(gke_settings)}
    import re

    forwarding = f"k8s2-fs-1a2b3c4d-{names.namespace}-{names.service}-x9"
    assert re.search(kinds["forwarding-rules"].name, forwarding)
    neg = f"k8s1-1a2b3c4d-{names.namespace}-{names.service}-5000-abcdef12"
    assert re.search(kinds["network-endpoint-groups"].name, neg)
    assert not re.search(kinds["network-endpoint-groups"].name, neg.replace("mlf-gke", "other"))


def test_leftovers_go_in_dependency_order(gke_settings: Settings) -> None:
    fake = FakeGcloud(
        {
            "forwarding-rules": "k8s2-fs-1\n",
            "url-maps": "k8s2-um-1\n",
            "backend-services": "k8s1-be\n",
            "network-endpoint-groups": "k8s1-neg\tus-central1-b\nk8s1-neg\tus-central1-c\n",
            "firewall-rules": "k8s-fw-l7--abc\n",
        }
    )
    assert teardown.clean_up(gke_settings, gcloud=fake) == 6
    deletes = [c for c in fake.calls if c[2] == "delete"]
    assert [c[1] for c in deletes] == [
        "forwarding-rules",
        "url-maps",
        "backend-services",
        "network-endpoint-groups",
        "network-endpoint-groups",
        "firewall-rules",
    ]
    assert "--global" in deletes[0]
    assert "--zone=us-central1-c" in deletes[4]
    firewall_list = next(c for c in fake.calls if c[1] == "firewall-rules" and c[2] == "list")
    assert f"/{gke_settings.names.network}$" in " ".join(firewall_list)  # our VPC's rules only


def test_a_dry_run_deletes_nothing(
    gke_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeGcloud({"health-checks": "k8s1-hc\n"})
    assert teardown.clean_up(gke_settings, dry_run=True, gcloud=fake) == 1
    assert not [c for c in fake.calls if c[2] == "delete"]
    assert "would run: gcloud compute health-checks delete k8s1-hc" in capsys.readouterr().out


def test_the_local_platform_has_nothing_to_clean(local_settings: Settings) -> None:
    fake = FakeGcloud({})
    assert teardown.clean_up(local_settings, gcloud=fake) == 0
    assert fake.calls == []


@pytest.mark.integration
def test_make_n_destroy_shows_every_step_in_order(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())
    data["database"]["deletion_protection"] = False
    data["cluster"]["deletion_protection"] = False
    (tmp_path / "bye.yaml").write_text(yaml.safe_dump(data))
    out = subprocess.run(
        [
            "make",
            "-s",
            "-n",
            "-o",
            ".venv/.synth-installed",
            "-o",
            "node_modules/.cli-installed",
            "destroy",
            "DEPLOY_ENV=bye",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    steps = [
        "delete -f dist/bye/30-ingress.k8s.yaml --ignore-not-found --wait",
        "delete -f dist/bye --ignore-not-found --wait",
        ".venv/bin/python -m ops.teardown",
        "cdktf destroy mlf-bye",
    ]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions, out
    assert positions == sorted(positions)
    assert json.dumps(out)  # printed, nothing run
