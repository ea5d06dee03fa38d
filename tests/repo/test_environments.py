"""Every config/*.yaml, whatever values the team writes: valid, synthesized, committed, sound.

The team owns config/. For each environment there, this checks that the config is valid, that its
committed output (dist/ or dist/<env>/, and cdktf.out/stacks/<stack>/cdk.tf.json) is exactly what
synth produces now, and that the output keeps the invariants of tests/support/invariants.py; across
environments, that they do not collide. The same invariants run on the project's own fixture
configs, and each one is shown to catch a broken output.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ops.environments import STACKS, environments, orphans
from settings import REPO_ROOT, Settings, load_settings
from settings.load import DEFAULT_ENV, DIST, manifests_dir
from settings.paths import UPGRADE_SUBDIR
from tests.support import invariants
from tests.support.configs import FIXTURE_ENVS, fixture_settings

ENVIRONMENTS = environments()
TfSynth = Callable[[Settings], dict[str, Any]]
K8sSynth = Callable[[Settings], dict[str, list[dict[str, Any]]]]


def _tree(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    # The environment's files and its upgrade-job/ subfolder (another environment's dist/<env>/
    # folder is not this one's: the default environment's dist/ holds them).
    files = [*folder.glob("*.yaml"), *folder.glob(f"{UPGRADE_SUBDIR}/*.yaml")]
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(files)
    }


def _output(settings: Settings, tf_synth: TfSynth, k8s_synth: K8sSynth) -> invariants.Output:
    charts = k8s_synth(settings)
    objects = [o for chart in sorted(charts) for o in charts[chart]]
    return invariants.Output(settings=settings, terraform=tf_synth(settings), objects=objects)


def test_the_default_environment_exists() -> None:
    assert DEFAULT_ENV in ENVIRONMENTS, "config/dev.yaml is the default environment (dist/)"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_committed_output_is_what_synth_produces(
    env: str, tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    from infra.app import synth as synth_terraform
    from k8s.app import synth as synth_manifests

    settings = load_settings(env)
    synth_manifests(settings, outdir=tmp_path / "dist")
    committed = manifests_dir(settings)
    where = committed.relative_to(REPO_ROOT)
    assert _tree(tmp_path / "dist") == _tree(committed), (
        f"{where}/ is stale for config/{env}.yaml: run `make synth-all` and commit it"
    )
    synth_terraform(settings, outdir=tmp_path / "cdktf")
    stack = Path("stacks", settings.names.terraform_stack, "cdk.tf.json")
    fresh = (tmp_path / "cdktf" / stack).read_text()
    committed_json = STACKS.parent / stack
    stale = f"cdktf.out/{stack} is stale for config/{env}.yaml: run `make synth-all`, commit it"
    assert committed_json.is_file(), stale
    assert committed_json.read_text() == fresh, stale


def test_no_committed_output_without_its_config() -> None:
    left = [str(p.relative_to(REPO_ROOT)) for p in orphans()]
    assert not left, f"outputs of removed environments: {left}; run `make synth-all`"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_keeps_the_invariants(
    env: str, tf_synth: TfSynth, k8s_synth: K8sSynth
) -> None:
    invariants.check(_output(load_settings(env), tf_synth, k8s_synth))


def test_environments_do_not_collide(tf_synth: TfSynth, k8s_synth: K8sSynth) -> None:
    invariants.check_together(
        [_output(load_settings(env), tf_synth, k8s_synth) for env in ENVIRONMENTS]
    )


# --- the invariants themselves, on the project's own configs -----------------------------------


@pytest.fixture(scope="module")
def fixture_outputs(tf_synth: TfSynth, k8s_synth: K8sSynth) -> dict[str, invariants.Output]:
    return {env: _output(fixture_settings(env), tf_synth, k8s_synth) for env in FIXTURE_ENVS}


@pytest.mark.parametrize("env", FIXTURE_ENVS)
def test_fixture_configs_keep_the_invariants(
    env: str, fixture_outputs: dict[str, invariants.Output]
) -> None:
    invariants.check(fixture_outputs[env])


def _broken(out: invariants.Output, change: Callable[[dict[str, Any], list[Any]], None]) -> Any:
    terraform, objects = copy.deepcopy(out.terraform), copy.deepcopy(out.objects)
    change(terraform, objects)
    return invariants.Output(settings=out.settings, terraform=terraform, objects=objects)


def _first(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind)


def _bucket(tf: dict[str, Any]) -> dict[str, Any]:
    """The artifact bucket (the one without a lifecycle age rule: the build's staging has one)."""
    return next(
        b
        for b in tf["resource"]["google_storage_bucket"].values()
        if b["name"].endswith("-artifacts")
    )


def _sql(tf: dict[str, Any]) -> dict[str, Any]:
    return next(iter(tf["resource"]["google_sql_database_instance"].values()))


def _server(objects: list[dict[str, Any]]) -> dict[str, Any]:
    pod = _first(objects, "Deployment")["spec"]["template"]["spec"]
    return next(c for c in pod["containers"] if c["name"] == "mlflow")


def _dns_rule(objects: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """The DNS egress rule of the `index`th NetworkPolicy."""
    policy = [o for o in objects if o["kind"] == "NetworkPolicy"][index]
    return next(
        r for r in policy["spec"]["egress"] if {"port": 53, "protocol": "UDP"} in r["ports"]
    )


BREAKAGES: dict[str, Callable[[dict[str, Any], list[Any]], None]] = {
    "nothing_is_public": lambda tf, o: _bucket(tf).update(public_access_prevention="inherited"),
    "no_basic_or_admin_role_project_wide": lambda tf, o: next(
        iter(tf["resource"]["google_project_iam_member"].values())
    ).update(role="roles/editor"),
    "database_admits_only_encrypted_iam_authorized_connections": lambda tf, o: _sql(tf)["settings"][
        "ip_configuration"
    ].update(authorized_networks=[{"value": "0.0.0.0/0"}]),
    "passwords_are_generated_never_written": lambda tf, o: next(
        iter(tf["resource"]["google_sql_user"].values())
    ).update(password="hunter2"),  # pragma: allowlist secret
    # MLflow's default passphrase: the server never learns where the generated one is.
    "stored_secrets_are_encrypted_with_a_generated_passphrase": lambda tf, o: _first(
        o, "ConfigMap"
    )["data"].pop("KEK_PASSPHRASE_FILE"),
    "large_transfers_fit_the_pod": lambda tf, o: next(
        v
        for v in _first(o, "Deployment")["spec"]["template"]["spec"]["volumes"]
        if v["name"] == "tmp"
    )["emptyDir"].update(sizeLimit="4Gi"),
    # A regular proxy container: the Job would never complete.
    "garbage_collection_ends_and_never_overlaps": lambda tf, o: _first(o, "CronJob")["spec"][
        "jobTemplate"
    ]["spec"]["template"]["spec"]["initContainers"][0].pop("restartPolicy"),
    "a_key_exists_only_when_opted_in": lambda tf, o: tf["resource"].update(
        google_service_account_key={"k": {"service_account_id": "x"}}
    ),
    "no_secret_value_in_the_manifests": lambda tf, o: _server(o).update(
        env=[{"name": "AWS_SECRET_ACCESS_KEY", "value": "x"}]
    ),
    "every_container_runs_restricted": lambda tf, o: _server(o)["securityContext"].update(
        readOnlyRootFilesystem=False
    ),
    "the_sides_name_the_same_resources": lambda tf, o: _bucket(tf).update(name="other-bucket"),
    # The gc pods' policy as it was before NodeLocal DNSCache and Cloud DNS: kube-dns only.
    "every_pod_resolves_names_on_every_gke_dns_setup": lambda tf, o: _dns_rule(o, -1).update(
        to=_dns_rule(o, -1)["to"][:1]
    ),
    "the_load_balancer_is_the_one_terraform_made": lambda tf, o: _first(o, "ManagedCertificate")[
        "spec"
    ].update(domains=["elsewhere.example"]),
}


def test_every_invariant_has_a_breakage() -> None:
    assert set(BREAKAGES) == set(invariants.INVARIANTS)


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_invariant_catches_a_broken_output(
    name: str, fixture_outputs: dict[str, invariants.Output]
) -> None:
    broken = _broken(fixture_outputs["gke"], BREAKAGES[name])
    with pytest.raises(invariants.InvariantError, match=f"breaks invariant {name}: "):
        invariants.check(broken)


def test_two_environments_on_one_host_are_refused(
    fixture_outputs: dict[str, invariants.Output], tmp_path: Path
) -> None:
    data = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())
    data["prefix"] = "other"
    (tmp_path / "stage.yaml").write_text(yaml.safe_dump(data))
    twin = invariants.Output(
        settings=load_settings("stage", folder=tmp_path),
        terraform=fixture_outputs["gke"].terraform,
        objects=fixture_outputs["gke"].objects,
    )
    with pytest.raises(invariants.InvariantError, match="distinct_ingress_hosts"):
        invariants.check_together([fixture_outputs["gke"], twin])
    assert json.dumps(data)  # the twin differs from gke only in its prefix and name


def test_two_local_environments_in_one_namespace_are_refused(
    fixture_outputs: dict[str, invariants.Output],
) -> None:
    local, keyed = fixture_outputs["local"], fixture_outputs["keyed"]
    server = keyed.settings.server.model_copy(update={"namespace": local.settings.names.namespace})
    same = invariants.Output(
        settings=keyed.settings.model_copy(update={"server": server}),
        terraform=keyed.terraform,
        objects=keyed.objects,
    )
    with pytest.raises(invariants.InvariantError, match="distinct_namespaces"):
        invariants.check_together([local, same])
    invariants.check_together([local, keyed])


def test_dist_holds_the_default_environment() -> None:
    assert manifests_dir(load_settings(DEFAULT_ENV)) == DIST
