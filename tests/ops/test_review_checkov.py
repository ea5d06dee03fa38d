"""checkov findings that a change brings or removes, with the real checkov, on changed stacks
only: the committed dev stack with its artifact bucket opened up (uniform access off, public
access prevention inherited), against the stack as committed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ops.review import checkov as checkov_mod
from ops.review import review as review_mod
from ops.review.__main__ import review
from ops.review.render import render
from settings import REPO_ROOT
from tests.support import review_repo as rr

pytestmark = pytest.mark.tools

DEV = Path("cdktf.out/stacks/mlflow-dev/cdk.tf.json")


def _open_bucket(doc: dict[str, Any]) -> None:
    for bucket in doc["resource"]["google_storage_bucket"].values():
        bucket["uniform_bucket_level_access"] = False
        bucket["public_access_prevention"] = "inherited"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review-checkov")
    rr.init(path)
    for item in ("cdktf.out/stacks", "dist", ".checkov.yaml"):
        src = REPO_ROOT / item
        if src.is_dir():
            shutil.copytree(src, path / item, ignore=shutil.ignore_patterns(".terraform*"))
        else:
            shutil.copy(src, path / item)
    (path / ".venv" / "bin").mkdir(parents=True)
    (path / ".venv" / "bin" / "checkov").symlink_to(REPO_ROOT / ".venv" / "bin" / "checkov")
    rr.commit(path, "as committed")
    return path


def test_new_and_gone_findings_on_the_changed_stack_only(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned: list[set[str]] = []
    real = checkov_mod.compare

    def spy(stacks: dict[str, Any], **kwargs: Any) -> Any:
        scanned.append(set(stacks))
        return real(stacks, **kwargs)

    monkeypatch.setattr(review_mod.checkov_mod, "compare", spy)
    doc = json.loads((repo / DEV).read_text())
    _open_bucket(doc)
    (repo / DEV).write_text(json.dumps(doc, indent=2))
    try:
        opened = review(repo, "HEAD")
        rr.commit(repo, "opened")
        rr.git(repo, "checkout", "-q", "HEAD~1", "--", str(DEV))
        closed = review(repo, "HEAD")
    finally:
        rr.git(repo, "reset", "-q", "--hard", "HEAD~1" if len(scanned) > 1 else "HEAD")
        rr.reset(repo)
    assert scanned == [{"dev"}, {"dev"}]  # local's stack did not change: not scanned
    (dev,) = [e for e in opened.envs if e.env == "dev"]
    new = {f.check for f in dev.new_findings}
    assert "CKV_GCP_29" in new  # uniform bucket-level access
    assert dev.gone_findings == []
    assert "- new: `CKV_GCP_29` on `google_storage_bucket." in render(opened)
    (dev,) = [e for e in closed.envs if e.env == "dev"]
    assert {f.check for f in dev.gone_findings} == new
    assert opened.checkov_note is None
