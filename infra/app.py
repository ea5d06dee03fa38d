"""Build the cdktf App for one environment and synthesize it atomically into cdktf.out/."""

from __future__ import annotations

import os
from pathlib import Path

from cdktf import App

from infra.stack import MlflowStack
from ops.publish import publish, staging_dir
from settings import REPO_ROOT, Settings

DEFAULT_OUTDIR = REPO_ROOT / "cdktf.out"


def build(app: App, settings: Settings) -> MlflowStack:
    """Add the environment's stack to an app (a real one, or cdktf's Testing.app())."""
    return MlflowStack(app, settings.names.terraform_stack, settings=settings)


def synth(settings: Settings, outdir: Path | None = None) -> list[Path]:
    """Synthesize into a staging folder, then publish the files into outdir.

    The cdktf CLI passes its output folder in CDKTF_OUTDIR; `make synth` uses cdktf.out/.
    Terraform's own files in outdir (.terraform/, lock file, state) are kept.
    """
    target = Path(outdir or os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)
    with staging_dir(target) as staging:
        app = App(outdir=str(staging), skip_validation=False)
        build(app, settings)
        app.synth()
        # This stack's files only: the other environments' stacks beside it are committed too.
        stack = settings.names.terraform_stack
        return publish(staging, target, owned=["manifest.json", f"stacks/{stack}/cdk.tf.json"])
