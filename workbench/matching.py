"""Number-aware claim similarity and the "seen before?" lookup.

How a look-up works (docs/decisions/0013-bm25-claim-matching.md): full-text search ranks
the archive by BM25 over every word of the query that is not a stop word
(:func:`workbench.search.candidate_claim_ids`); the best :data:`RERANKED` are re-ranked by
that relevance (as a share of the best one's) plus the number-aware :func:`similarity`
below. Each match falls in one of two tiers: ``same`` (similarity at or above
:data:`MATCH_THRESHOLD`: the same claim, reworded) or ``possible`` (a checked claim the
query probably repeats or contains); a ``possible`` match is *shown* by the rule in
:data:`SHOWN`, calibrated on the CLEF-2020 train split. With a sentence model configured
(``WORKBENCH_EMBEDDING_MODEL``, :mod:`workbench.embeddings`), the claims nearest by sentence
vector join the candidates (:mod:`workbench.nearest_claims`) and the cosine joins the
ranking (:data:`SEMANTIC_WEIGHT`; decision 0015).

Why not plain rapidfuzz: "$6.2 billion" and "6.2bn dollars" share no token, while
"$6.2 billion" and "$62 billion" differ by one character. So amounts are first replaced
by their canonical word (``usd6200000000``, from :func:`amount_tokens`), and two texts
that state different values of the same kind (two different dollar amounts, two
different percentages) are capped below :data:`MATCH_THRESHOLD`: they may be related
claims, but never "the same claim".

Why this scorer mix (see docs/decisions/0003-claim-matching-scorer-mix.md):
``token_set_ratio`` ranks reworded and extended claims best but scores any subset as 100,
so it is weighted down by the ratio of the shorter text's length to the longer one's;
``token_sort_ratio`` rewards reordered duplicates of similar length; the score is the
better of the two. The length guard was tuned on the CLEF-2020 task-2 *train* tweets
only (``benchmarks/matching_eval.py`` reports dev figures); the threshold on perturbed
LIAR duplicates vs their nearest unrelated LIAR statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, utils
from sqlmodel import Session, col, select

from workbench import embeddings, nearest_claims
from workbench.errors import InvalidInput
from workbench.models import Article, Claim, ExternalReview, Rating, Verdict, VerdictStatus
from workbench.search import amount_spans, candidate_claim_ids, terms
from workbench.sql import select_columns

#: Similarity (0-100) at or above this is the "same claim" tier. Perturbed duplicates of LIAR
#: statements (typos, dropped/swapped words, respelled amounts) scored >= 90 in 99% of
#: cases; human rewordings seen in LIAR score 78-95; the nearest *other* LIAR statement
#: reached 75 for 14% of statements (mostly the same talking point), 70 for 25%.
MATCH_THRESHOLD = 75.0
#: A conflicting amount caps the score here, below the threshold.
AMOUNT_CONFLICT_CAP = MATCH_THRESHOLD - 10
#: Below this length ratio (shorter/longer, in tokens) token_set_ratio is discounted
#: proportionally: a 3-word claim inside a 30-word one keeps a third of its 100.
FULL_LENGTH_RATIO = 0.3
#: A shorter text of fewer tokens gets proportionally less token_set_ratio credit, so
#: "On reconciliation" is not the same claim as every sentence mentioning reconciliation.
FULL_SET_TOKENS = 4
#: Candidates full-text search returns per look-up, all of them re-ranked.
RERANKED = 30
#: Weight of :func:`similarity` (0-1) against the BM25 relevance (0-1, a share of the best
#: candidate's) in the ranking. CLEF-2020 *train* MAP@5: BM25 alone 0.818; with the
#: similarity at 0.5 0.823, at 1.0 0.824 (``benchmarks/matching_eval.py --split train``).
SIMILARITY_WEIGHT = 1.0


@dataclass(frozen=True)
class ShownRule:
    """When a ``possible`` match is shown: any match whose relevance (BM25 on SQLite,
    idf x ts_rank on PostgreSQL: their scales differ) reaches ``relevance``, and the first
    match when its ranking score leads the second's by ``lead`` (a clear winner)."""

    relevance: float
    lead: float = float("inf")

    def shows(self, match: Match, *, first: bool) -> bool:
        """Whether the Annotate page shows ``match`` (``first``: the best-ranked one)."""
        if match.conflict:
            return False
        leads = first and match.lead >= self.lead
        return match.tier is Tier.same or match.relevance >= self.relevance or leads


#: The shown rules per database, without and with a sentence model, each chosen on the
#: CLEF-2020 *train* split only (``benchmarks/matching_eval.py --split train --calibrate``,
#: titles as context) as the rule with the highest shown recall whose first *shown* match
#: was right for at least 90% of the tweets showing one. Words alone, a relevance
#: threshold (train: shown recall 0.630 at 0.906 on SQLite, 0.630 at 0.915 on PostgreSQL).
#: With a model the re-ranked first match is less often the words' best, and no relevance
#: alone reached 90% (at most 0.895 on SQLite): a clear lead of the first match did (train:
#: 0.700 at 0.900 on SQLite, 0.704 at 0.901 on PostgreSQL). Figures in
#: docs/decisions/0016-candidates-by-meaning-and-what-is-shown.md and, for PostgreSQL's
#: BM25, 0017-bm25-on-postgresql.md.
SHOWN: dict[tuple[str, bool], ShownRule] = {
    ("sqlite", False): ShownRule(22.965),
    ("sqlite", True): ShownRule(28.962, lead=0.6),
    ("postgresql", False): ShownRule(0.279268),
    ("postgresql", True): ShownRule(0.350321, lead=0.6),
}
#: Weight of the cosine (-1 to 1) of the statements' sentence vectors in the ranking, when a
#: model is configured (``WORKBENCH_EMBEDDING_MODEL``; docs/decisions/0015-semantic-rerank.md).
#: CLEF-2020 *train* MAP@5 with the nearest claims among the candidates: 0.821 at 0.5,
#: 0.832 at 1, 0.850 at 2, 0.858 at 3, 0.863 at 4, 0.872 at 6, 0.871 at 8
#: (``benchmarks/matching_eval.py --split train --semantic DIR --calibrate``).
SEMANTIC_WEIGHT = 6.0
#: Queries with fewer words than this are "too short to match": one word would rank
#: every claim that mentions it.
MIN_QUERY_TERMS = 2


class Tier(StrEnum):
    same = "same"  # the same claim, reworded: high precision
    possible = "possible"  # probably checked before: recall


@dataclass(frozen=True)
class Match:
    """One earlier claim: ``score`` is :func:`similarity` (0-100), ``relevance`` the
    full-text rank score (higher is better, comparable within one look-up); ``shown`` is
    what the Annotate page displays. ``checked_on`` is the day its published verdict was
    approved, else the day the claim was made; ``url`` its article's address, if any;
    ``context`` what the claim is about (its article's title, a fact-check's headline).

    Another fact-checker's review (a ClaimReview import) has ``review_url``, its
    ``publisher``, their rating in their words (``review_rating``; ``rating_label`` is
    ours, when the rating maps onto our scale) and the day they published it as
    ``checked_on`` (None when their file did not say)."""

    claim_id: int
    score: float
    statement: str
    article_id: int | None
    state: str
    rating_label: str | None
    tier: Tier = Tier.possible
    shown: bool = False
    relevance: float = 0.0
    checked_on: date | None = None
    url: str = ""
    context: str = ""
    review_url: str = ""
    publisher: str = ""
    review_rating: str = ""
    #: The cosine of the sentence vectors (None without a model).
    semantic: float | None = None
    #: For the first match: how far its ranking score leads the second's (see :class:`ShownRule`).
    lead: float = 0.0
    #: It states another amount of the same kind ("$62 billion" for "$6.2 billion"): never shown.
    conflict: bool = False

    def rated(self) -> str:
        """What "seen before?" says of another fact-checker's review: "PolitiFact rated
        this False on 2024-05-02" (no day when they gave none); "" for the desk's claims."""
        if not self.review_url:
            return ""
        said = f"{self.publisher or 'Another fact-checker'} rated this {self.review_rating}"
        return f"{said} on {self.checked_on.isoformat()}" if self.checked_on else said


_KIND = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class _Prepared:
    text: str  # default_process'ed, amounts replaced by their canonical words
    tokens: int
    amounts: dict[str, frozenset[str]]  # "money", "pct", "num", "year" -> amount words


def _kind(word: str) -> str:
    """ "pct41" -> "pct", "year2003" -> "year"; any currency ("usd6200000000",
    "eur5") -> "money", so $6.2 billion conflicts with €6.2 billion."""
    match = _KIND.match(word)
    kind = match.group() if match else word
    return kind if kind in ("pct", "num", "year") else "money"


@lru_cache(maxsize=4096)
def prepare(value: str, language: str = "en") -> _Prepared:
    """Normalise once per text: lookups compare one query with hundreds of candidates."""
    pieces, position = [], 0
    amounts: dict[str, set[str]] = {}
    for start, end, word in amount_spans(value, language):
        pieces += [value[position:start], f" {word} "]
        amounts.setdefault(_kind(word), set()).add(word)
        position = end
    pieces.append(value[position:])
    processed = utils.default_process("".join(pieces))
    return _Prepared(
        processed,
        len(processed.split()),
        {kind: frozenset(words) for kind, words in amounts.items()},
    )


def amounts_conflict(a: _Prepared, b: _Prepared) -> bool:
    """True when both texts state values of one kind and share none of them."""
    return any(
        kind in b.amounts and not (words & b.amounts[kind]) for kind, words in a.amounts.items()
    )


def score_prepared(a: _Prepared, b: _Prepared) -> float:
    """Similarity 0-100 of two prepared texts (see :func:`similarity`)."""
    if not a.text or not b.text:
        return 0.0
    shorter, longer = sorted((a.tokens, b.tokens))
    guard = min(1.0, shorter / longer / FULL_LENGTH_RATIO, shorter / FULL_SET_TOKENS)
    score = max(fuzz.token_sort_ratio(a.text, b.text), fuzz.token_set_ratio(a.text, b.text) * guard)
    if amounts_conflict(a, b):
        score = min(score, AMOUNT_CONFLICT_CAP)
    return float(score)


def similarity(a: str, b: str, language: str = "en") -> float:
    """How alike two claims are, 0-100, with amounts compared by value: "$6.2 billion",
    "6.2bn dollars" and "USD 6,200 million" are equal; "$62 billion" conflicts."""
    return score_prepared(prepare(a, language), prepare(b, language))


def check_query(text: str) -> None:
    """Refuse a query too short to match (raises :class:`InvalidInput`)."""
    if len(terms(text)) < MIN_QUERY_TERMS:
        raise InvalidInput(
            "That is too short to match: select or type at least two words of the claim."
        )


def seen_before(
    session: Session,
    text: str,
    *,
    limit: int = 5,
    exclude_claim_id: int | None = None,
    language: str = "en",
) -> list[Match]:
    """Earlier claims that look like ``text``, best first, each with its tier and whether
    the Annotate page shows it. Raises :class:`InvalidInput` for fewer than two words.

    Nothing is merged: the caller shows these, and the reviewer decides.
    """
    check_query(text)
    exclude = () if exclude_claim_id is None else (exclude_claim_id,)
    found = dict(
        candidate_claim_ids(session, text, limit=RERANKED, exclude_ids=exclude, language=language)
    )
    model = embeddings.encoder()
    semantic = None if model is None else (model, model.encode([text])[0])
    if semantic is not None:
        for cid in nearest_claims.nearest(session, semantic[0].name, semantic[1], exclude=exclude):
            found.setdefault(cid, 0.0)  # found by meaning alone: no word relevance
    if not found:
        return []
    rows = {
        row[0]: row
        for row in session.exec(
            select_columns(
                Claim.id,
                Claim.statement,
                Claim.article_id,
                Claim.state,
                Claim.claim_date,
                Claim.created_at,
                Article.url,
                Claim.context,
                ExternalReview.url,
                ExternalReview.publisher,
                ExternalReview.published,
            )
            .join(Article, col(Article.id) == Claim.article_id, isouter=True)
            .join(ExternalReview, col(ExternalReview.claim_id) == Claim.id, isouter=True)
            .where(col(Claim.id).in_(found))
        )
    }
    statements = {cid: row[1] for cid, row in rows.items()}
    cosines = {} if semantic is None else semantic_scores(session, *semantic, statements)
    ranked = rank(text, found, statements, language, cosines)
    lead = ranked[0][3] - (ranked[1][3] if len(ranked) > 1 else 0.0) if ranked else 0.0
    ranked = ranked[:limit]
    verdicts = published_verdicts(session, [cid for cid, *_rest in ranked])
    rule = SHOWN[session.get_bind().dialect.name, semantic is not None]
    matches = []
    for position, (cid, score, conflict, _mix) in enumerate(ranked):
        _id, statement, article_id, state, claim_date, created_at, url, context, *review = rows[cid]
        review_url, publisher, published = review
        label, conclusion, approved_at = verdicts.get(cid, (None, "", None))
        tier = Tier.same if score >= MATCH_THRESHOLD else Tier.possible
        if review_url is None:
            checked_on = approved_at.date() if approved_at else claim_date or created_at.date()
        else:
            checked_on = published
        cosine = cosines.get(cid)
        match = Match(
            cid,
            round(score, 1),
            statement,
            article_id,
            state,
            label,
            tier,
            relevance=round(found[cid], 6),
            url=url or "",
            checked_on=checked_on,
            context=context,
            review_url=review_url or "",
            publisher=publisher or "",
            review_rating=conclusion if review_url else "",
            semantic=None if cosine is None else round(cosine, 3),
            lead=round(lead, 3) if position == 0 else 0.0,
            conflict=conflict,
        )
        matches.append(replace(match, shown=rule.shows(match, first=position == 0)))
    return matches


def semantic_scores(
    session: Session, model: embeddings.Encoder, query: np.ndarray, statements: dict[int, str]
) -> dict[int, float]:
    """The cosine of the ``query`` vector and each candidate's statement by ``model``.
    Candidates without a stored vector of this model (saved before it was configured) are
    encoded here."""
    ids = list(statements)
    stored = embeddings.stored_vectors(session, model.name, ids)
    missing = [cid for cid in ids if cid not in stored]
    if missing:
        texts = [statements[cid] for cid in missing]
        stored.update(zip(missing, embeddings.pack(model.encode(texts)), strict=True))
    cosines = embeddings.unpack([stored[cid] for cid in ids]) @ query
    return dict(zip(ids, cosines.tolist(), strict=True))


def rank(
    text: str,
    relevance: dict[int, float],
    statements: dict[int, str],
    language: str = "en",
    cosines: dict[int, float] | None = None,
) -> list[tuple[int, float, bool, float]]:
    """``(claim id, similarity, amounts conflict, ranking score)`` of the candidates, best first by
    relevance (a share of the best candidate's) plus :data:`SIMILARITY_WEIGHT` ×
    similarity, plus :data:`SEMANTIC_WEIGHT` × the sentence vectors' cosine when
    ``cosines`` are given. A claim stating another amount of the same kind is never shown."""
    query = prepare(text, language)
    best = max(relevance.values(), default=0.0) or 1.0
    cosines = cosines or {}
    scored = []
    for cid, statement in statements.items():
        other = prepare(statement, language)
        score = score_prepared(query, other)
        mix = relevance[cid] / best + SIMILARITY_WEIGHT * score / 100
        mix += SEMANTIC_WEIGHT * cosines.get(cid, 0.0)
        scored.append((mix, cid, score, amounts_conflict(query, other)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(cid, score, conflict, mix) for mix, cid, score, conflict in scored]


def published_verdicts(
    session: Session, claim_ids: list[int]
) -> dict[int, tuple[str | None, str, datetime | None]]:
    """Each claim's published (approved) verdict: its rating label (None without one), its
    conclusion (another fact-checker's rating in their words) and when it was approved."""
    if not claim_ids:
        return {}
    rows = session.exec(
        select(Verdict.claim_id, Rating.label, Verdict.conclusion, Verdict.reviewed_at)
        .join(Rating, col(Rating.id) == Verdict.rating_id, isouter=True)
        .where(col(Verdict.claim_id).in_(claim_ids), Verdict.status == VerdictStatus.approved)
        .order_by(col(Verdict.reviewed_at), col(Verdict.id))
    ).all()
    # The latest one wins (an imported review has one verdict, with no approval time).
    return {claim_id: (label, conclusion, at) for claim_id, label, conclusion, at in rows}
