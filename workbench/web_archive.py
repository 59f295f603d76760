"""Archived evidence: the workbench's own snapshot of a source, a public archive's copy, and
whether a cited quote is still on the page.

A cited page can change or vanish after a verdict is published. A snapshot records what it
said when it was checked: its readable text, the HTML's checksum, when, and the HTTP status,
fetched with the same protections as any page (workbench/fetching.py). A public archive's
copy (the Wayback Machine's, where ``Settings.archive_save_endpoint`` is set) is one anyone
can open. Nothing here runs unless a person asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, utils
from rapidfuzz.distance import Levenshtein

from workbench.errors import InvalidInput
from workbench.fetching import FetchError, fetch, open_page
from workbench.settings import Settings
from workbench.text.webpage import page_text
from workbench.validation import clean_url

#: A stretch of the page at least this similar to the quote (rapidfuzz partial_ratio, after
#: case, punctuation and whitespace are ignored) is compared word by word.
QUOTE_CANDIDATE_SCORE = 85.0
#: Two words at least this similar (fuzz.ratio) count as the same word with a typo fixed:
#: "goverment" and "government" score 95; "approve" and "approved" 93.
SAME_WORD_SCORE = 75.0
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Snapshot:
    """What a source said when the workbench fetched it. ``text`` is the main text of an
    article, or every visible line of any other page (``is_article`` False)."""

    url: str
    final_url: str
    status: int
    sha256: str  # of the page's HTML as fetched
    fetched_at: datetime
    title: str
    text: str
    is_article: bool


def snapshot(url: str, settings: Settings) -> Snapshot:
    """Fetch ``url`` now and keep what it says. Raises FetchError (an InvalidInput) when the
    page cannot be fetched: refused address, no network, 404, timeout, not a web page, …"""
    page = fetch(url, settings)
    text = page_text(page)
    return Snapshot(
        url=page.url,
        final_url=page.final_url,
        status=page.status,
        sha256=page.sha256,
        fetched_at=page.fetched_at,
        title=text.title,
        text=text.body,
        is_article=text.is_article,
    )


def request_public_copy(url: str, settings: Settings) -> str | None:
    """Ask the configured public archive to copy ``url``; the address of its copy, or None
    when no archive is configured.

    The Wayback Machine's save endpoint answers with a redirect to the copy, or names it in
    ``Content-Location`` or a ``Link: <…>; rel="memento"`` header; all three are read. The
    request goes through the same protections as a page fetch, with the archive's own
    (longer) timeout. Raises FetchError when the archive cannot be reached, refuses, or does
    not say where its copy is; InvalidInput when ``url`` is not a web address.
    """
    endpoint = settings.archive_save_endpoint
    if not endpoint:
        return None
    target = clean_url(url, field="The source's address", required=True)
    try:
        with open_page(
            endpoint + target, settings, timeout=settings.archive_timeout_seconds
        ) as opened:
            response = opened.response
            if not 200 <= response.status_code < 300:
                raise FetchError(
                    f"The archive answered {response.status_code} {response.reason_phrase}.",
                    response.status_code,
                )
            named = response.headers.get("content-location")
            if named:
                return str(opened.url.join(named))
            if opened.redirects:
                return str(opened.url)
            memento = response.links.get("memento", {}).get("url")
            if memento:
                return str(opened.url.join(memento))
    except FetchError as error:
        raise FetchError(f"No public copy was made. {error}", error.status) from error
    raise FetchError(
        "No public copy was made: the archive answered without saying where its "
        "copy is. Try again later."
    )


def quote_still_present(excerpt: str, snapshot_text: str) -> bool:
    """Whether the cited ``excerpt`` still appears in ``snapshot_text``.

    Case, punctuation, typographic quotes and whitespace are ignored (rapidfuzz's
    ``default_process``), and so are fixed typos; a changed, added or removed word ("did
    not approve" against "did approve") or any changed number means the source changed.
    Raises InvalidInput for an empty excerpt.
    """
    quote = _normalised(excerpt).split()
    if not quote:
        raise InvalidInput("The quote to look for is empty.")
    text = _normalised(snapshot_text)
    joined = " ".join(quote)
    if f" {joined} " in f" {text} ":
        return True
    found = fuzz.partial_ratio_alignment(joined, text, score_cutoff=QUOTE_CANDIDATE_SCORE)
    if found is None:
        return False
    # The best stretch may start or end inside a word: widen it to whole words.
    start = text.rfind(" ", 0, found.dest_start) + 1
    end = text.find(" ", found.dest_end)
    return _only_typos(quote, text[start : end if end >= 0 else len(text)].split())


def _normalised(text: str) -> str:
    return " ".join(utils.default_process(text).split())


def _only_typos(quote: list[str], stretch: list[str]) -> bool:
    """True when ``stretch`` is ``quote`` with at most misspellings fixed, word for word."""
    for edit in Levenshtein.opcodes(quote, stretch):
        if edit.tag == "equal":
            continue
        if (
            edit.tag != "replace"
            or edit.src_end - edit.src_start != edit.dest_end - edit.dest_start
        ):
            return False
        pairs = zip(
            quote[edit.src_start : edit.src_end],
            stretch[edit.dest_start : edit.dest_end],
            strict=True,
        )
        if any(
            _DIGIT.search(cited + now) or fuzz.ratio(cited, now) < SAME_WORD_SCORE
            for cited, now in pairs
        ):
            return False
    return True
