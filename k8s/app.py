"""Build the cdk8s App for one environment and synthesize it atomically into dist/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cdk8s import App, YamlOutputType

from k8s.charts import UPGRADE_CHARTS, build
from k8s.review import mark_files
from ops.publish import publish, staging_dir
from settings import Settings
from settings.load import manifests_dir
from settings.paths import UPGRADE_SUBDIR


def synth(settings: Settings, outdir: Path | None = None) -> list[Path]:
    """Synthesize into a staging folder, then publish the manifests into outdir.

    `cdk8s synth` deletes its output folder before it runs the app, so cdk8s.yaml points it
    at the scratch folder cdk8s.out/ (CDK8S_OUTDIR); the manifests are copied there for the
    CLI and published to dist/ only after the whole synth succeeded.
    """
    target = outdir or manifests_dir(settings)
    with staging_dir(target) as staging:
        app = App(outdir=str(staging), yaml_output_type=YamlOutputType.FILE_PER_CHART)
        build(app, settings)
        app.synth()
        # `kubectl apply -f <folder>` reads no subfolder: only `make upgrade` applies these.
        (staging / UPGRADE_SUBDIR).mkdir()
        for chart in UPGRADE_CHARTS:
            name = f"{chart}.k8s.yaml"
            os.replace(staging / name, staging / UPGRADE_SUBDIR / name)
        mark_files(staging)
        cli_outdir = os.environ.get("CDK8S_OUTDIR")
        if cli_outdir:
            shutil.copytree(staging, cli_outdir, dirs_exist_ok=True)
        return publish(staging, target, owned=["*.k8s.yaml", f"{UPGRADE_SUBDIR}/*.k8s.yaml"])
