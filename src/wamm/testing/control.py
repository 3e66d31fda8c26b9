"""The control API client, kept here for suites written against earlier versions: it lives in
the SDK (`wamm.client.control`)."""

from wamm.client.control import CONTROL_TIMEOUT, PAGE_LIMIT, Control, ControlError

__all__ = ["CONTROL_TIMEOUT", "PAGE_LIMIT", "Control", "ControlError"]
