"""`make refresh-gcp-lists`: rewrite settings/data/gcp_locations.json from a real project.

    .venv/bin/python -m settings.refresh_gcp_lists [--project P]

Needs gcloud and compute.viewer in the project (a GKE or local environment's will do). Reads
the regions, their standard zones and the predefined machine types with the regions each family
is offered in. Cloud Storage's dual- and multi-regions have no list API: they are kept as they
are (https://cloud.google.com/storage/docs/locations says when one is added).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import re
import subprocess
from collections import defaultdict

from settings.locations import DATA


def _gcloud(*args: str, project: str | None) -> str:
    command = ["gcloud", *args, *([f"--project={project}"] if project else [])]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def refresh(project: str | None) -> dict[str, object]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    zones = _gcloud(
        "compute",
        "zones",
        "list",
        "--filter=status=UP",
        "--format=value(name,region.basename())",
        project=project,
    )
    regions: dict[str, list[str]] = defaultdict(list)
    for line in zones.splitlines():
        zone, region = line.split("\t")
        if re.fullmatch(re.escape(region) + r"-[a-z]", zone):  # AI zones (-ai1a) are hidden
            regions[region].append(zone)
    types = _gcloud(
        "compute",
        "machine-types",
        "list",
        "--format=csv[no-heading](name,isSharedCpu,zone.basename())",
        project=project,
    )
    shared: set[str] = set()
    predefined: set[str] = set()
    family_regions: dict[str, set[str]] = defaultdict(set)
    for name, is_shared, zone in csv.reader(io.StringIO(types)):
        (shared if is_shared == "True" else predefined).add(name)
        family_regions[name.split("-", 1)[0]].add(zone.rsplit("-", 1)[0])
    data.update(
        as_of=datetime.date.today().isoformat(),
        regions={r: sorted(z) for r, z in sorted(regions.items())},
        shared_core_machine_types=sorted(shared),
        machine_types=sorted(predefined),
        machine_family_regions={f: sorted(r) for f, r in sorted(family_regions.items())},
    )
    return dict(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=None)
    args = parser.parse_args()
    data = refresh(args.project)
    DATA.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main()
