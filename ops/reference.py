"""Render the configuration reference (docs/configuration.md) from the settings model.

Every field of `Settings` and of its sections becomes one row: dotted name, type, default, the
rule the value must satisfy (a naming rule from settings/rules.py, a numeric bound, the allowed
enum values) and the field's description. Cross-field checks (model validators) and the names
derived from the settings (`Names`) follow each table. Nothing here is written by hand twice:
a validator this module cannot describe is an error, so the reference cannot silently fall
behind the model. tests/repo/test_docs.py fails when the committed file differs from this output.

    .venv/bin/python -m ops.reference            # rewrite docs/configuration.md (make docs)
    .venv/bin/python -m ops.reference --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import enum
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ops.reference_rules import FUNCTION_RULES, MODEL_RULES
from settings import rules
from settings.bucket import BucketSettings
from settings.database import DatabaseSettings
from settings.model import Settings
from settings.names import Names
from settings.paths import REPO_ROOT
from settings.server import ServerSettings

OUTPUT = REPO_ROOT / "docs" / "configuration.md"


class ReferenceError(Exception):
    """The model has something this module cannot describe: extend FUNCTION_RULES/MODEL_RULES."""


@dataclass(frozen=True)
class Row:
    name: str
    type: str
    default: str
    rule: str
    description: str


@dataclass(frozen=True)
class Section:
    path: str  # "" for the top level, else the dotted field name
    model: type[BaseModel]
    rows: list[Row]
    checks: list[str]


# ---------------------------------------------------------------- walking the model


def sections(model: type[BaseModel] = Settings, path: str = "") -> Iterator[Section]:
    """The model and each nested section, depth first, in declaration order."""
    rows, nested = [], []
    for name, info in model.model_fields.items():
        dotted = f"{path}.{name}" if path else name
        section = _section_model(info.annotation)
        if section is not None:
            # The fields of a list's items: `server.tolerations[].key`.
            is_list = typing.get_origin(_strip_annotated(info.annotation)[0]) is tuple
            nested.append((f"{dotted}[]" if is_list else dotted, section))
        rows.append(_row(dotted, info))
    checks = []
    for validator in model.__pydantic_decorators__.model_validators:
        key = f"{model.__name__}.{validator}"
        if key not in MODEL_RULES:
            raise ReferenceError(f"model validator {key} has no entry in MODEL_RULES")
        checks.append(MODEL_RULES[key])
    yield Section(path=path, model=model, rows=rows, checks=checks)
    for dotted, section in nested:
        yield from sections(section, dotted)


def field_names(model: type[BaseModel] = Settings) -> list[str]:
    """Every dotted field name of the model, sections included."""
    return [row.name for section in sections(model) for row in section.rows]


def _section_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _row(name: str, info: FieldInfo) -> Row:
    section = _section_model(info.annotation)
    return Row(
        name=name,
        type=_type(info.annotation),
        default=_default(info, is_section=section is not None),
        rule=_rule(info.annotation, info.metadata),
        description=_one_line(info.description or (section.__doc__ if section else "") or ""),
    )


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, metadata
    return annotation, []


def _optional_inner(annotation: Any) -> Any | None:
    """X for `X | None`, else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def _type(annotation: Any) -> str:
    annotation, _ = _strip_annotated(annotation)
    inner = _optional_inner(annotation)
    if inner is not None:
        return f"{_type(inner)} or null"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return "any"
    if origin is typing.Literal:
        return "enum"
    if origin is tuple:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"map of {_type(args[0])} to {_type(args[1])}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "section"
        if issubclass(annotation, enum.Enum):
            return "enum"
        simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
        if annotation in simple:
            return simple[annotation]
    raise ReferenceError(f"cannot name the type {annotation!r}")


def _rule(annotation: Any, metadata: list[Any]) -> str:
    annotation, extra = _strip_annotated(annotation)
    parts = [_constraint(item) for item in [*metadata, *extra]]
    inner = _optional_inner(annotation)
    if inner is not None:
        parts.append(_rule(inner, []))
    elif typing.get_origin(annotation) is tuple:
        item = _rule(typing.get_args(annotation)[0], [])
        if item:
            parts.append(f"each item: {item}")
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        parts.append("one of " + ", ".join(f"`{m.value}`" for m in annotation))
    elif typing.get_origin(annotation) is typing.Literal:
        parts.append("one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation)))
    return "; ".join(p for p in parts if p)


def _constraint(item: Any) -> str:
    bounds = {
        annotated_types.Gt: ("gt", ">"),
        annotated_types.Ge: ("ge", ">="),
        annotated_types.Lt: ("lt", "<"),
        annotated_types.Le: ("le", "<="),
    }
    for kind, (attr, symbol) in bounds.items():
        if isinstance(item, kind):
            return f"{symbol} {getattr(item, attr)}"
    if isinstance(item, AfterValidator):
        func = item.func
        rule = getattr(func, "__self__", None)
        if isinstance(rule, rules.Rule):
            return f"`{rule.pattern}` ({rule.description})"
        name = getattr(func, "__name__", repr(func))
        if name in FUNCTION_RULES:
            return FUNCTION_RULES[name]
        raise ReferenceError(f"validator {name} has no entry in FUNCTION_RULES")
    raise ReferenceError(f"cannot describe the constraint {item!r}")


def _default(info: FieldInfo, *, is_section: bool) -> str:
    if info.default_factory is not None:
        if is_section:
            return "(section defaults)"
        return _literal(info.default_factory())  # type: ignore[call-arg]
    if info.default is PydanticUndefined:
        return "required"
    return _literal(info.default)


def _literal(value: Any) -> str:
    """A default as it would be written in the YAML config."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, BaseModel):
        given = value.model_dump(exclude_defaults=True, mode="json")
        return "`{" + ", ".join(f"{k}: {v}" for k, v in given.items()) + "}`"
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (tuple, list)):
        text = "[" + ", ".join(_literal(v).strip("`") for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    elif value == "":
        text = '""'
    else:
        text = str(value)
    return f"`{text}`"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- derived names


def derived_name_templates() -> dict[str, str]:
    """Each derived name as a template over the settings it comes from.

    Names.derive runs on a settings object whose inputs are placeholders (built without
    validation), so the formulas come from the code itself, not from a copy of it.
    """
    placeholders: Any = Settings.model_construct(
        environment="<environment>",
        project_id="<project_id>",
        project_number="<project_number>",
        region="<region>",
        prefix="<prefix>",
        server=ServerSettings.model_construct(
            image=None, image_tag="<server.image_tag>", namespace=None
        ),
        bucket=BucketSettings.model_construct(artifact_prefix="<bucket.artifact_prefix>"),
        database=DatabaseSettings.model_construct(
            database_name="<database.database_name>", user="<database.user>"
        ),
    )
    names = Names.derive(placeholders)
    return {f.name: getattr(names, f.name) for f in fields(names)}


# ---------------------------------------------------------------- rendering


def _cell(text: str) -> str:
    """Markdown for one table cell.

    GitHub splits a row on "|" even inside code spans unless it is escaped, and drops what
    looks like an HTML tag (`<vCPUs>`) outside code spans, so those become entities.
    """
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # even parts lie outside code spans
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|") or " "


def render() -> str:
    out = [
        "<!-- Generated by `make docs` (ops/reference.py) from the settings model (settings/).",
        "     Do not edit: tests/repo/test_docs.py fails when it is stale. -->",
        "",
        "# Configuration reference",
        "",
        "A deployment environment is one file, `config/<environment>.yaml`; `DEPLOY_ENV` picks it",
        "(`dev` when unset) and `DEPLOY_CONFIG_DIR` may point at a folder outside the repository.",
        "The file's stem is the environment's name. Unknown keys are refused with a suggestion,",
        "and every value is checked against the rule below before anything is synthesized.",
        "",
        "Sections:",
        "",
    ]
    all_sections = list(sections())
    for section in all_sections:
        title = section.path or "top level"
        anchor = _anchor(section)
        out.append(f"- [{title}](#{anchor})")
    out.append("- [Derived names](#derived-names)")
    for section in all_sections:
        out += ["", f"## {_heading(section)}", ""]
        doc = _one_line(section.model.__doc__ or "")
        if doc:
            out += [doc, ""]
        out += [
            "| Field | Type | Default | Rule | Description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in section.rows:
            cells = [f"`{row.name}`", row.type, row.default, row.rule, row.description]
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        for check in section.checks:
            out += ["", f"Checked across fields: {check}"]
    out += [
        "",
        "## Derived names",
        "",
        "Both apps read these from `settings.names`; none is set by hand. Placeholders in",
        "angle brackets are the settings above. `server.image` replaces `image` when set, and",
        "`server.namespace` replaces `namespace`.",
        "",
        "| Name | Value |",
        "| --- | --- |",
    ]
    for name, template in derived_name_templates().items():
        # The template inside a code span: no entities (CommonMark shows them verbatim there).
        out.append(f"| `{name}` | {_cell(f'`{template}`')} |")
    return "\n".join(out) + "\n"


def _heading(section: Section) -> str:
    return f"`{section.path}`" if section.path else "Top level"


def _anchor(section: Section) -> str:
    # GitHub's slug of the heading: lowercase, punctuation other than - and _ dropped.
    return re.sub(r"[^\w\- ]", "", _heading(section).lower()).replace(" ", "-")


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/configuration.md.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.output} is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
