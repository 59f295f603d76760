from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from workbench import audit, claims, db, sources
from workbench.errors import InvalidInput, NotFound, PermissionDenied, WorkflowError
from workbench.models import AuditEvent, ClaimState, Evidence, Source, SourceKind

COUNCIL_URL = "https://www.consilium.europa.eu/en/press/press-releases/2025/03/06/ukraine-aid/"
REUTERS_URL = "https://www.reuters.com/world/europe/hungary-blocks-eu-draft-2025-03-06/"


def add(engine, user, **fields):
    fields.setdefault("url", COUNCIL_URL)
    with db.write_session(engine) as session:
        return sources.add_source(session, user, sources.SourceDraft(**fields))


def source_count(engine) -> int:
    with db.read_session(engine) as session:
        return len(session.exec(select(Source.id)).all())


# --- add_source -------------------------------------------------------------------------------


def test_add_source_stores_fields_and_audit(engine, reviewer):
    source = add(
        engine,
        reviewer,
        url=f"  {COUNCIL_URL}  ",
        title="  Council   conclusions ",
        publisher="Council of the EU",
        published=date(2025, 3, 6),
        accessed=date(2025, 3, 7),
        archive_url="https://web.archive.org/web/20250307/" + COUNCIL_URL,
        kind=SourceKind.official_statement.value,
    )
    with db.read_session(engine) as session:
        stored = sources.get_source(session, source.id)
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "source")).all()
    assert stored.url == COUNCIL_URL
    assert stored.title == "Council conclusions"
    assert stored.kind == "official statement"
    assert stored.accessed == date(2025, 3, 7)
    assert stored.archive_url.startswith("https://web.archive.org/")
    assert stored.created_by == reviewer.id
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.entity_id, event.actor_name) == ("create", source.id, "rita")
    assert event.changes["url"] == [None, COUNCIL_URL]
    assert event.changes["kind"] == [None, "official statement"]


def test_accessed_defaults_to_today(engine, reviewer):
    assert add(engine, reviewer).accessed == date.today()


@pytest.mark.parametrize(
    "url", ["http://example.org/report", "https://example.org/a?b=1#c", "HTTPS://EXAMPLE.ORG/upper"]
)
def test_http_and_https_urls_are_accepted(engine, reviewer, url):
    assert add(engine, reviewer, url=url).url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "file:///etc/passwd",
        "ftp://ftp.example.org/report.pdf",
        "data:text/html,<script>alert(1)</script>",
        "www.example.org/no-scheme",
        "https://",
        "https://example.org/with space",
        "",
        "   ",
    ],
)
def test_bad_source_urls_are_refused(engine, reviewer, url):
    with pytest.raises(InvalidInput, match="Source URL"):
        add(engine, reviewer, url=url)
    assert source_count(engine) == 0


@pytest.mark.parametrize(
    "archive",
    [
        "javascript:alert(1)",
        "file:///tmp/copy.html",
        "ftp://archive.example.org/copy",
        "archive.org/copy",
    ],
)
def test_bad_archive_url_is_refused(engine, reviewer, archive):
    with pytest.raises(InvalidInput, match="Archived copy URL"):
        add(engine, reviewer, archive_url=archive)
    assert source_count(engine) == 0


def test_archive_url_is_optional(engine, reviewer):
    assert add(engine, reviewer, archive_url="").archive_url == ""


def test_over_long_url_is_refused(engine, reviewer):
    with pytest.raises(InvalidInput):
        add(engine, reviewer, url="https://example.org/" + "a" * 2000)


@pytest.mark.parametrize("kind", ["blog", "", "Primary Document", "primary_document"])
def test_unknown_kind_is_refused(engine, reviewer, kind):
    with pytest.raises(InvalidInput, match="kind"):
        add(engine, reviewer, kind=kind)
    assert source_count(engine) == 0


@pytest.mark.parametrize("kind", [k.value for k in SourceKind])
def test_every_known_kind_is_accepted(engine, reviewer, kind):
    assert add(engine, reviewer, kind=kind).kind == kind


def test_accessed_before_published_is_refused(engine, reviewer):
    with pytest.raises(InvalidInput, match="accessed date is before the published"):
        add(engine, reviewer, published=date(2025, 3, 6), accessed=date(2025, 3, 5))
    same_day = add(engine, reviewer, published=date(2025, 3, 6), accessed=date(2025, 3, 6))
    assert same_day.accessed == same_day.published


def test_inactive_user_cannot_add_sources(engine, reviewer):
    reviewer.active = False
    with pytest.raises(PermissionDenied):
        add(engine, reviewer)
    assert source_count(engine) == 0


# --- find_sources -----------------------------------------------------------------------------


@pytest.fixture
def library(engine, reviewer):
    """Three sources; the unrelated ones are added first so ties would rank them first."""
    sipri = add(
        engine,
        reviewer,
        url="https://www.sipri.org/databases/armstransfers",
        title="SIPRI Arms Transfers Database",
        kind="data set",
    )
    reuters = add(
        engine,
        reviewer,
        url=REUTERS_URL,
        title="Hungary blocks the EU draft on Ukraine aid",
        kind="news report",
    )
    council = add(
        engine,
        reviewer,
        url=COUNCIL_URL,
        title="Council of the European Union conclusions on Ukraine",
        kind="official statement",
    )
    return {"sipri": sipri.id, "reuters": reuters.id, "council": council.id}


def find(engine, query):
    with db.read_session(engine) as session:
        return [(source.id, score) for source, score in sources.find_sources(session, query)]


def test_find_sources_tolerates_typos_in_title(engine, library):
    hits = find(engine, "SIPRI arms transfrs databse")
    assert hits and hits[0][0] == library["sipri"]


def test_find_sources_by_partial_url(engine, library):
    hits = find(engine, "reuters.com/world/europe")
    assert hits and hits[0][0] == library["reuters"]
    assert library["sipri"] not in [sid for sid, _ in hits]


def test_find_sources_ranks_the_intended_source_strictly_first(engine, library):
    """A typo'd title must beat sources that merely share a word like "the" or "of".

    Fails with partial_token_set_ratio, which scores 100 whenever one token is shared.
    """
    hits = find(engine, "Councl of the Europen Union")
    assert hits and hits[0][0] == library["council"]
    assert all(score < hits[0][1] for _sid, score in hits[1:]), hits


def test_find_sources_empty_or_unrelated_query(engine, library):
    assert find(engine, "   ") == []
    assert find(engine, "zzzz qqqq") == []


# --- attach_source / evidence ----------------------------------------------------------------


def attach(engine, user, claim_id, source_id, **kwargs):
    kwargs.setdefault("stance", "supports")
    with db.write_session(engine) as session:
        return sources.attach_source(session, user, claim_id, source_id, **kwargs)


@pytest.mark.parametrize("stance", ["agrees", "", "Supports", "refute"])
def test_attach_refuses_unknown_stance(engine, reviewer, article, stance):
    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    with pytest.raises(InvalidInput, match="Stance"):
        attach(engine, reviewer, claim.id, source.id, stance=stance)
    with db.read_session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
        assert claims.get_claim(session, claim.id).state == ClaimState.new


def test_attach_moves_new_claim_to_researching_with_audit(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    evidence = attach(
        engine,
        reviewer,
        claim.id,
        source.id,
        stance="refutes",
        excerpt="  The package totals €5.9 billion.  ",
        independent=False,
    )
    with db.read_session(engine) as session:
        stored_claim = claims.get_claim(session, claim.id)
        stored = session.get(Evidence, evidence.id)
        history = audit.claim_history(session, claim.id)
    assert stored_claim.state == ClaimState.researching
    assert stored_claim.version == claim.version + 1
    assert (stored.claim_id, stored.source_id, stored.stance) == (claim.id, source.id, "refutes")
    assert stored.excerpt == "The package totals €5.9 billion."
    assert stored.independent is False and stored.added_by == reviewer.id
    assert [(e.entity, e.action) for e in history] == [
        ("claim", "create"),
        ("evidence", "create"),
        ("claim", "state"),
    ]
    evidence_event, state_event = history[1], history[2]
    assert evidence_event.claim_id == claim.id and evidence_event.entity_id == evidence.id
    assert evidence_event.changes["stance"] == [None, "refutes"]
    assert evidence_event.changes["source"] == [None, COUNCIL_URL]
    assert state_event.changes["state"] == ["new", "researching"]


def test_second_evidence_does_not_bump_researching_claim(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    first, second = add(engine, reviewer), add(engine, reviewer, url=REUTERS_URL)
    attach(engine, reviewer, claim.id, first.id)
    attach(engine, reviewer, claim.id, second.id, stance="context")
    with db.read_session(engine) as session:
        stored = claims.get_claim(session, claim.id)
        assert len(sources.evidence_for_claim(session, claim.id)) == 2
    assert stored.state == ClaimState.researching and stored.version == 2


def test_attach_to_dismissed_claim_is_refused(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    with db.write_session(engine) as session:
        claims.move_claim(session, reviewer, claim.id, 1, ClaimState.dismissed)
    with pytest.raises(WorkflowError, match="dismissed"):
        attach(engine, reviewer, claim.id, source.id)
    with db.read_session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
        assert claims.get_claim(session, claim.id).state == ClaimState.dismissed


def test_attach_unknown_claim_or_source(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    with pytest.raises(NotFound):
        attach(engine, reviewer, claim.id, source.id + 999)
    with pytest.raises(NotFound):
        attach(engine, reviewer, claim.id + 999, source.id)
    with db.read_session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
        assert claims.get_claim(session, claim.id).state == ClaimState.new


def test_remove_evidence_writes_audit(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    evidence = attach(engine, reviewer, claim.id, source.id)
    with db.write_session(engine) as session:
        sources.remove_evidence(session, reviewer, evidence.id)
    with db.read_session(engine) as session:
        assert session.get(Evidence, evidence.id) is None
        assert sources.get_source(session, source.id).url == COUNCIL_URL  # source stays
        last = audit.claim_history(session, claim.id)[-1]
    assert (last.entity, last.action, last.entity_id) == ("evidence", "delete", evidence.id)
    assert last.claim_id == claim.id
    assert last.changes == {"source_id": [source.id, None], "stance": ["supports", None]}
    with pytest.raises(NotFound), db.write_session(engine) as session:
        sources.remove_evidence(session, reviewer, evidence.id)


def test_remove_evidence_refused_on_approved_claim(engine, reviewer, editor, article):
    from workbench import ratings, verdicts

    claim = new_claim(engine, reviewer, article)
    source = add(engine, reviewer)
    evidence = attach(engine, reviewer, claim.id, source.id)
    with db.write_session(engine) as session:
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            claim.id,
            2,
            rating_id=ratings.find_rating(session, "True").id,
            rationale="The Council's own release confirms the amount.",
        )
    with db.write_session(engine) as session:
        verdicts.approve_verdict(
            session, editor, verdict.id, verdict.version, confirm_few_sources=True
        )
    with pytest.raises(WorkflowError), db.write_session(engine) as session:
        sources.remove_evidence(session, reviewer, evidence.id)
    with db.read_session(engine) as session:
        assert session.get(Evidence, evidence.id) is not None
        assert not [e for e in audit.claim_history(session, claim.id) if e.action == "delete"]


def test_independent_source_count_counts_distinct_independent_sources(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    other_claim = new_claim(engine, reviewer, article, text="an €800 billion plan")
    council, reuters = add(engine, reviewer), add(engine, reviewer, url=REUTERS_URL)
    blog = add(engine, reviewer, url="https://blog.example.org/aid")

    def count() -> int:
        with db.read_session(engine) as session:
            return sources.independent_source_count(session, claim.id)

    assert count() == 0
    attach(engine, reviewer, claim.id, council.id)
    assert count() == 1
    attach(engine, reviewer, claim.id, council.id, stance="context", excerpt="second excerpt")
    assert count() == 1  # the same source twice counts once
    attach(engine, reviewer, claim.id, blog.id, independent=False)
    assert count() == 1  # not independent
    attach(engine, reviewer, other_claim.id, reuters.id)
    assert count() == 1  # evidence on another claim does not count
    attach(engine, reviewer, claim.id, reuters.id, stance="refutes")
    assert count() == 2
