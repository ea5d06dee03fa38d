"""Fake `kubectl` and `gcloud` on PATH for the ops commands' tests: each logs its argv (one JSON
list a line) and answers from a scenario (a dict of "tool:word&word" -> stdout, or an int exit
code; the first key whose words all appear in the arguments wins)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from settings import REPO_ROOT

FAKE = """#!{python}
import json, os, sys
args = sys.argv[1:]
name = os.path.basename(sys.argv[0])
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps([name, *args]) + "\\n")
answers = json.load(open(os.environ["FAKE_ANSWERS"]))
tokens = [a for a in args if chr(10) not in a]  # not the script that exec runs
for key, answer in answers.items():
    tool, _, words = key.partition(":")
    if tool == name and all(any(w in t for t in tokens) for w in words.split("&")):
        if isinstance(answer, int):
            sys.exit(answer)
        print(answer)
        sys.exit(0)
"""


def run_with_fakes(
    tmp_path: Path, module: str, answers: Mapping[str, object], *, deploy_env: str = "dev"
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """`python -m <module> --kubectl="kubectl --context ctx"` with the fakes; its result and
    the fakes' calls in order."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("kubectl", "gcloud"):
        fake = bin_dir / tool
        fake.write_text(FAKE.format(python=sys.executable))
        fake.chmod(0o755)
    log, answers_file = tmp_path / "log", tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers))
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DEPLOY_ENV": deploy_env,
        "FAKE_LOG": str(log),
        "FAKE_ANSWERS": str(answers_file),
    }
    proc = subprocess.run(
        [sys.executable, "-m", module, "--kubectl=kubectl --context ctx"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    return proc, calls
