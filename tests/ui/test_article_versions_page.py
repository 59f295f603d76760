"""AppTest for article versions in the browser: a new version stored from the Articles page
with what it did to the claims, the Annotate page's needs-review list, unplaced banner,
older versions read-only and changes highlighted; adding an article from its address and
archiving a source against a local web site; hostile text in all of it shown as text."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile_data import payload
from tests.ui.conftest import component_data, open_page
from tests.web.conftest import article_html
from workbench import article_versions, articles, claims, db, sources
from workbench.models import AnchorStatus, Article, Claim
from workbench.sources import attach_evidence
from workbench.ui import routes
from workbench.ui.safe import md

ARTICLES = "workbench/ui/pages/articles.py"
ANNOTATE = "workbench/ui/pages/annotate.py"
OLD = (
    "City budget grows again\n\nThe council spent $6.2 billion on roads in 2024, officials "
    "said on Monday. The mayor said the budget would grow next year because tax income "
    "rose. Critics called the plan reckless and asked for an audit of every contract.\n\n"
    "The vote is expected in March after two public hearings."
)
NEW = OLD.replace("$6.2 billion", "$6.4 billion").replace(
    "Critics called the plan reckless and asked for an audit of every contract.", "Nobody objected."
)
FIGURE, UNCHANGED, GONE = (
    "The council spent $6.2 billion on roads",
    "The mayor said the budget would grow next year",
    "Critics called the plan reckless",
)
#: Markup that only escaping keeps inert: an unescaped "<" or "![".
UNESCAPED = re.compile(r"(?<!\\)<|(?<!\\)!\\?\[")


@dataclass
class Story:
    article_id: int
    figure: int  # a claim on a figure the new version corrects: needs review
    unchanged: int  # moves silently
    gone: int  # the new version drops its sentence: unplaced


@pytest.fixture
def story(app_db, engine, reviewer) -> Story:
    with db.write_session(engine) as session:
        article = articles.add_article(
            session, reviewer, articles.ArticleDraft(title="City budget", body=OLD)
        )
        ids = [
            claims.create_claim(
                session,
                reviewer,
                claims.ClaimDraft(
                    article_id=article.id, start=OLD.index(quote), end=OLD.index(quote) + len(quote)
                ),
            ).id
            for quote in (FIGURE, UNCHANGED, GONE)
        ]
    return Story(article.id, *ids)


def stored(engine, model, row_id):  # type: ignore[no-untyped-def]
    with db.read_session(engine) as session:
        return session.get(model, row_id)


def new_version(engine, user, story: Story, text: str = NEW, reason: str = "") -> None:
    with db.write_session(engine) as session:
        article_versions.add_version(session, user, story.article_id, text, reason=reason)


def article_data(at: AppTest) -> dict:
    return component_data(at)


def shown_text(at: AppTest) -> list[str]:
    return [
        e.value
        for kind in (
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
            "subheader",
            "header",
            "text",
        )
        for e in getattr(at, kind)
    ]


def test_a_pasted_new_version_says_what_it_did_to_the_claims(story, engine, reviewer):
    at = open_page(ARTICLES, routes.new_version_query(story.article_id), user=reviewer)
    assert any("is at version 1: 3 claims placed" in c for c in shown_text(at))
    at.text_area(key="articles_version_body").input(NEW)
    at.text_input(key="articles_version_reason").input("The outlet corrected the figure")
    at.button(key="FormSubmitter:articles_version_form-Store new version").click().run()
    assert not at.exception and not at.error
    assert any(
        s.value.startswith("Version 2 stored: 1 claims moved, 1 need review, 1 unplaced")
        for s in at.success
    )
    assert stored(engine, Article, story.article_id).current_version == 2
    links = [link.proto.label for link in at.get("page_link")]
    assert "Review the claims in Annotate" in links


def test_storing_the_same_text_again_is_refused_in_words(story, engine, reviewer):
    at = open_page(ARTICLES, routes.new_version_query(story.article_id), user=reviewer)
    at.text_area(key="articles_version_body").input(OLD)
    at.button(key="FormSubmitter:articles_version_form-Store new version").click().run()
    assert any("same text as the current one" in e.value for e in at.error)
    assert stored(engine, Article, story.article_id).current_version == 1


def test_a_claim_needing_review_is_confirmed_in_one_click(story, engine, reviewer):
    new_version(engine, reviewer, story)
    at = open_page(ANNOTATE, routes.annotate_query(story.article_id), user=reviewer)
    assert any(s.value == "Needs review (1)" for s in at.subheader)
    proposed = NEW.index("The council spent $6.4 billion on roads")
    dashed = [h for h in article_data(at)["highlights"] if h["proposed"]]
    assert [(h["claim_id"], h["start"]) for h in dashed] == [(story.figure, proposed)]
    drawn = {h["claim_id"] for h in article_data(at)["highlights"] if not h["proposed"]}
    assert drawn == {story.unchanged, None}  # None: the changed sentences
    at.button(key=f"annotate_confirm_{story.figure}").click().run()
    assert not at.exception and not at.error
    claim = stored(engine, Claim, story.figure)
    assert (claim.anchor_status, claim.article_version, claim.start) == (
        AnchorStatus.anchored,
        2,
        proposed,
    )
    assert not any(s.value.startswith("Needs review") for s in at.subheader)


def test_an_unplaced_claim_has_a_banner_and_is_placed_on_selected_words(story, engine, reviewer):
    new_version(engine, reviewer, story)
    at = open_page(ANNOTATE, routes.annotate_query(story.article_id, story.gone), user=reviewer)
    assert any(
        f"Claim #{story.gone} was not found in version 2: its quote and verdict are kept" in w.value
        for w in at.warning
    )
    assert GONE in [t.value for t in at.text]
    start = NEW.index("Nobody objected")
    at.session_state[f"annotate_article_{story.article_id}"] = {
        "selection": {"start": start, "end": start + len("Nobody objected"), "text": ""}
    }
    at.run()
    at.button(key=f"annotate_place_{story.gone}").click().run()
    assert not at.exception
    claim = stored(engine, Claim, story.gone)
    assert (claim.anchor_status, claim.start, claim.quote) == (
        AnchorStatus.anchored,
        start,
        "Nobody objected",
    )


def test_an_older_version_is_read_only_with_its_own_claims(story, engine, reviewer):
    new_version(engine, reviewer, story)
    # A selection made in the current version before switching stays out of the old one.
    at = open_page(
        ANNOTATE,
        routes.annotate_query(story.article_id),
        user=reviewer,
        state={
            f"annotate_article_{story.article_id}": {
                "selection": {"start": 0, "end": 10, "text": ""}
            }
        },
    )
    assert "annotate_new_statement" in {t.key for t in at.text_area}
    picker = at.selectbox(key=routes.shown_version_key(story.article_id))
    assert picker.options[0] == "Version 2 (current)" and len(picker.options) == 2
    picker.select(1).run()
    assert any("Version 1 of 2, read-only" in i.value for i in at.info)
    data = article_data(at)
    assert data["body"] == OLD
    drawn = {(h["claim_id"], h["start"]) for h in data["highlights"] if h["claim_id"]}
    # The claims whose offsets still point into version 1; the moved one is in version 2.
    assert drawn == {(story.figure, OLD.index(FIGURE)), (story.gone, OLD.index(GONE))}
    assert "annotate_new_statement" not in {t.key for t in at.text_area}


def test_the_changes_from_the_previous_version_are_shown(story, engine, reviewer):
    new_version(engine, reviewer, story)
    at = open_page(ANNOTATE, routes.annotate_query(story.article_id), user=reviewer)
    changed = [
        (h["start"], h["end"]) for h in article_data(at)["highlights"] if h["claim_id"] is None
    ]
    assert any(
        NEW[start:end].startswith("The council spent $6.4 billion") for start, end in changed
    )
    assert any("Nobody objected" in NEW[start:end] for start, end in changed)
    assert [e.label for e in at.expander if e.label.startswith("Removed")] == [
        "Removed since version 1 (1)"
    ]
    assert any(GONE in t.value for t in at.text)
    at.toggle(key=routes.SHOW_CHANGES).set_value(False).run()
    assert all(h["claim_id"] is not None for h in article_data(at)["highlights"])


def test_hostile_text_in_a_version_is_shown_as_text(story, engine, reviewer):
    new_version(
        engine,
        reviewer,
        story,
        NEW.replace("Nobody objected.", payload("body")),
        reason=payload("reason"),
    )
    new_version(engine, reviewer, story, NEW, reason=payload("reason2"))
    at = open_page(ANNOTATE, routes.annotate_query(story.article_id), user=reviewer)
    assert not at.exception
    assert f"Why this version: {md(payload('reason2'))}" in [c.value for c in at.caption]
    assert payload("body") in [t.value for t in at.text]  # a removed sentence, as plain text
    markdown = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "subheader")
        for e in getattr(at, kind)
    ]
    markdown += [e.label for e in [*at.expander, *at.button]]
    assert [s for s in markdown if UNESCAPED.search(s)] == []


# ---- fetching: a local web site stands in for the internet ----------------------------


def closed_port_url() -> str:
    """An address on this machine where nothing listens: what no network looks like."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/story"


def test_an_article_is_added_from_its_address(app_db, engine, reviewer, site, local_fetches):
    url = site.page(
        "/budget",
        article_html(
            f"{payload('title')}\n\n{OLD.split(chr(10), 2)[2]}\n\nA second paragraph follows."
        ),
    )
    at = open_page(ARTICLES, user=reviewer)
    at.segmented_control(key="articles_mode").set_value("From a web address").run()
    at.text_input(key="articles_fetch_url").input(url)
    at.button(key="FormSubmitter:articles_fetch-Fetch and add").click().run()
    assert not at.exception and not at.error
    with db.read_session(engine) as session:
        [row] = articles.list_articles(session)
    assert at.query_params[routes.ARTICLE] == str(row.id)  # now on Annotate
    assert md(payload("title")) in [h.value for h in at.header]
    assert [h.value for h in at.header if UNESCAPED.search(h.value)] == []


def test_fetching_without_network_says_so_and_adds_nothing(app_db, engine, reviewer, local_fetches):
    at = open_page(ARTICLES, user=reviewer)
    at.segmented_control(key="articles_mode").set_value("From a web address").run()
    at.text_input(key="articles_fetch_url").input(closed_port_url())
    at.button(key="FormSubmitter:articles_fetch-Fetch and add").click().run()
    assert any("the site is down, or there is no network" in e.value for e in at.error)
    with db.read_session(engine) as session:
        assert articles.count_articles(session) == 0


def _cited(engine, reviewer, story: Story, url: str, excerpt: str) -> None:
    with db.write_session(engine) as session:
        attach_evidence(
            session,
            reviewer,
            story.figure,
            source_id=None,
            draft=sources.SourceDraft(url=url, title="Budget office"),
            stance="supports",
            excerpt=excerpt,
        )


def _evidence_tab(story: Story, user) -> AppTest:  # type: ignore[no-untyped-def]
    return open_page(
        ANNOTATE,
        routes.annotate_query(story.article_id, story.figure),
        user=user,
        state={routes.open_tab_key(story.figure): "Evidence"},
    )


def test_archive_keeps_a_copy_and_flags_a_changed_source(
    story, engine, reviewer, site, local_fetches
):
    excerpt = "spent 6.2 billion on roads"
    url = site.page("/office", article_html(f"Budget office\n\nThe city {excerpt} last year."))
    _cited(engine, reviewer, story, url, excerpt)
    at = _evidence_tab(story, reviewer)
    assert "Not archived by the workbench yet." in [c.value for c in at.caption]
    [archive] = [b for b in at.button if b.key and b.key.startswith("annotate_archive_")]
    archive.click().run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("Archived on ") for c in at.caption)
    assert not any("Source changed" in w.value for w in at.warning)
    site.page("/office", article_html("Budget office\n\nThe page was rewritten entirely."))
    [archive] = [b for b in at.button if b.key and b.key.startswith("annotate_archive_")]
    archive.click().run()
    assert any(w.value.startswith("Source changed since it was cited") for w in at.warning)


def test_archive_without_network_says_so(story, engine, reviewer, local_fetches):
    _cited(engine, reviewer, story, closed_port_url(), "")
    at = _evidence_tab(story, reviewer)
    [archive] = [b for b in at.button if b.key and b.key.startswith("annotate_archive_")]
    archive.click().run()
    assert any("there is no network" in e.value for e in at.error)
    assert "Not archived by the workbench yet." in [c.value for c in at.caption]
