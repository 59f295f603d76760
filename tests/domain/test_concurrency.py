"""Two processes editing the same claims: no update is lost, stale edits are refused.

Run with ``-s`` to see the figures (attempted / kept / refused).
"""

from __future__ import annotations

import multiprocessing

import pytest

from workbench import claims, db
from workbench.errors import StaleEdit
from workbench.sample import load_sample

ATTEMPTS = 60  # per process and mode
CLAIMS = 3


def _counter(statement: str) -> int:
    return int(statement.rsplit(" ", 1)[1])


def _worker(url: str, user_id: int, claim_ids: list[int], fresh: bool, queue) -> None:
    """Increment each claim's counter ATTEMPTS times.

    fresh: read and write in one transaction (must never lose an increment).
    stale: read in one transaction, write in another (the gap lets the other process in;
    its edit must then be refused, never silently overwritten).
    """
    engine = db.get_engine(url)
    kept = refused = 0
    for attempt in range(ATTEMPTS):
        claim_id = claim_ids[attempt % len(claim_ids)]
        try:
            if fresh:
                with db.write_session(engine) as session:
                    user = session.get(claims.User, user_id)
                    claim = claims.get_claim(session, claim_id, for_update=True)
                    claims.update_claim(
                        session,
                        user,
                        claim_id,
                        claim.version,
                        statement=f"count {_counter(claim.statement) + 1}",
                    )
            else:
                with db.read_session(engine) as session:
                    claim = claims.get_claim(session, claim_id)
                    version, count = claim.version, _counter(claim.statement)
                with db.write_session(engine) as session:
                    user = session.get(claims.User, user_id)
                    claims.update_claim(
                        session, user, claim_id, version, statement=f"count {count + 1}"
                    )
            kept += 1
        except StaleEdit:
            refused += 1
    queue.put((kept, refused))


@pytest.mark.parametrize(
    "fresh", [True, False], ids=["read-write-in-one-transaction", "stale-version"]
)
def test_two_processes_lose_nothing(engine, database_url, reviewer, fresh):
    with db.write_session(engine) as session:
        article = load_sample(session, reviewer)
        ids = [
            claims.create_claim(
                session,
                reviewer,
                claims.ClaimDraft(
                    article_id=article.id, start=i * 10, end=i * 10 + 5, statement="count 0"
                ),
            ).id
            for i in range(CLAIMS)
        ]
    engine.dispose()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_worker, args=(database_url, reviewer.id, ids, fresh, queue))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    kept = sum(k for k, _ in results)
    refused = sum(r for _, r in results)
    with db.read_session(engine) as session:
        total = sum(_counter(claims.get_claim(session, i).statement) for i in ids)
    print(
        f"\n[{database_url.split(':')[0]}, {'fresh' if fresh else 'stale'}] "
        f"attempted {2 * ATTEMPTS}, kept {kept}, refused {refused}, counted {total}"
    )
    assert kept + refused == 2 * ATTEMPTS
    assert total == kept  # every kept update is in the data: nothing lost
    if fresh:
        assert refused == 0
