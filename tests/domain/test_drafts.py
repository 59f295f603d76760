"""The drafts (``workbench.drafts``): each is checked as it is built, under one set of rules the
services, the importer and the CLI share; a refusal is an InvalidInput in words, listing every
problem by field, never pydantic's dump. No database needed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from workbench.drafts import (
    MAX_TAGS,
    ArticleDraft,
    ClaimDraft,
    ClaimEdit,
    CorrectionDraft,
    DraftRefused,
    EvidenceDraft,
    RecordedVerdict,
    SourceDraft,
    VerdictDraft,
)
from workbench.errors import InvalidInput
from workbench.models import ClaimType, SourceKind, Stance
from workbench.text.extract import MAX_TITLE_CHARS, ArticleInputError

RATIONALE = "The ministry's own table shows 8%, not 12%."


def refusal(build: Callable[[], Any]) -> DraftRefused:
    with pytest.raises(DraftRefused) as raised:
        build()
    return raised.value


def test_an_article_draft_is_cleaned_once() -> None:
    draft = ArticleDraft(
        " Budget\x00 vote ",
        "First line\r\nSecond\x07 line  \n",
        url="",
        published="2025-03-01",
        language=" EN ",
    )
    assert (draft.title, draft.body) == ("Budget vote", "First line\nSecond line")
    assert draft.published == date(2025, 3, 1) and draft.language == "en"
    assert ArticleDraft("", "Body", language="").language == "en"


def test_a_refused_article_lists_every_problem_and_is_an_article_input_error() -> None:
    refused = refusal(
        lambda: ArticleDraft(
            "t" * (MAX_TITLE_CHARS + 1), "  ", url="javascript:alert(1)", published="31/12/2024"
        )
    )
    assert [field for field, _ in refused.problems] == ["title", "body", "url", "published"]
    assert str(refused).startswith(
        f"Title is too long ({MAX_TITLE_CHARS + 1} characters; "
        f"at most {MAX_TITLE_CHARS}). The article is empty"
    )
    assert "must be a full web address" in str(refused)
    assert "Published: “31/12/2024” is not a date (write YYYY-MM-DD)." in str(refused)
    # The article forms catch ArticleInputError (as for an unreadable upload); the CLI and
    # ``perform`` catch InvalidInput: a refused article reaches both as a message.
    assert isinstance(refused, InvalidInput) and isinstance(refused, ArticleInputError)


def test_a_claim_draft_takes_values_positionally_and_by_keyword() -> None:
    draft = ClaimDraft(
        None,
        statement=" Mr\x00X said so ",
        claimant="Anna",
        claim_date="2025-01-31",
        claim_type="numeric",
        tags=["Budget", " budget ", "EU"],
    )
    assert (draft.statement, draft.claim_date) == ("MrX said so", date(2025, 1, 31))
    assert draft.claim_type is ClaimType.numeric and draft.tags == ["Budget", "EU"]
    assert ClaimDraft(7, 0, 12).claim_type is ClaimType.other  # a span: the service checks it
    assert ClaimDraft(None, quote="A quote").tags == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"statement": "x" * 2001}, "statement", "Claim statement is too long (2,001 characters"),
        ({}, "statement", "A claim needs a quote or a statement."),
        (
            {"statement": "s", "claim_type": "opinion"},
            "claim_type",
            "Claim type must be one of: numeric, ",
        ),
        (
            {"statement": "s", "claim_type": "Numeric"},
            "claim_type",
            "(“Numeric” is not a claim type)",
        ),
        (
            {"statement": "s", "claim_date": "2025-02-30"},
            "claim_date",
            "Claim date: “2025-02-30” is not a date",
        ),
        (
            {"statement": "s", "tags": [f"t{n}" for n in range(MAX_TAGS + 1)]},
            "tags",
            f"At most {MAX_TAGS} tags per claim.",
        ),
        ({"statement": "s", "claimant": "c" * 301}, "claimant", "Claimant is too long"),
        ({"statement": "s", "start": "twelve"}, "start", "Start must be a whole number."),
        ({"statement": "s", "state": "new"}, "state", "“state” is not one of the fields here"),
    ],
)
def test_a_claim_draft_refuses_in_words(fields: dict[str, Any], field: str, message: str) -> None:
    refused = refusal(lambda: ClaimDraft(None, **fields))
    assert [name for name, _ in refused.problems] == [field]
    assert message in str(refused) and "Input should" not in str(refused)


def test_a_draft_is_what_was_checked() -> None:
    draft = ClaimDraft(None, statement="checked")
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.statement = "x" * 5000  # type: ignore[misc]


def test_a_claim_edit_keeps_only_the_fields_given() -> None:
    edit = ClaimEdit(claimant=" A\x07nna ", tags="defence, Defence", claim_date="")
    assert edit.changes() == {"claimant": "Anna", "claim_date": None, "tags": ["defence"]}
    assert ClaimEdit(claim_type="quote").changes() == {"claim_type": ClaimType.quote}
    refused = refusal(lambda: ClaimEdit(statement=" ", article_id=3))
    assert refused.problems == [
        ("statement", "Claim statement is required."),
        ("article_id", refused.problems[1][1]),
    ]
    assert "“article_id” is not one of the fields here" in str(refused)


def test_a_source_kind_is_matched_by_value_not_by_name() -> None:
    assert SourceKind.data_set.name != SourceKind.data_set.value  # "data_set" / "data set"
    assert SourceDraft("https://stats.example/t", kind="data set").kind is SourceKind.data_set
    refused = refusal(lambda: SourceDraft("https://stats.example/t", kind="data_set"))
    assert refused.problems == [
        (
            "kind",
            "Source kind must be one of: primary document, "
            "official statement, data set, news report, expert, other "
            "(“data_set” is not a source kind).",
        )
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": ""}, "url", "Source URL is required."),
        ({"url": "file:///etc/passwd"}, "url", "Source URL must be a full web address"),
        ({"archive_url": "archive.org/x"}, "archive_url", "Archived copy URL must be a full web"),
        (
            {"published": date(2025, 2, 2), "accessed": "2025-02-01"},
            "accessed",
            "The accessed date is before the published date.",
        ),
        ({"notes": "n" * 10_001}, "notes", "Notes is too long"),
        ({"title": "t" * 501}, "title", "Source title is too long"),
    ],
)
def test_a_source_draft_refuses_in_words(fields: dict[str, Any], field: str, message: str) -> None:
    refused = refusal(lambda: SourceDraft(**{"url": "https://a.example/1", **fields}))
    assert [name for name, _ in refused.problems] == [field] and message in str(refused)


def test_evidence_is_a_stance_by_value_with_an_excerpt() -> None:
    evidence = EvidenceDraft("refutes", " the table\r\nsays 8% ")
    assert (evidence.stance, evidence.excerpt, evidence.independent) == (
        Stance.refutes,
        "the table\nsays 8%",
        True,
    )
    assert "Stance must be one of: supports, refutes, context" in str(
        refusal(lambda: EvidenceDraft(""))
    )
    assert "Excerpt is too long" in str(refusal(lambda: EvidenceDraft("supports", "e" * 10_001)))


def test_a_verdict_is_argued_and_rated() -> None:
    verdict = VerdictDraft(3, f"  {RATIONALE}\x00 ")
    assert (verdict.rating_id, verdict.rationale, verdict.conclusion) == (3, RATIONALE, "")
    assert VerdictDraft(None, RATIONALE, "Misleading").conclusion == "Misleading"
    refused = refusal(lambda: VerdictDraft(None, "short"))
    assert refused.problems == [
        ("rationale", "Write the rationale: why this rating? (at least a sentence)."),
        ("conclusion", "Choose a rating, or write a one-line conclusion."),
    ]
    assert "Rationale is too long" in str(refusal(lambda: VerdictDraft(1, "r" * 50_001)))
    assert "Conclusion is too long" in str(refusal(lambda: VerdictDraft(1, RATIONALE, "c" * 301)))


def test_a_recorded_verdict_may_come_without_a_rationale() -> None:
    """A file's rating (LIAR's) often has no rationale; the length limit still holds."""
    assert RecordedVerdict(3).rationale == ""
    assert "Rationale is too long" in str(refusal(lambda: RecordedVerdict(3, "r" * 50_001)))


def test_a_correction_needs_a_reason() -> None:
    assert CorrectionDraft(2, RATIONALE, reason=" Figures revised ").reason == "Figures revised"
    for build in (
        lambda: CorrectionDraft(2, RATIONALE),
        lambda: CorrectionDraft(2, RATIONALE, reason="\x00"),
    ):
        assert refusal(build).problems == [
            ("reason", "A correction needs a reason; it is shown publicly with the claim.")
        ]
