"""WhatsApp's text formatting as HTML: *bold*, _italic_, ~strikethrough~ and ```monospace```.

The text is escaped first and only then are the markers turned into tags, so whatever a
template or a parameter contains shows as text: the only tags in the result are these.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_MONOSPACE = re.compile(r"```(.+?)```", re.DOTALL)
# As WhatsApp renders: a marker pair stands outside words (snake_case stays text) and encloses
# text that neither starts nor ends with a space (2 * 3 * 4 stays text).
_INLINE = tuple(
    (re.compile(rf"(?<!\w){m}(\S(?:[^{m}\n]*\S)?){m}(?!\w)"), tag)
    for m, tag in ((r"\*", "strong"), ("_", "em"), ("~", "s"))
)


def _inline(escaped: str) -> str:
    for pattern, tag in _INLINE:
        escaped = pattern.sub(rf"<{tag}>\1</{tag}>", escaped)
    return escaped.replace("\n", "<br>")


def whatsapp_html(text: str) -> Markup:
    """`text` as safe HTML with WhatsApp's formatting; monospace spans are left unformatted."""
    parts: list[str] = []
    position = 0
    for match in _MONOSPACE.finditer(text):
        parts.append(_inline(str(escape(text[position : match.start()]))))
        parts.append(f"<code>{escape(match[1])}</code>")
        position = match.end()
    parts.append(_inline(str(escape(text[position:]))))
    return Markup("".join(parts))  # every piece was escaped above
