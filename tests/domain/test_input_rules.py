"""One rule per kind of input, shared by the services, the importer and the reports:
enumerated fields are checked by value — what forms, files and the database hold — not by
Python name (which differs for SourceKind: "data set" is ``data_set``), and a web address is
judged by ``validation.is_web_url`` wherever it is stored, linked or published."""

from __future__ import annotations

import pytest

from workbench import sources, users
from workbench.errors import InvalidInput
from workbench.models import Role, SourceKind
from workbench.reports.claimreview import validate
from workbench.validation import choice, clean_url, enum_member, is_web_url


def test_members_are_found_by_value_not_by_name() -> None:
    assert enum_member(SourceKind, "data set") is SourceKind.data_set
    assert enum_member(SourceKind, "data_set") is None
    assert choice(Role, "editor", field="Role") is Role.editor
    with pytest.raises(InvalidInput, match="Source kind must be one of: primary document, "):
        choice(SourceKind, "data_set", field="Source kind")


def test_services_accept_values_and_refuse_names(engine, reviewer, editor) -> None:  # type: ignore[no-untyped-def]
    from workbench import db

    with db.write_session(engine) as session:
        kept = sources.add_source(
            session, reviewer, sources.SourceDraft("https://stats.example/table", kind="data set")
        )
        assert kept.kind == SourceKind.data_set
        with pytest.raises(InvalidInput, match="Source kind"):
            sources.add_source(
                session,
                reviewer,
                sources.SourceDraft("https://stats.example/other", kind="data_set"),
            )
    admin = users.CLI_USER
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, admin)
        assert users.set_role(session, actor, editor.id, "reviewer").role == Role.reviewer
        with pytest.raises(InvalidInput, match="Role must be one of"):
            users.set_role(session, actor, editor.id, "Editor")


def test_a_file_changes_only_fields_a_reviewer_may_edit() -> None:
    from workbench.claims import EDITABLE
    from workbench.reports.import_rows import EDITABLE_COLUMNS

    assert set(EDITABLE_COLUMNS.values()) <= set(EDITABLE)


@pytest.mark.parametrize("url", ["https://a.example/x", "HTTP://A.EXAMPLE"])
def test_web_addresses_are_stored_and_published_alike(url: str) -> None:
    assert is_web_url(url) and clean_url(url, field="URL") == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "/local/page",
        "https://a.example/with space",
        "file:///etc/passwd",
    ],
)
def test_what_is_refused_on_input_is_refused_everywhere(url: str) -> None:
    assert not is_web_url(url)
    with pytest.raises(InvalidInput, match="full web address"):
        clean_url(url, field="URL")
    published = validate(
        {"claimReviewed": "x", "reviewRating": {"alternateName": "False"}, "url": url}, claim_id=1
    )
    assert any(issue.level == "error" and issue.message.startswith("url ") for issue in published)
