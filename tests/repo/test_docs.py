"""docs/configuration.md is true: it equals what ops/reference.py renders from the model, names
every field with its type, its default (never "required" for a field the config may leave out)
and a rule, renders as written, and the generator refuses a validator it cannot describe."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from pydantic import AfterValidator, BaseModel, field_validator, model_validator

from ops import reference as ref
from ops.reference_rules import DEFAULT_TEXT, FIELD_RULES
from settings import REPO_ROOT, Settings, load_settings
from tests.support.make import (
    MAKE,
    OLD_STAMPS,
)

DOCS = REPO_ROOT / "docs"


def test_configuration_reference_is_up_to_date() -> None:
    committed = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert committed == ref.render(), "docs/configuration.md is stale: run `make docs`"


def test_reference_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "configuration.md"
    assert ref.main(["--check", "--output", str(out)]) == 1  # missing
    out.write_text(ref.render().replace("Google Cloud project id.", "Project."))
    assert ref.main(["--check", "--output", str(out)]) == 1  # edited by hand
    assert ref.main(["--output", str(out)]) == 0
    assert ref.main(["--check", "--output", str(out)]) == 0


def test_reference_names_every_field_with_type_default_and_description() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    names = ref.field_names()
    nested = {
        "network.subnet_cidr",
        "database.tier",
        "cluster.machine_type",
        "server.image_tag",
        "ingress.iap_members",
        "local.oidc_issuer",
    }
    assert nested <= set(names)
    for name in names:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"{name} is missing from docs/configuration.md"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) >= 5, row
        assert cells[1], f"{name}: no type"
        assert cells[2], f"{name}: no default"
        assert cells[3].strip(), f"{name}: no rule"
        assert cells[4].strip(), f"{name}: no description"


def test_reference_shows_rules_bounds_and_enums() -> None:
    rows = {row.name: row for section in ref.sections() for row in section.rows}
    from settings import rules

    assert rules.PROJECT_ID.pattern in rows["project_id"].rule
    assert rules.PROJECT_ID.description in rows["project_id"].rule
    assert rows["database.disk_size_gb"].rule == ">= 10; <= 65536"
    assert rows["server.replicas"].rule == "> 0"
    assert "`POSTGRES_17`" in rows["database.version"].rule
    assert rows["ingress.iap_members"].rule.startswith("each principal once")
    assert "each item: an IAM principal by its type" in rows["ingress.iap_members"].rule
    assert rows["project_id"].default == "required"
    assert rows["server.namespace"].type == "string or null"
    assert "RFC 1918" in rows["network.pods_cidr"].rule


def test_every_row_states_a_rule() -> None:
    """A field with no constraint beyond its type says what its type allows."""
    rows = {row.name: row for section in ref.sections() for row in section.rows}
    empty = [name for name, row in rows.items() if not row.rule.strip()]
    assert not empty, f"rows without a rule: {empty}"
    assert rows["existing_cluster.manage_host_firewall"].rule == "`true` or `false`"
    assert rows["network"].rule == "the fields of [`network`](#network) below"
    assert rows["existing_cluster"].rule.startswith("`null`, or the fields of")
    assert "[`server.tolerations[]`](#servertolerations)" in rows["server.tolerations"].rule
    # @field_validator methods and checks across fields are on the row they constrain.
    assert "6 to 20 digits" in rows["auth.project_number"].rule
    assert "`NO_PERMISSIONS` is refused" in rows["auth.port_forward_permission"].rule
    assert "region, or one of its zones" in rows["cluster.location"].rule
    assert rows["encryption.keys"].rule.startswith("each value: `projects/")
    assert "each key: one of `database`" in rows["encryption.keys"].rule
    assert set(FIELD_RULES) <= set(rows), set(FIELD_RULES) - set(rows)
    assert set(DEFAULT_TEXT) <= set(rows), set(DEFAULT_TEXT) - set(rows)


def _left_out(raw: Any, value: BaseModel, path: str = "") -> Iterator[str]:
    """The dotted fields a loaded section has a value for that its config text left out."""
    given = raw if isinstance(raw, dict) else {}
    for name in type(value).model_fields:
        dotted = f"{path}.{name}" if path else name
        if name not in given:
            yield dotted
        field = getattr(value, name)
        if isinstance(field, BaseModel):
            yield from _left_out(given.get(name), field, dotted)
        elif name in given and isinstance(field, tuple):
            # Only the items the config writes: a default list's items are not field defaults.
            for item, raw_item in zip(field, given[name], strict=True):
                if isinstance(item, BaseModel):
                    yield from _left_out(raw_item, item, f"{dotted}[]")


CONFIG_FOLDERS = (REPO_ROOT / "tests" / "configs", REPO_ROOT / "examples" / "config")


def test_no_field_the_config_may_leave_out_reads_required() -> None:
    """Every field that got a value without the config naming it, in every test and example
    config, shows that default (its own, its section's, or the loader's), never "required"."""
    rows = {row.name: row for section in ref.sections() for row in section.rows}
    left_out: set[str] = set()
    for folder in CONFIG_FOLDERS:
        for path in sorted(folder.glob("*.yaml")):
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            left_out |= set(_left_out(raw, load_settings(path.stem, folder=folder)))
    assert {"environment", "server.resources.server.requests", "network.subnet_cidr"} <= left_out
    assert "existing_cluster.private_services.create" in left_out  # inside optional sections
    shown = {name: rows[name].default for name in left_out}
    wrong = {name: default for name, default in shown.items() if default.startswith("required")}
    assert not wrong, f"defaulted fields shown as required: {wrong}"
    assert "768Mi" in rows["server.resources.server.requests"].default
    assert rows["server.resources.server"].default == "(section defaults)"
    assert rows["garbage_collection.resources.limits"].default == "`{memory: 512Mi}`"
    # What has no default says where it is required.
    assert rows["existing_cluster.name"].default == "required in the section"
    assert rows["server.topology_spread[].topology_key"].default == "required in each item"


def test_reference_renders_the_derived_names_the_code_derives(gke_settings: Settings) -> None:
    """Fill the templates with dev's inputs: the result must be dev's real names."""
    s = gke_settings
    inputs = {
        "<environment>": s.environment,
        "<project_id>": s.project_id,
        "<project_number>": str(s.project_number),
        "<region>": s.region,
        "<prefix>": s.prefix,
        "<server.image_tag>": s.server.image_tag,
        "<bucket.artifact_prefix>": s.bucket.artifact_prefix,
        "<database.database_name>": s.database.database_name,
        "<database.user>": s.database.user,
    }
    filled = {}
    for name, template in ref.derived_name_templates().items():
        for placeholder, value in inputs.items():
            template = template.replace(placeholder, value)
        filled[name] = template
    assert filled == dataclasses.asdict(s.names)


def test_reference_refuses_a_validator_it_cannot_describe() -> None:
    def _even(value: int) -> int:
        if value % 2:
            raise ValueError("odd")
        return value

    class Undocumented(BaseModel):
        count: Annotated[int, AfterValidator(_even)] = 2

    with pytest.raises(ref.ReferenceError, match="_even"):
        list(ref.sections(Undocumented))

    class CrossField(BaseModel):
        a: int = 1

        @model_validator(mode="after")
        def _check(self) -> CrossField:
            return self

    with pytest.raises(ref.ReferenceError, match=r"CrossField\._check"):
        list(ref.sections(CrossField))

    class FieldCheck(BaseModel):
        name: str = "a"

        @field_validator("name")
        @classmethod
        def _lower(cls, value: str) -> str:
            return value

    with pytest.raises(ref.ReferenceError, match=r"FieldCheck\._lower"):
        list(ref.sections(FieldCheck))


@pytest.mark.integration
def test_make_docs_runs_the_generator() -> None:
    out = subprocess.run(
        [MAKE, "-n", *OLD_STAMPS, "docs"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".venv/bin/python -m ops.reference" in out


def test_the_configuration_reference_renders_as_written() -> None:
    """Rendered by a CommonMark renderer with GitHub's tables, the reference shows no entity
    (`&lt;prefix&gt;`) where a reader should see `<prefix>`, and every table row keeps its
    five cells (an unescaped `|` in a regular expression would split one)."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    html = (
        MarkdownIt("commonmark")
        .enable("table")
        .render((DOCS / "configuration.md").read_text(encoding="utf-8"))
    )

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.chunks: list[str] = []
            self.rows: list[int] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                self.rows.append(0)
            elif tag in ("td", "th") and self.rows:
                self.rows[-1] += 1

        def handle_data(self, data: str) -> None:
            self.chunks.append(data)

    parser = Text()
    parser.feed(html)
    text = "".join(parser.chunks)
    for entity in ("&lt;", "&gt;", "&amp;", "&#"):
        assert entity not in text, f"the rendered reference shows {entity!r}"
    assert "<prefix>-<environment>" in text
    assert parser.rows
    assert all(cells in (2, 5) for cells in parser.rows), set(parser.rows)
