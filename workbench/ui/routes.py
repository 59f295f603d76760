"""Where things are in the browser, named once: the pages, links with their query
parameters, and the session-state keys that outlive one script run.

``app.py`` builds the navigation from :func:`navigation`; pages move with
:func:`switch_to` and link with :func:`link` or :func:`annotate_url`, never with a path
or URL written out. A :class:`Route` makes its ``st.Page`` per run (:meth:`Route.page`):
an ``st.Page`` made outside a script run has no path, and one shared by every session
would share the flag ``st.navigation`` sets on the page it lets run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlencode, urlsplit

import streamlit as st

from workbench.models import Role
from workbench.permissions import ADMINS, EDITORS, REVIEW_DESK
from workbench.ui.restricted import not_for_your_role

PAGES = "workbench/ui/pages"


@dataclass(frozen=True)
class Route:
    """A page of the app: its file in ``workbench/ui/pages``, menu entry and URL path."""

    file: str
    title: str
    icon: str  # a Material Symbols name
    url_path: str
    hidden: bool = False  # reachable (links, URL) but not in the menu

    @property
    def path(self) -> str:
        """The page's file from the project root (what AppTest's ``switch_page`` takes)."""
        return f"{PAGES}/{self.file}"

    def page(self) -> st.Page:
        """The ``st.Page`` that ``st.navigation``, ``st.switch_page`` and ``st.page_link``
        accept: the default page when it is the one :func:`navigation` serves at ``/`` in
        this browser session (a link to it must point there too)."""
        # An absolute file: the served entry page is workbench/ui/shell/entry.py, and an st.Page
        # path is relative to the folder of the script Streamlit runs.
        return st.Page(
            Path(__file__).parent / "pages" / self.file,
            title=self.title,
            icon=f":material/{self.icon}:",
            url_path=self.url_path,
            default=st.session_state.get(LANDING) == self.url_path,
            visibility="hidden" if self.hidden else "visible",
        )


START = Route("welcome.py", "Start", "home", "welcome")
#: Where a signed-in person lands (see :func:`navigation`); START stays at its own path.
MY_WORK = Route("my_work.py", "My work", "inbox", "my-work")
ARTICLES = Route("articles.py", "Articles", "newspaper", "articles")
ANNOTATE = Route("annotate.py", "Annotate", "ink_highlighter", "annotate")
CLAIMS = Route("claims.py", "Claims", "fact_check", "claims")
#: Listed for nobody, reachable by everyone (e.g. to switch accounts).
SIGN_IN = Route("sign_in.py", "Sign in", "login", "sign-in", hidden=True)
#: The only page while nobody is signed in. Its URL path is not SIGN_IN's, so the first
#: run after signing in finds no such page in the new menu and opens the landing page.
SIGN_IN_GATE = Route("sign_in.py", "Sign in", "login", "sign_in")
REVIEW = Route("review.py", "Review queue", "rule", "review")
DASHBOARD = Route("dashboard.py", "Dashboard", "monitoring", "dashboard")
REPORTS = Route("reports.py", "Reports", "download", "reports")
USERS = Route("users.py", "Users", "group", "users")
MODEL = Route("model_admin.py", "Suggestion model", "model_training", "suggestion-model")

#: Menu sections and the roles that see them. Hiding is a convenience: the services a
#: page calls check the role themselves.
SECTIONS: tuple[tuple[str, frozenset[Role], tuple[Route, ...]], ...] = (
    ("Work", REVIEW_DESK, (MY_WORK, START, ARTICLES, ANNOTATE, CLAIMS, SIGN_IN)),
    ("Desk", EDITORS, (REVIEW, DASHBOARD, REPORTS)),
    ("Admin", ADMINS, (USERS, MODEL)),
)
ROUTES = tuple(route for _section, _roles, routes in SECTIONS for route in routes)


def navigation(role: Role | None, *, signed_in: bool = False) -> st.Page:
    """The menu for ``role``'s sections; with nobody signed in, only the sign-in page.

    A person who ``signed_in`` (not the built-in local user of a desk without accounts,
    who has no colleagues to share work with) lands on My work: it is the page served at
    ``/``, where signing in lands unless the sign-in form was opened at another address.
    The start page then keeps its own path. Streamlit serves the default page only at
    ``/`` (its own path would be "page not found"), so exactly one of them is default.

    Every other page's address stays known: signed out, it shows the sign-in form (which
    then lands on that address, query included); signed in without the role, it says
    whom the page is for (``workbench/ui/restricted.py``). Streamlit would otherwise
    show "page not found" over the page and forget the link.
    """
    landing = SIGN_IN_GATE if role is None else MY_WORK if signed_in else START
    st.session_state[LANDING] = landing.url_path
    if role is None:
        gates = [
            Route(
                SIGN_IN_GATE.file,
                SIGN_IN_GATE.title,
                SIGN_IN_GATE.icon,
                route.url_path,
                hidden=True,
            ).page()
            for route in ROUTES
            if route.url_path != SIGN_IN_GATE.url_path
        ]
        return st.navigation([SIGN_IN_GATE.page(), *gates], position="hidden")
    menu = {
        title: [route.page() for route in routes]
        for title, roles, routes in SECTIONS
        if role in roles
    }
    elsewhere = [
        _not_for_role(route, title, roles)
        for title, roles, routes in SECTIONS
        if role not in roles
        for route in routes
    ]
    if elsewhere:
        menu[""] = elsewhere  # hidden pages: no menu entry, so no section heading either
    return st.navigation(menu)


def _not_for_role(route: Route, section: str, roles: frozenset[Role]) -> st.Page:
    return st.Page(
        partial(not_for_your_role, route.title, section, roles),
        title=route.title,
        icon=f":material/{route.icon}:",
        url_path=route.url_path,
        visibility="hidden",
    )


# Query parameters: Annotate opens ?article=…&claim=…; the sign-in page reads ?login=failed.
ARTICLE = "article"
CLAIM = "claim"
LOGIN = "login"
LOGIN_FAILED = "failed"
#: The HTTP routes of ``workbench.ui.web`` that the sign-in form and the menu post to.
LOGIN_PATH = "/auth/login"
LOGOUT_PATH = "/auth/logout"
#: The sign-in form's field naming the address to land on after signing in.
RETURN_TO = "next"


def return_address(url: str | None, query: Mapping[str, str]) -> str:
    """The address the sign-in form was shown at (a link opened while signed out), query
    included but the failed-sign-in flag: where signing in should land."""
    kept = {name: value for name, value in query.items() if name != LOGIN}
    path = urlsplit(url or "").path or "/"
    return path + (f"?{urlencode(kept)}" if kept else "")


def landing(address: str | None, *, failed: bool = False) -> str:
    """``address`` when it is a path on this site, else ``/``; with ``failed``, the same
    address asking the sign-in page to say the attempt failed. Never another site: the
    form's field comes from the browser, and a sign-in must not be a redirect elsewhere."""
    text = address or ""
    parts = urlsplit(text)
    local = (
        text.startswith("/")
        and not text.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and not any(c in text for c in "\\\r\n\t")
    )
    target = text if local else "/"
    if failed:
        target += ("&" if "?" in target else "?") + urlencode({LOGIN: LOGIN_FAILED})
    return target


def annotate_query(article_id: int, claim_id: int | None = None) -> dict[str, str]:
    """The query parameters that open ``article_id`` (and select ``claim_id``) in Annotate."""
    query = {ARTICLE: str(article_id)}
    if claim_id is not None:
        query[CLAIM] = str(claim_id)
    return query


def new_version_query(article_id: int) -> dict[str, str]:
    """The query parameters that open the Articles page's "New version" form on
    ``article_id``."""
    return {ARTICLE: str(article_id)}


def annotate_url(article_id: int, claim_id: int | None = None) -> str:
    """A relative link to Annotate, for Markdown and ``LinkColumn`` cells."""
    return f"./{ANNOTATE.url_path}?{urlencode(annotate_query(article_id, claim_id))}"


def link(
    route: Route, label: str, *, query: dict[str, str] | None = None, icon: str | None = None
) -> None:
    """``st.page_link`` to ``route`` with ``query`` (e.g. :func:`annotate_query`)."""
    st.page_link(route.page(), label=label, query_params=query, icon=icon)


def switch_to(route: Route, query: dict[str, str] | None = None) -> NoReturn:
    """``st.switch_page`` to ``route`` with ``query``; ends this run."""
    st.switch_page(route.page(), query_params=query)


# Session state shared across modules or runs (widget keys stay next to their widget).
#: The URL path of the page :func:`navigation` serves at ``/`` (the sign-in gate, My
#: work or the start page), which :meth:`Route.page` makes the default page.
LANDING = "nav_landing"
#: A sign-in session token: what the cookie carries, set directly by tests (AppTest
#: cannot send cookies) and checked exactly like the cookie's.
SESSION_TOKEN = "wb_session_token"
#: The sidebar's My work counts as last read: (user id, when, counts); see work_counts.py.
MY_WORK_COUNTS = "wb_my_work_counts"
#: Set when a selection became a claim: the article view clears it before drawing.
CLEAR_SELECTION = "annotate_clear_selection"
#: (article id, message): the confirmation of the last write, shown until the next one.
FLASH = "annotate_flash"
ARTICLES_FORM_OPEN = "articles_add_open"
ARTICLES_PAGE = "articles_page"
#: ("added", article id) or ("duplicate", DuplicateArticle) from "Fetch and add".
ARTICLES_FETCHED = "articles_fetched"
#: (article id, version) of the version "New version" stored last, shown with its outcome.
VERSION_STORED = "articles_version_stored"
#: Whether the Annotate page compares the shown version with the previous one.
SHOW_CHANGES = "annotate_show_changes"
CLAIMS_FILTERS = "claims_filters"  # the filters the page number belongs to
CLAIMS_PAGE = "claims_page"
CLAIMS_KEYSET = "claims_key"  # {"before_id": …} or {"after_id": …} of the shown page
DRILL = "dash_drill"  # (dimension, value, label) of the last clicked dashboard bar
CLAIMREVIEW_CHECK = "reports_claimreview"  # (feed text, objects, issues) last checked
REVIEW_CONFIRM = "review_confirm"  # verdict id -> warning awaiting "Approve anyway"
REVIEW_OUTCOMES = "review_outcomes"  # verdict id -> what happened, shown in its card
REVIEW_REFUSALS = "review_refusals"  # verdict id -> why the service refused
REVIEW_BULK_CONFIRM = "review_bulk_confirm"  # the last bulk approval needs confirming
REVIEW_BULK_REPORT = "review_bulk_report"  # its review.BulkReport, shown once
REVIEW_PAGE = "review_page"  # the queue's page (its pagination widget)


def open_tab_key(claim_id: int) -> str:
    """The name (in ``annotate_fragments.CLAIM_TABS``) of the claim's open tab; setting
    it before a run opens that tab."""
    return f"annotate_tab_{claim_id}"


def shown_version_key(article_id: int) -> str:
    """The version of ``article_id`` the Annotate page shows (its selectbox; None: the
    current one)."""
    return f"annotate_version_{article_id}"


def archive_problem_key(source_id: int) -> str:
    """Why the last "Archive" of the source failed, shown next to its button."""
    return f"annotate_archive_problem_{source_id}"


def claim_snapshot_key(claim_id: int) -> str:
    """The claim fields the edit form started from (see ``claim_editor``)."""
    return f"annotate_base_{claim_id}"


def claim_generation_key(claim_id: int) -> str:
    """How often the claim's form was reloaded: part of its widget keys."""
    return f"annotate_gen_{claim_id}"


def stale_edit_key(claim_id: int) -> str:
    """The StaleEdit that refused the last save of the claim, until the user decides."""
    return f"annotate_stale_{claim_id}"


def evidence_removal_key(claim_id: int) -> str:
    """The evidence picked for removal (its selectbox)."""
    return f"annotate_ev_remove_{claim_id}"


def refusal_key(form_key: str) -> str:
    """Why the last submit of the form ``form_key`` was refused (a callback keeps it; the
    form shows it until the next attempt)."""
    return f"{form_key}_refused"


def comment_edit_key(comment_id: int) -> str:
    """The version of the comment its author began editing (set while its edit box is
    open)."""
    return f"comment_edit_{comment_id}"


def review_pick_key(verdict_id: int) -> str:
    """The "select for bulk approval" checkbox of a queue card."""
    return f"review_pick_{verdict_id}"


def review_comment_key(verdict_id: int) -> str:
    """The return comment typed in a queue card."""
    return f"review_comment_{verdict_id}"
