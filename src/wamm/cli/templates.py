"""`wamm templates list|show|create|delete`: a WABA's message templates; `review|quality|category|
unarchive`: what Meta decides about them, played on a running wamm (its control API)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.pretty import Pretty
from rich.table import Table

from wamm.cli.common import (
    CliCommand,
    CommandError,
    Graph,
    UsageError,
    Wamm,
    compact,
    graph_command,
    wamm_command,
)
from wamm.client import BidSpec, Client, Template, TemplateDefinition, TemplateQuery
from wamm.core.seed import SeedFileError
from wamm.core.seed import load_file as load_seed

app = typer.Typer(
    help="List, show, create and delete message templates; play Meta's decisions about them.",
    no_args_is_help=True,
)

DEFINITION_KEYS = tuple(f.name for f in dataclasses.fields(TemplateDefinition))
SHOW_FIELDS = (
    "name",
    "language",
    "category",
    "sub_category",
    "status",
    "components",
    "parameter_format",
    "message_send_ttl_seconds",
    "quality_score",
    "rejected_reason",
    "degrees_of_freedom_spec",
    "bid_spec",
)


@app.command("list", cls=CliCommand)
@graph_command
def list_templates(
    graph: Graph,
    status: Annotated[list[str] | None, typer.Option(help="APPROVED, PENDING, ...")] = None,
    category: Annotated[list[str] | None, typer.Option(help="MARKETING, UTILITY, ...")] = None,
    language: Annotated[list[str] | None, typer.Option(help="en_US, pt_BR, ...")] = None,
    name: Annotated[str | None, typer.Option(help="Names containing this text.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
) -> None:
    """List the WABA's templates, newest first (every page)."""
    query = TemplateQuery(
        status=status or (), category=category or (), language=language or (), name=name
    )
    with graph.client() as client:
        templates = []
        for template in client.iter_templates(graph.waba(), query):
            templates.append(template)
            if limit is not None and len(templates) >= limit:
                break
    graph.output.result(templates, lambda console: _table(console, templates))


def _table(console: Console, templates: list[Template]) -> None:
    table = Table("name", "language", "category", "status", "id")
    for t in templates:
        table.add_row(t.name, t.language, t.category, t.status, t.id)
    console.print(table)
    console.print(f"{len(templates)} template(s)")


@app.command("show", cls=CliCommand)
@graph_command
def show(
    graph: Graph,
    template: Annotated[str, typer.Argument(help="Template name, or id.")],
    language: Annotated[str | None, typer.Option(help="The language, for a name.")] = None,
) -> None:
    """Show one template: status, category, components, quality, creative features..."""
    with graph.client() as client:
        is_id = template.isdigit()
        template_id = template if is_id else _id_of(client, graph.waba(), template, language)
        found = client.get_template(template_id, fields=SHOW_FIELDS)
    graph.output.result(found, lambda console: console.print(Pretty(compact(found))))


def _id_of(client: Client, waba_id: str, name: str, language: str | None) -> str:
    query = TemplateQuery(name=name, language=[language] if language else ())
    for found in client.iter_templates(waba_id, query):
        if found.name == name:
            return found.id
    in_language = f" in {language}" if language else ""
    raise CommandError(f"no template named {name!r}{in_language} in WABA {waba_id}")


@app.command("create", cls=CliCommand)
@graph_command
def create(
    graph: Graph,
    definition: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="YAML or JSON: name, language, category, components"
        ),
    ],
) -> None:
    """Create a template from a file (checked locally first, like the API does)."""
    built = _definition(definition)
    with graph.client() as client:
        created = client.create_template(graph.waba(), built)
    graph.output.result(
        {"name": built.name, **compact(created)},
        lambda console: console.print(
            f"created [bold]{built.name}[/] ({built.language}): id {created.id}, "
            f"status {created.status}, category {created.category}"
        ),
    )


def _definition(path: Path) -> TemplateDefinition:
    try:
        document = load_seed(path, "template definition")
    except SeedFileError as error:
        raise UsageError(str(error)) from None
    unknown = sorted(set(document) - set(DEFINITION_KEYS))
    if unknown:
        raise UsageError(f"unknown keys {unknown}; a definition has {list(DEFINITION_KEYS)}")
    values: dict[str, Any] = dict(document)
    if isinstance(values.get("bid_spec"), dict):
        values["bid_spec"] = BidSpec(**values["bid_spec"])
    try:
        return TemplateDefinition(**values)
    except TypeError as error:
        raise UsageError(f"{path}: {error}") from None


@app.command("delete", cls=CliCommand)
@graph_command
def delete(
    graph: Graph,
    name: Annotated[str, typer.Argument(help="Template name (every language of it).")],
    template_id: Annotated[
        str | None, typer.Option("--id", help="Delete only this one (its id).")
    ] = None,
) -> None:
    """Delete a template: every language of NAME, or only the one with --id."""
    with graph.client() as client:
        answer = client.delete_template(graph.waba(), name=name, hsm_id=template_id)
    graph.output.result(
        {"name": name, **compact(answer)},
        lambda console: console.print(f"deleted [bold]{name}[/]"),
    )


TemplateIdArgument = Annotated[str, typer.Argument(help="The template's id.")]


def _decided(wamm: Wamm, answer: dict[str, Any]) -> None:
    line = (
        f"template {answer['id']}: {answer['status']}, {answer['category']}, "
        f"quality {answer['quality_score']}"
    )
    wamm.output.result(answer, lambda console: console.print(line))


@app.command("review", cls=CliCommand)
@wamm_command
def review(
    wamm: Wamm,
    template_id: TemplateIdArgument,
    decision: Annotated[str, typer.Option(help="APPROVED or REJECTED.")],
    reason: Annotated[
        str | None,
        typer.Option(help="Meta's rejection reason, e.g. PROMOTIONAL.", show_default=False),
    ] = None,
) -> None:
    """Decide a PENDING template (manual review mode); wamm only."""
    _decided(wamm, wamm.control.review_template(template_id, decision, reason))


@app.command("quality", cls=CliCommand)
@wamm_command
def quality(
    wamm: Wamm,
    template_id: TemplateIdArgument,
    score: Annotated[str, typer.Option(help="GREEN, YELLOW or RED.")],
) -> None:
    """Rate the template (RED pauses an approved template); wamm only."""
    _decided(wamm, wamm.control.set_template_quality(template_id, score))


@app.command("category", cls=CliCommand)
@wamm_command
def category(
    wamm: Wamm,
    template_id: TemplateIdArgument,
    new_category: Annotated[str, typer.Option("--category", help="MARKETING, UTILITY, ...")],
    notice: Annotated[
        bool, typer.Option(help="Announce it 24 hours ahead, as Meta's automated process does.")
    ] = False,
) -> None:
    """Recategorise the template (`template_category_update`); wamm only."""
    _decided(wamm, wamm.control.recategorise_template(template_id, new_category, notice=notice))


@app.command("unarchive", cls=CliCommand)
@wamm_command
def unarchive(wamm: Wamm, template_id: TemplateIdArgument) -> None:
    """Approve an ARCHIVED template again (event UNARCHIVED); wamm only."""
    _decided(wamm, wamm.control.unarchive_template(template_id))
