"""The state file of `wamm campaign`: a journal that makes a campaign resumable.

One JSON object per line, appended and fsync'd before the campaign goes on:

- first, the campaign (`{"campaign": {...}}`): number, template, language, endpoint, policy,
  and a random id that keys the SDK's idempotency guard;
- then, per recipient, `sending` just before its request, and its outcome once known:
  `accepted` (with the wamid), `failed` (with the error), `unresolved` (the request left but
  no answer came back: it may have been accepted) or `not_sent` (stopped before it left).

Reading it back, the last line of a recipient counts; a recipient whose last line is
`sending` (the process died while its request was out) is `unresolved`. A line torn by a
crash is cut off.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wamm.cli.common import UsageError

SENDING = "sending"
ACCEPTED = "accepted"
FAILED = "failed"
UNRESOLVED = "unresolved"
NOT_SENT = "not_sent"
PENDING = "pending"  # never written: no outcome yet
DONE = frozenset({ACCEPTED, FAILED, UNRESOLVED})


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient."""

    recipient: str
    state: str
    wamid: str | None = None
    error: dict[str, Any] | None = None

    def line(self) -> dict[str, Any]:
        """The journal line (None fields left out)."""
        return {key: value for key, value in asdict(self).items() if value is not None}


class Journal:
    """An open state file; `record` may be called from any thread."""

    def __init__(self, path: Path, campaign: dict[str, Any], outcomes: dict[str, Outcome]) -> None:
        self.path = path
        self.campaign = campaign
        self.outcomes = outcomes  # each recipient's latest outcome, kept up to date
        self._file = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, campaign: Mapping[str, Any]) -> Journal:
        """Open `path` for `campaign`, reading what earlier runs recorded; a new file starts
        with the campaign line. `UsageError` if the file belongs to another campaign, or
        cannot be read or written."""
        try:
            return cls._open(path, campaign)
        except OSError as error:
            raise UsageError(
                f"cannot use the state file {path}: {error}", param_hint="--state"
            ) from None

    @classmethod
    def _open(cls, path: Path, campaign: Mapping[str, Any]) -> Journal:
        if not path.exists() or path.stat().st_size == 0:
            header = {**campaign, "id": uuid.uuid4().hex}
            journal = cls(path, header, {})
            journal._write({"campaign": header})
            return journal
        header, outcomes = _read(path)
        different = {k: (header.get(k), v) for k, v in campaign.items() if header.get(k) != v}
        if different:
            raise UsageError(
                f"the state file {path} belongs to another campaign ({different}, as "
                "recorded → as asked); pass another --state, or delete it to start over"
            )
        return cls(path, header, outcomes)

    @property
    def campaign_id(self) -> str:
        """The campaign's random id."""
        return str(self.campaign["id"])

    def record(self, outcome: Outcome) -> None:
        """Append `outcome`, durably (written and fsync'd when this returns)."""
        self._write(outcome.line())
        if outcome.state != SENDING:
            with self._lock:
                self.outcomes[outcome.recipient] = outcome

    def state_of(self, recipient: str) -> str:
        """`accepted`, `failed` or `unresolved`; `pending` for a recipient not done yet."""
        outcome = self.outcomes.get(recipient)
        return outcome.state if outcome is not None and outcome.state in DONE else PENDING

    def _write(self, line: Mapping[str, Any]) -> None:
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._lock:
            self._file.write(text)
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()


def _read(path: Path) -> tuple[dict[str, Any], dict[str, Outcome]]:
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with path.open("r+b") as file:  # a line torn by a crash: cut it off
            file.truncate(len(complete))
    try:
        lines = [json.loads(line) for line in complete.decode("utf-8").splitlines() if line]
        header = lines[0]["campaign"]
        recorded = [Outcome(**line) for line in lines[1:]]
    except (ValueError, TypeError, LookupError):
        raise UsageError(f"{path} is not a wamm campaign state file") from None
    outcomes = {outcome.recipient: outcome for outcome in recorded}  # the last line counts
    return header, {
        r: Outcome(r, UNRESOLVED) if o.state == SENDING else o for r, o in outcomes.items()
    }
