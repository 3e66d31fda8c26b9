"""The path-aware cursor and field tables that message-content validators are built from.

A `Node` is a JSON object under validation that knows its path in the request
(`interactive.action.cards[1].header`) and which error family answers for it (`Codes`): Graph's
parameter layer (code 100 for everything) or the interactive-message validator (131008 for a
missing field, 131009 for an invalid value). Field tables (`Text`, `Id`, `Flag`) describe the
plain fields of an object; `read_fields` reads them into the normalised copy wamm stores.

Every object also has its closed set of keys (`Node.only`): a key Meta does not define there is
refused as Graph's parameter layer refuses it, code 100 `Unexpected key "x" on param
"interactive['action']"`, whatever the family; the path is in Graph's notation (`meta_path`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from wamm.core.coerce import as_bool, as_int, as_list, as_object, as_str, type_name
from wamm.core.errors import GraphError, invalid_parameter, unexpected_key

# --- Errors and the cursor ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Codes:
    """The error codes one validator family answers with."""

    missing: int
    invalid: int

    def missing_error(self, path: str) -> GraphError:
        return GraphError(self.missing, f"The parameter {path} is required.")

    def invalid_error(self, path: str, reason: str) -> GraphError:
        return GraphError(self.invalid, f"Param {path} {reason}.")


GRAPH = Codes(missing=100, invalid=100)
INTERACTIVE = Codes(missing=131008, invalid=131009)

DIGITS = re.compile(r"[0-9]+")
_MEMBER = re.compile(r"\.([^.\[]+)")


def meta_path(path: str) -> str:
    """Graph's notation for a nested parameter: `template.components[0].parameters` is
    `template['components'][0]['parameters']`."""
    return _MEMBER.sub(r"['\1']", path)


def check_keys(fields: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
    """Refuse the first key of `fields` that is not in `allowed` (one C-level subset test when
    every key is known, as on nearly every request)."""
    if not allowed.issuperset(fields):
        raise unexpected_key(next(key for key in fields if key not in allowed), meta_path(path))


class KeyTree(NamedTuple):
    """An object's keys and, by key, the trees of the objects under it (a list under a key is
    a list of such objects)."""

    keys: frozenset[str]
    children: Mapping[str, KeyTree] = MappingProxyType({})


def check_tree(value: Any, tree: KeyTree, path: str) -> None:
    """`check_keys` over a whole parameter before its values are read, as Graph's parameter
    layer checks it (an unexpected key deep in the third object is refused before a bad value
    in the first). Values of the wrong JSON type are left to the readers."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_tree(item, tree, f"{path}[{i}]")
    elif isinstance(value, Mapping):
        check_keys(value, tree.keys, path)
        for key, child in tree.children.items():
            if key in value:
                check_tree(value[key], child, f"{path}.{key}")


_MAX_ID = 2**64  # Graph ids are unsigned 64-bit numbers


def one_of_reason(allowed: Collection[str]) -> str:
    return f"must be one of: {', '.join(sorted(allowed))}"


def is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _range_reason(least: int | None, most: int | None) -> str:
    if least is not None and most is not None:
        return f"must be between {least} and {most}"
    return f"must be at least {least}" if least is not None else f"must be at most {most}"


@dataclass(frozen=True, slots=True)
class Node:
    """A JSON object under validation: its fields, its path in the request, its error family.

    A JSON `null` counts as absent: SDKs such as pywa send unset optional fields as `null`.
    """

    fields: Mapping[str, Any]
    path: str
    codes: Codes

    @classmethod
    def root(cls, key: str, value: Any) -> Node:
        """A node holding only `key`, so that `key` itself is reported as `key`."""
        return cls({key: value}, "", GRAPH)

    def only(self, allowed: frozenset[str]) -> Node:
        """This node, once every key it has is one of `allowed`."""
        check_keys(self.fields, allowed, self.path)
        return self

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.fields.get(key) is not None

    def missing(self, key: str) -> GraphError:
        return self.codes.missing_error(self.at(key))

    def invalid(self, key: str, reason: str) -> GraphError:
        return self.codes.invalid_error(self.at(key), reason)

    def value(self, key: str) -> Any:
        if not self.has(key):
            raise self.missing(key)
        return self.fields[key]

    def string(self, key: str) -> str:
        return as_str(self.value(key), self.at(key))

    def text(self, key: str, limit: int | None = None) -> str:
        """A required, non-empty string of at most `limit` characters."""
        text = self.string(key)
        if not text or (limit is not None and len(text) > limit):
            span = "not be empty" if limit is None else f"be 1 to {limit} characters long"
            raise self.invalid(key, f"must {span}")
        return text

    def optional_text(self, key: str, limit: int | None = None) -> str | None:
        if not self.has(key):
            return None
        text = self.string(key)
        if limit is not None and len(text) > limit:
            raise self.invalid(key, f"must be at most {limit} characters long")
        return text

    def optional_flag(self, key: str) -> bool | None:
        return as_bool(self.fields[key], self.at(key)) if self.has(key) else None

    def integer(self, key: str, least: int | None = None, most: int | None = None) -> int:
        """A required integer between `least` and `most`, from a JSON number or numeric text;
        an integral float (`4320.0`, as some SDKs send) counts as one."""
        value = self.value(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        number = as_int(value, self.at(key))
        if (least is not None and number < least) or (most is not None and number > most):
            raise self.invalid(key, _range_reason(least, most))
        return number

    def optional_integer(
        self, key: str, least: int | None = None, most: int | None = None
    ) -> int | None:
        return self.integer(key, least, most) if self.has(key) else None

    def choice(self, key: str, allowed: Collection[str]) -> str:
        value = self.string(key)
        if value not in allowed:
            raise self.invalid(key, one_of_reason(allowed))
        return value

    def identifier(self, key: str) -> str:
        """A catalog, media, flow or product id: Graph takes a JSON number for one as well."""
        value = self.value(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_ID:
            return str(value)
        if not isinstance(value, str):
            path = self.at(key)
            raise invalid_parameter(f"Param {path} must be a string, got {type_name(value)}.")
        if not value:
            raise self.invalid(key, "must not be empty")
        return value

    def url(self, key: str) -> str:
        url = self.string(key)
        if not is_http_url(url):
            raise self.invalid(key, "must be an http or https URL")
        return url

    def wamid(self, key: str) -> str:
        wamid = self.string(key)
        if not wamid.startswith("wamid.") or wamid == "wamid.":
            raise self.invalid(key, "must be a WhatsApp message id starting with wamid.")
        return wamid

    def child(self, key: str) -> Node:
        return self._nested(self.value(key), self.at(key))

    def optional_child(self, key: str) -> Node | None:
        return self.child(key) if self.has(key) else None

    def children(self, key: str, *, least: int = 1, most: int | None = None) -> list[Node]:
        """An array of objects whose length lies between `least` and `most`."""
        path = self.at(key)
        items = as_list(self.value(key), path)
        if len(items) < least or (most is not None and len(items) > most):
            span = f"{least} to {most}" if most is not None else f"at least {least}"
            raise self.invalid(key, f"must hold {span} items")
        return [self._nested(item, f"{path}[{index}]") for index, item in enumerate(items)]

    def _nested(self, value: Any, path: str) -> Node:
        return Node(as_object(value, path), path, self.codes)


# --- Field tables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A string field: required ones must be non-empty; `limit` is Meta's character limit."""

    key: str
    limit: int | None = None
    required: bool = False
    allowed: frozenset[str] | None = None

    def read(self, node: Node) -> str | None:
        read = node.text if self.required else node.optional_text
        text = read(self.key, self.limit)
        if text is not None and self.allowed is not None and text not in self.allowed:
            raise node.invalid(self.key, one_of_reason(self.allowed))
        return text


@dataclass(frozen=True, slots=True)
class Id:
    """An id field (string, or a JSON number Graph turns into one)."""

    key: str
    required: bool = False

    def read(self, node: Node) -> str | None:
        return node.identifier(self.key) if self.required or node.has(self.key) else None


@dataclass(frozen=True, slots=True)
class Flag:
    """An optional boolean field."""

    key: str

    def read(self, node: Node) -> bool | None:
        return node.optional_flag(self.key)


Field = Text | Id | Flag


def keys(*fields: Field | str) -> frozenset[str]:
    """The keys an object defines: its field tables' and the others it reads by name."""
    return frozenset(field if isinstance(field, str) else field.key for field in fields)


def read_fields(node: Node, fields: Iterable[Field]) -> dict[str, Any]:
    """The values of `fields` read from `node`, absent optional ones left out."""
    values = ((field.key, field.read(node)) for field in fields)
    return {key: value for key, value in values if value is not None}


def optional_texts(*names: str) -> tuple[Field, ...]:
    return tuple(Text(name) for name in names)


def compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def check_unique(nodes: Sequence[Node], key: str, values: Sequence[Any] | None = None) -> None:
    """Reject the first node whose `key` repeats an earlier one. The values compared are
    `values` (normalised, one per node) when given, else the nodes' raw, already checked ones."""
    seen: set[Any] = set()
    compared = [node.fields[key] for node in nodes] if values is None else values
    for node, value in zip(nodes, compared, strict=True):
        if value in seen:
            raise node.invalid(key, "must be unique within the message")
        seen.add(value)


def either(node: Node, first: str, second: str) -> str:
    """Which of two mutually exclusive alternatives `node` gives; exactly one is required."""
    given = [key for key in (first, second) if node.has(key)]
    if not given:
        raise node.codes.missing_error(f"{node.at(first)} or {node.at(second)}")
    if len(given) == 2:
        raise node.invalid(second, f"cannot be combined with {node.at(first)}")
    return given[0]
