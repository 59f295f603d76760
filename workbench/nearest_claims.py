"""Semantic candidates for "seen before?": the claims whose stored vectors lie nearest a
query's.

Why (docs/decisions/0015-semantic-rerank.md): BM25 only finds claims that share the
query's words. On the CLEF-2020 dev set the right fact-check was among BM25's 30
candidates for 0.888 of the tweets, so no re-rank of those 30 could do better; the 30
claims nearest by sentence vector, added to them, hold it for 0.980. The stored int8
vectors are kept in memory per database and process (a
:class:`~workbench.db_cache.DatabaseCache`, read in the background at scale, so no click
waits for the read) and scanned exactly: a matrix product over every claim, in chunks so
no float copy of the whole matrix is made.

Memory is 384 bytes per claim (38 MB at 100,000 claims). Above :data:`MAX_VECTORS` the
scan is off (one warning) and the candidates are BM25's alone; an approximate index would
be the next step there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, text
from sqlmodel import Session

from workbench.db_cache import DatabaseCache

_LOG = logging.getLogger(__name__)
#: Nearest claims added to BM25's candidates.
NEAREST = 30
#: Above this many stored vectors the scan is off (memory per server process).
MAX_VECTORS = 250_000
#: Up to this many vectors the first look-up reads them inline (a few tens of ms).
INLINE_LOAD_VECTORS = 20_000
#: Rows per matrix product: the float32 copy of one chunk is 12 MB.
_CHUNK = 8192
#: Other processes' new vectors arrive within this many seconds (this process's at once).
_TTL_S = 300.0


@dataclass
class _Matrix:
    """One model's vectors: rows as read, and those written by this process since."""

    ids: np.ndarray
    rows: np.ndarray
    recent: dict[int, np.ndarray] = field(default_factory=dict)


def _count(session: Session, cap: int) -> int:
    """Stored vectors, counted only up to ``cap`` + 1 (cheap however many there are)."""
    return int(
        session.execute(
            text("SELECT count(*) FROM (SELECT 1 FROM claim_vector LIMIT :n) AS v"), {"n": cap + 1}
        ).scalar_one()
    )


def _read(session: Session) -> dict[str, _Matrix]:
    if _count(session, MAX_VECTORS) > MAX_VECTORS:
        _LOG.warning(
            "semantic candidates off: more than %d stored vectors; BM25 candidates only",
            MAX_VECTORS,
        )
        return {}
    by_model: dict[str, tuple[list[int], list[bytes]]] = {}
    for cid, model, blob in session.execute(
        text("SELECT claim_id, model, vector FROM claim_vector")
    ):
        ids, blobs = by_model.setdefault(model, ([], []))
        ids.append(cid)
        blobs.append(bytes(blob))
    return {
        model: _Matrix(
            np.array(ids, dtype=np.int64),
            np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), -1),
        )
        for model, (ids, blobs) in by_model.items()
    }


_VECTORS = DatabaseCache(
    "claim vectors",
    _read,
    ttl_s=_TTL_S,
    small=lambda session: _count(session, INLINE_LOAD_VECTORS) <= INLINE_LOAD_VECTORS,
)


def nearest(
    session: Session,
    model: str,
    query: np.ndarray,
    *,
    limit: int = NEAREST,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Ids of the ``limit`` claims whose vectors of ``model`` have the highest dot product
    with the unit vector ``query``, best first; [] while the vectors are read in the
    background or when there are too many. Ids of claims deleted since the read may be
    among them: callers join them to the claims."""
    table = _VECTORS.get(session)
    matrix = None if table is None else table.get(model)
    if matrix is None:
        return []
    scores = [
        matrix.rows[start : start + _CHUNK].astype(np.float32) @ query
        for start in range(0, len(matrix.rows), _CHUNK)
    ]
    ids = [matrix.ids]
    if matrix.recent:
        ids.append(np.fromiter(matrix.recent, dtype=np.int64, count=len(matrix.recent)))
        scores.append(np.stack(list(matrix.recent.values())).astype(np.float32) @ query)
    all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
    skip = set(exclude)
    take = min(len(all_ids), limit + len(skip))
    if take == 0:
        return []
    best = np.argpartition(-all_scores, take - 1)[:take]
    best = best[np.argsort(-all_scores[best], kind="stable")]
    chosen: list[int] = []
    for cid in all_ids[best].tolist():
        if cid not in skip and cid not in chosen:
            chosen.append(cid)
    return chosen[:limit]


def remember(engine: Engine, model: str, vectors: Iterable[tuple[int, bytes]]) -> None:
    """Vectors this process has just written, so its next look-ups find them before the
    next read (a write rolled back leaves a stray id, which callers drop)."""
    table = _VECTORS.peek(engine)
    if table is None:
        return
    matrix = table.setdefault(
        model, _Matrix(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.int8))
    )
    for cid, blob in vectors:
        matrix.recent[cid] = np.frombuffer(blob, dtype=np.int8)


def warm(engine: Engine) -> None:
    """Read the vectors in the background now (the server's start)."""
    _VECTORS.warm(engine)


def wait(engine: Engine, timeout: float | None = None) -> None:
    """Until a background read of the vectors is done (benchmarks and tests)."""
    _VECTORS.wait(engine, timeout)
