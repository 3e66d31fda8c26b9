"""The read-only ad objects Meta links to the marketing templates of an onboarded WABA.

On onboarding, Meta creates an ad account for the WABA and links every marketing template to
its own ad campaign, ad set and ad; the template exposes their ids (`ad_id`, `ad_adset_id`,
`ad_campaign_id`, `ad_account_id`) and the Insights API reports on each of them (MM "view
metrics" and onboarding pages). wamm derives the ids from the seed, so they are stable.
"""

from __future__ import annotations

from dataclasses import dataclass

from wamm.core import ids
from wamm.core.model import Template

ACCOUNT_PREFIX = "act_"  # the Marketing API names an ad account node `act_<id>`
LEVELS = ("ad", "adset", "campaign", "account")  # finest first
# The template field that holds each level's id.
TEMPLATE_FIELDS = {
    "ad": "ad_id",
    "account": "ad_account_id",
    "campaign": "ad_campaign_id",
    "adset": "ad_adset_id",
}


def linked(template: Template, onboarded: bool) -> bool:
    """MM links only marketing templates, and only once the WABA is onboarded."""
    return onboarded and template.category == "MARKETING" and template.status != "DELETED"


def ad_ids(rng_seed: int, template: Template) -> dict[str, str]:
    """The id of each level's object for a template: one account per WABA, the rest per
    template."""
    found = {
        level: ids.object_id(rng_seed, f"{field}:{template.id}", 1)
        for level, field in TEMPLATE_FIELDS.items()
        if level != "account"
    }
    found["account"] = ids.object_id(rng_seed, f"ad_account_id:{template.waba_id}", 1)
    return found


@dataclass(frozen=True)
class AdObject:
    """An ad, ad set, campaign or ad account, and the templates (ads) under it."""

    id: str  # as Graph writes it in paths (an account with its `act_` prefix)
    level: str
    waba_id: str
    template_ids: tuple[str, ...]

    @property
    def plain_id(self) -> str:
        return self.id.removeprefix(ACCOUNT_PREFIX)


class Ad(AdObject):
    pass


class AdSet(AdObject):
    pass


class AdCampaign(AdObject):
    pass


class AdAccount(AdObject):
    pass


KINDS: dict[str, type[AdObject]] = {
    "ad": Ad,
    "adset": AdSet,
    "campaign": AdCampaign,
    "account": AdAccount,
}


def find(rng_seed: int, templates: list[Template], object_id: str) -> AdObject | None:
    """The ad object named `object_id` among the linked `templates`, or None. An account is
    found by `act_<id>` (Graph's spelling) or by its bare id."""
    wanted = object_id.removeprefix(ACCOUNT_PREFIX)
    matches: dict[str, list[Template]] = {}
    for template in templates:
        for level, value in ad_ids(rng_seed, template).items():
            if value == wanted:
                matches.setdefault(level, []).append(template)
    for level in LEVELS:
        if level in matches:
            path_id = ACCOUNT_PREFIX + wanted if level == "account" else wanted
            found = matches[level]
            return KINDS[level](
                path_id, level, found[0].waba_id, tuple(sorted(t.id for t in found))
            )
    return None
