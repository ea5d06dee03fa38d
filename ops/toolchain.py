"""Make jsii use the project's Node.js (24 LTS from .venv), whichever shell started Python.

jsii starts `node` from PATH unless JSII_NODE names one. Outside `make` (a bare
`npx cdktf synth`, an IDE's test runner) PATH may hold the machine's end-of-life Node 20, whose
banner jsii prints on every synth. Imported by infra/ and k8s/ before they import any jsii
library. Also turns off the CLIs' update checks, which fail noisily without internet.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def prefer_project_node() -> None:
    node = Path(sys.prefix) / "bin" / "node"
    if node.is_file():
        os.environ.setdefault("JSII_NODE", str(node))
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    os.environ.setdefault("CDK8S_CHECK_UPGRADE", "false")
