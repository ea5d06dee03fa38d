"""Load `config/<env>.yaml` into a validated, frozen `Settings`."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from settings import rules
from settings.errors import ConfigError
from settings.model import Settings
from settings.paths import CONFIG_DIR, DIST, REPO_ROOT

DEFAULT_ENV = "dev"


def manifests_dir(settings: Settings) -> Path:
    """dist/ holds the default environment (committed); others go to git-ignored dist/<env>/.

    Here rather than in k8s/ so that the Makefile reads it without starting jsii.
    """
    return DIST if settings.environment == DEFAULT_ENV else DIST / settings.environment


def config_dir() -> Path:
    """config/, or the folder DEPLOY_CONFIG_DIR names (configs kept outside the repository)."""
    return Path(os.environ.get("DEPLOY_CONFIG_DIR") or CONFIG_DIR)


def selected_env() -> str:
    """The environment DEPLOY_ENV names, `dev` when unset or empty."""
    return os.environ.get("DEPLOY_ENV", "").strip() or DEFAULT_ENV


def config_path(env: str, folder: Path | None = None) -> Path:
    folder = folder or config_dir()
    try:
        rules.ENVIRONMENT.check(env)
    except ValueError as exc:
        raise ConfigError(f"DEPLOY_ENV: {exc}") from None
    path = folder / f"{env}.yaml"
    if not path.is_file():
        if (folder / f"{env}.yml").is_file():
            raise ConfigError(_rename(folder / f"{env}.yml"))
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        raise ConfigError(
            f"DEPLOY_ENV={env!r}: no config file {_shown(path)} "
            f"(known environments: {', '.join(known) or 'none'})"
        )
    return path


def _rename(path: Path) -> str:
    # One spelling: every command, message and CI filter names config/<env>.yaml, and two
    # spellings would let dev.yml and dev.yaml both claim the environment dev.
    return (
        f"{_shown(path)}: config files end in .yaml: rename it to {path.stem}.yaml "
        f"(git mv {_shown(path)} {_shown(path.with_suffix('.yaml'))})"
    )


def misnamed_configs(folder: Path | None = None) -> list[str]:
    """A message per config file spelled .yml, which no command would read."""
    return [_rename(p) for p in sorted((folder or config_dir()).glob("*.yml"))]


def config_source(env: str | None = None, folder: Path | None = None) -> str:
    """The environment's config file as messages name it (relative to the repository)."""
    return _shown(config_path(env or selected_env(), folder))


def load_settings(env: str | None = None, folder: Path | None = None) -> Settings:
    """Read and validate one environment's settings; raise ConfigError on any bad input."""
    env = env or selected_env()
    path = config_path(env, folder)
    return parse_settings(path.read_text(encoding="utf-8"), env=env, source=_shown(path))


class _DuplicateKey(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _refuse_duplicate_keys(
    node: yaml.Node | None, path: str = "", done: set[int] | None = None
) -> None:
    """YAML lets a later key replace an earlier one silently (a second `ingress:` appended to
    the file would drop every IAP grant of the first): refuse it, at any depth."""
    done = set() if done is None else done
    if id(node) in done:  # an alias: its anchor's node, checked once (and no endless recursion)
        return
    done.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _refuse_duplicate_keys(item, f"{path}[{i}]", done)
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[object, int] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            name = f"{path}.{key.value}" if path else key.value
            line = key.start_mark.line + 1
            if key.value in seen:
                raise _DuplicateKey(
                    f"line {line} column {key.start_mark.column + 1}: key {name!r} is already "
                    f"set on line {seen[key.value]}; "
                    "YAML would keep only the last one: merge the two into one"
                )
            seen[key.value] = line
            _refuse_duplicate_keys(value, name, done)
        else:
            _refuse_duplicate_keys(value, path, done)


def parse_settings(text: str, *, env: str, source: str) -> Settings:
    try:
        _refuse_duplicate_keys(yaml.compose(text, Loader=yaml.SafeLoader))
        data: Any = yaml.safe_load(text)
    except _DuplicateKey as exc:
        raise ConfigError(f"{source}: {exc.message}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" line {where.line + 1} column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}:{at}: not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of settings, got {type(data).__name__}"
        )
    if "environment" in data:
        raise ConfigError(
            f"{source}: field 'environment' is set by the file name ({env}); remove it"
        )
    try:
        return Settings.model_validate({**data, "environment": env})
    except ValidationError as exc:
        raise ConfigError(_format(exc, source)) from None


# pydantic's error types, said in the project's words (the value itself is appended).
_PLAIN = {
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value lines)",
    "string_type": "must be text (quote it)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number, not a fraction",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "model_type": "must be a section (indented key: value lines)",
    "model_attributes_type": "must be a section (indented key: value lines)",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _message(err: Any) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        return f"unknown setting (not a field of the settings model{_did_you_mean(err['loc'])})"
    if kind == "missing":
        return "required setting is missing"
    if kind in _PLAIN:
        return f"{_PLAIN[kind]}, got {got!r}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}, got {got!r}"
    if kind in ("enum", "literal_error"):
        return f"must be one of {ctx['expected']}, got {got!r}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error" or "must match" in msg:
        return msg
    return f"{msg}, got {got!r}"


def _format(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"])
        # A check across fields has no one location: its message names the fields itself.
        lines.append(
            f"{source}: {field}: {_message(err)}" if field else f"{source}: {_message(err)}"
        )
    return "\n".join(lines)


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    model: Any = Settings
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(part)
        annotation = getattr(field, "annotation", None)
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        model = next((c for c in candidates if hasattr(c, "model_fields")), None)
    known = list(getattr(model, "model_fields", {}))
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"


def _shown(path: Path) -> str:
    """A path relative to the repository when it lies inside it: messages stay short."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
