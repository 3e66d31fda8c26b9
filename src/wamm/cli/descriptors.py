"""The process's limit on open files (sockets included): raised to the most it may have."""

from __future__ import annotations

import logging
import resource

log = logging.getLogger("wamm")


def raise_descriptor_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit and return the limit now in force.

    The usual soft limit (1024) is far below what the system allows: a server that keeps it
    stops accepting connections, legitimate ones included, once a thousand clients hold one
    open each."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == hard:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError) as error:  # macOS refuses RLIM_INFINITY for files
        log.warning("could not raise the open-file limit from %d to %d: %s", soft, hard, error)
        return soft
    return hard
