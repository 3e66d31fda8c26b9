"""The keys each object of a template create or edit body defines.

Graph's parameter layer refuses any other key in these objects as it does in a send's
(`content_cursor.check_keys`: `(#100) Unexpected key "x" on param "components[0]['buttons'][1]"`);
`check_body_keys` checks a create or edit body's object parameters whole before any value is
read, as Graph's parameter layer runs before the template's validation.
Like an interactive `action` in a send, one component object and one button object serve every
type, so the keys of all types are accepted in each (the type's own rules decide the rest).
Sources: the component and button pages of Meta's template documentation and the create
examples of Meta's OpenAPI (v23.0); the keys of a template read (`GET /{template_id}`) are
among them, so a client can send back what it read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.content_cursor import KeyTree, check_tree
from wamm.core.templates.readers import decoded

COMPONENT_KEYS = frozenset(
    {
        "type",
        "format",
        "text",
        "example",
        "buttons",
        "cards",
        "limited_time_offer",
        "add_security_recommendation",  # authentication BODY
        "code_expiration_minutes",  # authentication FOOTER
    }
)
BUTTON_KEYS = frozenset(
    {
        "type",
        "text",
        "url",
        "phone_number",
        "example",
        "app_deep_link",  # URL (its own keys pass through: Meta's deep-link fields)
        "otp_type",
        "autofill_text",
        "package_name",
        "signature_hash",
        "supported_apps",
        "zero_tap_terms_accepted",
        "flow_id",
        "flow_name",
        "flow_json",
        "flow_action",
        "navigate_screen",
        "icon",
    }
)
# A component's `example` (a button's is a string or a list of strings).
EXAMPLE_KEYS = frozenset(
    {
        "header_text",
        "header_text_named_params",
        "body_text",
        "body_text_named_params",
        "header_handle",
    }
)
NAMED_SAMPLE_KEYS = frozenset({"param_name", "example"})
SUPPORTED_APP_KEYS = frozenset({"package_name", "signature_hash"})
OFFER_KEYS = frozenset({"text", "has_expiration"})
CARD_KEYS = frozenset({"components"})
# `degrees_of_freedom_spec` (templates and the WABA) and each feature's setting in it.
CREATIVE_SPEC_KEYS = frozenset({"creative_features_spec"})
FEATURE_SETTING_KEYS = frozenset({"enroll_status"})
BID_SPEC_KEYS = frozenset({"bid_amount", "bid_strategy"})
# A library create's button inputs and a URL input's `url`.
LIBRARY_BUTTON_KEYS = frozenset(
    {
        "type",
        "text",  # ignored: the library's text stays
        "url",
        "phone_number",
        "otp_type",
        "zero_tap_terms_accepted",
        "supported_apps",
        "package_name",
        "signature_hash",
        "autofill_text",
    }
)
LIBRARY_URL_KEYS = frozenset({"base_url", "url_suffix_example"})

_EXAMPLE = KeyTree(
    EXAMPLE_KEYS,
    {
        "header_text_named_params": KeyTree(NAMED_SAMPLE_KEYS),
        "body_text_named_params": KeyTree(NAMED_SAMPLE_KEYS),
    },
)
_BUTTON = KeyTree(BUTTON_KEYS, {"supported_apps": KeyTree(SUPPORTED_APP_KEYS)})
_CARD_COMPONENT = KeyTree(COMPONENT_KEYS, {"example": _EXAMPLE, "buttons": _BUTTON})
_COMPONENT = KeyTree(
    COMPONENT_KEYS,
    {
        "example": _EXAMPLE,
        "buttons": _BUTTON,
        "limited_time_offer": KeyTree(OFFER_KEYS),
        "cards": KeyTree(CARD_KEYS, {"components": _CARD_COMPONENT}),
    },
)
# The object parameters of a create or edit body (a creative feature's setting is checked as
# it is read: its key is the feature's name, in any case).
_BODY_TREES = {
    "components": _COMPONENT,
    "degrees_of_freedom_spec": KeyTree(CREATIVE_SPEC_KEYS),
    "bid_spec": KeyTree(BID_SPEC_KEYS),
    "optimization_spec": KeyTree(BID_SPEC_KEYS),
}


def check_body_keys(body: Mapping[str, Any]) -> None:
    """Refuse a key Meta does not define in a create or edit body's object parameters (a form
    post gives them as JSON text)."""
    for name, tree in _BODY_TREES.items():
        if body.get(name) is not None:
            check_tree(decoded(body[name]), tree, name)


# Each item of a library create's `library_template_button_inputs`.
LIBRARY_BUTTON_INPUT = KeyTree(
    LIBRARY_BUTTON_KEYS,
    {"url": KeyTree(LIBRARY_URL_KEYS), "supported_apps": KeyTree(SUPPORTED_APP_KEYS)},
)
