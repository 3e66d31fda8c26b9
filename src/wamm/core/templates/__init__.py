"""Template rules: create and edit validation, creative-feature shapes, send-time parameter checks.

Pure functions over request bodies and `Template` structs. Every failure is a `GraphError` whose
code and subcode follow Meta (facts §2.1, §2.4, §4) and whose text names the offending field,
e.g. `components[1].buttons[2].text`. Error conventions used throughout:

- a missing or wrongly typed request parameter: plain code 100 (`invalid_parameter`);
- template content Meta would reject: code 100 with Meta's subcode (`template_rejected`);
- send time: 132000 parameter count, 131008 parameter missing, 132012 parameter of the wrong
  type or name, 131009 parameter value invalid, 100 for a malformed `components` structure.

Modules, from the bottom up:

- `limits`: the tables (languages, features, subcodes, character limits, TTL ranges);
- `errors`: rejection helpers and the errors the service layer raises;
- `readers`, `rules`: reading request values; the category / parameter-format context;
- `variables`, `examples`: {{...}} variables and their sample values;
- `components`, `buttons`, `carousel`, `content`: component checks and the components list;
- `features`: creative features and the bid spec;
- `create`, `edit`: the create and edit requests;
- `shape`, `values`, `send`: what a send must supply, and the send-time checks.
"""

from wamm.core.templates.create import TemplateSpec, parse_create
from wamm.core.templates.edit import parse_edit
from wamm.core.templates.errors import duplicate_error, limit_error, name_being_deleted_error
from wamm.core.templates.features import creative_features_read, parse_creative_features
from wamm.core.templates.limits import (
    BID_STRATEGY,
    BODY_LIMIT,
    BUTTON_TEXT_LIMIT,
    CARD_BODY_LIMIT,
    COPY_CODE_EXAMPLE_LIMIT,
    DAY,
    DOF_FEATURES,
    EDIT_WINDOWS,
    EDITABLE_STATUSES,
    ENROLL_STATUSES,
    FOOTER_LIMIT,
    HEADER_TEXT_LIMIT,
    LANGUAGES,
    MAX_BUTTONS,
    MAX_CARD_BUTTONS,
    MAX_CARDS,
    NAME_LIMIT,
    OFFER_TEXT_LIMIT,
    PARAMETER_FORMATS,
    PHONE_LIMIT,
    SUBCODE_BEING_DELETED,
    SUBCODE_BODY_FORMAT,
    SUBCODE_CHAR_LIMIT,
    SUBCODE_DUPLICATE,
    SUBCODE_FOOTER_FORMAT,
    SUBCODE_HEADER_FORMAT,
    SUBCODE_LIMIT,
    SUBCODE_MISSING_EXAMPLE,
    SUBCODE_NOT_EDITABLE,
    SUBCODE_TOO_MANY_VARIABLES,
    SUBCODE_VARIABLE_POSITION,
    TTL_DEFAULT_CATEGORIES,
    TTL_RANGES,
    URL_LIMIT,
)
from wamm.core.templates.send import check_send_components
from wamm.core.templates.shape import ButtonSlot, TemplateShape, template_shape

__all__ = [
    "BID_STRATEGY",
    "BODY_LIMIT",
    "BUTTON_TEXT_LIMIT",
    "CARD_BODY_LIMIT",
    "COPY_CODE_EXAMPLE_LIMIT",
    "DAY",
    "DOF_FEATURES",
    "EDITABLE_STATUSES",
    "EDIT_WINDOWS",
    "ENROLL_STATUSES",
    "FOOTER_LIMIT",
    "HEADER_TEXT_LIMIT",
    "LANGUAGES",
    "MAX_BUTTONS",
    "MAX_CARDS",
    "MAX_CARD_BUTTONS",
    "NAME_LIMIT",
    "OFFER_TEXT_LIMIT",
    "PARAMETER_FORMATS",
    "PHONE_LIMIT",
    "SUBCODE_BEING_DELETED",
    "SUBCODE_BODY_FORMAT",
    "SUBCODE_CHAR_LIMIT",
    "SUBCODE_DUPLICATE",
    "SUBCODE_FOOTER_FORMAT",
    "SUBCODE_HEADER_FORMAT",
    "SUBCODE_LIMIT",
    "SUBCODE_MISSING_EXAMPLE",
    "SUBCODE_NOT_EDITABLE",
    "SUBCODE_TOO_MANY_VARIABLES",
    "SUBCODE_VARIABLE_POSITION",
    "TTL_DEFAULT_CATEGORIES",
    "TTL_RANGES",
    "URL_LIMIT",
    "ButtonSlot",
    "TemplateShape",
    "TemplateSpec",
    "check_send_components",
    "creative_features_read",
    "duplicate_error",
    "limit_error",
    "name_being_deleted_error",
    "parse_create",
    "parse_creative_features",
    "parse_edit",
    "template_shape",
]
