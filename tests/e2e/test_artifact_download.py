"""A run's artifacts download through the proxy by every spelling of its root that MLflow's
client sends, `artifact_path="."` included (MLflow's own REST test, test_artifacts, downloads
so; `make upstream-tests` found it refused).

The client lists `<run root>/.` through the proxy. The IAP plugin refused the `.` segment
(400), and behind it MLflow's GCS store lists the prefix `<root>/./`, which matches no object:
either way the download failed. The plugin now reads a trailing `.` as its directory before
anything else does (mlflow_iap_auth/paths.py, canonical_query).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Cluster, run_client

pytestmark = pytest.mark.e2e

DOWNLOAD = """\
import pathlib, sys

import mlflow
from mlflow import MlflowClient
from mlflow.artifacts import download_artifacts

client = MlflowClient()
experiment = client.create_experiment(sys.argv[1])
run = client.create_run(experiment).info.run_id
work = pathlib.Path(sys.argv[2])  # the test's own folder: nothing is left in the system's temp
src = work / "src"
src.mkdir()
(src / "my.file").write_text("Hello, World!")
client.log_artifact(run, str(src / "my.file"))
client.log_artifacts(run, str(src), "dir")
for number, spelling in enumerate((".", "", None, "dir", "dir/.")):
    into = work / f"download-{number}"
    into.mkdir()
    out = pathlib.Path(download_artifacts(run_id=run, artifact_path=spelling, dst_path=str(into)))
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    print(f"{spelling!r}: {files}")
"""


def test_the_run_root_downloads_by_every_spelling(cluster: Cluster, tmp_path: Path) -> None:
    script = tmp_path / "download.py"
    script.write_text(DOWNLOAD)
    out = run_client(cluster, script, "e2e-artifact-download", str(tmp_path))
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    both = "['dir/my.file', 'my.file']"
    assert lines["'.'"] == both, out
    assert lines["''"] == both, out
    assert lines["None"] == both, out
    assert lines["'dir'"] == "['my.file']", out
    assert lines["'dir/.'"] == "['my.file']", out
