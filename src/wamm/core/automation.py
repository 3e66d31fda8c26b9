"""Conversational components of a number (`POST /{phone_number_id}/conversational_automation`):
the welcome message switch, ice breakers (`prompts`) and `/` commands, with Meta's limits.

Only the keys given change. `prompts` and `commands` may come as JSON text (form posts, and
pywa sends `commands` that way inside its JSON body).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from msgspec.structs import replace

from wamm.core.coerce import as_bool, as_list, as_object, as_str
from wamm.core.content_cursor import check_keys
from wamm.core.errors import invalid_parameter
from wamm.core.model import Automation, BotCommand
from wamm.core.templates.readers import decoded

MAX_PROMPTS = 3
MAX_PROMPT_CHARS = 80
MAX_COMMANDS = 30
MAX_COMMAND_NAME_CHARS = 30
MAX_COMMAND_DESCRIPTION_CHARS = 256
COMMAND_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
KEYS = ("enable_welcome_message", "prompts", "commands")
_COMMAND_KEYS = frozenset({"command_name", "command_description"})


def _prompts(value: Any) -> list[str]:
    prompts = [as_str(prompt, "prompts") for prompt in as_list(decoded(value), "prompts")]
    if len(prompts) > MAX_PROMPTS:
        raise invalid_parameter(f"Too many prompts provided. Maximum allowed is {MAX_PROMPTS}")
    if any(len(prompt) > MAX_PROMPT_CHARS for prompt in prompts):
        raise invalid_parameter(
            f"Prompt text exceeds maximum length of {MAX_PROMPT_CHARS} characters"
        )
    return prompts


def _command(value: Any, field: str) -> BotCommand:
    command = as_object(value, field)
    check_keys(command, _COMMAND_KEYS, field)
    name = as_str(command.get("command_name", ""), "command_name")
    description = as_str(command.get("command_description", ""), "command_description")
    if not COMMAND_NAME_RE.match(name) or len(name) > MAX_COMMAND_NAME_CHARS:
        raise invalid_parameter(
            "Invalid command name format. Command names must contain only alphanumeric "
            f"characters and underscores (at most {MAX_COMMAND_NAME_CHARS})"
        )
    if not description or len(description) > MAX_COMMAND_DESCRIPTION_CHARS:
        raise invalid_parameter(
            f"command_description must have 1 to {MAX_COMMAND_DESCRIPTION_CHARS} characters"
        )
    return BotCommand(command_name=name, command_description=description)


def _commands(value: Any) -> list[BotCommand]:
    commands = as_list(decoded(value), "commands")
    if len(commands) > MAX_COMMANDS:
        raise invalid_parameter(f"Too many commands provided. Maximum allowed is {MAX_COMMANDS}")
    return [_command(command, f"commands[{i}]") for i, command in enumerate(commands)]


def update(automation: Automation, params: Mapping[str, Any]) -> Automation:
    if not any(key in params for key in KEYS):
        raise invalid_parameter(f"Nothing to update: give at least one of {', '.join(KEYS)}.")
    changes: dict[str, Any] = {}
    if "enable_welcome_message" in params:
        changes["enable_welcome_message"] = as_bool(
            params["enable_welcome_message"], "enable_welcome_message"
        )
    if "prompts" in params:
        changes["prompts"] = _prompts(params["prompts"])
    if "commands" in params:
        changes["commands"] = _commands(params["commands"])
    return replace(automation, **changes)
