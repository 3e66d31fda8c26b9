"""`wamm campaign`: one template to every recipient of a CSV file, paced, concurrent,
resumable, with live counts, a summary and a JSON / CSV report (see docs/cli.md)."""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from wamm.cli.campaign_run import CampaignRun, CountingRetry, Tally
from wamm.cli.common import (
    EXIT_API,
    EXIT_NETWORK,
    Graph,
    Output,
    UsageError,
    describe,
    graph_command,
)
from wamm.cli.journal import ACCEPTED, FAILED, PENDING, UNRESOLVED, Journal, Outcome
from wamm.cli.recipients import Row, read_recipients
from wamm.cli.sending import (
    Endpoint,
    EndpointOption,
    LanguageOption,
    PolicyOption,
    TemplateOption,
    TemplateSend,
)
from wamm.client import NetworkError, RateLimit, WhatsAppError

REPORT_COLUMNS = (
    "recipient",
    "status",
    "wamid",
    "error_code",
    "error_class",
    "error_message",
    "error_details",
    "fbtrace_id",
)
SIGNAL_EXIT_BASE = 128


@dataclass(frozen=True)
class Plan:
    """A campaign's recipients and what earlier runs did to them."""

    rows: list[Row]
    earlier: dict[str, Outcome]
    retry_failed: bool
    resend_unresolved: bool

    def todo(self) -> list[Row]:
        """The recipients this run sends to."""
        return [row for row in self.rows if self._due(self.earlier.get(row.address))]

    def _due(self, outcome: Outcome | None) -> bool:
        state = outcome.state if outcome is not None else PENDING
        if state == ACCEPTED:
            return False  # never twice
        if state == FAILED:
            return self.retry_failed
        if state == UNRESOLVED:
            return self.resend_unresolved
        return True


@graph_command
def campaign(
    graph: Graph,
    template: TemplateOption,
    recipients: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="CSV with a header: phone (or to) or recipient (BSUID), then template values "
            "(param_1, param_2, ... or variable names; see docs/cli.md).",
        ),
    ],
    language: LanguageOption = "en_US",
    endpoint: EndpointOption = Endpoint.marketing_messages,
    product_policy: PolicyOption = None,
    rate: Annotated[
        float, typer.Option(min=0.01, help="Messages per second (Meta's default throughput: 80).")
    ] = 80.0,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Sends in flight.")] = 8,
    report: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Write a report: FILE.json or FILE.csv."),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            dir_okay=False,
            help="The resumable state (a journal); default: beside --report, else beside the "
            "recipients file, named *.state.jsonl.",
            show_default=False,
        ),
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option(help="Send again to recipients whose earlier send failed.")
    ] = False,
    resend_unresolved: Annotated[
        bool,
        typer.Option(
            help="Send again to recipients whose earlier send may have been accepted (no "
            "answer came back): they may get the message twice."
        ),
    ] = False,
) -> None:
    """Send a template to every recipient of a CSV file. Interrupted (Ctrl-C, SIGTERM), it
    finishes the sends in flight and exits; the same command then resumes where it stopped,
    never sending twice to a recipient already accepted."""
    if report is not None and report.suffix.lower() not in {".json", ".csv"}:
        raise UsageError("the report is FILE.json or FILE.csv", param_hint="--report")
    how = TemplateSend(graph.phone(), template, language, endpoint, product_policy)
    loaded = read_recipients(recipients)
    for path, option in ((report, "--report"), (state, "--state")):
        if path is not None:
            _writable(path, option)
    journal = Journal.open(state or _state_path(report or recipients), _identity(how))
    plan = Plan(loaded.rows, dict(journal.outcomes), retry_failed, resend_unresolved)
    try:
        run, elapsed = _run(graph, how, journal, plan, rate, concurrency)
    finally:
        journal.close()
    summary = _summary(graph.output, plan, journal, run, elapsed)
    summary["duplicate_rows"] = loaded.duplicates
    if report is not None:
        _write_report(report, plan, journal, summary)
    paths = {"state": str(journal.path), "report": report and str(report)}
    _finish(graph.output, {**summary, **paths}, run)


def _finish(output: Output, summary: dict[str, Any], run: CampaignRun) -> None:
    """Show the summary; exit 1 or 3 if an error stopped the run, 128 + signal number if
    a signal did."""
    output.result(summary, lambda console: _print_summary(console, summary))
    if run.halted_by is not None:
        if not output.as_json:
            output.errors.print(f"[bold red]Stopped:[/] {escape(describe(summary['error']))}")
            output.errors.print("fix the cause, then run the same command again to resume")
        raise typer.Exit(_halt_code(run.halted_by))
    if run.interrupted_by is not None:
        raise typer.Exit(SIGNAL_EXIT_BASE + run.interrupted_by)


def _writable(path: Path, option: str) -> None:
    """Make sure `path` can be written before anything is sent: create its directory if
    needed; `UsageError` if that fails or the file cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or error
        raise UsageError(
            f"cannot create the directory {path.parent}: {reason}", param_hint=option
        ) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied", param_hint=option)


def _state_path(beside: Path) -> Path:
    return beside.with_name(f"{beside.stem}.state.jsonl")


def _identity(how: TemplateSend) -> dict[str, Any]:
    return {
        "phone_number_id": how.phone_number_id,
        "template": how.template,
        "language": how.language,
        "endpoint": str(how.endpoint),
        "product_policy": how.product_policy and str(how.product_policy),
    }


def _run(
    graph: Graph, how: TemplateSend, journal: Journal, plan: Plan, rate: float, concurrency: int
) -> tuple[CampaignRun, float]:
    todo = plan.todo()
    graph.output.note(
        f"campaign {template_label(how)}: {len(plan.rows)} recipients, "
        f"{len(plan.rows) - len(todo)} done earlier, {len(todo)} to send (state {journal.path})"
    )
    tally = Tally()
    started = time.monotonic()
    with _progress(graph.output, len(todo), tally) as advance:
        run = CampaignRun(how, journal, tally, advance)
        options = {"retry": CountingRetry(tally=tally), "rate_limit": RateLimit(rate)}
        with graph.client(**options, sleep=run.sleep) as client:
            run.run(client, todo, concurrency)
    return run, time.monotonic() - started


def template_label(how: TemplateSend) -> str:
    """`flash_deal (en_US) via marketing_messages`."""
    return f"{how.template} ({how.language}) via {how.endpoint}"


@contextmanager
def _progress(output: Output, total: int, tally: Tally) -> Iterator[Callable[[], None]]:
    """A live progress bar with the counts (on a terminal, without --json); yields the
    callback that advances it."""
    counts = TextColumn(
        "[green]{task.fields[tally].accepted} accepted[/] "
        "[red]{task.fields[tally].failed} failed[/] "
        "[yellow]{task.fields[tally].rate_limited} rate-limited[/]"
    )
    progress = Progress(
        TextColumn("sending"),
        BarColumn(),
        MofNCompleteColumn(),
        counts,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=output.errors,
        disable=output.as_json or not output.errors.is_terminal,
    )
    with progress:
        task = progress.add_task("sending", total=total, tally=tally)
        yield lambda: progress.advance(task)


def _summary(
    output: Output, plan: Plan, journal: Journal, run: CampaignRun, elapsed: float
) -> dict[str, Any]:
    states = [journal.state_of(row.address) for row in plan.rows]
    tally = run.tally
    sent = tally.accepted + tally.failed + tally.unresolved
    return {
        "recipients": len(plan.rows),
        **{state: states.count(state) for state in (ACCEPTED, FAILED, UNRESOLVED, PENDING)},
        "this_run": {
            "sent": sent,
            "accepted": tally.accepted,
            "failed": tally.failed,
            "unresolved": tally.unresolved,
            "rate_limited": tally.rate_limited,
            "errors": dict(tally.errors),
            "elapsed_seconds": round(elapsed, 3),
            "messages_per_second": round(sent / elapsed, 1) if elapsed > 0 else 0.0,
        },
        "interrupted": run.interrupted_by is not None,
        "error": run.halted_by and output.error(run.halted_by),
    }


def _halt_code(error: WhatsAppError) -> int:
    return EXIT_NETWORK if isinstance(error, NetworkError) else EXIT_API


def _print_summary(console: Console, summary: dict[str, Any]) -> None:
    this_run = summary["this_run"]
    table = Table("", "all runs", "this run", title="campaign summary")
    table.add_row("recipients", str(summary["recipients"]), str(this_run["sent"]) + " sent")
    for state in (ACCEPTED, FAILED, UNRESOLVED):
        table.add_row(state, str(summary[state]), str(this_run[state]))
    table.add_row(PENDING, str(summary[PENDING]), "")
    table.add_row("rate-limited answers", "", str(this_run["rate_limited"]))
    rate = f"{this_run['elapsed_seconds']:.1f} s, {this_run['messages_per_second']} msg/s"
    table.add_row("time", "", rate)
    console.print(table)
    if this_run["errors"]:
        errors = Table("error", "recipients", title="failures this run")
        for label, count in sorted(this_run["errors"].items(), key=lambda item: -item[1]):
            errors.add_row(label, str(count))
        console.print(errors)
    if summary["interrupted"]:
        console.print("[yellow]interrupted[/]: run the same command again to resume")


def _report_rows(plan: Plan, journal: Journal) -> list[dict[str, Any]]:
    rows = []
    for row in plan.rows:
        outcome = journal.outcomes.get(row.address)
        error = (outcome.error if outcome else None) or {}
        rows.append(
            {
                "recipient": row.address,
                "status": journal.state_of(row.address),
                "wamid": outcome.wamid if outcome else None,
                "error_code": error.get("code"),
                "error_class": error.get("class"),
                "error_message": error.get("message"),
                "error_details": error.get("details"),
                "fbtrace_id": error.get("fbtrace_id"),
            }
        )
    return rows


def _write_report(path: Path, plan: Plan, journal: Journal, summary: dict[str, Any]) -> None:
    try:
        _write_rows(path, plan, journal, summary)
    except OSError as error:
        raise UsageError(
            f"cannot write the report {path}: {error}; every outcome is in {journal.path}: "
            "run the same command again to write the report",
            param_hint="--report",
        ) from None


def _write_rows(path: Path, plan: Plan, journal: Journal, summary: dict[str, Any]) -> None:
    rows = _report_rows(plan, journal)
    if path.suffix.lower() == ".json":
        document = {"campaign": journal.campaign, "summary": summary, "recipients": rows}
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
