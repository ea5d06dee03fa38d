"""Print what a change does to every environment's committed artifacts (`make review`).

    python -m ops.review [--base REF] [--summary-file PATH] [--no-checkov]

Compares cdktf.out/stacks/*/cdk.tf.json and dist/ between REF (default: the merge base with
main) and the working tree, prints a Markdown summary (docs/review.md explains it), appends it
to --summary-file when given ($GITHUB_STEP_SUMMARY in the pull-request workflow), and exits 1
when a data-bearing resource is destroyed or replaced without an acknowledgement the change
adds to .github/data-loss-acknowledged.yaml; 2 on a bad revision or artifact.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ops.review import checkov
from ops.review.acknowledge import new_acknowledgements
from ops.review.render import render
from ops.review.review import Review, compare
from ops.review.sources import (
    ReviewError,
    default_base,
    read_revision,
    read_worktree,
    resolve,
)
from settings import REPO_ROOT


def review(repo: Path, base: str | None, *, run_checkov: bool = True) -> Review:
    if base:
        label = base
    else:
        base = default_base(repo)
        label = f"merge base with main, {base[:12]}"
    commit = resolve(base, repo)
    return compare(
        read_revision(commit, repo),
        read_worktree(repo),
        base=label,
        base_commit=commit,
        acks=new_acknowledgements(commit, repo),
        checkov=checkov.binary(repo),
        checkov_config=repo / ".checkov.yaml",
        run_checkov=run_checkov,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base", default="", help="git ref to compare with (default: merge base with main)"
    )
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--summary-file", type=Path, help="also append the summary to this file")
    parser.add_argument("--no-checkov", action="store_true", help="skip the checkov comparison")
    args = parser.parse_args(argv)
    try:
        result = review(args.repo, args.base.strip() or None, run_checkov=not args.no_checkov)
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render(result)
    print(text, end="")
    if args.summary_file:
        with args.summary_file.open("a", encoding="utf-8") as out:
            out.write(text)
    if result.blocking:
        print(
            f"error: {len(result.blocking)} data-bearing resource(s) would be destroyed or "
            "replaced without an acknowledgement (see the summary)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
