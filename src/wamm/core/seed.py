"""The seed document: typed schema, decoding with exact error paths, and cross-reference checks.

A seed is YAML or JSON with top-level keys `settings`, `apps`, `businesses` (nesting `wabas`,
which nest `phone_numbers` and `templates`), `tokens` and `users`. Unknown keys are rejected.
Ids may be written as numbers (YAML reads `102290129340398` as an int); they become strings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import yaml
from msgspec import inspect

from wamm.core import audiences
from wamm.core.audiences import Audience
from wamm.core.bounds import (
    ClockFactor,
    Count,
    Hours,
    RequestBytes,
    RngSeed,
    Seconds,
    StrictFallbackCode,
    Timestamp,
)
from wamm.core.business_use_case import BusinessUseCaseLimit
from wamm.core.clock import LATEST_TIME
from wamm.core.phone_quality import PhoneQualitySettings
from wamm.core.ratelimit import PairLimit
from wamm.core.recipients import Behaviour, MarketingLimit, RecipientDefaults
from wamm.core.settings import WebhookSettings
from wamm.core.text import text_problem

# The world `wamm serve` starts with, and `wamm reset --demo` restores.
DEMO_SEED_PATH = Path(__file__).resolve().parent.parent / "data" / "demo_seed.yaml"

Id = str | int
ClockMode = Literal["realtime", "accelerated", "manual"]
ApiVersionName = Annotated[str, msgspec.Meta(pattern=r"^v\d+\.0$")]
ReviewMode = Literal["auto", "manual"]
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]  # ISO 3166 alpha-2
TermsState = Literal["not_started", "request_sent", "signed"]

_PATH_RE = re.compile(r"^(?P<msg>.*) - at `(?P<path>[^`]*)`$", re.S)
_SEGMENT_RE = re.compile(r"\.(\w+)|\[\d+\]")


class SeedError(Exception):
    """A seed problem at a JSON path such as `$.businesses[0].wabas[1].templates[0].name`."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class _Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class SettingsSeed(_Strict):
    clock: ClockMode | None = None
    clock_start: Timestamp | str | None = None
    clock_factor: ClockFactor | None = None
    rng_seed: RngSeed | None = None
    template_review: ReviewMode | None = None
    ad_sync_delay_seconds: Seconds | None = None
    strict_fallback_error_code: StrictFallbackCode | None = None
    customer_service_window_hours: Hours | None = None
    authentication_international_countries: list[CountryCode] | None = None
    recipients: RecipientDefaults | None = None
    marketing_limit: MarketingLimit | None = None
    pair_limit: PairLimit | None = None
    business_use_case: BusinessUseCaseLimit | None = None
    webhooks: WebhookSettings | None = None
    phone_quality: PhoneQualitySettings | None = None
    max_request_bytes: RequestBytes | None = None
    media_budget_bytes: Count | None = None


class WebhookSeed(_Strict):
    url: str
    verify_token: str = ""


class AppSeed(_Strict):
    id: Id
    secret: str
    name: str = ""
    webhook: WebhookSeed | None = None
    require_appsecret_proof: bool = False
    # `vNN.0`; None: the latest wamm emulates. The webhook version defaults to the API version.
    api_version: ApiVersionName | None = None
    webhook_version: ApiVersionName | None = None


class PhoneNumberSeed(_Strict):
    id: Id
    display_phone_number: Id
    verified_name: str
    throughput_mps: int = 80
    quality_rating: Literal["GREEN", "YELLOW", "RED", "UNKNOWN"] = "GREEN"
    registered: bool = True
    code_verification_status: Literal["NOT_VERIFIED", "VERIFIED", "EXPIRED"] = "VERIFIED"
    pin: str | None = None
    account_mode: Literal["LIVE", "SANDBOX"] = "LIVE"
    name_status: Literal[
        "APPROVED", "AVAILABLE_WITHOUT_REVIEW", "DECLINED", "EXPIRED", "PENDING_REVIEW", "NONE"
    ] = "APPROVED"
    is_official_business_account: bool = False
    is_on_biz_app: bool = False
    is_preverified_number: bool = False
    search_visibility: Literal["VISIBLE", "NON_VISIBLE"] = "VISIBLE"
    messaging_limit_tier: Literal[
        "TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"
    ] = "TIER_UNLIMITED"
    # The body of a profile update (checked like one), without `messaging_product`.
    business_profile: dict[str, Any] | None = None


class TemplateSeed(_Strict):
    name: str
    language: str
    category: str
    components: list[dict[str, Any]]
    id: Id | None = None
    status: Literal["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"] = "APPROVED"
    parameter_format: str | None = None
    sub_category: str | None = None
    message_send_ttl_seconds: int | None = None
    degrees_of_freedom_spec: dict[str, Any] | None = None
    bid_spec: dict[str, Any] | None = None
    optimization_spec: dict[str, Any] | None = None
    quality_score: Literal["GREEN", "YELLOW", "RED", "UNKNOWN"] = "UNKNOWN"
    cta_url_link_tracking_opted_out: bool = False
    created_at: Timestamp | None = None


class WabaSeed(_Strict):
    id: Id
    name: str
    currency: str = "USD"
    timezone_id: Id = "1"
    country: str | None = None
    disable_marketing_messages_on_cloud_api: bool = False
    message_activity_sharing: bool = True
    is_enabled_for_insights: bool = False
    degrees_of_freedom_spec: dict[str, Any] | None = None
    onboarding_status: str | None = None
    template_limit: Count = 250
    template_pacing: bool = False  # Meta paces some WABAs' new templates, not every WABA's
    template_auto_archival_enabled: bool = True  # Meta archives templates unused for a year
    subscribed_apps: list[Id] = msgspec.field(default_factory=list)
    phone_numbers: list[PhoneNumberSeed] = msgspec.field(default_factory=list)
    templates: list[TemplateSeed] = msgspec.field(default_factory=list)


class BusinessSeed(_Strict):
    id: Id
    name: str
    mm_terms: TermsState = "not_started"
    verification_status: str = "verified"
    # Partner portfolios (Solution Partners, Tech Providers) this business shares its WABAs with.
    client_of: list[Id] = msgspec.field(default_factory=list)
    wabas: list[WabaSeed] = msgspec.field(default_factory=list)


class TokenSeed(_Strict):
    value: str
    app_id: Id | None = None
    scopes: list[str] = msgspec.field(default_factory=list)
    wabas: list[Id] = msgspec.field(default_factory=list)
    expires_at: Timestamp | None = None
    # The portfolio whose system user holds the token (reaches its WABAs and its clients').
    business_id: Id | None = None


class UserSeed(_Strict):
    phone: Id
    bsuid: str | None = None
    parent_bsuid: str | None = None
    country: str | None = None
    business_id: Id | None = None
    name: str = ""
    username: str | None = None
    behaviour: Behaviour = msgspec.field(default_factory=Behaviour)


class Seed(_Strict):
    settings: SettingsSeed = msgspec.field(default_factory=SettingsSeed)
    apps: list[AppSeed] = msgspec.field(default_factory=list)
    businesses: list[BusinessSeed] = msgspec.field(default_factory=list)
    tokens: list[TokenSeed] = msgspec.field(default_factory=list)
    users: list[UserSeed] = msgspec.field(default_factory=list)
    # Generated audiences; given, they replace the current ones (see core/audiences.py).
    audiences: list[Audience] | None = None


def parse_text(text: str | bytes, *, as_json: bool | None = None) -> Any:
    """Seed text to plain data. JSON is read as JSON when `as_json` says so (a `.json` file, a
    JSON content type) or, when it is None, when the text starts with `{` and parses as JSON:
    YAML 1.1 would read JSON's `1e3` as a string. Anything else is YAML."""
    if as_json or (as_json is None and text.lstrip()[:1] in ("{", b"{")):
        try:
            return _parse_json(text)
        except SeedError:
            if as_json:
                raise
    return _parse_yaml(text)


def is_json_name(name: str) -> bool | None:
    """`as_json` for a seed file: True for `*.json`, otherwise None (decided by the text)."""
    return True if name.lower().endswith(".json") else None


def _parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise SeedError("$", f"not valid JSON ({where}): {exc.msg}") from None
    except ValueError as exc:  # undecodable bytes, NaN, numbers of more than 4300 digits
        raise SeedError("$", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise SeedError("$", "not valid JSON: nested too deeply") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_yaml(text: str | bytes) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError("$", f"not valid YAML or JSON: {yaml_problem(exc)}") from None
    except ValueError as exc:  # a scalar YAML resolves but cannot build: 2026-13-45, 10**5000
        raise SeedError("$", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise SeedError("$", "not valid YAML: nested too deeply") from None


def yaml_problem(error: yaml.YAMLError) -> str:
    """A YAML parse error on one line: `line L, column C: problem (context at line ...)`."""
    mark = getattr(error, "problem_mark", None)
    if not isinstance(error, yaml.MarkedYAMLError) or mark is None:
        text = " ".join(str(error).split())  # a reader error names no file: the text read
        return re.sub(r' in "<(unicode|byte) string>",', " at", text)
    text = f"{_position(mark)}: {error.problem or error.context}"
    where = error.context_mark
    if error.problem and error.context:
        elsewhere = where is not None and (where.line, where.column) != (mark.line, mark.column)
        text += f" ({error.context}{' at ' + _position(where) if elsewhere else ''})"
    return text


def _position(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class SeedFileError(ValueError):
    """A file that cannot be read, or is not a YAML / JSON mapping."""


def load_file(path: Path, what: str = "seed file") -> dict[str, Any]:
    """The mapping in the YAML or JSON file `path`, read as the server reads a seed (`*.json`
    as JSON, `1e1` is then the number 10.0): a seed document or any other mapping file (`what`
    names it in errors). The one reader of seed files for the server, the CLI and the plugin."""
    try:
        document = parse_text(path.read_bytes(), as_json=is_json_name(path.name))
    except OSError as error:
        raise SeedFileError(f"cannot read {what} {path}: {error}") from None
    except SeedError as error:
        problem = error.problem.removeprefix("not valid YAML or JSON: ")
        raise SeedFileError(f"cannot read {what} {path}: {problem}") from None
    if not isinstance(document, dict):
        raise SeedFileError(f"{what} {path} is not a YAML / JSON mapping")
    return document


def decode(document: Any) -> Seed:
    """Typed seed from plain data, or SeedError naming the path of the first bad key."""
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise SeedError(
            "$", "a seed must be a mapping with keys settings, apps, businesses, tokens and users"
        )
    unwritable = text_problem(document, "$")
    if unwritable is not None:
        raise SeedError(*unwritable)
    try:
        seed = msgspec.convert(document, Seed)
    except msgspec.ValidationError as exc:
        match = _PATH_RE.match(str(exc))
        if not match:
            raise SeedError("$", str(exc)) from None
        problem, path = match["msg"], match["path"]
        allowed = _allowed_values(path)
        if problem.startswith("Invalid enum value") and allowed:
            problem += f"; expected one of {', '.join(allowed)}"
        raise SeedError(path, problem) from None
    bad_audience = audiences.check(seed.audiences or [])
    if bad_audience is not None:
        raise SeedError(f"$.audiences[{bad_audience[0]}]", bad_audience[1])
    return seed


def _allowed_values(path: str) -> tuple[str, ...]:
    """The Literal values the schema allows at a JSON path like `$.businesses[0].mm_terms`."""
    node: inspect.Type = inspect.type_info(Seed)
    for segment in _SEGMENT_RE.finditer(path):
        node = _unwrap(node)
        if segment[1] and isinstance(node, inspect.StructType):
            node = next((f.type for f in node.fields if f.name == segment[1]), inspect.AnyType())
        elif not segment[1] and isinstance(node, inspect.ListType):
            node = node.item_type
    node = _unwrap(node)
    return tuple(map(str, node.values)) if isinstance(node, inspect.LiteralType) else ()


def _unwrap(node: inspect.Type) -> inspect.Type:
    """The non-None member of an optional type."""
    if isinstance(node, inspect.UnionType):
        members = [t for t in node.types if not isinstance(t, inspect.NoneType)]
        return members[0] if len(members) == 1 else node
    return node


def clock_start(value: float | str | None, path: str = "$.settings.clock_start") -> float | None:
    """Unix seconds from a number or an ISO-8601 timestamp (UTC when no offset is given)."""
    if value is None or isinstance(value, float | int):
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SeedError(path, f"expected unix seconds or an ISO-8601 time, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if not 0 <= moment.timestamp() <= LATEST_TIME:
        raise SeedError(path, f"must be between 1970 and the year 9000, got {value!r}")
    return moment.timestamp()
