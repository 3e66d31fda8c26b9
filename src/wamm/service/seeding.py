"""Applying a seed document: validate all of it, then upsert everything in one transaction.

Seeding is an upsert keyed by ids (templates by WABA + name + language), so the same file can be
applied again after an edit. Nothing is written unless the whole document is valid.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from wamm.core import ids, profile, registration
from wamm.core import seed as schema
from wamm.core.auth import KNOWN_SCOPES
from wamm.core.clock import Clock
from wamm.core.errors import GraphError
from wamm.core.model import (
    App,
    Business,
    BusinessProfile,
    PhoneNumber,
    Template,
    Token,
    User,
    Waba,
)
from wamm.core.onboarding import override_problem
from wamm.core.phones import country_of, is_bsuid, normalize_phone
from wamm.core.settings import Settings
from wamm.core.templates import TemplateSpec, pacing, parse_create, parse_creative_features
from wamm.core.versions import DEFAULT_API_VERSION, LATEST_API_VERSION, parse_version_name
from wamm.core.webhooks import callback_url_problem
from wamm.service.catalog import Catalog
from wamm.service.runtime import Runtime, make_clock, settle_heap
from wamm.store.base import Entity, Subscription

T = TypeVar("T")
SeedError = schema.SeedError


@dataclass
class _PendingTemplate:
    waba_id: str
    spec: TemplateSpec
    source: schema.TemplateSeed
    existing: Template | None
    pacing_on: bool


@dataclass
class _Plan:
    entities: list[Entity] = field(default_factory=list)
    templates: list[_PendingTemplate] = field(default_factory=list)


def _graph_problem(error: GraphError) -> str:
    return error.user_msg or error.details or error.message


class _Planner:
    def __init__(self, catalog: Catalog, seed: schema.Seed, now: float, rng_seed: int) -> None:
        self.catalog = catalog
        self.seed = seed
        self.now = now
        self.rng_seed = rng_seed
        self.plan = _Plan()
        self.app_ids = set(catalog.apps) | {str(a.id) for a in seed.apps}
        self.waba_ids = set(catalog.wabas)
        self.business_ids = set(catalog.businesses) | {str(b.id) for b in seed.businesses}

    def build(self) -> _Plan:
        self._unique_ids()
        for index, app in enumerate(self.seed.apps):
            self._app(app, f"$.apps[{index}]")
        for b_index, business in enumerate(self.seed.businesses):
            self._business(business, f"$.businesses[{b_index}]")
        for index, token in enumerate(self.seed.tokens):
            self._token(token, f"$.tokens[{index}]")
        for index, user in enumerate(self.seed.users):
            self._user(user, f"$.users[{index}]")
        return self.plan

    def _unique_ids(self) -> None:
        seen: dict[tuple[str, str], str] = {}
        for kind, key, path in self._declared_ids():
            if (kind, key) in seen:
                raise SeedError(path, f"duplicate {kind} id {key} (also at {seen[(kind, key)]})")
            seen[(kind, key)] = path

    def _declared_ids(self) -> Iterator[tuple[str, str, str]]:
        for index, app in enumerate(self.seed.apps):
            yield "app", str(app.id), f"$.apps[{index}].id"
        for b_index, business in enumerate(self.seed.businesses):
            yield "business", str(business.id), f"$.businesses[{b_index}].id"
            for w_index, waba in enumerate(business.wabas):
                w_path = f"$.businesses[{b_index}].wabas[{w_index}]"
                yield "waba", str(waba.id), f"{w_path}.id"
                for p_index, phone in enumerate(waba.phone_numbers):
                    yield "phone number", str(phone.id), f"{w_path}.phone_numbers[{p_index}].id"
        for index, user in enumerate(self.seed.users):
            yield "user", str(user.phone), f"$.users[{index}].phone"

    def _app(self, app: schema.AppSeed, path: str) -> None:
        webhook = app.webhook
        problem = callback_url_problem(webhook.url) if webhook else None
        if problem is not None:
            raise SeedError(f"{path}.webhook.url", f"not a valid callback URL: {problem}")
        api_version = _version(app.api_version, f"{path}.api_version") or LATEST_API_VERSION
        self.plan.entities.append(
            App(
                id=str(app.id),
                name=app.name,
                secret=app.secret,
                webhook_url=webhook.url if webhook else None,
                verify_token=webhook.verify_token if webhook else None,
                require_appsecret_proof=app.require_appsecret_proof,
                api_version=api_version,
                webhook_version=_version(app.webhook_version, f"{path}.webhook_version")
                or api_version,
            )
        )

    def _business(self, seed: schema.BusinessSeed, path: str) -> None:
        existing = self.catalog.businesses.get(str(seed.id))
        terms_time = existing.mm_terms_time if existing else None
        if existing is None or existing.mm_terms != seed.mm_terms:
            terms_time = self.now if seed.mm_terms != "not_started" else None
        business = Business(
            id=str(seed.id),
            name=seed.name,
            mm_terms=seed.mm_terms,
            mm_terms_time=terms_time,
            verification_status=seed.verification_status,
            client_of=self._partners(seed, path),
        )
        if existing is not None:  # what the partner APIs did since is kept
            # A pending intent request goes with the terms it set: seeded another state, it
            # is withdrawn (signed) or never was (not_started), as the control API does.
            business.mm_intent = existing.mm_intent if seed.mm_terms == "request_sent" else None
            business.max_price_agreement = existing.max_price_agreement
            business.max_price_end_businesses = existing.max_price_end_businesses
        self.plan.entities.append(business)
        for index, waba in enumerate(seed.wabas):
            self._waba(waba, str(seed.id), f"{path}.wabas[{index}]")

    def _partners(self, seed: schema.BusinessSeed, path: str) -> tuple[str, ...]:
        partners: list[str] = []
        for index, raw in enumerate(seed.client_of):
            partner, where = str(raw), f"{path}.client_of[{index}]"
            if partner == str(seed.id):
                raise SeedError(where, "a business cannot be a client of itself")
            if partner not in self.business_ids:
                raise SeedError(where, f"unknown business {partner}")
            if partner not in partners:
                partners.append(partner)
        return tuple(partners)

    def _waba(self, seed: schema.WabaSeed, business_id: str, path: str) -> None:
        waba_id = str(seed.id)
        existing = self.catalog.wabas.get(waba_id)
        if existing and existing.business_id != business_id:
            raise SeedError(
                f"{path}.id", f"WABA {waba_id} already belongs to business {existing.business_id}"
            )
        if (problem := override_problem(seed.onboarding_status)) is not None:
            raise SeedError(f"{path}.onboarding_status", problem)
        features = dict(existing.creative_features) if existing else {}
        spec = seed.degrees_of_freedom_spec
        if spec is not None:
            features.update(
                self._guard(
                    f"{path}.degrees_of_freedom_spec",
                    lambda: parse_creative_features(spec, "degrees_of_freedom_spec"),
                )
            )
        self.waba_ids.add(waba_id)
        self.plan.entities.append(
            Waba(
                id=waba_id,
                business_id=business_id,
                name=seed.name,
                currency=seed.currency,
                timezone_id=str(seed.timezone_id),
                country=seed.country,
                namespace=existing.namespace
                if existing
                else ids.template_namespace(self.rng_seed, waba_id),
                disable_marketing_messages_on_cloud_api=seed.disable_marketing_messages_on_cloud_api,
                creative_features=features,
                message_activity_sharing=seed.message_activity_sharing,
                is_enabled_for_insights=seed.is_enabled_for_insights,
                onboarding_status_override=seed.onboarding_status,
                template_limit=seed.template_limit,
                template_pacing=seed.template_pacing,
                template_auto_archival=seed.template_auto_archival_enabled,
                created_at=existing.created_at if existing else self.now,
            )
        )
        self._subscriptions(seed, waba_id, path)
        for index, phone in enumerate(seed.phone_numbers):
            self._phone_number(phone, waba_id, f"{path}.phone_numbers[{index}]")
        self._templates(seed, waba_id, path)

    def _subscriptions(self, seed: schema.WabaSeed, waba_id: str, path: str) -> None:
        for index, app_id in enumerate(seed.subscribed_apps):
            if str(app_id) not in self.app_ids:
                raise SeedError(f"{path}.subscribed_apps[{index}]", f"unknown app {app_id}")
            self.plan.entities.append(Subscription(waba_id=waba_id, app_id=str(app_id)))

    def _phone_number(self, seed: schema.PhoneNumberSeed, waba_id: str, path: str) -> None:
        existing = self.catalog.phone_numbers.get(str(seed.id))
        if existing and existing.waba_id != waba_id:
            raise SeedError(
                f"{path}.id", f"phone number {seed.id} already belongs to WABA {existing.waba_id}"
            )
        display = normalize_phone(str(seed.display_phone_number))
        if display is None:
            raise SeedError(f"{path}.display_phone_number", "must be a phone number")
        if seed.throughput_mps <= 0:
            raise SeedError(f"{path}.throughput_mps", "must be a positive number of messages/s")
        if seed.pin is not None:
            self._guard(f"{path}.pin", functools.partial(registration.read_pin, {"pin": seed.pin}))
        settings = msgspec.structs.asdict(seed)
        for key in ("id", "display_phone_number", "business_profile"):
            del settings[key]
        self.plan.entities.append(
            PhoneNumber(
                id=str(seed.id),
                waba_id=waba_id,
                display_phone_number=display,
                onboarded_at=existing.onboarded_at if existing else self.now,
                profile=self._profile(seed.business_profile, f"{path}.business_profile"),
                **settings,
            )
        )

    def _profile(self, seed: dict[str, Any] | None, path: str) -> BusinessProfile:
        unknown = sorted(set(seed or {}) - set(profile.SEEDED_FIELDS))
        if unknown:
            raise SeedError(
                f"{path}.{unknown[0]}", f"unknown key; one of {', '.join(profile.SEEDED_FIELDS)}"
            )
        body = {**(seed or {}), "messaging_product": "whatsapp"}
        return self._guard(path, functools.partial(profile.update, BusinessProfile(), body))

    def _templates(self, seed: schema.WabaSeed, waba_id: str, path: str) -> None:
        seen: dict[tuple[str, str], int] = {}
        for index, source in enumerate(seed.templates):
            t_path = f"{path}.templates[{index}]"
            body = {k: v for k, v in msgspec.structs.asdict(source).items() if v is not None}
            spec = self._guard(t_path, functools.partial(parse_create, body))
            key = (spec.name, spec.language)
            if key in seen:
                raise SeedError(
                    t_path,
                    f"template {spec.name} ({spec.language}) is already "
                    f"defined at {path}.templates[{seen[key]}]",
                )
            seen[key] = index
            existing = self.catalog.templates_by_key.get((waba_id, *key))
            self.plan.templates.append(
                _PendingTemplate(waba_id, spec, source, existing, seed.template_pacing)
            )

    def _token(self, seed: schema.TokenSeed, path: str) -> None:
        if seed.app_id is not None and str(seed.app_id) not in self.app_ids:
            raise SeedError(f"{path}.app_id", f"unknown app {seed.app_id}")
        for index, scope in enumerate(seed.scopes):
            if scope not in KNOWN_SCOPES:
                raise SeedError(
                    f"{path}.scopes[{index}]",
                    f"unknown permission {scope!r}; one of {', '.join(sorted(KNOWN_SCOPES))}",
                )
        for index, waba_id in enumerate(seed.wabas):
            if str(waba_id) not in self.waba_ids:
                raise SeedError(f"{path}.wabas[{index}]", f"unknown WABA {waba_id}")
        business_id = None if seed.business_id is None else str(seed.business_id)
        if business_id is not None and business_id not in self.business_ids:
            raise SeedError(f"{path}.business_id", f"unknown business {business_id}")
        self.plan.entities.append(
            Token(
                value=seed.value,
                app_id=None if seed.app_id is None else str(seed.app_id),
                scopes=frozenset(seed.scopes),
                wabas=frozenset(str(w) for w in seed.wabas),
                expires_at=seed.expires_at,
                business_id=business_id,
            )
        )

    def _user(self, seed: schema.UserSeed, path: str) -> None:
        phone = normalize_phone(str(seed.phone))
        if phone is None:
            raise SeedError(f"{path}.phone", f"not a phone number: {seed.phone!r}")
        country = (seed.country or country_of(phone)).upper()
        for key in ("bsuid", "parent_bsuid"):
            value = getattr(seed, key)
            if value is not None and not is_bsuid(value):
                raise SeedError(f"{path}.{key}", f"not a BSUID (CC.<alphanumerics>): {value!r}")
        if seed.business_id is not None and str(seed.business_id) not in self.business_ids:
            raise SeedError(f"{path}.business_id", f"unknown business {seed.business_id}")
        user = User(
            phone=phone,
            country=country,
            bsuid=seed.bsuid or ids.generated_bsuid(country, phone),
            parent_bsuid=seed.parent_bsuid,
            business_id=None if seed.business_id is None else str(seed.business_id),
            name=seed.name,
            username=seed.username,
            behaviour=seed.behaviour,
            created_at=self.now,
        )
        self.plan.entities.append(user)

    @staticmethod
    def _guard(path: str, check: Callable[[], T]) -> T:
        try:
            return check()
        except GraphError as error:
            raise SeedError(path, _graph_problem(error)) from None


NewId = Callable[[], Awaitable[tuple[int, str]]]  # a new template's sequence number and id


async def _template_entities(
    new_id: NewId, pending: list[_PendingTemplate], now: float
) -> list[Template]:
    out = []
    for item in pending:
        spec, source, existing = item.spec, item.source, item.existing
        if existing is not None:
            seq, template_id, created = existing.seq, existing.id, existing.created_at
        else:
            seq, template_id = await new_id()
            if source.id is not None:
                template_id = str(source.id)
            created = source.created_at if source.created_at is not None else 0.0
        template = Template.from_spec(
            spec,
            id=template_id,
            waba_id=item.waba_id,
            seq=seq,
            status=source.status,
            quality_score=source.quality_score,
            created_at=created,
            updated_at=now,
        )
        # A seeded template is as Meta would hold it now: paced when it may be.
        template.paced = pacing.may_be_paced(template, item.pacing_on)
        out.append(template)
    return out


def _settings_changes(seed: schema.Seed) -> dict[str, Any]:
    changes = msgspec.structs.asdict(seed.settings)
    changes["clock_start"] = schema.clock_start(seed.settings.clock_start)
    changes["audiences"] = seed.audiences
    return changes


async def apply_seed(rt: Runtime, document: Any) -> dict[str, int]:
    """Validate and apply a seed; returns how many entities of each kind were written.
    Processes sharing a store seed one at a time, each on top of the others' result."""
    seed = schema.decode(document)
    async with rt.store.exclusive("wamm-seed"):
        await rt.refresh_if_changed()
        applied = await _apply(rt, seed)
    settle_heap()
    return applied


def check_seed(rt: Runtime, document: Any) -> None:
    """Validate a seed against the runtime's state exactly as `apply_seed` would, without
    applying it (SeedError naming the path of the first problem)."""
    _plan(rt, schema.decode(document))


def _plan(rt: Runtime, seed: schema.Seed) -> tuple[Settings, Clock, _Plan]:
    settings: Settings = rt.settings.merged(_settings_changes(seed))
    clock = rt.clock_for(settings)
    return settings, clock, _Planner(rt.catalog, seed, clock.now(), settings.rng_seed).build()


async def _apply(rt: Runtime, seed: schema.Seed) -> dict[str, int]:
    settings, clock, plan = _plan(rt, seed)
    templates = await _template_entities(
        functools.partial(rt.object_id, "template"), plan.templates, clock.now()
    )
    entities: list[Entity] = [*plan.entities, *templates]
    await rt.store.write(entities, settings=settings)
    for entity in entities:
        if isinstance(entity, User):
            rt.users.remember(entity)
        else:
            rt.catalog.put(entity)
    await rt.change_settings(settings, clock)
    return _counts(entities)


async def reset_to_seed(rt: Runtime, document: Any) -> dict[str, int]:
    """Replace the whole state by a seed (None: an empty one) in one transaction. The seed is
    validated first, against an empty state: a bad seed raises SeedError and changes nothing."""
    seed = schema.decode({} if document is None else document)
    settings = Settings().merged(_settings_changes(seed))
    clock = make_clock(settings, None)
    plan = _Planner(Catalog(), seed, clock.now(), settings.rng_seed).build()
    template_seqs = itertools.count(1)  # a reset starts every sequence again

    async def new_template_id() -> tuple[int, str]:
        seq = next(template_seqs)
        return seq, ids.object_id(settings.rng_seed, "template", seq)

    templates = await _template_entities(new_template_id, plan.templates, clock.now())
    entities: list[Entity] = [*plan.entities, *templates]
    async with rt.store.exclusive("wamm-seed"):
        await rt.replace_state(
            entities, settings, clock, counters={"template": next(template_seqs)}
        )
    settle_heap()
    return _counts(entities)


def _counts(entities: list[Entity]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entity in entities:
        kind = type(entity).__name__.lower()
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _version(name: str | None, path: str) -> int | None:
    if name is None:
        return None
    major = parse_version_name(name)
    if major is None:
        raise SeedError(path, f"wamm emulates Graph API versions up to {DEFAULT_API_VERSION}")
    return major
