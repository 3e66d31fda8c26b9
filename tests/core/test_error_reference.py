"""docs/errors.md, the reference users read, agrees with the catalogue the code answers from."""

from __future__ import annotations

from tests.doc_blocks import ROOT
from wamm.core.errors import CATALOGUE, GraphError, template_rejected

PAGE = ROOT / "docs" / "errors.md"


def _code_rows() -> dict[int, list[str]]:
    """The rows of the page's "Codes" table, by code: [code, HTTP, message, details, ...]."""
    section = PAGE.read_text().split("\n## Codes\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line[:3].strip("| ").isdigit()]
    return {int(row[0].strip("| ")): row for row in rows}


def test_the_page_lists_every_catalogue_code_with_its_status_and_message() -> None:
    rows = _code_rows()
    assert set(rows) == set(CATALOGUE)
    for code, kind in CATALOGUE.items():
        assert rows[code][1:3] == [str(kind.http_status), GraphError(code).message], code


def test_a_template_rejection_is_worded_as_meta_words_it() -> None:
    """No "(#100)" prefix, user texts instead of `error_data`."""
    body = template_rejected(2388040, "Title", "What to do.").body("t")["error"]
    assert (body["message"], body["code"], body["error_subcode"]) == (
        "Invalid parameter",
        100,
        2388040,
    )
    assert "error_data" not in body
