"""Hostile values for every user-controlled field, stored through the services.

Shared by the AppTests (tests/ui/test_safe_rendering.py) and the browser test
(tests/e2e/test_hostile_fields.py). The services accept all of it (they refuse only
non-http(s) URLs, which are then written straight into the database, as an old or
imported row might hold them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, update

from tests.conftest import PASSWORD, make_user
from tests.factories import claim_on
from workbench import articles, claims, db, sources, users, verdicts
from workbench.models import Article, Role, Source, User

ATTACKER = "127.0.0.2:9"


def payload(field: str) -> str:
    """Script, event handler, Markdown image and links, raw anchors; ``field`` names the
    image, so a leaked request says which field leaked."""
    return (
        f"<script>alert(1)</script> <img src=x onerror=alert(1)> "
        f"![x](http://{ATTACKER}/{field}.png) [c](javascript:alert(1)) "
        f'<a href="javascript:alert(1)">js</a> <a href="http://{ATTACKER}/{field}">out</a>'
    )


def marker(field: str) -> re.Pattern[str]:
    """Text that is on screen only if ``field``'s payload was rendered as text; the page
    may break "://" with an invisible word joiner (U+2060) so it cannot become a link."""
    return re.compile(re.escape("![x](http:") + "\u2060?" + re.escape(f"//{ATTACKER}/{field}.png)"))


SHORT = {  # fields limited to 60 characters (tags) or 120 (display names)
    "tags": [
        f"![t](http://{ATTACKER}/tag.png)",
        "<img src=x onerror=alert(1)>",
        "[c](javascript:alert(1))",
        '<a href="javascript:alert(1)">j</a>',
    ],
    "display": f"<img src=x onerror=alert(1)> ![x](http://{ATTACKER}/dname.png) "
    "[c](javascript:alert(1))",
}


@dataclass
class Hostile:
    article_id: int
    returned_claim: int  # researching, with the editor's return comment
    corrected_claim: int  # published, corrected once, a second correction pending


def _claim(session, user, article, field: str) -> int:  # type: ignore[no-untyped-def]
    return claim_on(
        session,
        user,
        article,
        payload(field),
        statement=payload(f"statement-{field}"),
        claimant=payload(f"claimant-{field}"),
        tags=SHORT["tags"],
    ).id


def _sources(session, user, claim_id: int, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        source = sources.add_source(
            session,
            user,
            sources.SourceDraft(
                url=f"http://{ATTACKER}/source{i}",
                archive_url=f"http://{ATTACKER}/archive{i}",
                title=payload(f"source-title{i}"),
                publisher=payload(f"publisher{i}"),
                notes=payload(f"notes{i}"),
            ),
        )
        sources.attach_source(
            session, user, claim_id, source.id, stance="refutes", excerpt=payload(f"excerpt{i}")
        )


def _verdict(session, actor, claim_id: int, field: str):  # type: ignore[no-untyped-def]
    claim = claims.get_claim(session, claim_id)
    return verdicts.propose_verdict(
        session,
        actor,
        claim_id,
        claim.version,
        rating_id=None,
        conclusion=payload(f"conclusion-{field}"),
        rationale=payload(f"rationale-{field}"),
    )


def seed_hostile(engine: Engine) -> Hostile:
    """Users rita (reviewer), eddie (editor) and ada (admin, password ``PASSWORD``) with
    hostile display names; one hostile article with three claims, sources, evidence,
    verdicts (returned, published, pending), corrections (published, pending) and tags."""
    rita = make_user(engine, "rita", Role.reviewer)
    eddie = make_user(engine, "eddie", Role.editor)
    with db.write_session(engine) as session:
        admin = users.builtin_user(session, users.CLI_USER)
        for user in (rita, eddie):  # no service edits display names; the fixtures set none
            session.get(User, user.id).display_name = SHORT["display"]
        users.add_user(
            session,
            admin,
            name="ada",
            role=Role.admin,
            password=PASSWORD,
            display_name=SHORT["display"],
        )
        article = articles.add_article(
            session,
            rita,
            articles.ArticleDraft(
                title=payload("title"),
                outlet=payload("outlet"),
                author=payload("author"),
                url=f"http://{ATTACKER}/article",
                language="en",
                body="\n\n".join(
                    [
                        payload("body"),
                        payload("returned"),
                        payload("corrected"),
                        payload("pending"),
                        "The budget rose 12% in 2024, they said.",
                    ]
                ),
            ),
        )
        returned = _claim(session, rita, article, "returned")
        corrected = _claim(session, rita, article, "corrected")
        pending = _claim(session, rita, article, "pending")
        for claim_id in (returned, corrected, pending):
            _sources(session, rita, claim_id, 2)
    with db.write_session(engine) as session:
        verdict = _verdict(session, rita, returned, "returned")
        verdicts.return_verdict(
            session, eddie, verdict.id, verdict.version, comment=payload("comment")
        )
        verdict = _verdict(session, rita, corrected, "corrected")
        verdicts.approve_verdict(session, eddie, verdict.id, verdict.version)
        _verdict(session, rita, pending, "pending")
    for n in range(2):  # one correction published, the next one waiting in the queue
        with db.write_session(engine) as session:
            claim = claims.get_claim(session, corrected)
            correction = verdicts.propose_correction(
                session,
                eddie,
                corrected,
                claim.version,
                rating_id=None,
                rationale=payload(f"crationale{n}"),
                reason=payload(f"reason{n}"),
                conclusion=payload(f"cconclusion{n}"),
            )
            if n == 0:
                verdicts.approve_verdict(
                    session, users.find_user(session, "ada"), correction.id, correction.version
                )
    with db.write_session(engine) as session:  # as an old or imported row might hold them
        session.execute(update(Article).values(url="javascript:alert(1)"))
        session.execute(
            update(Source).values(url="javascript:alert(1)", archive_url="javascript:alert(2)")
        )
    return Hostile(article.id, returned, corrected)
