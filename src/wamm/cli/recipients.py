"""The recipients file of `wamm campaign`: a CSV with a header row.

- `phone` (or `to`): the recipient's phone number; or `recipient`: a BSUID. A row uses the
  first of them that is not empty.
- Every other column is a template value, named by the key grammar of `wamm.cli.params`
  (`param_1`, `param_2`, `first_name`, `body.first_name`, `header`, `button.0`, ...); an
  empty cell leaves that value out.

A recipient listed twice is sent to once (the first row counts).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from wamm.cli.common import UsageError
from wamm.cli.params import components

ADDRESS_COLUMNS = ("phone", "to", "recipient")


@dataclass(frozen=True)
class Row:
    """One recipient: a phone number or BSUID, and its template values."""

    address: str
    values: dict[str, str]


@dataclass(frozen=True)
class Recipients:
    """The rows of a recipients file, and how many repeated rows were dropped."""

    rows: list[Row]
    duplicates: int


def read_recipients(path: Path) -> Recipients:
    """Read and check a recipients file (`UsageError` with the line of the first problem)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            return _read(csv.reader(file), path)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def _read(reader: Iterator[list[str]], path: Path) -> Recipients:
    header = [name.strip().lower() for name in next(reader, [])]
    addresses = [i for i, name in enumerate(header) if name in ADDRESS_COLUMNS]
    if not addresses:
        raise UsageError(f"{path} has no phone, to or recipient column (header: {header})")
    values = [i for i in range(len(header)) if i not in addresses]
    components({header[i]: "x" for i in values})  # the value columns' names and their mix
    rows: dict[str, Row] = {}
    duplicates = 0
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, *[""] * (len(header) - len(row))]
        address = next((cells[i].strip() for i in addresses if cells[i].strip()), "")
        if not address:
            raise UsageError(f"{path}, row {number}: no phone number or recipient")
        if address in rows:
            duplicates += 1
            continue
        rows[address] = Row(address, {header[i]: cells[i].strip() for i in values})
    return Recipients(list(rows.values()), duplicates)
