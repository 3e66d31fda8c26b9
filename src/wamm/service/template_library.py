"""GET /message_template_library: Meta's library of pre-written templates, filtered and paged
like any Graph list (creating from it is `templates.create` with `library_template_name`)."""

from __future__ import annotations

from typing import Any

from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.templates.library import LibraryTemplate, library, library_filters, library_view
from wamm.service.call import GraphCall


async def list_library(call: GraphCall) -> dict[str, Any]:
    entries = library()
    checks = library_filters(call.params)
    matching = [entry for entry in entries if all(check(entry) for check in checks)]
    positions = {entry.id: len(entries) - i for i, entry in enumerate(entries)}

    def position(entry: LibraryTemplate) -> int:
        return positions[entry.id]

    page = paginate(matching, position, page_request(call.query))
    return paged_body([library_view(e) for e in page.items], page, position, call.url, call.query)
