"""The server image's Dockerfile and build context as the tests read them.

There is no Docker engine here: the instructions are parsed from the text, and the context is
what docker-py's implementation of Docker's .dockerignore rules (the last matching line
decides; `*` stops at `/`; a pattern that matches a folder matches what is in it) admits.
"""

from __future__ import annotations

from pathlib import Path

from docker.utils.build import exclude_paths

from settings import REPO_ROOT

SERVER_DIR = REPO_ROOT / "mlflow_server"
DOCKERFILE = SERVER_DIR / "Dockerfile"
DOCKERIGNORE = SERVER_DIR / ".dockerignore"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    current = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        current += " " + line.removesuffix("\\").strip() if current else line.removesuffix("\\")
        if not raw.rstrip().endswith("\\"):
            word, _, rest = current.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def copy_sources() -> list[str]:
    """The context paths that the Dockerfile's COPY instructions read (not `--from` a stage)."""
    sources: list[str] = []
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            *paths, _destination = args.split()
            sources += paths
    return sources


def ignore_rules(text: str | None = None) -> list[str]:
    """The patterns of .dockerignore (or of `text`), comments and blank lines dropped."""
    lines = (DOCKERIGNORE.read_text() if text is None else text).splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def build_context(rules: list[str]) -> set[str]:
    """The files under mlflow_server/, as they are on disk now, that the build context holds
    under `rules` (paths relative to the folder)."""
    admitted = exclude_paths(str(SERVER_DIR), list(rules))
    return {p for p in admitted if (SERVER_DIR / p).is_file()}


def missing_sources(rules: list[str], files: list[Path]) -> list[str]:
    """The COPY sources that would fail or be incomplete: `files` (the tracked ones) under a
    source that the context under `rules` lacks."""
    context = build_context(rules)
    missing = []
    for source in copy_sources():
        wanted = [f for f in files if f == SERVER_DIR / source or SERVER_DIR / source in f.parents]
        if not wanted or any(str(f.relative_to(SERVER_DIR)) not in context for f in wanted):
            missing.append(source)
    return missing
