"""Full-text claim search and the candidate pre-selection behind "seen before?".

Why a document table: a claim's searchable text spans the claim, its context, its tags and
its article's title, plus amount words computed in Python ("$6.2 billion" and "6.2bn
dollars" share no word, but both give ``usd6200000000``). So each claim has one row in
``claim_search_doc`` (migration 0003), rewritten by :func:`index_claim` in the transaction
that changed the claim; SQLite indexes it with FTS5, PostgreSQL with pg_trgm and tsvector.
All SQL is parameterised; FTS5 queries are built only from terms this module tokenised
and quoted itself, so user input can never be FTS5 syntax.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import cast

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, bindparam, text
from sqlmodel import Session, col, select

from workbench.db_cache import DatabaseCache
from workbench.models import Article, Claim, ClaimTag
from workbench.sql import select_columns
from workbench.text.amounts import amount_tokens, scan
from workbench.text.stop_words import ENGLISH

_TERM = re.compile(r"[^\W_]+")
_NOT_WORD = re.compile(r"[^0-9a-z]")
#: Terms found in fewer documents than this are expanded with close vocabulary terms.
RARE_DF = 3
_MAX_GROUPS, _FUZZY_CUTOFF, _VOCAB_TTL_S = 24, 80, 600.0
#: pg_trgm word_similarity a document needs to be a search hit on PostgreSQL.
PG_WORD_SIMILARITY = 0.45


def fold(value: str) -> str:
    """Lowercase without diacritics, as FTS5's ``unicode61 remove_diacritics 2`` sees it."""
    if value.isascii():  # nothing to fold, and most text is: imports index 100,000s
        return value.lower()
    decomposed = unicodedata.normalize("NFD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(value: str) -> list[str]:
    """Unique FTS terms of ``value`` in order (letters and digits; everything else splits)."""
    return list(dict.fromkeys(_TERM.findall(fold(value))))


def amount_word(token: str) -> str:
    """ "USD:6200000000" -> "usd6200000000": one token for FTS5, pg tsvector and rapidfuzz."""
    mapped = token.lower().replace(".", "d").replace("+", "p").replace("-", "m")
    return _NOT_WORD.sub("", mapped)


def amount_spans(value: str, language: str = "en") -> list[tuple[int, int, str]]:
    """(start, end, amount word) for every amount, percentage, number and year in ``value``."""
    return [
        (item.start, item.end, amount_word(tokens[0]))
        for _kind, item in scan(value, language)
        if (tokens := amount_tokens(item.text, language))
    ]


def claim_document(
    statement: str,
    quote: str,
    claimant: str,
    tags: Iterable[str],
    article_title: str,
    language: str = "en",
    *,
    context: str = "",
) -> str:
    """The searchable text of a claim: its fields lowercased (accents kept; FTS5 strips
    them) plus its amounts as canonical words, so every spelling of an amount matches.

    ``context`` (an imported fact-check's headline) often names what a post repeats in
    other words than the claim does. A claim made in the app has its article's title as
    context: it is counted once, so BM25 does not weigh the title twice."""
    # One split of all the fields: the same words, single-spaced, as splitting each.
    parts = [statement, quote, claimant, *tags, article_title, context]
    if " ".join(quote.split()) == " ".join(statement.split()):
        parts[1] = ""
    if " ".join(context.split()) == " ".join(article_title.split()):
        parts[-1] = ""
    lowered = " ".join(" ".join(parts).split()).lower()
    words = dict.fromkeys(
        amount_word(token)
        for token in amount_tokens(" \n ".join(dict.fromkeys((statement, quote))), language)
    )
    # Unaccented twins ("cafe" for "café") make PostgreSQL's trigram search accent-blind
    # too; FTS5 folds accents itself, so for SQLite they are merely redundant. ASCII text
    # has none (imports build 100,000s of documents, most of them ASCII).
    twins: list[str] = []
    if not lowered.isascii():
        raw = set(_TERM.findall(lowered))
        twins = [term for term in terms(lowered) if term not in raw]
    return " ".join([lowered, *twins, *words]).strip()


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _documents(session: Session, claim_ids: list[int] | None = None) -> list[dict[str, object]]:
    """Search documents (``{"id", "doc"}``) built from the database: given claims, or all."""
    tag_query = select(ClaimTag.claim_id, ClaimTag.tag).order_by(
        col(ClaimTag.claim_id), col(ClaimTag.tag)
    )
    claim_query = (
        select_columns(
            Claim.id,
            Claim.statement,
            Claim.quote,
            Claim.claimant,
            Claim.context,
            Article.title,
            Article.language,
        )
        .join(Article, col(Article.id) == Claim.article_id, isouter=True)
        .order_by(col(Claim.id))
    )
    if claim_ids is not None:
        tag_query = tag_query.where(col(ClaimTag.claim_id).in_(claim_ids))
        claim_query = claim_query.where(col(Claim.id).in_(claim_ids))
    tags: dict[int, list[str]] = {}
    for claim_id, tag in session.exec(tag_query):
        tags.setdefault(claim_id, []).append(tag)
    return [
        {
            "id": cid,
            "doc": claim_document(
                statement,
                quote,
                claimant,
                tags.get(cid, ()),
                title or "",
                language or "en",
                context=context,
            ),
        }
        for cid, statement, quote, claimant, context, title, language in session.exec(claim_query)
    ]


def _write_docs(session: Session, rows: list[dict[str, object]]) -> None:
    session.execute(
        text(
            "INSERT INTO claim_search_doc (claim_id, doc) VALUES (:id, :doc) "
            "ON CONFLICT (claim_id) DO UPDATE SET doc = excluded.doc "
            "WHERE claim_search_doc.doc <> excluded.doc"
        ),
        rows,
    )


def index_claim(session: Session, claim_id: int) -> None:
    """(Re)write one claim's search document; call inside the transaction that changed it."""
    session.flush()
    docs = _documents(session, [claim_id])
    if not docs:
        session.execute(text("DELETE FROM claim_search_doc WHERE claim_id = :id"), {"id": claim_id})
        return
    _write_docs(session, docs)
    _add_terms(session, [str(docs[0]["doc"])])


def index_claims(
    session: Session, documents: Iterable[tuple[int, str]], *, batch: int = 20_000
) -> None:
    """Write many claims' documents in bulk (imports), in the caller's transaction.

    ``documents`` are ``(claim id, claim_document(...))`` pairs the caller built from the
    rows it inserted (outside its write lock), so the claims are not read back.

    One statement per ``batch`` documents, not one per document: on SQLite each statement
    makes FTS5 flush its pending terms (the sync trigger runs inside the statement), so
    100,000 single-row inserts took 3.6 s CPU and 5 statements of 20,000 rows 1.2 s. The
    triggers stay in charge, so every other writer keeps the index in sync as before.
    The new terms are counted into the cached vocabulary, so the first search after an
    import neither misses them nor reloads every term.
    """
    ids: list[int] = []
    docs: list[str] = []
    for claim_id, doc in documents:
        ids.append(claim_id)
        docs.append(doc)
        if len(ids) == batch:
            _write_many_docs(session, ids, docs)
            _add_terms(session, docs)
            ids, docs = [], []
    if ids:
        _write_many_docs(session, ids, docs)
        _add_terms(session, docs)


_UPSERT_MANY = {
    "sqlite": "INSERT INTO claim_search_doc (claim_id, doc) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
    "FROM json_each(:docs) WHERE true ",  # WHERE: SQLite's upsert-after-SELECT rule
    "postgresql": "INSERT INTO claim_search_doc (claim_id, doc) "
    "SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:docs AS text[])) ",
}


def _write_many_docs(session: Session, ids: list[int], docs: list[str]) -> None:
    """Upsert documents in one statement (a JSON array on SQLite, arrays on PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = (
        {"docs": json.dumps(list(zip(ids, docs, strict=True)), ensure_ascii=False)}
        if dialect == "sqlite"
        else {"ids": ids, "docs": docs}
    )
    session.execute(
        text(
            _UPSERT_MANY[dialect] + "ON CONFLICT (claim_id) DO UPDATE SET doc = excluded.doc "
            "WHERE claim_search_doc.doc <> excluded.doc"
        ),
        params,
    )


def rebuild_index(session: Session, *, batch: int = 20_000) -> int:
    """Rewrite every claim's document (after bulk imports, or to upgrade backfilled ones);
    the cached vocabulary is dropped (counting the rewritten documents again would double
    it) and loads again on the next search."""
    docs = _documents(session)
    index_claims(session, ((cast(int, d["id"]), cast(str, d["doc"])) for d in docs), batch=batch)
    _VOCAB.forget(session.get_bind().engine)
    return len(docs)


_VOCAB_SQL = {
    "sqlite": "SELECT term, doc FROM claim_fts_vocab",
    "postgresql": "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM claim_search_doc')",
}
#: Up to this many search documents the vocabulary loads inside the first search (a few
#: milliseconds); beyond it, only in a background thread, so no click waits for it (at
#: 1,000,000 claims a load took about 6 s on SQLite and 15 s on PostgreSQL).
INLINE_LOAD_DOCS = 20_000


def _read_vocabulary(session: Session) -> dict[str, int]:
    sql = _VOCAB_SQL[session.get_bind().dialect.name]
    return {term: count for term, count in session.execute(text(sql))}


def _small_archive(session: Session) -> bool:
    """Whether there are at most :data:`INLINE_LOAD_DOCS` search documents (a count that
    stops there, so it costs little however large the archive)."""
    stored = session.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM claim_search_doc LIMIT :n) AS docs"),
        {"n": INLINE_LOAD_DOCS + 1},
    ).scalar_one()
    return stored <= INLINE_LOAD_DOCS


#: Every term's document count per database. Reading them walks every posting list, so it
#: happens once per ``_VOCAB_TTL_S`` and, at scale, never inside a search: until it is
#: there, searches go without typo expansion (exact words and prefixes still match;
#: PostgreSQL also falls back to trigram similarity). :func:`index_claim` and
#: :func:`index_claims` add their terms; other processes' new terms arrive with the next
#: read (SQLite counts stay live, though).
_VOCAB = DatabaseCache("vocabulary", _read_vocabulary, ttl_s=_VOCAB_TTL_S, small=_small_archive)


def _vocabulary(session: Session) -> dict[str, int]:
    """Every term's document count, or {} while it is read in the background."""
    return _VOCAB.get(session) or {}


def warm_vocabulary(engine: Engine) -> threading.Thread | None:
    """Load the vocabulary in the background now (the server's start calls this, so the
    first search after a restart has its typo expansion); the loading thread, or None when
    one is already running."""
    return _VOCAB.warm(engine)


def wait_vocabulary(engine: Engine, timeout: float | None = None) -> None:
    """Until a background read of the term counts is done (benchmarks and tests)."""
    _VOCAB.wait(engine, timeout)


def _add_terms(session: Session, docs: Iterable[str]) -> None:
    """Count new documents' terms into this process's cached vocabulary, if loaded."""
    cached = _VOCAB.peek(session.get_bind().engine)
    if cached is None:
        return
    for doc in docs:
        for term in set(terms(doc)):
            cached[term] = cached.get(term, 0) + 1


def close_terms(session: Session, term: str, *, limit: int = 3) -> list[str]:
    """Vocabulary terms within ``fuzz.ratio`` >= 80 of ``term`` (length within 2), best first."""
    if len(term) < 4 or term.isdigit():
        return []
    lengths = range(len(term) - 2, len(term) + 3)
    choices = [t for t in _vocabulary(session) if len(t) in lengths and t != term]
    hits = process.extract(
        term,
        choices,
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=_FUZZY_CUTOFF,
        limit=limit * 3,
    )
    # Prefer candidates sharing the first letter: first-letter typos are rare.
    hits.sort(key=lambda hit: (hit[0][0] != term[0], -hit[1]))
    return [hit[0] for hit in hits[:limit]]


def doc_frequencies(session: Session, words: Sequence[str]) -> dict[str, int]:
    """Documents containing each word (0 if none), from the cached vocabulary (a live count
    walks the word's posting list) and, on SQLite, live for words missing from it."""
    vocabulary = _vocabulary(session) if words else {}
    counts = {word: vocabulary.get(word, 0) for word in words}
    missing = [word for word, count in counts.items() if not count]
    if missing and _is_sqlite(session):
        counts.update(
            {
                term: doc
                for term, doc in session.execute(
                    text("SELECT term, doc FROM claim_fts_vocab WHERE term IN :terms").bindparams(
                        bindparam("terms", expanding=True)
                    ),
                    {"terms": missing},
                )
            }
        )
    return counts


def _quote(phrase: str, sqlite: bool = True, prefix: bool = False) -> str:
    """An FTS5 string ("a b"*) or a tsquery phrase ('a' <-> 'b':*); terms are alphanumeric."""
    if sqlite:
        return '"' + phrase.replace('"', '""') + '"' + ("*" if prefix else "")
    lexemes = ["'" + word.replace("'", "''") + "'" for word in phrase.split()]
    return " <-> ".join(lexemes) + (":*" if prefix else "")


def _query_groups(value: str, language: str) -> list[tuple[list[str], str]]:
    """Split a query into (word terms, amount word) groups; amounts keep their own words
    as a phrase so "6.2 billion" still finds documents indexed without amount words."""
    groups: list[tuple[list[str], str]] = []
    position = 0
    for start, end, word in amount_spans(value, language):
        groups += [([term], "") for term in terms(value[position:start])]
        groups.append((terms(value[start:end]), word))
        position = end
    groups += [([term], "") for term in terms(value[position:])]
    unique = {(*words, amount): (words, amount) for words, amount in groups if words or amount}
    return list(unique.values())[:_MAX_GROUPS]


def _match_groups(session: Session, query: str, language: str, sqlite: bool) -> list[str]:
    """One parenthesised list of alternatives per query term (itself, close vocabulary
    terms if it is rare, a prefix) or amount (its word, its own words as a phrase)."""
    groups = _query_groups(query, language)
    frequencies = doc_frequencies(session, [w[0] for w, amount in groups if not amount and w])
    parts = []
    for words, amount in groups:
        if amount:
            options = [_quote(amount, sqlite)] + ([_quote(" ".join(words), sqlite)] * bool(words))
        else:
            options = [_quote(words[0], sqlite)]
            if frequencies.get(words[0], 0) < RARE_DF:
                options += [_quote(t, sqlite) for t in close_terms(session, words[0])]
            if len(words[0]) >= 3:
                options.append(_quote(words[0], sqlite, prefix=True))
        parts.append("(" + (" OR " if sqlite else " | ").join(options) + ")")
    return parts


#: PostgreSQL ranks at most this many matches of a claims-list search, the newest.
#: ``ts_rank`` reads every ranked document: "helth care costs" matched 164,027 of
#: 1,000,000 claims by any word and took 1.27 s to rank; the newest 2,000 take 37 ms.
#: SQLite's FTS5 ranks every match in about 60 ms.
RANK_POOL = 2000


def _ids(session: Session, match: str, limit: int) -> list[int]:
    """Claim ids matching an FTS5 query (bm25 order) or a tsquery (ts_rank order, over the
    newest ``RANK_POOL`` matches)."""
    if not match:
        return []
    sql = (
        "SELECT rowid FROM claim_fts WHERE claim_fts MATCH :q ORDER BY rank LIMIT :n"
        if _is_sqlite(session)
        # tsv: the stored to_tsvector('simple', doc) (migration 0009)
        else "SELECT claim_id FROM (SELECT claim_id, tsv FROM claim_search_doc "
        "WHERE tsv @@ to_tsquery('simple', :q) ORDER BY claim_id DESC LIMIT :pool) AS hit, "
        "to_tsquery('simple', :q) AS query ORDER BY ts_rank(tsv, query, 1) DESC, claim_id "
        "LIMIT :n"
    )
    parameters = {"q": match, "n": limit, "pool": max(RANK_POOL, limit)}
    return [row[0] for row in session.execute(text(sql), parameters)]


def search_claim_ids(
    session: Session, query: str, *, limit: int, candidates: int = 2000, language: str = "en"
) -> list[int]:
    """Claim ids matching ``query`` best first, forgiving of typos.

    Every term must match (itself, a close vocabulary term, or as a prefix), ranked by
    bm25 (SQLite FTS5) or ts_rank (PostgreSQL tsvector); if that finds fewer than
    ``limit``, any-term matches follow. PostgreSQL falls back to trigram
    ``word_similarity`` (at most ``candidates`` rows) when nothing matched at all.
    """
    query = query.strip()[:1000]
    if not query or limit <= 0:
        return []
    sqlite = _is_sqlite(session)
    groups = _match_groups(session, query, language, sqlite)
    ids = _ids(session, (" AND " if sqlite else " & ").join(groups), limit)
    if len(ids) < limit and len(groups) > 1:
        seen = set(ids)
        extra = _ids(session, (" OR " if sqlite else " | ").join(groups), limit + len(ids))
        ids += [cid for cid in extra if cid not in seen][: limit - len(ids)]
    return ids or ([] if sqlite else _pg_similar(session, query, limit, candidates))


def _pg_similar(session: Session, query: str, limit: int, candidates: int) -> list[int]:
    """Trigram fallback for words the vocabulary cache has not seen yet."""
    words = " ".join(terms(query))  # folded, no punctuation or NUL (PostgreSQL rejects it)
    if not words:
        return []
    # pg_trgm's default 0.6 rejects two typos in two words ("hungray rejectd": 0.5);
    # is_local=true: the setting ends with this transaction.
    session.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
        {"t": str(PG_WORD_SIMILARITY)},
    )
    rows = session.execute(
        text(
            "SELECT claim_id FROM (SELECT claim_id, doc FROM claim_search_doc WHERE :q <% doc "
            "LIMIT :candidates) AS hit ORDER BY word_similarity(:q, doc) DESC, claim_id LIMIT :n"
        ),
        {"q": words, "candidates": candidates, "n": limit},
    )
    return [row[0] for row in rows]


#: At most this many query terms are ORed: a pasted paragraph must not become a
#: hundred-term query (the claim-length texts "seen before?" sees have 5-30).
MAX_MATCH_TERMS = 32


def match_terms(value: str, language: str = "en") -> list[str]:
    """The terms "seen before?" ranks by: every word of ``value`` that is not a stop word,
    each amount as its canonical word (``usd6200000000``, not "6", "2", "billion"), in
    order, unique. Single characters are left out (what "U.S." splits into, say)."""
    found: list[str] = []
    position = 0
    for start, end, word in amount_spans(value, language):
        found += terms(value[position:start])
        found.append(word)
        position = end
    found += terms(value[position:])
    kept = (term for term in found if len(term) > 1 and term not in ENGLISH)
    return list(dict.fromkeys(kept))[:MAX_MATCH_TERMS]


#: FTS5 scores every document holding any ORed term, so the commonest terms of a query
#: ("says", "obama" in 13% and 9% of 100,000 claims) cost the most and weigh the least
#: (BM25's idf). Terms are taken rarest first until their documents add up to this, but
#: at least :data:`MIN_MATCH_TERMS` of them: this bounds a look-up's cost at any archive size.
#: On SQLite at 1,000,000 claims the ranking query was most of a look-up: 10,000 postings
#: gave a median look-up of 22 ms, 6,000 17 ms, 4,000 13.5 ms, the original among the shown
#: matches of 200 perturbed claims 0.980 / 0.975 / 0.970 (CLEF-2020 train unchanged at
#: 6,000). PostgreSQL ranks each document by reading its stored tsvector, so it gets a
#: smaller budget: at 100,000 claims 10,000 postings cost 32 / 132 ms (median / p95) for the
#: ranking query, 3,000 cost 14 / 24 ms (docs/decisions/0016).
POSTINGS_BUDGET = {"sqlite": 6_000, "postgresql": 3_000}
MIN_MATCH_TERMS = 3
#: PostgreSQL scores BM25 (idf per term) over this many documents, the best by plain
#: ``ts_rank``: over all of them it cost 24.5 / 50 ms (median / p95, 100,000 claims) against
#: 16.9 / 30 for ``ts_rank`` alone, and 19.6 / 31.5 over 100; CLEF-2020 train MAP@5 was the
#: same 0.822 over 100, 300 or all (``ts_rank`` alone: 0.775).
BM25_POOL = 100


def _affordable_terms(session: Session, chosen: list[str], sqlite: bool) -> dict[str, int]:
    """The rarest of ``chosen`` within :data:`POSTINGS_BUDGET` with their document counts
    (:func:`_term_counts`). Terms no document holds are dropped."""
    counts = _term_counts(session, chosen, sqlite)
    budget = POSTINGS_BUDGET["sqlite" if sqlite else "postgresql"]
    kept: dict[str, int] = {}
    postings = 0
    for term in sorted(counts, key=counts.__getitem__):
        if len(kept) >= MIN_MATCH_TERMS and postings + counts[term] > budget:
            break
        kept[term] = counts[term]
        postings += counts[term]
    return kept


def _term_counts(session: Session, terms: list[str], sqlite: bool) -> dict[str, int]:
    """Documents holding each term: from the term counts read once per process
    (:func:`doc_frequencies`) once they are there, else counted live. Both live counts walk
    the term's postings: FTS5's vocabulary table took 2-3 ms a common term at 1,000,000
    claims (about 20 ms a look-up, most of its time); on PostgreSQL a capped count per
    term (:func:`_live_counts`) still ~290 ms a look-up at 100,000 (median, load 10)."""
    if _VOCAB.get(session) is not None:
        return {term: count for term, count in doc_frequencies(session, terms).items() if count}
    if sqlite:
        return dict(
            session.execute(
                text("SELECT term, doc FROM claim_fts_vocab WHERE term IN :terms").bindparams(
                    bindparam("terms", expanding=True)
                ),
                {"terms": terms},
            ).all()
        )
    return _live_counts(session, terms)


_LIVE_COUNT_SQL = (
    "SELECT term, (SELECT count(*) FROM (SELECT 1 FROM claim_search_doc "
    "WHERE tsv @@ to_tsquery('simple', query) LIMIT :cap) AS hits) "
    "FROM unnest(CAST(:terms AS text[]), CAST(:queries AS text[])) AS asked(term, query)"
)


def _live_counts(session: Session, terms: list[str]) -> dict[str, int]:
    """PostgreSQL while its term counts are still being read (a process's first look-ups at
    scale; every ``workbench claims match`` run): each term's documents counted on the GIN
    index in one statement, capped just past the postings budget (a term that common is
    left out anyway). Slower than the cached counts, but a look-up never comes back empty
    for want of them."""
    rows = session.execute(
        text(_LIVE_COUNT_SQL),
        {
            "terms": terms,
            "queries": [_quote(term, sqlite=False) for term in terms],
            "cap": POSTINGS_BUDGET["postgresql"] + 1,
        },
    )
    return {term: int(count) for term, count in rows if count}


_RANKED_SQL = {
    # bm25() is lower for better matches; negated so that higher is better everywhere.
    "sqlite": "SELECT rowid, -bm25(claim_fts) FROM claim_fts WHERE claim_fts MATCH :q "
    "ORDER BY rank LIMIT :n",
    # tsv: the stored to_tsvector('simple', doc) (migration 0009). The :data:`BM25_POOL`
    # best by ts_rank (normalisation 1 divides by 1 + log(document length)), then BM25's
    # sum over the query's terms of idf x a saturating, length-normalised term frequency,
    # ts_rank(tsv, term, 1). ts_rank alone weighs every term alike, so "aid package"
    # counted as much as "ReArm" (decision 0017).
    "postgresql": "SELECT claim_id, {score} AS score FROM (SELECT claim_id, tsv "
    "FROM claim_search_doc, to_tsquery('simple', :q) AS query WHERE tsv @@ query "
    "ORDER BY ts_rank(tsv, query, 1) DESC, claim_id LIMIT :pool) AS matched "
    "ORDER BY score DESC, claim_id LIMIT :n",
}


def candidate_claim_ids(
    session: Session,
    value: str,
    *,
    limit: int = 30,
    exclude_ids: Iterable[int] = (),
    language: str = "en",
) -> list[tuple[int, float]]:
    """Pre-selection for "seen before?": ``(claim id, relevance)`` of the claims sharing
    any of the query's :func:`match_terms`, best first by BM25 (SQLite: FTS5's; PostgreSQL:
    idf x ``ts_rank`` per term, :data:`BM25_POOL`). Relevance is higher for better matches
    and comparable only within one query. The query's terms are counted from the term
    counts read once per process, or live while those are read in the background, so no
    look-up waits for that read (docs/decisions/0013-bm25-claim-matching.md, 0017)."""
    exclude = set(exclude_ids)
    chosen = match_terms(value, language)
    dialect = session.get_bind().dialect.name
    sqlite = dialect == "sqlite"
    counts = _affordable_terms(session, chosen, sqlite) if chosen else {}
    if not counts or limit <= 0:
        return []
    quoted = [_quote(term, sqlite) for term in counts]
    asked: dict[str, object] = {
        "q": (" OR " if sqlite else " | ").join(quoted),
        "n": limit + len(exclude),
    }
    sql = _RANKED_SQL[dialect]
    if not sqlite:
        sql, asked = _pg_bm25(session, sql, asked, quoted, list(counts.values()))
    rows = session.execute(text(sql), asked)
    return [(cid, float(score)) for cid, score in rows if cid not in exclude][:limit]


def _pg_bm25(
    session: Session, sql: str, asked: dict[str, object], quoted: list[str], counts: list[int]
) -> tuple[str, dict[str, object]]:
    """PostgreSQL's ranking query and its parameters: one placeholder pair (term, idf) per
    term, summed inline (a sum over a table of terms ran as a subquery per document and
    cost a third more)."""
    score = " + ".join(
        f"CAST(:idf{i} AS float8) * ts_rank(tsv, to_tsquery('simple', :t{i}), 1)"
        for i in range(len(quoted))
    )
    asked = asked | {"pool": max(BM25_POOL, cast(int, asked["n"]))}
    asked |= {f"t{i}": term for i, term in enumerate(quoted)}
    asked |= {f"idf{i}": idf for i, idf in enumerate(_idfs(session, counts))}
    return sql.format(score=score), asked


def _idfs(session: Session, counts: list[int]) -> list[float]:
    """BM25's idf of terms held by ``counts`` documents each, on PostgreSQL (FTS5's bm25()
    has its own). The archive's size is the highest claim id with a search document, read
    off the index: never below the true count, and close to it (ids are rarely deleted)."""
    documents = session.execute(text("SELECT max(claim_id) FROM claim_search_doc")).scalar()
    total = max(documents or 0, *counts)
    return [math.log(1 + (total - count + 0.5) / (count + 0.5)) for count in counts]
