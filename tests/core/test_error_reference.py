"""docs/errors.md, the reference users read, agrees with the catalogue the code answers from."""

from __future__ import annotations

from tests.doc_blocks import ROOT
from wamm.core.errors import CATALOGUE, GraphError, param_not_in, template_rejected
from wamm.core.templates import duplicate_error

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


def test_texts_quoted_from_real_answers() -> None:
    """Texts Meta sends, word for word (their sources are in docs/errors.md)."""
    allowed_list = GraphError(131030).body("t")["error"]
    assert (allowed_list["message"], allowed_list["error_data"]["details"]) == (
        "(#131030) Recipient phone number not in allowed list",
        "Recipient's phone number is not whitelisted: add the recipient's phone number to a "
        "recipient list, then try again.",
    )
    enum = param_not_in("template['components'][1]['sub_type']", ("URL", "CATALOG"), "x")
    assert enum.body("t")["error"] == {
        "message": "(#100) Param template['components'][1]['sub_type'] must be one of "
        '{CATALOG, URL} - got "x".',
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "t",
    }
    duplicate = duplicate_error("en_US").body("t")["error"]
    assert (duplicate["message"], duplicate["error_subcode"]) == ("Invalid parameter", 2388024)
    assert (duplicate["error_user_title"], duplicate["error_user_msg"]) == (
        "Content in This Language Already Exists",
        "There is already English (US) content for this template. You can create a new "
        "template and try again.",
    )
