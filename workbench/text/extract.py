"""Turn an uploaded or pasted article into clean plain text, refusing input we cannot trust.

Everything a reviewer anchors claims to is the text produced here, so it is cleaned once, on
ingest: afterwards offsets (Python code points) into the body never move. Uploads are parsed,
never rendered or executed; failures become an `ArticleInputError` whose message tells a
fact-checker what to do, never a traceback.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import docx
import lxml.html
import trafilatura
from docx.table import Table
from lxml import etree

from workbench.text.encoding import BOMS, ArticleInputError, declared_charset, decode
from workbench.validation import one_line, shorten, strip_controls

# About 30,000 words: several times the longest news feature, so only a wrong file hits it,
# and small enough that anchoring and fuzzy matching stay interactive.
MAX_ARTICLE_CHARS = 200_000
# The title column's size; titles nobody typed are shortened to fit (see derived_title).
MAX_TITLE_CHARS = 500
# Leaves room for .docx files with embedded images while refusing dumps of whole sites.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A .docx is a zip: cap what it may expand to *before* parsing it (zip bombs). zipfile never
# inflates an entry past its declared size, so checking the declared sizes is enough.
MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_DOCX_ENTRIES = 2_000

SUPPORTED = ".txt, .md, .html or .docx"
_TEXT_EXTS = {".txt", ".md"}
_HTML_EXTS = {".html", ".htm"}

_MAGIC = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a media file"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or Excel file"),
    (b"PK\x03\x04", "a ZIP archive (a Word file with the wrong extension?)"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document (save it as .docx or .txt)"),
)
_BINARY_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
)


@dataclass(frozen=True)
class ExtractedArticle:
    """Clean body text plus what the reviewer should know about how it was obtained."""

    body: str
    title: str | None
    encoding: str | None
    warnings: tuple[str, ...]


def clean_pasted_text(text: str) -> str:
    """Normalise text once, on ingest, so that stored offsets never need to move afterwards.

    Line breaks become "\\n", invisible control characters (including NUL) and lone
    surrogates are removed (:func:`workbench.validation.strip_controls`, the rule every
    stored field follows; tabs stay), the text is NFC-normalised (so "é" typed as e + accent
    and as one character match) and trailing whitespace is dropped. Empty or oversized text
    is refused.
    """
    text = unicodedata.normalize("NFC", strip_controls(text).removeprefix("\ufeff"))
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    if not text.strip():
        raise ArticleInputError("The article is empty: there is no text to check.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleInputError(
            f"The article is too long ({len(text):,} characters; the limit is "
            f"{MAX_ARTICLE_CHARS:,}, about 30,000 words). Is this really one article?"
        )
    return text


def derived_title(text: str | None) -> str:
    """A title nobody typed (a page's <title>, a Word file's title, an article's first line) as
    one clean line, shortened at a word boundary with "…" to at most MAX_TITLE_CHARS: a
    paragraph where a title should be is no reason to refuse the article."""
    return shorten(one_line(text or ""), MAX_TITLE_CHARS)


def body_hash(body: str) -> str:
    """Fingerprint a cleaned body for duplicate detection, ignoring whitespace-only changes."""
    return hashlib.sha256(" ".join(body.split()).encode("utf-8")).hexdigest()


def extract_upload(filename: str, data: bytes) -> ExtractedArticle:
    """Extract an article from an uploaded file, choosing the parser by file extension."""
    ext = PurePath(filename).suffix.lower()
    if ext not in _TEXT_EXTS | _HTML_EXTS | {".docx"}:
        kind = f"Files of type {ext}" if ext else "Files without an extension"
        raise ArticleInputError(f"{kind} are not supported. Upload {SUPPORTED}.")
    if not data:
        raise ArticleInputError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ArticleInputError(
            f"The file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1048576} MB. Upload the article text only."
        )
    if ext == ".docx":
        return _extract_docx(data)
    _reject_binary(data)
    declared = declared_charset(data) if ext in _HTML_EXTS else None
    text, encoding, warnings = decode(data, declared)
    if ext in _HTML_EXTS:
        body, title, html_warnings = extract_html(text)
        return ExtractedArticle(
            clean_pasted_text(body), title, encoding, (*warnings, *html_warnings)
        )
    body = clean_pasted_text(text)
    title = None
    if ext == ".md" and body.startswith("# "):
        title = derived_title(body.split("\n", 1)[0][2:]) or None
    return ExtractedArticle(body, title, encoding, tuple(warnings))


def _reject_binary(data: bytes) -> None:
    """Refuse files that are not text, naming the format when we recognise it."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ArticleInputError(f"This file looks like {what}, not text. Upload {SUPPORTED}.")
    if any(data.startswith(bom) for bom, _ in BOMS):
        return  # UTF-16/32 text legitimately contains NUL bytes
    sample = data[:65536]
    controls = sum(byte in _BINARY_BYTES for byte in sample)
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise ArticleInputError(f"This file looks binary (a PDF or image?). Upload {SUPPORTED}.")


def extract_html(html: str) -> tuple[str, str | None, list[str]]:
    """Main text of a web page via trafilatura, else all visible <body> text. Never rendered."""
    # lxml refuses str input that carries an XML encoding declaration (XHTML pages).
    html = _XML_DECL_RE.sub("", html.replace("\x00", ""), count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ArticleInputError("This HTML page has no readable text.") from exc
    title = _html_title(root)
    # Invisible content goes first: trafilatura keeps e.g. <template> text.
    etree.strip_elements(
        root,
        "script",
        "style",
        "noscript",
        "template",
        etree.Comment,
        etree.ProcessingInstruction,
        with_tail=False,
    )
    xml = trafilatura.extract(
        copy.deepcopy(root),
        output_format="xml",
        include_comments=False,
        include_tables=True,
        favor_recall=True,
    )
    body = _trafilatura_paragraphs(xml) if xml else ""
    if body.strip():
        return body, title, []
    return (
        _visible_body_text(root),
        title,
        ["The main article text could not be isolated; all visible page text was kept."],
    )


def _html_title(root: lxml.html.HtmlElement) -> str | None:
    """og:title first (it lacks the " | Site name" suffix of <title>), then <title>, then <h1>."""
    for found in (
        root.xpath("//meta[@property='og:title']/@content"),
        root.xpath("//title//text()"),
        [h1.text_content() for h1 in root.xpath("//h1")],
    ):
        title = derived_title("".join(found[:1]))
        if title:
            return title
    return None


def _trafilatura_paragraphs(xml: str) -> str:
    """Rebuild blocks from trafilatura's XML so paragraphs are separated by blank lines."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    main = etree.fromstring(xml.encode("utf-8"), parser).find("main")
    if main is None:
        return ""
    for line_break in main.iter("lb"):
        line_break.tail = "\n" + (line_break.tail or "")
    blocks = []
    for block in main:
        if block.tag == "list":
            lines = ["".join(item.itertext()).strip() for item in block.iter("item")]
        elif block.tag == "table":
            lines = [
                " | ".join("".join(cell.itertext()).strip() for cell in row.iter("cell"))
                for row in block.iter("row")
            ]
        else:
            lines = ["".join(block.itertext()).strip()]
        blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(block for block in blocks if block)


def _visible_body_text(root: lxml.html.HtmlElement) -> str:
    """Fallback: all <body> text (invisible parts already removed), blocks on their own lines."""
    body = root.find("body")
    container = body if body is not None else root
    for element in container.iter(*_HTML_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in container.text_content().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _extract_docx(data: bytes) -> ExtractedArticle:
    """Paragraphs (and table rows) of a Word file, after checking the zip cannot explode."""
    damaged = ArticleInputError(
        "This .docx file is damaged or is not a Word document. Open it in Word or LibreOffice "
        "and save it again, or paste the text instead."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise damaged from exc
    if (
        len(entries) > MAX_DOCX_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_DOCX_UNCOMPRESSED_BYTES
    ):
        raise ArticleInputError(
            "This .docx file expands to an unreasonable size; it is "
            "refused for safety. Paste the text instead."
        )
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise damaged
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(
                    " | ".join(cell.text.strip() for cell in row.cells) for row in item.rows
                )
            else:
                blocks.append(item.text)
        title = derived_title(document.core_properties.title) or None
    except Exception as exc:  # python-docx raises many unrelated types on malformed parts
        raise damaged from exc
    body = "\n\n".join(block.strip() for block in blocks if block.strip())
    return ExtractedArticle(clean_pasted_text(body), title, None, ())
