"""Showing user-supplied text without letting it become markup.

Every Streamlit element that takes a string renders it as Markdown (titles, headers,
captions, ``st.info``/``st.error``…, widget, tab, expander and page-link labels), so a
stored ``![x](http://attacker/…)`` would make each colleague's browser load the
attacker's image. User text reaches those elements only through :func:`md` or
:func:`md_lines`; plain blocks use ``st.text`` and tables ``st.dataframe`` (not
Markdown). Plotly draws its own pseudo-HTML (``<a href>``, ``<b>``): labels go through
:func:`plotly_text`. A URL becomes clickable only through :func:`web_url`.
"""

import html
import re

from workbench.errors import InvalidInput
from workbench.validation import clean_url

# Every ASCII punctuation character Markdown or Streamlit's extensions give a meaning to
# (links, images, HTML, emphasis, lists, tables, :material/icons:, :red[colour], $math$).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GFM turns bare web addresses into links *after* parsing, when backslash escapes are
# already gone, so escaping cannot stop it: a WORD JOINER (U+2060, invisible, no break)
# inside "://", after "www" and after "@" breaks the patterns it looks for.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=\\:)(?=//)|(?<=www)(?=\\\.)|(?<=@)", re.IGNORECASE)


def _escape(text: str) -> str:
    return _AUTOLINK.sub(_WORD_JOINER, _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def md(text: str | None) -> str:
    """``text`` on one line, escaped for Streamlit markdown: no links, images or HTML.

    Whitespace runs (line breaks included) become one space, so the result also fits
    labels and headers.
    """
    return _escape(" ".join((text or "").split()))


def md_lines(text: str | None) -> str:
    """Like :func:`md` but keeps the line breaks of multi-line text (comments, reasons)."""
    lines = [" ".join(line.split()) for line in (text or "").strip().splitlines()]
    return "  \n".join(_escape(line) for line in lines)


def plotly_text(text: str | None) -> str:
    """``text`` for a Plotly label or hover text, whose ``<a href>``/``<b>`` tags it would
    otherwise draw; Plotly shows the entities as the characters."""
    return html.escape(text or "", quote=False)


def web_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) address, else None: a stored ``javascript:``
    or ``data:`` value (an old row, an import) never becomes a clickable link."""
    try:
        return clean_url(url, field="URL") or None
    except InvalidInput:
        return None
