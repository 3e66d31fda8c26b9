"""Template tables: languages, creative features, Meta's subcodes, character limits, TTL ranges,
the edit budget and which categories may use what."""

from __future__ import annotations

from wamm.core.model import CATEGORIES
from wamm.core.templates.languages import LANGUAGE_NAMES

# Creative optimisation ("degrees of freedom") features, in the seed document's order.
DOF_FEATURES: tuple[str, ...] = (
    "image_brightness_and_contrast",
    "image_touchups",
    "add_text_overlay",
    "image_animation",
    "image_background_gen",
    "auto_promotion_tag",
    "text_extraction_for_headline",
    "text_extraction_for_tap_target",
    "product_extensions",
    "text_formatting_optimization",
)
ENROLL_STATUSES = ("OPT_IN", "OPT_OUT")

# Supported template languages (facts §4.6), named as Meta names them.
LANGUAGES: frozenset[str] = frozenset(LANGUAGE_NAMES)

PARAMETER_FORMATS = ("POSITIONAL", "NAMED")
EDITABLE_STATUSES = ("APPROVED", "REJECTED", "PAUSED")
BID_STRATEGY = "LOWEST_COST_WITH_BID_CAP"

# Meta's template-management subcodes (facts §2.1, §2.4). 2388043 ("component is missing
# expected field(s) (example)") is not in Meta's table but was observed in a real rejection.
SUBCODE_LIMIT = 2388019
SUBCODE_BEING_DELETED = 2388023
SUBCODE_DUPLICATE = 2388024
SUBCODE_NOT_EDITABLE = 2388039
SUBCODE_CHAR_LIMIT = 2388040
SUBCODE_MISSING_EXAMPLE = 2388043
SUBCODE_HEADER_FORMAT = 2388047
SUBCODE_BODY_FORMAT = 2388072
SUBCODE_FOOTER_FORMAT = 2388073
SUBCODE_TOO_MANY_VARIABLES = 2388293
SUBCODE_VARIABLE_POSITION = 2388299

# The error title of each subcode; None: content Meta rejects without a specific subcode.
# Meta's own titles where known (docs/errors.md), the others worded after its descriptions.
SUBCODE_TITLES: dict[int | None, str] = {
    SUBCODE_LIMIT: "Message Template Limit Exceeded",
    SUBCODE_BEING_DELETED: "Message Template Language Is Being Deleted",
    SUBCODE_DUPLICATE: "Content in This Language Already Exists",
    SUBCODE_NOT_EDITABLE: "Message template status can't be changed",
    SUBCODE_CHAR_LIMIT: "Character limit exceeded",
    SUBCODE_MISSING_EXAMPLE: "Sample values are missing",
    SUBCODE_HEADER_FORMAT: "Header format is incorrect",
    SUBCODE_BODY_FORMAT: "Body format is incorrect",
    SUBCODE_FOOTER_FORMAT: "Footer format is incorrect",
    SUBCODE_TOO_MANY_VARIABLES: "Too many variables for the text length",
    SUBCODE_VARIABLE_POSITION: "Variables are in the wrong place",
    None: "Template content is not valid",
}

# Character limits (facts §4.2; limited-time offer text from Meta's LTO guide).
NAME_LIMIT = 512
BODY_LIMIT = 1024
CARD_BODY_LIMIT = 160
HEADER_TEXT_LIMIT = 60
FOOTER_LIMIT = 60
BUTTON_TEXT_LIMIT = 25
URL_LIMIT = 2000
PHONE_LIMIT = 20
COPY_CODE_EXAMPLE_LIMIT = 15
OFFER_TEXT_LIMIT = 16
# Send-time parameter text (Meta's parameter object): a header variable takes 60 characters, a
# body variable 1,024, or 32,768 when the body is the template's only component; an
# authentication code (body variable and OTP button) at most 15.
HEADER_PARAM_LIMIT = 60
BODY_PARAM_LIMIT = 1024
BODY_ONLY_PARAM_LIMIT = 32_768
AUTH_CODE_LIMIT = 15
MAX_BUTTONS = 10
MAX_CARD_BUTTONS = 2
MAX_CARDS = 10

# message_send_ttl_seconds range per category (facts §3.4); -1 means "30 days" where allowed.
TTL_RANGES: dict[str, tuple[int, int]] = {
    "MARKETING": (43_200, 2_592_000),
    "UTILITY": (30, 43_200),
    "AUTHENTICATION": (30, 900),
}
TTL_DEFAULT_CATEGORIES = frozenset({"UTILITY", "AUTHENTICATION"})

# Edit budget of an APPROVED template: (window seconds, edits allowed, label) (facts §2.4).
DAY = 86_400.0
EDIT_WINDOWS: tuple[tuple[float, int, str], ...] = ((DAY, 1, "24 hours"), (30 * DAY, 10, "30 days"))

# The categories allowed to use a component type, header format or button type.
ANY_CATEGORY = frozenset(CATEGORIES)
MARKETING_ONLY = frozenset({"MARKETING"})
MARKETING_OR_UTILITY = frozenset({"MARKETING", "UTILITY"})
AUTHENTICATION_ONLY = frozenset({"AUTHENTICATION"})
