"""Both entry points: fresh and deterministic output, atomic writes, clean failures."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from settings import REPO_ROOT, Settings
from settings.paths import UPGRADE_SUBDIR

ENV = {
    **os.environ,
    "PATH": f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
}


def _tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under folder (empty when it does not exist)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_k8s_synth_is_byte_identical(gke_settings: Settings, tmp_path: Path, clean_env) -> None:
    from k8s.app import synth

    synth(gke_settings, outdir=tmp_path / "a")
    synth(gke_settings, outdir=tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_cdktf_synth_is_byte_identical_without_paths(
    gke_settings: Settings, tmp_path: Path, clean_env
) -> None:
    from infra.app import synth

    synth(gke_settings, outdir=tmp_path / "a")
    synth(gke_settings, outdir=tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    stack = tmp_path / "a" / "stacks" / gke_settings.names.terraform_stack / "cdk.tf.json"
    text = stack.read_text()
    for path in (str(REPO_ROOT), str(tmp_path), "/tmp/", "/root/", "/home/"):
        assert path not in text


def test_synth_keeps_terraform_working_files(
    gke_settings: Settings, tmp_path: Path, clean_env
) -> None:
    from infra.app import synth

    stack_dir = tmp_path / "stacks" / gke_settings.names.terraform_stack
    (stack_dir / ".terraform").mkdir(parents=True)
    (stack_dir / ".terraform.lock.hcl").write_text("# provider lock\n")
    (tmp_path / "stacks" / "removed-stack").mkdir()
    (tmp_path / "stacks" / "removed-stack" / "cdk.tf.json").write_text("{}")
    synth(gke_settings, outdir=tmp_path)
    assert (stack_dir / ".terraform.lock.hcl").read_text() == "# provider lock\n"
    assert (stack_dir / "cdk.tf.json").is_file()
    # Another environment's stack is not this synth's to remove (`make synth-all` prunes).
    assert (tmp_path / "stacks" / "removed-stack" / "cdk.tf.json").read_text() == "{}"


@pytest.mark.parametrize("app", ["infra", "k8s"])
def test_failure_mid_synth_leaves_output_untouched(
    app: str, gke_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env
) -> None:
    module = __import__(f"{app}.app", fromlist=["synth", "build"])
    module.synth(gke_settings, outdir=tmp_path)
    before = _tree(tmp_path)

    def broken_build(*args: object, **kwargs: object) -> None:
        raise RuntimeError("construct failed half-way")

    monkeypatch.setattr(module, "build", broken_build)
    with pytest.raises(RuntimeError):
        module.synth(gke_settings, outdir=tmp_path)
    assert _tree(tmp_path) == before
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.staging-*"))


BAD_CONFIGS: dict[str, dict[str, object]] = {
    "unknown key": {"projct_id": "x"},
    "invalid name": {"project_id": "Bad_Project"},
    "wrong type": {"server": {"replicas": "two"}},
}


@pytest.mark.parametrize("entry", ["infra.main", "k8s.main"])
@pytest.mark.parametrize("case", [*BAD_CONFIGS, "missing file", "malformed YAML"])
@pytest.mark.integration
def test_entry_point_rejects_bad_config_cleanly(entry: str, case: str, tmp_path: Path) -> None:
    dev = yaml.safe_load((REPO_ROOT / "tests" / "configs" / "gke.yaml").read_text())
    if case == "malformed YAML":
        (tmp_path / "dev.yaml").write_text("project_id: [unclosed\n")
    elif case != "missing file":
        (tmp_path / "dev.yaml").write_text(yaml.safe_dump({**dev, **BAD_CONFIGS[case]}))
    outputs = [REPO_ROOT / "dist", REPO_ROOT / "cdktf.out"]
    before = [_tree(p) for p in outputs]
    result = subprocess.run(
        [sys.executable, "-m", entry],
        cwd=REPO_ROOT,
        env={**ENV, "DEPLOY_ENV": "dev", "DEPLOY_CONFIG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert "dev.yaml" in result.stderr
    assert [_tree(p) for p in outputs] == before


@pytest.mark.integration
def test_no_end_of_life_node_banner(tmp_path: Path) -> None:
    """jsii runs on the project's Node 24 even when PATH offers the machine's Node 20."""
    env = {k: v for k, v in ENV.items() if k != "JSII_NODE"}
    # A fixture that draws no warning (the team's config/ may well draw some).
    env |= {"DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests" / "configs"), "DEPLOY_ENV": "gke"}
    env["PATH"] = f"/usr/bin{os.pathsep}{env['PATH']}"  # machine node first
    env["CDKTF_OUTDIR"] = str(tmp_path)
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "python"), "-m", "infra.main"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    output = result.stdout + result.stderr
    assert "end-of-life" not in output.lower()
    assert "node.js 20" not in output.lower()
    assert output.strip() == ""


@pytest.mark.integration
def test_the_clis_produce_what_make_synth_produces(
    default_settings: Settings, tmp_path: Path
) -> None:
    """`npx cdktf synth` and `npx cdk8s synth` (the CLIs from package.json) give the same files."""
    from infra.app import synth as cdktf_synth

    env = {**ENV, "DEPLOY_ENV": "dev", "CHECKPOINT_DISABLE": "1", "CDK8S_CHECK_UPGRADE": "false"}
    env.pop("CDKTF_OUTDIR", None)
    env.pop("CDK8S_OUTDIR", None)

    def cli(name: str, outdir: Path) -> str:
        """Run node_modules/.bin/<name> synth into outdir; return what it printed."""
        done = subprocess.run(
            [str(REPO_ROOT / "node_modules" / ".bin" / name), "synth", "--output", str(outdir)],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return done.stdout + done.stderr

    cli("cdktf", tmp_path / "cli-tf")
    cdktf_synth(default_settings, outdir=tmp_path / "make-tf")
    stack = f"stacks/{default_settings.names.terraform_stack}/cdk.tf.json"
    assert (tmp_path / "cli-tf" / stack).read_bytes() == (tmp_path / "make-tf" / stack).read_bytes()

    dist_before = _tree(REPO_ROOT / "dist")
    printed = cli("cdk8s", tmp_path / "cli-k8s")
    assert "new version" not in printed  # no offline upgrade check
    cli_files = _tree(tmp_path / "cli-k8s")
    assert cli_files  # the CLI's own output folder holds the manifests too
    # The default environment's files and its upgrade-job/ folder; dist/<env>/ are the others'.
    mine = {k: v for k, v in dist_before.items() if "/" not in k or k.startswith(UPGRADE_SUBDIR)}
    assert cli_files == mine
    assert _tree(REPO_ROOT / "dist") == dist_before
