"""wamm: a self-hostable, stateful emulator of Meta's Marketing Messages API for WhatsApp."""

__version__ = "0.1.0"
