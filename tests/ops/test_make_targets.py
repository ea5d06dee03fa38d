"""The lifecycle targets of the Makefile: the commands `make -n` renders from the settings
(settings/makevars.py), for the platforms and the options a team picks; a missing tool or the
other platform stops a target early, with its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from settings import REPO_ROOT, CreatedGke, ExistingGke, Settings, load_settings
from tests.support.make import EXAMPLE, LIFECYCLE, MAKE, OLD_STAMPS, render, run_without_tools


@pytest.mark.integration
def test_credentials_and_context_name_the_teams_cluster(shared_settings: Settings) -> None:
    out = subprocess.run(
        [
            "make",
            "-s",
            "-n",
            "-o",
            ".venv/.synth-installed",
            "credentials",
            "apply",
            "DEPLOY_ENV=shared",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    flat = " ".join(out.split())
    assert "get-credentials platform-gke --location=europe-west3 --project=acme-ml-svc" in flat
    assert "--dns-endpoint" not in flat  # the team's cluster: reached the way it always was
    target = shared_settings.target
    assert isinstance(target, ExistingGke)
    context = target.kube_context(shared_settings.names.cluster)
    assert f"kubectl --context {context} apply -f dist/shared" in flat
    assert Path(REPO_ROOT / "dist").is_dir()


@pytest.mark.integration
def test_lifecycle_targets_derive_every_name_from_the_settings(example_config: Path) -> None:
    """Change the prefix: every command follows; nothing is spelled out in the Makefile."""
    (example_config / "stg.yaml").write_text(
        yaml.safe_dump({**EXAMPLE, "prefix": "exp", "project_id": "other-project-42"})
    )
    s = load_settings("stg", folder=example_config)
    n = s.names
    target = s.target
    assert isinstance(target, CreatedGke)
    context = f"gke_{s.project_id}_{target.location}_{n.cluster}"
    out = {t: " ".join(render(t, "stg", example_config)) for t in LIFECYCLE}
    assert f"cdktf deploy {n.terraform_stack}" in out["deploy"]
    assert f"cdktf diff {n.terraform_stack}" in out["plan"]
    assert f"-chdir=cdktf.out/stacks/{n.terraform_stack} plan" in out["tf-plan"]
    assert (
        f"--project={s.project_id} --region={s.region} --config=mlflow_server/cloudbuild.yaml "
        f"--service-account=projects/{s.project_id}/serviceAccounts/{n.build_sa_email} "
        f"--gcs-source-staging-dir=gs://{n.build_bucket}/source "
        f"--substitutions=TAG_NAME={s.server.image_tag},_REGION={s.region},"
        f"_REPOSITORY={n.registry_repository}"
    ) in out["image"]
    assert (
        f"get-credentials {n.cluster} --location={target.location} --project={s.project_id} "
        "--dns-endpoint"  # network.control_plane dns, the default
    ) in out["credentials"]
    assert f"kubectl --context {context} apply -f dist/stg" in out["apply"]
    assert (
        f"-n {n.namespace} port-forward svc/{n.service} 5000:{s.server.port}"
        in (out["port-forward"])
    )
    assert out["destroy"].index("kubectl") < out["destroy"].index("cdktf destroy")
    assert f"cdktf destroy {n.terraform_stack}" in out["destroy"]


@pytest.mark.integration
def test_opentofu_and_overrides(example_config: Path) -> None:
    assert "tofu -chdir=cdktf.out/stacks/mlflow-dev apply -input=false" in render(
        "tf-apply", "dev", example_config, TF="tofu"
    )
    assert "cdktf deploy mlflow-dev --auto-approve" in render(
        "deploy", "dev", example_config, CDKTF_ARGS="--auto-approve"
    )
    train = render("train", "dev", example_config, MLFLOW_TRACKING_URI="https://m.example.com")
    assert train == ["MLFLOW_TRACKING_URI=https://m.example.com .venv/bin/python examples/train.py"]


@pytest.mark.parametrize(
    ("target", "tool"),
    [
        ("deploy", "terraform"),
        ("image", "gcloud"),
        ("credentials", "gcloud"),
        ("apply", "kubectl"),
        ("port-forward", "kubectl"),
        ("tf-plan", "terraform"),
    ],
)
@pytest.mark.integration
def test_a_missing_tool_stops_the_target_early(target: str, tool: str, tmp_path: Path) -> None:
    proc = run_without_tools(target, "dev", tmp_path)
    assert proc.returncode != 0
    assert f"error: '{tool}' is not on PATH;" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.integration
def test_edge_ready_arms_the_environments_own_alert(example_config: Path) -> None:
    assert render("edge-ready", "dev", example_config) == [
        ".venv/bin/python -m ops.edge_ready --stack-json=cdktf.out/stacks/mlflow-dev/cdk.tf.json "
        "--wait-minutes=60"
    ]
    assert "--wait-minutes=5" in " ".join(render("edge-ready", "dev", example_config, WAIT="5"))


@pytest.mark.parametrize(
    ("target", "env"), [("credentials", "local"), ("local-oidc", "dev"), ("edge-ready", "local")]
)
@pytest.mark.integration
def test_a_target_refuses_the_other_platform(target: str, env: str, tmp_path: Path) -> None:
    proc = run_without_tools(target, env, tmp_path)
    assert proc.returncode != 0
    assert f"error: make {target} is for platform" in proc.stderr


@pytest.mark.integration
def test_image_refuses_to_build_when_server_image_names_another(example_config: Path) -> None:
    (example_config / "ext.yaml").write_text(
        yaml.safe_dump({**EXAMPLE, "server": {"image": "ghcr.io/example/mlflow:3.17.2"}})
    )
    rendered = subprocess.run(
        [MAKE, "-s", "-n", *OLD_STAMPS, "image", "DEPLOY_ENV=ext"],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(example_config)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "error: server.image is set" in rendered
    assert "gcloud builds submit" in rendered  # shown by -n; the error line runs first


@pytest.mark.integration
def test_destroy_refuses_while_deletion_protection_is_on(
    tmp_path: Path, example_config: Path
) -> None:
    protected = run_without_tools("destroy", "dev", tmp_path, example_config)
    assert protected.returncode != 0
    assert "error: deletion protection is on in config/dev.yaml" in protected.stderr
    (example_config / "bye.yaml").write_text(
        yaml.safe_dump(
            {
                **EXAMPLE,
                "database": {"deletion_protection": False},
                "cluster": {**EXAMPLE["cluster"], "deletion_protection": False},
            }
        )
    )
    lifted = run_without_tools("destroy", "bye", tmp_path, example_config)
    assert lifted.returncode != 0
    assert "deletion protection" not in lifted.stderr
    assert "error: 'terraform' is not on PATH;" in lifted.stderr  # got past the guard


@pytest.mark.integration
def test_image_builds_in_the_private_pool_and_plan_checks_the_shared_vpc(
    example_config: Path,
) -> None:
    pool = f"projects/acme-build/locations/{EXAMPLE['region']}/workerPools/perimeter-pool"
    (example_config / "vpcsc.yaml").write_text(
        yaml.safe_dump({**EXAMPLE, "registry": {"build_pool": pool}})
    )
    image = " ".join(render("image", "vpcsc", example_config))
    assert f"--worker-pool={pool}" in image
    assert f"--region={EXAMPLE['region']} " in image  # the pool's region: the deployment's
    assert "--worker-pool" not in " ".join(render("image", "dev", example_config))
    for target in ("plan", "deploy"):
        commands = render(target, "vpcsc", example_config)
        checks = [i for i, c in enumerate(commands) if "-m ops.shared_vpc" in c]
        cdktf = [i for i, c in enumerate(commands) if c.startswith("cdktf ")]
        assert checks
        assert cdktf
        assert checks[0] < cdktf[0]  # before Terraform reads anything
