"""In-process mirror of the read-mostly state (apps, businesses, WABAs, numbers, tokens,
templates, subscriptions), so the hot path never reads the database for them.

The service layer writes the store first and then the catalog, inside one event-loop step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from wamm.core.model import App, Business, PhoneNumber, Template, Token, Waba
from wamm.core.templates import TemplateShape, check_send_components, template_shape
from wamm.store.base import CatalogData, Entity, Subscription

# Distinct `template` objects remembered as checked, per template version: a campaign sends one
# to every recipient; personalised ones (a name in each) stop being remembered past this many.
CHECKED_SENDS_PER_TEMPLATE = 256


class Catalog:
    def __init__(self) -> None:
        self.apps: dict[str, App] = {}
        self.businesses: dict[str, Business] = {}
        self.wabas: dict[str, Waba] = {}
        self.phone_numbers: dict[str, PhoneNumber] = {}
        self.tokens: dict[str, Token] = {}
        self.templates: dict[str, Template] = {}
        # (waba_id, name, language) -> the live (not deleted) template
        self.templates_by_key: dict[tuple[str, str, str], Template] = {}
        self.waba_templates: dict[str, dict[str, Template]] = defaultdict(dict)
        self.subscriptions: dict[str, dict[str, Subscription]] = defaultdict(dict)
        self._shapes: dict[str, TemplateShape] = {}
        self._checked: dict[str, set[bytes]] = {}  # JSON of `template` objects that passed
        # webhook_targets, by WABA and field
        self._targets: dict[str, dict[str | None, list[tuple[App, str]]]] = {}

    @classmethod
    def from_data(cls, data: CatalogData) -> Catalog:
        catalog = cls()
        for entities in (
            data.apps,
            data.businesses,
            data.wabas,
            data.phone_numbers,
            data.tokens,
            data.templates,
            data.subscriptions,
        ):
            for entity in entities:
                catalog.put(entity)
        return catalog

    def put(self, entity: Entity) -> None:
        match entity:
            case App():
                self.apps[entity.id] = entity
                self._targets.clear()
            case Business():
                self.businesses[entity.id] = entity
            case Waba():
                self.wabas[entity.id] = entity
            case PhoneNumber():
                self.phone_numbers[entity.id] = entity
            case Token():
                self.tokens[entity.value] = entity
            case Template():
                self._put_template(entity)
            case Subscription():
                self.subscriptions[entity.waba_id][entity.app_id] = entity
                self._targets.pop(entity.waba_id, None)

    def _put_template(self, template: Template) -> None:
        self.templates[template.id] = template
        self._shapes.pop(template.id, None)
        self._checked.pop(template.id, None)
        self.waba_templates[template.waba_id][template.id] = template
        key = (template.waba_id, template.name, template.language)
        if template.status != "DELETED":
            self.templates_by_key[key] = template
        elif (current := self.templates_by_key.get(key)) is not None and current.id == template.id:
            del self.templates_by_key[key]

    def shape(self, template: Template) -> TemplateShape:
        """What a send of `template` must supply, computed once per template version."""
        shape = self._shapes.get(template.id)
        if shape is None:
            shape = self._shapes[template.id] = template_shape(template)
        return shape

    def check_send(self, template: Template, components: Any, sent: bytes) -> None:
        """`check_send_components` of a send of `template` whose `template` object (`sent`, as
        JSON) holds `components`; skipped when the same object passed before, as the check
        depends on nothing else."""
        checked = self._checked.setdefault(template.id, set())
        if sent in checked:
            return
        check_send_components(self.shape(template), components)
        if len(checked) < CHECKED_SENDS_PER_TEMPLATE:
            checked.add(sent)

    def business_of(self, waba: Waba) -> Business:
        return self.businesses[waba.business_id]

    def reaches(self, token: Token, waba_id: str) -> bool:
        """Whether the token may touch the WABA: one of its `wabas`, or a WABA its portfolio
        owns or a client of that portfolio shares with it (partner access)."""
        if waba_id in token.wabas:
            return True
        owner = token.business_id
        waba = self.wabas.get(waba_id)
        if owner is None or waba is None:
            return False
        business = self.businesses.get(waba.business_id)
        return waba.business_id == owner or (business is not None and owner in business.client_of)

    def client_wabas(self, partner_id: str) -> list[Waba]:
        """The WABAs client businesses share with the partner portfolio."""
        clients = {b.id for b in self.businesses.values() if partner_id in b.client_of}
        return [w for w in self.wabas.values() if w.business_id in clients]

    def remove_subscription(self, waba_id: str, app_id: str) -> None:
        self.subscriptions.get(waba_id, {}).pop(app_id, None)
        self._targets.pop(waba_id, None)

    def webhook_targets(self, waba_id: str, field: str | None = None) -> Sequence[tuple[App, str]]:
        """Apps subscribed to a WABA that have a callback (and take webhooks of `field`, when
        given), with the URL to POST to. Every send asks, so the answer is kept until an app
        or one of the WABA's subscriptions changes."""
        by_field = self._targets.get(waba_id)
        if by_field is None:
            by_field = self._targets[waba_id] = {None: self._callbacks(waba_id)}
        targets = by_field.get(field)
        if targets is None:
            targets = by_field[field] = [t for t in by_field[None] if t[0].receives(field or "")]
        return targets

    def _callbacks(self, waba_id: str) -> list[tuple[App, str]]:
        found = []
        for app_id, subscription in self.subscriptions.get(waba_id, {}).items():
            app = self.apps.get(app_id)
            url = subscription.override_callback_uri or (app.webhook_url if app else None)
            if app is not None and url:
                found.append((app, url))
        return found

    def live_templates(self, waba_id: str) -> list[Template]:
        """Templates of a WABA, newest first, without deleted ones."""
        items = [t for t in self.waba_templates[waba_id].values() if t.status != "DELETED"]
        return sorted(items, key=lambda t: t.seq, reverse=True)
