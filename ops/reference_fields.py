"""How ops/reference.py describes one settings field: its type, its rule, its default.

A constraint this module cannot put in words is an error (ReferenceError), so the reference
cannot silently fall behind the model; ops/reference_rules.py holds the words for validators.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import Any

import annotated_types
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ops.reference_rules import FUNCTION_RULES
from settings import rules


class ReferenceError(Exception):
    """The model has something this module cannot describe: extend FUNCTION_RULES/MODEL_RULES."""


def section_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, metadata
    return annotation, []


def optional_inner(annotation: Any) -> Any | None:
    """X for `X | None`, else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def type_name(annotation: Any) -> str:
    annotation, _ = strip_annotated(annotation)
    inner = optional_inner(annotation)
    if inner is not None:
        return f"{type_name(inner)} or null"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return "any"
    if origin is typing.Literal:
        return "enum"
    if origin is tuple:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"map of {type_name(args[0])} to {type_name(args[1])}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "section"
        if issubclass(annotation, enum.Enum):
            return "enum"
        simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
        if annotation in simple:
            return simple[annotation]
    raise ReferenceError(f"cannot name the type {annotation!r}")


def explicit_rule(annotation: Any, metadata: list[Any]) -> str:
    annotation, extra = strip_annotated(annotation)
    parts = [constraint(item) for item in [*metadata, *extra]]
    inner = optional_inner(annotation)
    if inner is not None:
        parts.append(explicit_rule(inner, []))
    elif typing.get_origin(annotation) is tuple:
        item = explicit_rule(typing.get_args(annotation)[0], [])
        if item:
            parts.append(f"each item: {item}")
    elif typing.get_origin(annotation) is dict:
        key, value = (explicit_rule(a, []) for a in typing.get_args(annotation))
        # The value's rule first: detect-secrets' keyword check reads "`secrets`, ...: `...`"
        # (encryption.keys) as a secret's assignment.
        parts += [f"each value: {value}" if value else "", f"each key: {key}" if key else ""]
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        parts.append("one of " + ", ".join(f"`{m.value}`" for m in annotation))
    elif typing.get_origin(annotation) is typing.Literal:
        parts.append("one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation)))
    return "; ".join(p for p in parts if p)


def constraint(item: Any) -> str:
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


def default_text(info: FieldInfo, *, is_section: bool, inherited: Any, missing: str) -> str:
    if info.default_factory is not None:
        if is_section:
            return "(section defaults)"
        return literal(info.default_factory())  # type: ignore[call-arg]
    if info.default is not PydanticUndefined:
        return literal(info.default)
    if inherited is not None:  # filled by the enclosing section's default
        return "(section defaults)" if is_section else literal(inherited)
    return missing


def type_rule(annotation: Any, name: str) -> str:
    """The rule a field's type alone sets, for a field with no constraint beyond it."""
    annotation, _ = strip_annotated(annotation)
    inner = optional_inner(annotation)
    if inner is not None:
        return "`null`, or " + type_rule(inner, name)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple:
        if section_model(args[0]) is not None:
            return f"a list; each item has the fields of {link(name + '[]')} below"
        return "a list; each item " + type_rule(args[0], name)
    if origin is dict:
        return f"a mapping; keys {type_rule(args[0], name)}, values {type_rule(args[1], name)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"the fields of {link(name)} below"
    simple = {
        str: "any string",
        int: "any integer",
        float: "any number",
        bool: "`true` or `false`",
        Any: "any value",
    }
    if annotation in simple:
        return simple[annotation]
    raise ReferenceError(f"no rule for the type {annotation!r} of {name}")


def link(path: str) -> str:
    return f"[`{path}`](#{slug(f'`{path}`')})"


def literal(value: Any) -> str:
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
        text = "[" + ", ".join(literal(v).strip("`") for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    elif value == "":
        text = '""'
    else:
        text = str(value)
    return f"`{text}`"


def one_line(text: str) -> str:
    return " ".join(text.split())


def slug(heading: str) -> str:
    # GitHub's slug of a heading: lowercase, punctuation other than - and _ dropped.
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
