"""Template variables ({{1}} / {{name}}): parsing, the parameter-format rules and where variables
may stand in a body."""

from __future__ import annotations

import re
from collections import Counter

from wamm.core.templates.errors import reject
from wamm.core.templates.limits import SUBCODE_TOO_MANY_VARIABLES, SUBCODE_VARIABLE_POSITION

TOKEN = re.compile(r"\{\{([^{}]*)\}\}")
_ADJACENT = re.compile(r"\{\{([^{}]*)\}\}\s*\{\{([^{}]*)\}\}")
_POSITIONAL = re.compile(r"[1-9][0-9]*")
# Named variables: lower-case letters, digits and underscores, not starting with a digit (so
# they can never be read as positional numbers).
_NAMED = re.compile(r"[a-z_][a-z0-9_]*")


def var(name: str) -> str:
    """`name` written as a variable: {{name}}."""
    return "{{" + name + "}}"


def has_stray_braces(text: str) -> bool:
    rest = TOKEN.sub("", text)
    return "{{" in rest or "}}" in rest


def variables(text: str, field: str, subcode: int, named: bool) -> tuple[str, ...]:
    """The variable names of `text` in order of appearance, checked against the format."""
    if has_stray_braces(text):
        raise reject(
            subcode, f"{field} has unmatched braces; write variables as {{{{1}}}} or {{{{name}}}}."
        )
    names = tuple(TOKEN.findall(text))
    _check_variable_kind(names, field, subcode, named)
    if named:
        _check_named_once(names, field, subcode)
    else:
        _check_numbering(names, field, subcode)
    return names


def _kind(name: str, field: str, subcode: int) -> str:
    if _POSITIONAL.fullmatch(name):
        return "POSITIONAL"
    if _NAMED.fullmatch(name):
        return "NAMED"
    raise reject(
        subcode,
        f"{field} has an invalid variable {var(name)}; use numbers "
        "like {{1}} or lower-case names like {{first_name}}.",
    )


def _check_variable_kind(names: tuple[str, ...], field: str, subcode: int, named: bool) -> None:
    kinds = {_kind(name, field, subcode) for name in names}
    if len(kinds) > 1:
        raise reject(subcode, f"{field} mixes numbered and named variables.")
    expected = "NAMED" if named else "POSITIONAL"
    if kinds and kinds != {expected}:
        raise reject(
            subcode,
            f"{field} uses {kinds.pop().lower()} variables but the "
            f"template's parameter_format is {expected}.",
        )


def _check_named_once(names: tuple[str, ...], field: str, subcode: int) -> None:
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise reject(
            subcode,
            f"{field} uses {var(repeated[0])} more than once; each named variable may appear once.",
        )


def _check_numbering(names: tuple[str, ...], field: str, subcode: int) -> None:
    if sorted(int(name) for name in names) != list(range(1, len(names) + 1)):
        raise reject(
            subcode,
            f"{field} has variables {', '.join(map(var, names))}; they "
            f"must be numbered {{{{1}}}} to {var(str(len(names)))}, each once.",
        )


def _word_count(text: str) -> int:
    return sum(1 for word in TOKEN.sub(" ", text).split() if any(c.isalnum() for c in word))


def check_body_layout(text: str, names: tuple[str, ...], field: str) -> None:
    """Where a body's variables may stand, and how many its text can carry."""
    if not names:
        return
    stripped = text.strip()
    if stripped.startswith("{{") or stripped.endswith("}}"):
        raise reject(
            SUBCODE_VARIABLE_POSITION,
            f"{field} can't start or end with a variable; "
            "put text before the first and after the last.",
        )
    adjacent = _ADJACENT.search(text)
    if adjacent:
        first, second = adjacent.groups()
        raise reject(
            SUBCODE_VARIABLE_POSITION,
            f"{field} has {var(first)} and {var(second)} "
            "next to each other; separate them with text.",
        )
    # Meta rejects text with too many variables for its length (2388293) without publishing the
    # ratio. wamm's rule: there must be at least as many words (whitespace-separated runs
    # containing a letter or digit, variables excluded) as variables.
    words = _word_count(text)
    if len(names) > words:
        raise reject(
            SUBCODE_TOO_MANY_VARIABLES,
            f"{field} has {len(names)} variables but only {words} words of text; add text or "
            "remove variables.",
        )
