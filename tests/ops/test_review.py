"""`make review` on real pairs of synthesized configs, each summary asserted.

One scratch repository per module: commit A holds the environment `dev` (tests/configs/gke.yaml),
commit B adds `stage`. Each test writes one variant of `dev` (or removes `stage`) into the
working tree, reviews it against a commit, and resets the tree. checkov is left out here
(tests/ops/test_review_checkov.py runs it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ops.review import terraform
from ops.review.__main__ import main, review
from ops.review.acknowledge import ACK_FILE
from ops.review.render import render
from ops.review.review import Review
from tests.support import review_repo as rr


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, tf_synth: Any, k8s_synth: Any) -> Path:
    path = tmp_path_factory.mktemp("review-repo")
    rr.init(path)
    dev = rr.settings_of("dev")
    rr.write_env(path, dev, tf_synth(dev), k8s_synth(dev))
    rr.commit(path, "A: dev")
    stage = rr.settings_of("stage")
    rr.write_env(path, stage, tf_synth(stage), k8s_synth(stage))
    rr.commit(path, "B: stage")
    return path


@pytest.fixture
def variant(
    repo: Path, tf_synth: Any, k8s_synth: Any
) -> Iterator[Callable[[rr.Edit], tuple[Review, str]]]:
    """Write `dev` synthesized from the fixture config after `edit` into the working tree,
    and review it against HEAD (commit B)."""

    def run(edit: rr.Edit) -> tuple[Review, str]:
        settings = rr.settings_of("dev", edit)
        rr.write_env(repo, settings, tf_synth(settings), k8s_synth(settings))
        result = review(repo, "HEAD", run_checkov=False)
        return result, render(result)

    yield run
    rr.reset(repo)


def _section(text: str, env: str) -> str:
    match = re.search(rf"^## {env}\b.*?(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section for {env}:\n{text}"
    return match.group(0)


def _line(text: str, *needles: str) -> str:
    found = [line for line in text.splitlines() if all(n in line for n in needles)]
    assert len(found) == 1, f"{needles} in {len(found)} lines of:\n{text}"
    return found[0]


def test_nothing_changed(repo: Path) -> None:
    result = review(repo, "HEAD", run_checkov=False)
    assert "No environment's artifacts change." in render(result)
    assert "Unchanged: dev, stage." in render(result)


def test_database_tier_changes_in_place(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["database"]["tier"] = "db-custom-4-15360"

    result, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "changed `google_sql_database_instance.")
    assert "`settings.tier`: `db-custom-2-7680` → `db-custom-4-15360`" in line
    assert "forces replacement" not in line
    assert "0 added, 1 changed in place, **0 replaced**, 0 removed" in dev
    assert "**Kubernetes**" not in dev  # the manifests do not depend on the tier
    assert result.losses == []
    assert "CAUTION" not in text
    assert "Unchanged: stage." in text


def test_instance_rename_replaces_and_loses_data(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["prefix"] = "mlx"  # the instance is <prefix>-<env>-pg

    result, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "**REPLACED** `google_sql_database_instance.")
    assert "`name`: `mlf-dev-pg` → `mlx-dev-pg` **(forces replacement)**" in line
    assert "DATA LOSS: the Cloud SQL instance and every database in it" in line
    assert "deletion_protection is on" in line
    # The database follows the instance's name, a literal that changes: replaced too.
    db = _line(dev, "**REPLACED** `google_sql_database.")
    assert "instance reads google_sql_database_instance." in db
    lost = {loss.resource.type for loss in result.blocking}
    assert {"google_sql_database_instance", "google_sql_database", "google_storage_bucket"} <= lost
    assert "> [!CAUTION]" in text
    instance = next(x for x in result.blocking if x.resource.type.endswith("instance"))
    assert f"    resource: {instance.resource.address}" in text


def test_region_change_replaces(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["region"] = "us-east1"
        c["cluster"]["location"] = "us-east1"

    result, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "**REPLACED** `google_sql_database_instance.")
    assert "`region`: `us-central1` → `us-east1` **(forces replacement)**" in line
    assert "DATA LOSS" in line
    assert "`location`: `us-central1` → `us-east1` **(forces replacement)**" in _line(
        dev, "**REPLACED** `google_container_cluster."
    )
    # The database refers to the instance by its name, which stays: Terraform keeps it (it goes
    # with the instance, which is flagged).
    assert "google_sql_database_instance" in {x.resource.type for x in result.blocking}


def test_new_iap_member_is_a_grant(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["ingress"]["iap_members"].append("user:bob@acme.example")

    result, text = variant(edit)
    dev = _section(text, "dev")
    assert (
        "- granted `roles/iap.httpsResourceAccessor` to `user:bob@acme.example` on iap web "
        "(project acme-ml-platform) (condition: only tracking.acme.example)" in dev
    )
    assert "revoked" not in dev
    assert [g.member for g in result.envs[0].grants] == ["user:bob@acme.example"]
    assert result.losses == []


def test_replica_change_scales_without_restart(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["server"]["replicas"] = 4

    _, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "changed `Deployment mlf-dev/mlflow-server`")
    assert "scales 3 → 4, no restart" in line
    assert "pods restart" not in dev
    assert "**Terraform**" not in dev


def test_pod_template_change_restarts_pods(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["server"]["workers"] = 2  # the ConfigMap's MLFLOW_WORKERS, its checksum in the template

    _, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "changed `Deployment mlf-dev/mlflow-server`")
    assert "**pods restart**: every pod is replaced (a rolling update)" in line
    assert "checksum/config" in line
    assert "`data.MLFLOW_WORKERS`: `1` → `2`" in _line(dev, "changed `ConfigMap")


def test_network_policy_change_is_called_out(variant: Any) -> None:
    def edit(c: dict) -> None:
        c["server"]["allowed_namespaces"].append("notebooks")

    _, text = variant(edit)
    dev = _section(text, "dev")
    line = _line(dev, "changed `NetworkPolicy mlf-dev/mlflow-server`")
    assert "[network policy]" in line
    # The rule that lets the allowed namespaces in gains one; the others are untouched.
    allows = _line(dev, "allows now:")
    namespaces = "namespaces[kubernetes.io/metadata.name in (gke-gmp-system, notebooks, "
    assert f"ingress from {namespaces}" in allows
    gone = _line(dev, "no longer:")
    assert "namespaces[kubernetes.io/metadata.name in (gke-gmp-system, pipelines)]" in gone


def test_new_environment(repo: Path) -> None:
    first = rr.git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    result = review(repo, first, run_checkov=False)
    text = render(result)
    stage = _section(text, "stage")
    assert stage.startswith("## stage (new environment)")
    assert re.search(
        r"\*\*Terraform\*\* \(`cdktf.out/stacks/mlf-stage/cdk.tf.json`\): \d+ added, "
        r"0 changed in place, \*\*0 replaced\*\*, 0 removed",
        stage,
    )
    assert "- added `google_sql_database_instance." not in stage  # counted by type
    assert "1 `google_sql_database_instance`" in _line(stage, "- added: ")
    assert "**Kubernetes** (`dist/stage/`)" in stage
    assert result.losses == []
    assert "Unchanged: dev." in text


def test_environment_removed(repo: Path) -> None:
    rr.remove_env(repo, rr.settings_of("stage"))
    try:
        result = review(repo, "HEAD", run_checkov=False)
        text = render(result)
    finally:
        rr.reset(repo)
    stage = _section(text, "stage")
    assert stage.startswith("## stage (environment removed)")
    assert "🔥 **DATA LOSS" in _line(stage, "- **removed** `google_sql_database_instance.")
    assert "🔥 **DATA LOSS" in _line(stage, "- **removed** `google_storage_bucket.artifacts_bucket")
    assert "`google_container_cluster`" in _line(stage, "- **removed**: ")  # counted by type
    assert {x.env for x in result.blocking} == {"stage"}
    assert "- **removed** `Deployment mlf-stage/mlflow-server`" in stage


def test_acknowledgement_added_by_the_change_lets_it_pass(repo: Path, capsys: Any) -> None:
    head = rr.git(repo, "rev-parse", "HEAD").strip()
    args = ["--repo", str(repo), "--base", "HEAD", "--no-checkov"]
    rr.remove_env(repo, rr.settings_of("stage"))
    try:
        assert main(args) == 1
        blocking = review(repo, "HEAD", run_checkov=False).blocking
        entries = [
            {"environment": x.env, "resource": x.resource.address, "reason": "stage is retired"}
            for x in blocking
        ]
        ack = repo / ACK_FILE
        ack.parent.mkdir(parents=True, exist_ok=True)
        ack.write_text(yaml.safe_dump({"acknowledged": entries}))
        capsys.readouterr()
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "CAUTION" not in out
        assert "- Acknowledged data loss in **stage**: `google_sql_database_instance." in out
        # An entry already at BASE allows nothing: committed alone, then the removal again.
        rr.git(repo, "add", ACK_FILE)
        rr.git(repo, "commit", "-q", "-m", "an old acknowledgement")
        assert main(args) == 1
    finally:
        rr.git(repo, "reset", "-q", "--hard", head)
        rr.reset(repo)


def test_a_bad_acknowledgement_is_one_clear_error(repo: Path, capsys: Any) -> None:
    ack = repo / ACK_FILE
    ack.parent.mkdir(parents=True, exist_ok=True)
    ack.write_text("acknowledged:\n  - environment: stage\n    resource: x.y\n    reason: ok\n")
    try:
        assert main(["--repo", str(repo), "--base", "HEAD", "--no-checkov"]) == 2
    finally:
        rr.reset(repo)
    err = capsys.readouterr().err
    assert "acknowledged[0].reason 'ok' is too short" in err


def test_a_missing_base_is_one_clear_error(repo: Path, capsys: Any) -> None:
    assert main(["--repo", str(repo), "--base", "no-such-ref", "--no-checkov"]) == 2
    assert "BASE='no-such-ref' is not a commit in this clone" in capsys.readouterr().err


def test_default_base_is_the_merge_base_with_main(repo: Path) -> None:
    head = rr.git(repo, "rev-parse", "HEAD").strip()
    rr.git(repo, "checkout", "-q", "-b", "feature")
    try:
        rr.commit(repo, "on a branch")
        assert review(repo, None, run_checkov=False).base_commit == head
    finally:
        rr.git(repo, "checkout", "-q", "main")
        rr.git(repo, "branch", "-q", "-D", "feature")


def test_a_moved_block_is_a_rename_not_a_replacement() -> None:
    """Terraform's `moved` blocks (infra/grant_moves.py writes them for the IAP grants) keep a
    resource in state: the review compares it at its new address."""
    grant = {"member": "group:ml-team@example.com", "role": "roles/iap.httpsResourceAccessor"}
    old = {"resource": {"google_iap_web_iam_member": {"old_1": grant}}}
    new = {
        "resource": {"google_iap_web_iam_member": {"new_2": grant}},
        "moved": [
            {"from": "google_iap_web_iam_member.old_1", "to": "google_iap_web_iam_member.new_2"}
        ],
    }
    assert terraform.diff(old, new) == []
    without = terraform.diff(old, {"resource": new["resource"]})
    assert sorted(r.action for r in without) == ["create", "delete"]
