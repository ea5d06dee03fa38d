"""Run a pod that dist/ describes on this machine, with stand-ins for what GKE provides.

The Deployment's init container `db-migrate` and container `mlflow` (or a CronJob's) run as
processes with the command, args and environment written in the manifests: env `value`s,
`configMapKeyRef`s and `envFrom.configMapRef`s are resolved from the ConfigMaps, secret values
come from the caller, and every volumeMount's mountPath is mapped to a temporary folder (env
values and args that start with a mountPath are rewritten to it). The stand-ins the containers
reach are started by the caller: PostgreSQL where the pod's Cloud SQL Auth Proxy would listen
(tests/support/postgres.py) and the GCS emulator (tests/support/gcs.py), passed in as
STORAGE_EMULATOR_HOST.

Nothing here is a hand-written copy of the server's configuration: change the manifests and
the processes change with them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.container import RunningContainer
from tests.support.manifests import Manifests, expand, pod_template

# The image's entry point, `mlflow-entrypoint` on its PATH: here the same console script, which
# `make install` puts beside this interpreter, through a wrapper in the pod's bin folder (the only
# place that finds it).
IMAGE_BIN = Path(sys.executable).parent
ENTRYPOINT = IMAGE_BIN / "mlflow-entrypoint"


def install_entrypoint(bin_folder: Path, image_bin: Path = IMAGE_BIN) -> None:
    """Put `mlflow-entrypoint` in bin_folder, which comes first on the containers' PATH."""
    wrapper = bin_folder / "mlflow-entrypoint"
    wrapper.write_text(f'#!/bin/sh\nexec "{image_bin / "mlflow-entrypoint"}" "$@"\n')
    wrapper.chmod(0o755)


# The image's ENV (mlflow_server/Dockerfile), minus PATH, which the harness builds.
IMAGE_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "HOME": "/tmp"}
IMAGE_ENTRYPOINT = ["mlflow-entrypoint"]


def kek_document(
    passphrase: str, version: int = 1, previous: Mapping[int, str] | None = None
) -> str:
    """The KEK passphrase file as infra/kek.py's Secret Manager secret holds it."""
    older = [{"version": v, "passphrase": p} for v, p in sorted((previous or {}).items())]
    return json.dumps({"version": version, "passphrase": passphrase, "previous": older})


@dataclass
class Container:
    """One container of the pod, resolved to a process: argv, environment, mounted folders."""

    name: str
    argv: list[str]
    env: dict[str, str]
    spec: dict[str, Any]

    def probe(self, kind: str) -> dict[str, Any] | None:
        probe = self.spec.get(kind)
        return probe if isinstance(probe, dict) else None


@dataclass
class Pod:
    """A workload's pod template (a Deployment's, a CronJob's), made runnable on this machine."""

    manifests: Manifests
    deployment: dict[str, Any]  # the workload object: a Deployment, Job or CronJob
    secrets: Mapping[tuple[str, str], str]  # (secret name, key) -> value, for secretKeyRef
    files: dict[str, str]  # env var naming a file in a mount -> the file's content
    extra_env: Mapping[str, str]  # stand-ins for what GKE provides (STORAGE_EMULATOR_HOST)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="e2e-pod-")))
    pod_ip: str = "127.0.0.1"
    mounts: dict[str, Path] = field(default_factory=dict)
    # Applied last, for what the harness must change and says so (a remapped DB_PORT).
    overrides: dict[str, str] = field(default_factory=dict)
    # The "image": the venv whose mlflow-entrypoint, mlflow and python the containers run (an
    # older MLflow's, .venv-mlflow-3.17.2/bin, for the upgrade test).
    image_bin: Path = IMAGE_BIN

    def __post_init__(self) -> None:
        self.template = pod_template(self.deployment)
        self.spec = self.template["spec"]
        self.bin = self.root / "bin"
        self.bin.mkdir()
        install_entrypoint(self.bin, self.image_bin)
        volumes = {v["name"]: v for v in self.spec.get("volumes", [])}
        for c in self.spec.get("initContainers", []) + self.spec["containers"]:
            for m in c.get("volumeMounts", []):
                if m["mountPath"] in self.mounts:
                    continue
                if m["name"] not in volumes:
                    raise LookupError(f"{c['name']}: volumeMount {m['name']} has no volume")
                folder = self.root / "volumes" / m["name"]
                folder.mkdir(parents=True, exist_ok=True)
                self.mounts[m["mountPath"]] = folder

    # -- resolution --------------------------------------------------------------------------

    def container_spec(self, name: str) -> dict[str, Any]:
        for c in self.spec.get("initContainers", []) + self.spec["containers"]:
            if c["name"] == name:
                return dict(c)
        raise LookupError(f"no container {name!r} in the {self.deployment.get('kind', 'workload')}")

    def _host_path(self, value: str) -> str:
        """A value (or an `--option=value`) naming a path in a mount, rewritten to its folder."""
        head, sep, path = ("", "", value)
        if value.startswith("-") and "=" in value:
            head, sep, path = value.partition("=")
        for mount in sorted(self.mounts, key=len, reverse=True):
            if path == mount or path.startswith(mount.rstrip("/") + "/"):
                return head + sep + str(self.mounts[mount]) + path[len(mount) :]
        return value

    def _field(self, ref: dict[str, Any]) -> str:
        path = ref["fieldPath"]
        meta = self.template.get("metadata", {})
        known = {
            "metadata.name": f"{self.deployment['metadata']['name']}-e2e-0",
            "metadata.namespace": self.deployment["metadata"].get("namespace", "default"),
            "status.podIP": self.pod_ip,
            "status.hostIP": "127.0.0.1",
            "spec.nodeName": socket.gethostname(),
            "spec.serviceAccountName": self.spec.get("serviceAccountName", "default"),
        }
        if path in known:
            return known[path]
        m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
        if m:
            return str(meta.get(m[1], {}).get(m[2], ""))
        raise LookupError(f"fieldRef {path} is not supported by the harness")

    def resolve(self, name: str) -> Container:
        spec = self.container_spec(name)
        env: dict[str, str] = {}
        for source in spec.get("envFrom", []):
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                data = self.manifests.config_map(source["configMapRef"]["name"])
            elif "secretRef" in source:
                wanted = source["secretRef"]["name"]
                data = {k: v for (s, k), v in self.secrets.items() if s == wanted}
            else:
                raise LookupError(f"{name}: unsupported envFrom {source}")
            env.update({prefix + k: v for k, v in data.items()})
        for item in spec.get("env", []):
            if "value" in item:
                env[item["name"]] = expand(str(item["value"]), env)
            elif "valueFrom" in item:
                src = item["valueFrom"]
                if "configMapKeyRef" in src:
                    ref = src["configMapKeyRef"]
                    data = self.manifests.config_map(ref["name"])
                    if ref["key"] not in data:
                        if ref.get("optional"):
                            continue
                        raise LookupError(f"{name}: ConfigMap {ref['name']} has no {ref['key']}")
                    env[item["name"]] = data[ref["key"]]
                elif "secretKeyRef" in src:
                    ref = src["secretKeyRef"]
                    env[item["name"]] = self.secrets[(ref["name"], ref["key"])]
                elif "fieldRef" in src:
                    env[item["name"]] = self._field(src["fieldRef"])
                else:
                    raise LookupError(f"{name}: unsupported valueFrom {src}")
            else:
                env[item["name"]] = ""
        env = {k: self._host_path(v) for k, v in env.items()}
        command = spec.get("command") or IMAGE_ENTRYPOINT
        args = spec.get("args", []) if "command" in spec or "args" in spec else []
        argv = [self._host_path(expand(str(a), env)) for a in [*command, *args]]
        tmp = self.mounts.get("/tmp")
        base = {
            **IMAGE_ENV,
            # The image's PATH: its bin folder (mlflow-entrypoint, mlflow, python) first.
            "PATH": f"{self.bin}{os.pathsep}{self.image_bin}{os.pathsep}/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        if tmp is not None:
            # In the container /tmp is the emptyDir; here the same folder backs HOME and TMPDIR.
            base["HOME"] = str(tmp)
            base["TMPDIR"] = str(tmp)
        return Container(
            name=name, argv=argv, env={**base, **self.extra_env, **env, **self.overrides}, spec=spec
        )

    def write_files(self, container: Container) -> None:
        """Put the test's secret contents where the container's env says they are mounted."""
        for var, content in self.files.items():
            if var in container.env:
                path = Path(container.env[var])
                if not any(path.is_relative_to(p) for p in self.mounts.values()):
                    raise AssertionError(f"{var}={path} is not inside a volumeMount")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
                path.chmod(0o400)

    # -- processes ---------------------------------------------------------------------------

    def run_to_completion(
        self, name: str, *, timeout: float = 180, wrapper: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        """Run an init container's process to its end (`wrapper`: e.g. /usr/bin/time -f)."""
        container = self.resolve(name)
        self.write_files(container)
        return subprocess.run(
            [*wrapper, *container.argv],
            env=container.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, name: str) -> RunningContainer:
        container = self.resolve(name)
        self.write_files(container)
        return RunningContainer.start(container, self.root / "logs")

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
