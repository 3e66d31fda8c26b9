"""Template error constructors.

- `reject`: content Meta would reject, code 100 with Meta's subcode and its title;
- `invalid_value`: a send-time parameter value Meta would refuse, code 131009;
- `duplicate_error`, `limit_error`, `name_being_deleted_error`: what the service layer raises
  when a create collides with existing templates.
"""

from __future__ import annotations

from wamm.core.errors import GraphError, template_rejected
from wamm.core.templates.languages import language_name
from wamm.core.templates.limits import (
    SUBCODE_BEING_DELETED,
    SUBCODE_DUPLICATE,
    SUBCODE_LIMIT,
    SUBCODE_TITLES,
)


def reject(subcode: int | None, message: str, title: str | None = None) -> GraphError:
    """Template content Meta would reject; the title defaults to the subcode's."""
    return template_rejected(subcode, title or SUBCODE_TITLES[subcode], message)


def invalid_value(field: str, problem: str) -> GraphError:
    """A send-time parameter value Meta would refuse (131009)."""
    return GraphError(131009, f"{field} {problem}")


def duplicate_error(language: str) -> GraphError:
    """Meta's answer, word for word, naming the language as Meta names it."""
    return reject(
        SUBCODE_DUPLICATE,
        f"There is already {language_name(language)} content for this template. You can "
        "create a new template and try again.",
    )


def limit_error(limit: int) -> GraphError:
    return reject(
        SUBCODE_LIMIT,
        f"This WhatsApp Business Account already has {limit} message templates, its maximum. "
        "Delete templates you no longer use before creating new ones.",
    )


def name_being_deleted_error(language: str) -> GraphError:
    return reject(
        SUBCODE_BEING_DELETED,
        f"{language_name(language)} content under this name was deleted recently and the name "
        "can't be reused for it for 30 days. Use another name or try again later.",
    )
