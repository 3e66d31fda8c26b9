"""What every client command shares: the common options, the output (rich or `--json`),
and turning errors into a readable message and an exit code.

Exit codes: 0 success, 1 the API refused (or the SDK's local check of what the API would say),
2 usage error, 3 network error (the server could not be reached, or a port to listen on is
taken).

Every error is one or two lines on stderr, or, when the command was given `--json`, one JSON
document `{"error": {...}}` on stdout: usage errors too, whether the command's own code or
Click's parsing of the command line (`CliCommand`) found them.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Protocol, TypeVar

import msgspec
import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from wamm.client import (
    BASE_URL_ENV,
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    Client,
    GraphAPIError,
    NetworkError,
    RetryPolicy,
    WhatsAppError,
)
from wamm.client.api import base_url_problem
from wamm.client.control import Control, ControlError
from wamm.client.errors import ValidationError, decode_error

# Click's context and usage error, as Typer uses them: recent Typer versions carry their own
# copy of Click (`typer._click`), older ones use the `click` package. Both are the bases of
# Typer's public `Context` and `BadParameter`.
if TYPE_CHECKING:
    from typer._click import Context as ClickContext
    from typer._click.exceptions import UsageError as ClickUsageError
else:
    ClickContext = typer.Context.__mro__[1]
    ClickUsageError = typer.BadParameter.__mro__[1]

EXIT_API = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3
JSON_FLAG = "--json"
USAGE_ERROR_CLASS = "UsageError"
LOCAL_BASE_URL = "http://127.0.0.1:8000"
# Someone is waiting: transient errors are retried twice, half a second and a second later.
INTERACTIVE_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.5)
C = TypeVar("C", bound="Context")


class Context(Protocol):
    """What a command's first parameter has: an `Output`."""

    @property
    def output(self) -> Output:
        """Where results and errors go."""
        ...


class UsageError(typer.BadParameter):
    """A mistake in what the user asked for (exit code 2)."""

    def format_message(self) -> str:
        """The message, after the option it is about (`Invalid value for --x: ...`) if any."""
        if self.param_hint is None and self.param is None:
            return self.message
        return super().format_message()


class CommandError(Exception):
    """A failure that is neither the API's nor the network's, e.g. a template that does not
    exist (exit code 1)."""


class ListenError(Exception):
    """A port that cannot be listened on: taken by another process, or not allowed (exit
    code 3)."""


def compact(value: Any) -> Any:
    """`value` (msgspec Structs, dicts, lists) as JSON-ready builtins without None fields."""
    value = msgspec.to_builtins(value)
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(item) for item in value]
    return value


def error_fields(error: WhatsAppError) -> dict[str, Any]:
    """What a user (or a script) needs to know about an SDK error."""
    fields: dict[str, Any] = {"class": type(error).__name__, "message": str(error)}
    if isinstance(error, GraphAPIError):
        fields.update(
            message=error.message,
            code=error.code,
            subcode=error.subcode,
            type=error.error_type,
            details=error.details,
            error_user_title=error.user_title,
            error_user_msg=error.user_msg,
            fbtrace_id=error.fbtrace_id,
            http_status=error.http_status,
        )
    elif isinstance(error, ValidationError):
        fields.update(code=error.code, subcode=error.subcode)
    return {key: value for key, value in fields.items() if value is not None}


class Output:
    """Where a command's results and errors go: rich text on the terminal, or JSON on stdout
    with `--json` (errors then too, as `{"error": {...}}`)."""

    def __init__(self, as_json: bool, target: str = "") -> None:
        self.as_json = as_json
        self.target = target  # the server the command talks to, named in network errors
        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)

    def result(self, data: Any, render: Callable[[Console], None]) -> None:
        """Print `data` as JSON, or call `render` to show it to a person."""
        if self.as_json:
            self.json(data)
        else:
            render(self.console)

    def json(self, data: Any) -> None:
        """One JSON document on stdout."""
        typer.echo(json.dumps(compact(data), indent=2, ensure_ascii=False))

    def note(self, text: str) -> None:
        """A remark for the person at the terminal (stderr, so stdout stays parseable)."""
        self.errors.print(text)

    def fail(self, error: Exception, code: int, hint: str | None = None) -> NoReturn:
        """Report `error` (stderr, with `hint` on a second line; stdout with --json) and exit
        with `code`."""
        fields = self.error(error)
        if self.as_json:
            typer.echo(json.dumps({"error": fields}, ensure_ascii=False))
        else:
            self.errors.print(f"[bold red]Error:[/] {escape(describe(fields))}")
            if hint:
                self.errors.print(hint, markup=False)
        raise typer.Exit(code)

    def error(self, error: Exception) -> dict[str, Any]:
        """What to say about `error`, which ends the command."""
        if isinstance(error, ClickUsageError):  # ours, or Click's parsing of the command line
            return {"class": USAGE_ERROR_CLASS, "message": error.format_message()}
        fields = error_fields(error) if isinstance(error, WhatsAppError) else {}
        fields = fields or {"class": type(error).__name__, "message": str(error)}
        if isinstance(error, (NetworkError, ControlError)):
            fields["message"] = f"cannot reach {self.target}: {fields['message']}"
        return fields


def describe(fields: Mapping[str, Any]) -> str:
    """An error's fields (see `Output.error`) for a person: message, then the details."""
    head = f"{fields['message']}"
    if "code" in fields:
        subcode = f"/{fields['subcode']}" if "subcode" in fields else ""
        head = f"{fields['code']}{subcode} {fields.get('type', fields['class'])}: {head}"
    lines = [head]
    for key in ("details", "error_user_title", "error_user_msg", "http_status", "fbtrace_id"):
        if key in fields:
            lines.append(f"  {key}: {fields[key]}")
    return "\n".join(lines)


@contextmanager
def reported_errors(output: Output) -> Iterator[None]:
    """Turn usage errors, the SDK's and the control API's exceptions into a message and an
    exit code."""
    try:
        yield
    except ClickUsageError as error:
        output.fail(error, EXIT_USAGE)
    except ControlError as error:
        if error.status_code == 0:
            output.fail(error, EXIT_NETWORK)
        output.fail(decode_error(error.status_code, error.body, {}), EXIT_API)
    except (NetworkError, ListenError) as error:
        output.fail(error, EXIT_NETWORK)
    except (WhatsAppError, CommandError) as error:
        output.fail(error, EXIT_API)


class CliCommand(typer.core.TyperCommand):
    """A command whose command-line mistakes (an unknown option, a bad or missing value, a
    file that does not exist) are reported like the command's own usage errors: two lines on
    stderr, or the JSON error document on stdout when the command line has `--json`."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: ClickContext | None = None,
        **extra: Any,
    ) -> ClickContext:
        """Parse `args`; a mistake in them ends the command with exit code 2."""
        given = list(args)  # parsing consumes `args`
        try:
            return super().make_context(info_name, args, parent, **extra)
        except ClickUsageError as error:
            as_json = self._takes_json() and JSON_FLAG in _options_part(given)
            path = error.ctx.command_path if error.ctx else info_name
            Output(as_json).fail(error, EXIT_USAGE, hint=f"Try '{path} --help' for help.")

    def _takes_json(self) -> bool:
        return any(JSON_FLAG in param.opts for param in self.params)


def _options_part(args: list[str]) -> list[str]:
    """`args` up to a `--` (after it, everything is an argument)."""
    return args[: args.index("--")] if "--" in args else args


def _check_base_url(value: str | None) -> str | None:
    """The `--base-url` option's check: an http:// or https:// URL with a host."""
    problem = value and base_url_problem(value)
    if problem:
        raise typer.BadParameter(f"{value!r} {problem}")
    return value


# --- the option sets ---------------------------------------------------------------------------

JsonOption = Annotated[bool, typer.Option(JSON_FLAG, help="Print JSON (for scripts).")]


@dataclass(frozen=True)
class Graph:
    """What a Graph API command works with: where, as whom, on which WABA / number."""

    output: Output
    base_url: str | None
    token: str | None
    waba_id: str | None
    phone_number_id: str | None
    api_version: str

    def client(self, **options: Any) -> Client:
        """The SDK client for these options; `options` are `Client`'s (the retry policy is
        `INTERACTIVE_RETRY` unless given)."""
        if not self.token:
            raise UsageError("no access token: pass --token or set WAMM_TOKEN")
        options.setdefault("retry", INTERACTIVE_RETRY)
        try:
            return Client(
                self.token, base_url=self.base_url, api_version=self.api_version, **options
            )
        except ValueError as error:  # a token with a line break in it, say
            raise UsageError(str(error)) from None

    def waba(self) -> str:
        """The WABA id, required."""
        if not self.waba_id:
            raise UsageError("no WABA: pass --waba-id or set WAMM_WABA_ID")
        return self.waba_id

    def phone(self) -> str:
        """The business phone number id, required."""
        if not self.phone_number_id:
            raise UsageError(
                "no business phone number: pass --phone-number-id or set WAMM_PHONE_NUMBER_ID"
            )
        return self.phone_number_id


def _graph_context(
    as_json: JsonOption = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar=BASE_URL_ENV,
            callback=_check_base_url,
            help="API root: a wamm server (http://127.0.0.1:8000) or, by default, Meta's "
            "https://graph.facebook.com.",
            show_default=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(envvar=["WAMM_TOKEN", "WHATSAPP_TOKEN"], help="Access token."),
    ] = None,
    waba_id: Annotated[
        str | None,
        typer.Option(
            envvar=["WAMM_WABA_ID", "WHATSAPP_WABA_ID"], help="WhatsApp Business Account."
        ),
    ] = None,
    phone_number_id: Annotated[
        str | None,
        typer.Option(
            envvar=["WAMM_PHONE_NUMBER_ID", "WHATSAPP_PHONE_NUMBER_ID"],
            help="Business phone number id (the sender).",
        ),
    ] = None,
    api_version: Annotated[
        str, typer.Option(envvar="WAMM_API_VERSION", help="Graph API version.")
    ] = DEFAULT_API_VERSION,
) -> Graph:
    output = Output(as_json, base_url or DEFAULT_BASE_URL)
    return Graph(output, base_url, token, waba_id, phone_number_id, api_version)


@dataclass(frozen=True)
class Wamm:
    """What a command for a wamm server's control API works with."""

    output: Output
    control: Control


def _wamm_context(
    as_json: JsonOption = False,
    base_url: Annotated[
        str, typer.Option(envvar=BASE_URL_ENV, callback=_check_base_url, help="The wamm server.")
    ] = LOCAL_BASE_URL,
    admin_token: Annotated[
        str | None,
        typer.Option(envvar="WAMM_ADMIN_TOKEN", help="The server's --admin-token, if it has one."),
    ] = None,
) -> Wamm:
    return Wamm(Output(as_json, base_url), Control(base_url, admin_token=admin_token))


Command = Callable[..., None]


def _with_options(
    context: Callable[..., C],
) -> Callable[[Command], Command]:
    """A decorator for commands whose first parameter is a context built by `context` from
    options: the command gets `context`'s options too, and its errors are reported."""
    shared = inspect.signature(context, eval_str=True).parameters

    def decorate(command: Command) -> Command:
        own = list(inspect.signature(command, eval_str=True).parameters.values())[1:]

        @functools.wraps(command)
        def run(**values: Any) -> None:
            made = context(**{name: values.pop(name) for name in shared})
            with reported_errors(made.output):
                command(made, **values)

        run.__signature__ = inspect.Signature([*own, *shared.values()])  # type: ignore[attr-defined]
        return run

    return decorate


graph_command = _with_options(_graph_context)
"""Decorator: a Graph API command, `command(graph: Graph, ...)`."""
wamm_command = _with_options(_wamm_context)
"""Decorator: a control API command, `command(wamm: Wamm, ...)`."""
