"""Render the configuration reference (docs/configuration.md) from the settings model.

Every field of `Settings` and of its sections becomes one row: dotted name, type, default, the
rule the value must satisfy (a naming rule from settings/rules.py, a numeric bound, the allowed
enum values, what a validator enforces, else what the type allows) and the field's description.
The default is the value the config gets when it leaves the field out, a section's default
included (ops/reference_fields.py describes one field). Cross-field checks (model validators)
and the names derived from the settings (`Names`) follow each table. Nothing here is written
by hand twice: a validator this module cannot describe is an error, so the reference cannot
silently fall behind the model. tests/repo/test_docs.py fails when the committed file differs
from this output.

    .venv/bin/python -m ops.reference            # rewrite docs/configuration.md (make docs)
    .venv/bin/python -m ops.reference --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ops.reference_fields import (
    ReferenceError,
    default_text,
    explicit_rule,
    one_line,
    section_model,
    slug,
    strip_annotated,
    type_name,
    type_rule,
)
from ops.reference_rules import DEFAULT_TEXT, FIELD_RULES, FIELD_VALIDATOR_RULES, MODEL_RULES
from settings.bucket import BucketSettings
from settings.database import DatabaseSettings
from settings.model import Settings
from settings.names import Names
from settings.paths import REPO_ROOT
from settings.server import ServerSettings

OUTPUT = REPO_ROOT / "docs" / "configuration.md"

__all__ = ["ReferenceError", "derived_name_templates", "field_names", "main", "render", "sections"]


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


def sections(
    model: type[BaseModel] = Settings,
    path: str = "",
    defaults: BaseModel | None = None,
    missing: str = "required",
) -> Iterator[Section]:
    """The model and each nested section, depth first, in declaration order.

    `defaults` is the section's value when the config leaves it out (None when it has none:
    the top level, an optional section, a list's items), so a field the section's default
    fills (`server.resources.server.requests`) shows that value rather than "required";
    `missing` is what a field without any default reads as.
    """
    validated = _field_validator_rules(model)
    rows: list[Row] = []
    nested: list[tuple[str, type[BaseModel], BaseModel | None, str]] = []
    for name, info in model.model_fields.items():
        dotted = f"{path}.{name}" if path else name
        inherited = getattr(defaults, name) if defaults is not None else None
        section = section_model(info.annotation)
        if section is not None:
            # The fields of a list's items: `server.tolerations[].key`.
            is_list = typing.get_origin(strip_annotated(info.annotation)[0]) is tuple
            if is_list:
                nested.append((f"{dotted}[]", section, None, "required in each item"))
            else:
                given = inherited if defaults is not None else _section_default(info)
                nested.append((dotted, section, given, "required in the section"))
        rows.append(_row(dotted, info, inherited, missing, validated.get(name, [])))
    checks = []
    for validator in model.__pydantic_decorators__.model_validators:
        key = f"{model.__name__}.{validator}"
        if key not in MODEL_RULES:
            raise ReferenceError(f"model validator {key} has no entry in MODEL_RULES")
        checks.append(MODEL_RULES[key])
    yield Section(path=path, model=model, rows=rows, checks=checks)
    for dotted, section, given, absent in nested:
        yield from sections(section, dotted, given, absent)


def _section_default(info: FieldInfo) -> BaseModel | None:
    """A section field's own default value, when it has one."""
    factory = info.default_factory
    value = factory() if factory is not None else info.default  # type: ignore[call-arg]
    return value if isinstance(value, BaseModel) else None


def _field_validator_rules(model: type[BaseModel]) -> dict[str, list[str]]:
    """What the model's @field_validator methods enforce, per field name."""
    found: dict[str, list[str]] = {}
    for name, decorator in model.__pydantic_decorators__.field_validators.items():
        key = f"{model.__name__}.{name}"
        if key not in FIELD_VALIDATOR_RULES:
            raise ReferenceError(f"field validator {key} has no entry in FIELD_VALIDATOR_RULES")
        for field in decorator.info.fields:
            found.setdefault(field, []).append(FIELD_VALIDATOR_RULES[key])
    return found


def field_names(model: type[BaseModel] = Settings) -> list[str]:
    """Every dotted field name of the model, sections included."""
    return [row.name for section in sections(model) for row in section.rows]


def _row(name: str, info: FieldInfo, inherited: Any, missing: str, validated: list[str]) -> Row:
    section = section_model(info.annotation)
    explicit = [explicit_rule(info.annotation, info.metadata), *validated]
    explicit.append(FIELD_RULES.get(name, ""))
    return Row(
        name=name,
        type=type_name(info.annotation),
        default=DEFAULT_TEXT.get(name)
        or default_text(info, is_section=section is not None, inherited=inherited, missing=missing),
        rule="; ".join(p for p in explicit if p) or type_rule(info.annotation, name),
        description=one_line(info.description or (section.__doc__ if section else "") or ""),
    )


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
        doc = one_line(section.model.__doc__ or "")
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
    return slug(_heading(section))


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
