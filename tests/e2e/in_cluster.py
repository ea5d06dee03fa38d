"""Run a Python script as a client inside the cluster would: `python in_cluster.py SCRIPT ARGS`.

E2E_CLUSTER_DNS maps Service addresses to local ones, `name:port=127.0.0.1:port[,...]`; the
script keeps the in-cluster URL (MLFLOW_TRACKING_URI=http://<svc>.<ns>.svc.cluster.local:<port>)
and its requests carry that Host header. Only name resolution is stood in for.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.net import cluster_dns


def parse(spec: str) -> dict[tuple[str, int], tuple[str, int]]:
    names: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in filter(None, spec.split(",")):
        left, right = entry.split("=")
        name, port = left.rsplit(":", 1)
        host, local_port = right.rsplit(":", 1)
        names[(name, int(port))] = (host, int(local_port))
    return names


def main() -> None:
    script, *args = sys.argv[1:]
    sys.argv = [script, *args]
    with cluster_dns(parse(os.environ["E2E_CLUSTER_DNS"])):
        runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
