"""The documentation is true: the generated reference is current, and README's commands are real.

- docs/configuration.md equals what settings/reference.py renders from the model, names every
  field, and the generator refuses a validator it cannot describe.
- Every `make <target>` in README.md and docs/ exists; every relative link and repository
  path resolves; the quick start is exactly two commands.
- Each lifecycle command that README shows is the one `make -n <target>` renders from the
  settings (for the example config README documents), and a missing tool stops a target early
  with its fix.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from pydantic import AfterValidator, BaseModel, model_validator

from settings import REPO_ROOT, Settings, load_settings
from settings import reference as ref

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
MAKE = shutil.which("make") or "make"
# Treat every install layer as done: the tests look at the lifecycle commands, not installs.
OLD_STAMPS = [
    arg
    for stamp in (
        ".venv/.synth-installed",
        ".venv/.examples-installed",
        ".venv/.test-installed",
        "node_modules/.cli-installed",
    )
    for arg in ("-o", stamp)
]


def _doc_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _flat(text: str) -> str:
    """Whitespace-normalized text with shell line continuations and `#` comment marks removed."""
    text = text.replace("\\\n", " ")
    text = re.sub(r"(?m)^\s*#\s?", " ", text)
    text = re.sub(r"#\s*runs:", " ", text)
    return " ".join(text.split())


# ---------------------------------------------------------------- configuration reference


def test_configuration_reference_is_up_to_date() -> None:
    committed = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert committed == ref.render(), "docs/configuration.md is stale: run `make docs`"


def test_reference_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "configuration.md"
    assert ref.main(["--check", "--output", str(out)]) == 1  # missing
    out.write_text(ref.render().replace("Google Cloud project id.", "Project."))
    assert ref.main(["--check", "--output", str(out)]) == 1  # edited by hand
    assert ref.main(["--output", str(out)]) == 0
    assert ref.main(["--check", "--output", str(out)]) == 0


def test_reference_names_every_field_with_type_default_and_description() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    names = ref.field_names()
    nested = {
        "network.subnet_cidr",
        "database.tier",
        "cluster.machine_type",
        "server.image_tag",
        "ingress.iap_members",
        "local.oidc_issuer",
    }
    assert nested <= set(names)
    for name in names:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"{name} is missing from docs/configuration.md"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) >= 5, row
        assert cells[1], f"{name}: no type"
        assert cells[2], f"{name}: no default"
        assert cells[4].strip(), f"{name}: no description"


def test_reference_shows_rules_bounds_and_enums() -> None:
    rows = {row.name: row for section in ref.sections() for row in section.rows}
    from settings import rules

    assert rules.PROJECT_ID.pattern in rows["project_id"].rule
    assert rules.PROJECT_ID.description in rows["project_id"].rule
    assert rows["database.disk_size_gb"].rule == ">= 10; <= 65536"
    assert rows["server.replicas"].rule == "> 0"
    assert "`POSTGRES_17`" in rows["database.version"].rule
    assert rows["ingress.iap_members"].rule.startswith("each item: ")
    assert rows["project_id"].default == "required"
    assert rows["server.namespace"].type == "string or null"
    assert "RFC 1918" in rows["network.pods_cidr"].rule


def test_reference_renders_the_derived_names_the_code_derives(gke_settings: Settings) -> None:
    """Fill the templates with dev's inputs: the result must be dev's real names."""
    s = gke_settings
    inputs = {
        "<environment>": s.environment,
        "<project_id>": s.project_id,
        "<project_number>": str(s.project_number),
        "<region>": s.region,
        "<prefix>": s.prefix,
        "<server.image_tag>": s.server.image_tag,
        "<bucket.artifact_prefix>": s.bucket.artifact_prefix,
        "<database.database_name>": s.database.database_name,
        "<database.user>": s.database.user,
    }
    filled = {}
    for name, template in ref.derived_name_templates().items():
        for placeholder, value in inputs.items():
            template = template.replace(placeholder, value)
        filled[name] = template
    assert filled == dataclasses.asdict(s.names)


def test_reference_refuses_a_validator_it_cannot_describe() -> None:
    def _even(value: int) -> int:
        if value % 2:
            raise ValueError("odd")
        return value

    class Undocumented(BaseModel):
        count: Annotated[int, AfterValidator(_even)] = 2

    with pytest.raises(ref.ReferenceError, match="_even"):
        list(ref.sections(Undocumented))

    class CrossField(BaseModel):
        a: int = 1

        @model_validator(mode="after")
        def _check(self) -> CrossField:
            return self

    with pytest.raises(ref.ReferenceError, match=r"CrossField\._check"):
        list(ref.sections(CrossField))


@pytest.mark.integration
def test_make_docs_runs_the_generator() -> None:
    out = subprocess.run(
        [MAKE, "-n", *OLD_STAMPS, "docs"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".venv/bin/python -m settings.reference" in out


# ---------------------------------------------------------------- README and docs/


def _make_targets() -> set[str]:
    out = subprocess.run(
        [MAKE, "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"^\s+make (\S+)", out, flags=re.MULTILINE))


@pytest.mark.integration
def test_every_make_target_in_the_docs_exists() -> None:
    targets = _make_targets()
    assert {"deploy", "plan", "diff", "image", "apply", "destroy", "port-forward"} <= targets
    for path in _doc_files():
        text = path.read_text(encoding="utf-8")
        code = re.findall(r"```.*?```", text, flags=re.DOTALL) + re.findall(r"`[^`\n]+`", text)
        used = set(re.findall(r"\bmake ([a-z][a-z-]+)\b", "\n".join(code)))
        unknown = used - targets
        assert not unknown, f"{path.name} names make targets that do not exist: {unknown}"


def _slugs(path: Path) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces become hyphens."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    slugs = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs.add(slug)
    return slugs


def test_relative_links_and_anchors_resolve() -> None:
    checked = 0
    for path in _doc_files():
        text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        text = re.sub(r"`[^`\n]*`", "", text)  # code spans hold regexes, not links
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text):
            if "://" in target:
                continue
            linked = (path.parent / target) if target else path
            assert linked.exists(), f"{path.name} links to missing {target}"
            if anchor:
                assert anchor in _slugs(linked), f"{path.name}: no heading for #{anchor}"
            checked += 1
    assert checked >= 10


# Paths that synth, Terraform or `make secrets` create: they need not exist in a clone.
GENERATED = ("cdktf.out/", "dist/local", "secrets/", "terraform.", "cdk8s.out")


def test_repository_paths_named_in_the_readme_exist() -> None:
    text = README.read_text(encoding="utf-8")
    candidates = set(re.findall(r"`([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]*)`", text))
    checked = 0
    for candidate in sorted(candidates):
        first = candidate.split("/")[0]
        if candidate.startswith(GENERATED) or "<" in candidate or not (REPO_ROOT / first).exists():
            continue
        assert (REPO_ROOT / candidate).exists(), f"README names {candidate}, which is missing"
        checked += 1
    assert checked >= 15


def test_architecture_diagram_shows_the_deployment() -> None:
    text = README.read_text(encoding="utf-8")
    diagram = re.search(r"```mermaid\n(.*?)```", text, flags=re.DOTALL)
    assert diagram, "README has no Mermaid diagram"
    body = diagram[1]
    assert body.startswith("flowchart ")
    for part in (
        "GKE",
        "cloud-sql-proxy",
        "native sidecar",
        "Cloud SQL",
        "private IP",
        "GCS",
        "Secret Manager",
        "IAP",
        "static IP",
        "Artifact Registry",
    ):
        assert part in body, f"the diagram does not show {part}"
    # Names in the diagram are the dev environment's real ones.
    names = Settings.model_validate({**EXAMPLE, "environment": "dev"}).names
    for name in (names.cluster, names.static_ip, names.network, names.namespace):
        assert name in body
    # Every node an edge uses is declared (a typo would render as a stray box).
    declared = set(re.findall(r"^\s*(?:subgraph\s+)?([a-z]+)[\[(]", body, flags=re.MULTILINE))
    used = set(re.findall(r"(?:^|-->|\|)\s*([a-z]+)\s*(?=-->|$)", body, flags=re.MULTILINE))
    used.discard("end")  # closes a subgraph
    assert used <= declared, used - declared


def test_readme_covers_the_original_lifecycle() -> None:
    """Parity with the original project's README, plus what the issue asks for."""
    flat = _flat(README.read_text(encoding="utf-8"))
    for phrase in (
        "npx cdktf deploy",
        "gcloud builds submit mlflow_server",
        "--config=mlflow_server/cloudbuild.yaml",
        "--substitutions=TAG_NAME=",
        "gcloud container clusters get-credentials",
        "npx cdk8s synth",
        "kubectl apply -f dist/",
        "examples/train.py",
        "roles/iap.httpsResourceAccessor",
        "principalSet://iam.googleapis.com/locations/global/workforcePools/",
        "Entra ID",
        "cdktf destroy",
        "deletion_protection: false",
        "docker-desktop",
        "kind",
        "localhost:8080",
        "Workload Identity Federation",
        "make local-oidc DEPLOY_ENV=local",
        "local.credentials: service_account_key",
        "gcloud secrets versions access",
        "terraform -chdir=cdktf.out/stacks/",
        "OpenTofu",
        "2025-12-10",
        "Invalid Host header",
        "IAP answers 403",
        "proxy is not ready",
        "schema upgrade is refused",
        "gcloud auth application-default login",
        "state_bucket",
    ):
        assert phrase in flat, f"README does not cover {phrase!r}"


# ---------------------------------------------------------------- lifecycle targets

# The example README documents: config/dev.yaml's shipped values (a user's edits to config/
# must not make this test fail, so it uses a copy of the example, not the live file).
EXAMPLE: dict[str, Any] = {
    "project_id": "my-mlflow-project",
    "region": "europe-west1",
    "cluster": {"location": "europe-west1-b"},
    "ingress": {"host": "mlflow.example.com"},
}
EXAMPLE_LOCAL: dict[str, Any] = {
    "project_id": "my-mlflow-project",
    "region": "europe-west1",
    "platform": "local",
    "database": {"allow_public_ip": True},
    "project_number": "123456789012",
    "local": {
        "oidc_issuer": "https://kubernetes.default.svc.cluster.local",
        "jwks_file": "config/local.jwks.json",
        "service_port": 8080,
    },
}
LIFECYCLE = ["deploy", "plan", "tf-plan", "image", "credentials", "apply", "port-forward"]
LIFECYCLE += ["train", "destroy"]
LOCAL_LIFECYCLE = ["deploy", "local-oidc", "secrets", "apply", "port-forward", "destroy"]


@pytest.fixture(scope="module")
def example_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("config")
    (folder / "dev.yaml").write_text(yaml.safe_dump(EXAMPLE))
    (folder / "local.yaml").write_text(yaml.safe_dump(EXAMPLE_LOCAL))
    return folder


def _render(target: str, env: str, config: Path, **variables: str) -> list[str]:
    """The commands `make -n` prints for a target: continuations joined, checks left out."""
    args = [MAKE, "-s", "-n", *OLD_STAMPS, target, f"DEPLOY_ENV={env}"]
    args += [f"{k}={v}" for k, v in variables.items()]
    environ = {k: v for k, v in os.environ.items() if k not in {"MLFLOW_TRACKING_URI", "PORT"}}
    proc = subprocess.run(
        args,
        cwd=REPO_ROOT,
        env={**environ, "DEPLOY_CONFIG_DIR": str(config)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = proc.stdout.replace("\\\n", " ").splitlines()
    skip = (
        "command -v ",
        ".venv/bin/python -c",
        ".venv/bin/python -m infra.preflight",  # a check, like command -v
        "#",
        "true",
        "umask 077 && mkdir",
        "{ echo",
    )

    def recursive_make(line: str) -> bool:  # $(MAKE) other-target: its own lines follow
        return Path(line.split()[0]).name == "make"

    return [
        " ".join(line.split())
        for line in lines
        if line.strip() and not line.startswith(skip) and not recursive_make(line)
    ]


@pytest.mark.parametrize("target", LIFECYCLE)
@pytest.mark.integration
def test_readme_shows_the_commands_dev_targets_run(target: str, example_config: Path) -> None:
    flat = _flat(README.read_text(encoding="utf-8"))
    commands = _render(target, "dev", example_config)
    assert commands, f"make -n {target} ran nothing"
    for command in commands:
        command = command.removeprefix("umask 077 && ")
        assert command in flat, f"README does not show what `make {target}` runs: {command}"


@pytest.mark.parametrize("target", LOCAL_LIFECYCLE)
@pytest.mark.integration
def test_readme_shows_the_commands_local_targets_run(target: str, example_config: Path) -> None:
    flat = _flat(README.read_text(encoding="utf-8"))
    for command in _render(target, "local", example_config):
        command = command.removeprefix("umask 077 && ")
        assert command in flat, f"README does not show `make {target} DEPLOY_ENV=local`: {command}"


@pytest.mark.integration
def test_lifecycle_targets_derive_every_name_from_the_settings(example_config: Path) -> None:
    """Change the prefix: every command follows; nothing is spelled out in the Makefile."""
    (example_config / "stg.yaml").write_text(
        yaml.safe_dump({**EXAMPLE, "prefix": "exp", "project_id": "other-project-42"})
    )
    s = load_settings("stg", folder=example_config)
    n = s.names
    context = f"gke_{s.project_id}_{s.cluster_location}_{n.cluster}"
    out = {t: " ".join(_render(t, "stg", example_config)) for t in LIFECYCLE}
    assert f"cdktf deploy {n.terraform_stack}" in out["deploy"]
    assert f"cdktf diff {n.terraform_stack}" in out["plan"]
    assert f"-chdir=cdktf.out/stacks/{n.terraform_stack} plan" in out["tf-plan"]
    assert (
        f"--project={s.project_id} --config=mlflow_server/cloudbuild.yaml "
        f"--service-account=projects/{s.project_id}/serviceAccounts/{n.build_sa_email} "
        f"--gcs-source-staging-dir=gs://{n.build_bucket}/source "
        f"--substitutions=TAG_NAME={s.server.image_tag},_REGION={s.region},"
        f"_REPOSITORY={n.registry_repository}"
    ) in out["image"]
    assert (
        f"get-credentials {n.cluster} --location={s.cluster_location} --project={s.project_id}"
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
    assert "tofu -chdir=cdktf.out/stacks/mlflow-dev apply -input=false" in _render(
        "tf-apply", "dev", example_config, TF="tofu"
    )
    assert "cdktf deploy mlflow-dev --auto-approve" in _render(
        "deploy", "dev", example_config, CDKTF_ARGS="--auto-approve"
    )
    train = _render("train", "dev", example_config, MLFLOW_TRACKING_URI="https://m.example.com")
    assert train == ["MLFLOW_TRACKING_URI=https://m.example.com .venv/bin/python examples/train.py"]


def _run_without_tools(
    target: str, env: str, tmp_path: Path, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a target for real with a PATH that holds none of the cloud tools."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    environ = {"PATH": str(empty), "HOME": str(tmp_path)}
    if config is not None:
        environ["DEPLOY_CONFIG_DIR"] = str(config)
    return subprocess.run(
        [MAKE, *OLD_STAMPS, target, f"DEPLOY_ENV={env}"],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    proc = _run_without_tools(target, "dev", tmp_path)
    assert proc.returncode != 0
    assert f"error: '{tool}' is not on PATH;" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("target", "env"), [("credentials", "local"), ("local-oidc", "dev")])
@pytest.mark.integration
def test_a_target_refuses_the_other_platform(target: str, env: str, tmp_path: Path) -> None:
    proc = _run_without_tools(target, env, tmp_path)
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


def test_local_secrets_reads_the_stacks_sensitive_key_output(
    tf_synth: Any, keyed_settings: Settings
) -> None:
    from infra.platforms.external import KEY_OUTPUT as TERRAFORM_OUTPUT
    from k8s.cluster_secrets import KEY_OUTPUT

    assert KEY_OUTPUT == TERRAFORM_OUTPUT
    output = tf_synth(keyed_settings)["output"].get(KEY_OUTPUT)
    assert output is not None, f"the keyed stack has no output {KEY_OUTPUT!r}"
    assert output["sensitive"] is True


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def test_readme_config_snippets_are_valid_settings() -> None:
    """Every YAML snippet README shows is accepted by the settings model as it stands."""
    text = README.read_text(encoding="utf-8")
    snippets = [
        yaml.safe_load(textwrap.dedent(block))
        for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    ]
    assert len(snippets) >= 3
    for snippet in snippets:
        assert isinstance(snippet, dict)
        base = {**EXAMPLE, "environment": "dev"}
        if snippet.get("platform") == "gke-existing":
            base.pop("cluster")  # the team's cluster: no node pool settings
        settings = Settings.model_validate(_deep_merge(base, snippet))
        members = snippet.get("ingress", {}).get("iap_members")
        if members:
            assert list(settings.ingress.iap_members) == members


# Mermaid's own parser (the library GitHub renders with), run by the project's Node.js, from the
# npm packages mermaid and jsdom pinned in package.json's devDependencies.
MERMAID_PARSE = """
import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
try {
  const result = await mermaid.parse(fs.readFileSync(process.argv[2], 'utf8'));
  console.log(result.diagramType);
} catch (error) {
  console.log(error.message);
  process.exit(1);
}
"""


@pytest.mark.tools
def test_mermaid_parses_the_architecture_diagram(tmp_path: Path) -> None:
    modules = REPO_ROOT / "node_modules"
    assert (modules / "mermaid").is_dir(), "run `make install`: mermaid is in package.json"
    assert (modules / "jsdom").is_dir(), "run `make install`: jsdom is in package.json"
    diagram = re.search(r"```mermaid\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert diagram
    (tmp_path / "diagram.mmd").write_text(diagram[1])
    (tmp_path / "bad.mmd").write_text("flowchart LR\n  a[x] --> b[\n")
    script = REPO_ROOT / "node_modules" / ".parse-mermaid.mjs"  # resolves node_modules/
    script.write_text(MERMAID_PARSE)
    try:

        def parse(name: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(REPO_ROOT / ".venv" / "bin" / "node"), str(script), str(tmp_path / name)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        good, bad = parse("diagram.mmd"), parse("bad.mmd")
    finally:
        script.unlink()
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.strip().startswith("flowchart")
    assert bad.returncode != 0


@pytest.mark.integration
def test_destroy_refuses_while_deletion_protection_is_on(
    tmp_path: Path, example_config: Path
) -> None:
    protected = _run_without_tools("destroy", "dev", tmp_path, example_config)
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
    lifted = _run_without_tools("destroy", "bye", tmp_path, example_config)
    assert lifted.returncode != 0
    assert "deletion protection" not in lifted.stderr
    assert "error: 'kubectl' is not on PATH;" in lifted.stderr  # got past the guard


def test_the_configuration_reference_renders_as_written() -> None:
    """Rendered by a CommonMark renderer with GitHub's tables, the reference shows no entity
    (`&lt;prefix&gt;`) where a reader should see `<prefix>`, and every table row keeps its
    five cells (an unescaped `|` in a regular expression would split one)."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    html = (
        MarkdownIt("commonmark")
        .enable("table")
        .render((DOCS / "configuration.md").read_text(encoding="utf-8"))
    )

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.chunks: list[str] = []
            self.rows: list[int] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                self.rows.append(0)
            elif tag in ("td", "th") and self.rows:
                self.rows[-1] += 1

        def handle_data(self, data: str) -> None:
            self.chunks.append(data)

    parser = Text()
    parser.feed(html)
    text = "".join(parser.chunks)
    for entity in ("&lt;", "&gt;", "&amp;", "&#"):
        assert entity not in text, f"the rendered reference shows {entity!r}"
    assert "<prefix>-<environment>" in text
    assert parser.rows
    assert all(cells in (2, 5) for cells in parser.rows), set(parser.rows)
