"""Number-aware claim similarity (pure) and the "seen before?" lookup (both databases)."""

from datetime import date, datetime

import pytest
from sqlmodel import select

from workbench import claims, db, matching, search
from workbench.errors import InvalidInput
from workbench.matching import MATCH_THRESHOLD, Match, Tier, seen_before, similarity
from workbench.models import Rating, Verdict, VerdictStatus

SAME_AMOUNT = [
    "The EU pledged $6.2 billion in aid to Ukraine",
    "The EU pledged 6.2bn dollars in aid to Ukraine",
    "The EU pledged USD 6,200 million in aid to Ukraine",
]


@pytest.mark.parametrize("other", SAME_AMOUNT[1:])
def test_same_amount_in_other_spellings_matches(other):
    assert similarity(SAME_AMOUNT[0], other) >= MATCH_THRESHOLD
    assert similarity(other, SAME_AMOUNT[0]) == similarity(SAME_AMOUNT[0], other)


@pytest.mark.parametrize(
    "other",
    [
        "The EU pledged $62 billion in aid to Ukraine",
        "The EU pledged €6.2 billion in aid to Ukraine",
        "The EU pledged $6.2 million in aid to Ukraine",
    ],
)
def test_different_amount_is_below_threshold(other):
    assert similarity(SAME_AMOUNT[0], other) < MATCH_THRESHOLD


def test_different_percentages_and_years_conflict():
    assert (
        similarity("Unemployment fell to 4% in 2019", "Unemployment fell to 14% in 2019")
        < MATCH_THRESHOLD
    )
    assert similarity("Crime rose 10% in 2003", "Crime rose 10% in 2022") < MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a,b",
    [
        (
            "Says Barack Obama promised to cut the deficit in half.",
            "Obama promised he would cut the deficit in half",
        ),
        (
            "I balanced the budget for four straight years, paid off $405 billion in debt.",
            "For four straight years we balanced the budget and paid off 405bn dollars in debt.",
        ),
        (
            "Texas has the nation's highest rate of uninsured residents.",
            "Texas has the highest rate of uninsured residents in the nation.",
        ),
        (
            "Hungary rejected an EU draft on Ukraine security guarantees",
            "Hungary rejectd an EU draft on security guarantees for Ukraine",
        ),
    ],
)
def test_reworded_duplicates_match(a, b):
    assert similarity(a, b) >= MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a,b",
    [
        (
            "Says Barack Obama promised to cut the deficit in half.",
            "The Green New Deal will cost $93 trillion.",
        ),
        (
            "Texas has the nation's highest rate of uninsured residents.",
            "Texas has the lowest unemployment rate among large states.",
        ),
        ("On reconciliation", "On the propriety of budget reconciliation."),
        ("Hungary rejected an EU draft on Ukraine security guarantees", ""),
    ],
)
def test_unrelated_claims_do_not_match(a, b):
    assert similarity(a, b) < MATCH_THRESHOLD


def test_similarity_is_bounded():
    for a, b in [("", ""), ("x", "x"), (SAME_AMOUNT[0], SAME_AMOUNT[0])]:
        assert 0.0 <= similarity(a, b) <= 100.0
    assert similarity(SAME_AMOUNT[0], SAME_AMOUNT[0]) == 100.0


def add(engine, user, statement, **extra):
    with db.write_session(engine) as session:
        claim = claims.create_claim(
            session, user, claims.ClaimDraft(article_id=None, statement=statement, **extra)
        )
        search.index_claim(session, claim.id)
        return claim.id


def test_seen_before_finds_repeats_with_their_verdict(engine, reviewer):
    aid = add(engine, reviewer, "The EU aid package for Ukraine is worth $6.2 billion")
    other = add(engine, reviewer, "The EU aid package for Ukraine is worth $62 billion")
    add(engine, reviewer, "Hungary blocked the aid package in the Council")
    with db.write_session(engine) as session:
        false = session.exec(select(Rating).where(Rating.label == "False")).first()
        session.add(
            Verdict(
                claim_id=aid,
                rating_id=false.id,
                rationale="r",
                status=VerdictStatus.approved,
                reviewed_at=datetime(2026, 5, 2, 9),
            )
        )
        session.add(
            Verdict(
                claim_id=other, rating_id=false.id, rationale="r", status=VerdictStatus.proposed
            )
        )
    with db.read_session(engine) as session:
        found = seen_before(session, "EU aid package to Ukraine worth 6.2bn dollars")
        shown = [m for m in found if m.shown]
        assert shown[0].claim_id == aid
        assert other not in [m.claim_id for m in shown]  # never the $62 billion claim
        match = shown[0]
        assert isinstance(match, Match) and match.score >= MATCH_THRESHOLD
        assert match.tier is Tier.same and match.relevance > 0
        assert match.rating_label == "False" and match.state == "new"
        assert match.checked_on == date(2026, 5, 2)
        assert match.article_id is None and "$6.2 billion" in match.statement
        assert aid not in [
            m.claim_id
            for m in seen_before(
                session, "EU aid package to Ukraine worth 6.2bn dollars", exclude_claim_id=aid
            )
        ]
        unrated = seen_before(session, "The EU aid package for Ukraine is worth $62 billion.")
        assert unrated[0].claim_id == other and unrated[0].shown
        assert unrated[0].rating_label is None  # only a proposed verdict
        assert unrated[0].checked_on is not None  # the day the claim was made
        assert not next(m for m in unrated if m.claim_id == aid).shown


def test_seen_before_orders_best_first_and_limits(engine, reviewer):
    ids = [
        add(engine, reviewer, f"Crime in Springfield rose sharply last year {suffix}")
        for suffix in ("", "say police", "say police and the mayor")
    ]
    with db.read_session(engine) as session:
        found = seen_before(session, "Crime in Springfield rose sharply last year", limit=2)
    assert [m.claim_id for m in found] == ids[:2]
    assert found[0].score >= found[1].score
    assert matching.prepare.cache_info().maxsize


def test_a_long_post_containing_a_checked_claim_ranks_it_first(engine, reviewer):
    """A post that repeats a claim inside many other words is not the same text (below
    the "same" threshold) but is ranked first by the words it shares with the claim.
    Whether it is shown depends on BM25 relevance, calibrated on a 10,000-claim archive."""
    claim = add(engine, reviewer, "Bill Gates wants to implant microchips with the vaccine")
    add(engine, reviewer, "Microsoft released a new version of Windows")
    add(engine, reviewer, "The vaccine was tested on 40,000 volunteers")
    post = (
        "BREAKING!!! After months of denial they finally admit it on live television: "
        "Bill Gates wants to implant microchips with the vaccine so he can track every "
        "single one of us wherever we go, at home, at work and on holiday. Share this "
        "everywhere before they delete it, because nobody else will tell you"
    )
    with db.read_session(engine) as session:
        found = seen_before(session, post)
    assert found[0].claim_id == claim and found[0].tier is Tier.possible
    assert found[0].score < MATCH_THRESHOLD
    rule = matching.SHOWN[engine.dialect.name, False]
    assert found[0].shown is (found[0].relevance >= rule.relevance)


@pytest.mark.parametrize("query", ["", "   ", "vaccine", "?!", "the"])
def test_too_short_to_match(engine, reviewer, query):
    add(engine, reviewer, "Bill Gates wants to implant microchips with the vaccine")
    with db.read_session(engine) as session, pytest.raises(InvalidInput, match="too short"):
        seen_before(session, query)


def test_only_stop_words_match_nothing(engine, reviewer):
    add(engine, reviewer, "The EU aid package for Ukraine is worth $6.2 billion")
    with db.read_session(engine) as session:
        assert seen_before(session, "it is what it is") == []


def _match(**fields) -> Match:
    return Match(1, 50.0, "A claim", None, "new", None, **fields)


def test_the_shown_rule_shows_a_relevant_match_a_same_claim_and_a_clear_first():
    rule = matching.ShownRule(20.0, lead=0.5)
    assert rule.shows(_match(relevance=20.0), first=False)
    assert not rule.shows(_match(relevance=19.9), first=False)
    assert rule.shows(_match(tier=Tier.same, relevance=1.0), first=False)
    assert rule.shows(_match(relevance=1.0, lead=0.5), first=True)
    assert not rule.shows(_match(relevance=1.0, lead=0.5), first=False)  # only the first leads
    assert not rule.shows(_match(relevance=1.0, lead=0.4), first=True)
    assert not rule.shows(_match(tier=Tier.same, relevance=99.0, conflict=True), first=True)
    assert not matching.ShownRule(20.0).shows(_match(relevance=1.0, lead=9.0), first=True)
