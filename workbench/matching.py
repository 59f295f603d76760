"""Number-aware claim similarity and the "seen before?" lookup.

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
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from workbench.models import Claim, Rating, Verdict, VerdictStatus
from workbench.search import amount_spans, candidate_claim_ids

#: Scores (0-100) at or above this are shown as "seen before". Perturbed duplicates of LIAR
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
#: Candidates pre-selected by full-text search per lookup, and of those, rescored with
#: amounts (after a quick ``token_ratio`` pass).
CANDIDATES = 200
RESCORED = 40


@dataclass(frozen=True)
class Match:
    claim_id: int
    score: float
    statement: str
    article_id: int | None
    state: str
    rating_label: str | None


_KIND = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class _Prepared:
    text: str  # default_process'ed, amounts replaced by their canonical words
    tokens: int
    amounts: dict[str, frozenset[str]]  # "money", "pct", "num", "year" -> amount words


def _kind(word: str) -> str:
    """"pct41" -> "pct", "year2003" -> "year"; any currency ("usd6200000000",
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
    return _Prepared(processed, len(processed.split()),
                     {kind: frozenset(words) for kind, words in amounts.items()})


def amounts_conflict(a: _Prepared, b: _Prepared) -> bool:
    """True when both texts state values of one kind and share none of them."""
    return any(kind in b.amounts and not (words & b.amounts[kind])
               for kind, words in a.amounts.items())


def score_prepared(a: _Prepared, b: _Prepared) -> float:
    """Similarity 0-100 of two prepared texts (see :func:`similarity`)."""
    if not a.text or not b.text:
        return 0.0
    shorter, longer = sorted((a.tokens, b.tokens))
    guard = min(1.0, shorter / longer / FULL_LENGTH_RATIO, shorter / FULL_SET_TOKENS)
    score = max(fuzz.token_sort_ratio(a.text, b.text),
                fuzz.token_set_ratio(a.text, b.text) * guard)
    if amounts_conflict(a, b):
        score = min(score, AMOUNT_CONFLICT_CAP)
    return float(score)


def similarity(a: str, b: str, language: str = "en") -> float:
    """How alike two claims are, 0-100, with amounts compared by value: "$6.2 billion",
    "6.2bn dollars" and "USD 6,200 million" are equal; "$62 billion" conflicts."""
    return score_prepared(prepare(a, language), prepare(b, language))


def seen_before(session: Session, text: str, *, limit: int = 5,
                exclude_claim_id: int | None = None, language: str = "en",
                threshold: float = MATCH_THRESHOLD) -> list[Match]:
    """Earlier claims that look like ``text``, best first, at or above ``threshold``.

    Full-text pre-selection (rarest terms and amounts) keeps this fast at 100k+ claims;
    rapidfuzz then scores only those candidates. Nothing is merged: the caller shows these.
    """
    exclude = () if exclude_claim_id is None else (exclude_claim_id,)
    ids = candidate_claim_ids(session, text, limit=CANDIDATES, exclude_ids=exclude,
                              language=language)
    if not ids or not text.strip():
        return []
    rows = {row[0]: row for row in session.exec(
        select(Claim.id, Claim.statement, Claim.article_id, Claim.state)
        .where(col(Claim.id).in_(ids)))}
    ranked = rank(text, {cid: row[1] for cid, row in rows.items()}, language)
    best = [(score, cid) for score, cid in ranked if score >= threshold][:limit]
    labels = rating_labels(session, [cid for _score, cid in best])
    return [Match(cid, round(score, 1), rows[cid][1], rows[cid][2], rows[cid][3],
                  labels.get(cid)) for score, cid in best]


def rank(text: str, statements: dict[int, str], language: str = "en") -> list[tuple[float, int]]:
    """(similarity, id) of ``statements`` against ``text``, best first.

    Amount parsing costs ~70 µs a text, so a C++ ``token_ratio`` pass first keeps the
    :data:`RESCORED` most promising candidates and only those get the number-aware score.
    """
    query = prepare(text, language)
    plain = process.extract(utils.default_process(text), statements, scorer=fuzz.token_ratio,
                            processor=utils.default_process, limit=RESCORED)
    scored = ((score_prepared(query, prepare(statements[cid], language)), cid)
              for _statement, _score, cid in plain)
    return sorted(scored, key=lambda item: (-item[0], item[1]))


def rating_labels(session: Session, claim_ids: list[int]) -> dict[int, str]:
    """The rating label of each claim's published (approved) verdict, if it has one."""
    if not claim_ids:
        return {}
    rows = session.exec(
        select(Verdict.claim_id, Rating.label)
        .join(Rating, Rating.id == Verdict.rating_id)  # type: ignore[arg-type]
        .where(col(Verdict.claim_id).in_(claim_ids),
               Verdict.status == VerdictStatus.approved)
        .order_by(col(Verdict.reviewed_at), col(Verdict.id))
    ).all()
    return {claim_id: label for claim_id, label in rows}  # the latest approved one wins
