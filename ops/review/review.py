"""Compare every environment's artifacts between two sides and collect what a reviewer needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ops.review import checkov as checkov_mod
from ops.review import iam, kubernetes, terraform
from ops.review.acknowledge import Ack
from ops.review.sources import Artifacts


@dataclass
class Loss:
    """A data-bearing resource that the change destroys or replaces."""

    env: str
    resource: terraform.Resource
    acknowledged: Ack | None


@dataclass
class EnvReview:
    env: str
    old: Artifacts | None
    new: Artifacts | None
    tf: list[terraform.Resource] = field(default_factory=list)
    grants: list[iam.Grant] = field(default_factory=list)
    k8s: list[kubernetes.K8sChange] = field(default_factory=list)
    new_findings: list[checkov_mod.Finding] = field(default_factory=list)
    gone_findings: list[checkov_mod.Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.tf or self.k8s else "unchanged"

    @property
    def stack_changed(self) -> bool:
        return bool(self.tf)


@dataclass
class Review:
    base: str  # what BASE was given as
    base_commit: str
    envs: list[EnvReview]
    losses: list[Loss]
    checkov_note: str | None  # why checkov did not run, when it did not
    unknown_types: list[str]

    @property
    def blocking(self) -> list[Loss]:
        return [loss for loss in self.losses if loss.acknowledged is None]


def compare(
    old: dict[str, Artifacts],
    new: dict[str, Artifacts],
    *,
    base: str,
    base_commit: str,
    acks: set[Ack],
    checkov: Path | None,
    checkov_config: Path,
    run_checkov: bool = True,
) -> Review:
    envs = []
    for env in sorted(old.keys() | new.keys()):
        was, now = old.get(env), new.get(env)
        review = EnvReview(env, was, now)
        review.tf = terraform.diff(was.terraform if was else None, now.terraform if now else None)
        review.grants = iam.grants(review.tf)
        review.k8s = kubernetes.diff(was.manifests if was else [], now.manifests if now else [])
        envs.append(review)
    by_address = {(a.environment, a.resource): a for a in acks}
    losses = [
        Loss(e.env, r, by_address.get((e.env, r.address))) for e in envs for r in e.tf if r.data
    ]
    unknown = sorted({r.type for e in envs for r in e.tf if r.unknown_type})
    note = _checkov(envs, checkov, checkov_config) if run_checkov else None
    return Review(base, base_commit, envs, losses, note, unknown)


def _checkov(envs: list[EnvReview], checkov: Path | None, config: Path) -> str | None:
    changed = {
        e.env: (e.old.terraform if e.old else None, e.new.terraform if e.new else None)
        for e in envs
        if e.stack_changed
    }
    if not changed:
        return None
    if checkov is None:
        return "checkov is not installed (make install-test): findings not compared"
    try:
        results = checkov_mod.compare(changed, checkov=checkov, config=config)
    except (RuntimeError, OSError, ValueError) as exc:
        return f"checkov did not run: {exc}"
    for e in envs:
        if e.env in results:
            e.new_findings, e.gone_findings = results[e.env]
    return None
