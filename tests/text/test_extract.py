"""Tests for article extraction: formats, hostile HTML, binary and wrongly encoded uploads."""

from __future__ import annotations

import csv
import html
import io
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from workbench.text import extract
from workbench.text.extract import (
    MAX_ARTICLE_CHARS,
    MAX_TITLE_CHARS,
    MAX_UPLOAD_BYTES,
    ArticleInputError,
    body_hash,
    clean_pasted_text,
    derived_title,
    extract_upload,
)

HOSTILE_HTML = """<!DOCTYPE html>
<html><head>
<title>Minister announces aid | Example News</title>
<script>alert(1)</script>
<style>body { color: red } .evil::after { content: "STYLETEXT" }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Minister announces aid</h1>
<p>The minister said on Tuesday that the aid package was valued at at least $6.2 billion,
according to several reports published by regional newspapers.</p>
<script>document.write("SCRIPTTEXT"); alert(1)</script>
<p>Critics said the <a href="javascript:alert('LINKJS')">plan</a> was too small
<img src="x" onerror="alert('ONERROR')"> and came too late for the regions that need it.</p>
<noscript>NOSCRIPTTEXT</noscript><template><p>TEMPLATETEXT</p></template>
<!-- <script>alert('COMMENT')</script> -->
<svg><script>alert('SVGTEXT')</script></svg>
<p onmouseover="alert('HOVER')">The government will publish the details next week, officials
said, after a vote in parliament.</p>
</article>
<footer>Copyright Example News</footer>
</body></html>"""
FORBIDDEN = (
    "alert",
    "SCRIPTTEXT",
    "STYLETEXT",
    "color: red",
    "javascript",
    "LINKJS",
    "ONERROR",
    "NOSCRIPTTEXT",
    "TEMPLATETEXT",
    "COMMENT",
    "SVGTEXT",
    "HOVER",
    "<",
    ">",
)

ENCODED_SAMPLES = {
    "cp1252": (
        "“The minister’s plan — worth €800 billion — is ambitious,” she said. It’s the "
        "bloc’s largest commitment since 2022… according to officials.",
        "cp1252",
    ),
    "cp1252-french": (
        "Le café coûte 3 € aujourd’hui – «très cher» dit-il. Naïve façade, déjà "
        "vu. La réunion à Bruxelles a été reportée.",
        "cp1252",
    ),
    "latin-1-german": (
        "Die Bundesregierung hat die Sozialleistungen für Familien erhöht. "
        "Größere Änderungen für Bürger in München und Köln, sagte der Minister.",
        "latin-1",
    ),
    "cp1251-ukrainian": (
        "Київ оголосив про нові заходи підтримки. Уряд України повідомив, що "
        "допомога надійде до кінця року, а ціни на їжу зростуть.",
        "cp1251",
    ),
    "cp1256-arabic": (
        "أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد الوطني، وقال الوزير إن "
        "المساعدات ستصل قبل نهاية العام.",
        "cp1256",
    ),
}


def _docx_bytes(
    paragraphs: list[str], title: str = "", table: list[list[str]] | None = None
) -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- plain text and markdown -------------------------------------------------------------


def test_plain_utf8_text() -> None:
    result = extract_upload("article.txt", "Kyiv said 12 % — “yes”.\r\nSecond line 🇺🇦\n".encode())
    assert result.body == "Kyiv said 12 % — “yes”.\nSecond line 🇺🇦"
    assert result.encoding == "utf-8"
    assert result.title is None
    assert result.warnings == ()


def test_markdown_keeps_text_and_takes_heading_as_title() -> None:
    result = extract_upload("notes.MD", b"# EU aid package\n\nThe package is *large*.\n")
    assert result.title == "EU aid package"
    assert result.body == "# EU aid package\n\nThe package is *large*."


@pytest.mark.parametrize("name", ["report.pdf", "photo.png", "article", "data.csv", "x.doc"])
def test_unsupported_extension_is_refused(name: str) -> None:
    with pytest.raises(ArticleInputError, match="not supported"):
        extract_upload(name, b"hello")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_upload_is_refused(data: bytes) -> None:
    with pytest.raises(ArticleInputError, match="empty"):
        extract_upload("a.txt", data)


def test_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(ArticleInputError, match="limit is 5 MB"):
        extract_upload("a.txt", b"a" * (MAX_UPLOAD_BYTES + 1))


def test_too_many_characters_is_refused() -> None:
    with pytest.raises(ArticleInputError, match="too long"):
        extract_upload("a.txt", b"word " * (MAX_ARTICLE_CHARS // 5 + 1))


# --- binary uploads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("a.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        ("a.md", b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        ("a.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Word"),
        ("a.txt", b"Some text\x00with a NUL byte in it", "binary"),
        ("a.txt", bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_binary_upload_is_refused(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(ArticleInputError, match=expected):
        extract_upload(name, data)


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(ENCODED_SAMPLES))
def test_legacy_encodings_are_detected(sample: str) -> None:
    text, encoding = ENCODED_SAMPLES[sample]
    result = extract_upload("legacy.txt", text.encode(encoding))
    assert result.body == text
    assert result.warnings and "guessed" in result.warnings[0]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ],
)
def test_byte_order_marks_decide_the_encoding(encoding: str, bom: str) -> None:
    text = "Зеленський: “€800 billion” — مرحبا 👍🏽"
    result = extract_upload("bom.txt", bom + text.encode(encoding))
    assert result.body == text
    assert result.encoding == encoding
    assert not result.body.startswith("\ufeff")


def test_utf16_via_python_codec_with_bom() -> None:
    text = "Ukrainian: Київ\nArabic: القاهرة"
    assert extract_upload("w.txt", text.encode("utf-16")).body == text


def test_damaged_utf16_is_refused() -> None:
    with pytest.raises(ArticleInputError, match="damaged"):
        extract_upload("w.txt", b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")


def test_undecodable_bytes_are_refused() -> None:
    garbage = bytes((i * 37 + 11) % 128 + 128 for i in range(400))
    with pytest.raises(ArticleInputError, match="could not work out the text encoding"):
        extract_upload("garbage.txt", garbage)


def test_html_declared_charset_is_honoured() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body>'
        "<p>Le café coûte 3 € – a “price” that is high.</p></body></html>"
    )
    result = extract_upload("page.htm", page.encode("cp1252"))
    assert result.encoding == "cp1252"
    assert result.title == "Café"
    assert "Le café coûte 3 € – a “price” that is high." in result.body


# --- HTML --------------------------------------------------------------------------------


def test_hostile_html_yields_text_only() -> None:
    result = extract_upload("page.html", HOSTILE_HTML.encode())
    assert "valued at at least $6.2 billion" in " ".join(result.body.split())
    assert "Critics said the plan was too small" in " ".join(result.body.split())
    assert "\n\n" in result.body
    for needle in FORBIDDEN:
        assert needle not in result.body
    assert result.title == "Minister announces aid | Example News"


def test_hostile_html_fallback_yields_text_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract.trafilatura, "extract", lambda *args, **kwargs: None)
    result = extract_upload("page.html", HOSTILE_HTML.encode())
    assert result.warnings == (
        "The main article text could not be isolated; all visible page text was kept.",
    )
    assert "Critics said the plan was too small" in " ".join(result.body.split())
    for needle in FORBIDDEN:
        assert needle not in result.body


def test_html_title_prefers_og_title_then_h1() -> None:
    page = (
        '<html><head><meta property="og:title" content="Clean headline">'
        "<title>Clean headline | Site</title></head><body><p>Text.</p></body></html>"
    )
    assert extract_upload("a.html", page.encode()).title == "Clean headline"
    page = "<html><body><h1> Only  <b>heading</b> </h1><p>Body text here.</p></body></html>"
    assert extract_upload("a.html", page.encode()).title == "Only heading"


def test_long_titles_from_files_are_shortened_not_refused() -> None:
    """A page or a Markdown heading whose title is a paragraph still yields an article: the
    title is cut at a word boundary with "…" (python-docx caps Word titles at 255)."""
    paragraph = "The minister said on Tuesday that the aid package " * 30
    page = f"<html><head><title>{paragraph}</title></head><body><p>Text.</p></body></html>"
    heading = f"# {paragraph}\n\nBody.".encode()
    for name, data in (("a.html", page.encode()), ("a.md", heading)):
        title = extract_upload(name, data).title
        assert title is not None and len(title) <= MAX_TITLE_CHARS, name
        assert title.endswith(" that the aid…"), name  # "package" did not fit
        assert paragraph.startswith(title.removesuffix("…")), name


def test_derived_title_is_one_clean_line() -> None:
    assert derived_title("  EU\x00 aid\n\tplan\ud800 ") == "EU aid plan"
    assert derived_title(None) == ""
    assert derived_title("y" * 600) == "y" * (MAX_TITLE_CHARS - 1) + "…"


def test_xhtml_with_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><p>Declared XHTML still works.</p></body></html>"
    )
    assert "Declared XHTML still works." in extract_upload("a.xhtml.html", page.encode()).body


def test_html_without_text_is_refused() -> None:
    with pytest.raises(ArticleInputError, match="empty"):
        extract_upload("a.html", b"<html><body><script>alert(1)</script></body></html>")


def test_wikinews_article_round_trips_through_html(eval_data: Path) -> None:
    csv.field_size_limit(sys.maxsize)
    corpus = eval_data / "articles/corpus/wikinews_en_2019.csv"
    with corpus.open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    paragraphs = [" ".join(part.split()) for part in row["text"].split("\n\n") if part.strip()]
    main = [paragraph for paragraph in paragraphs if len(paragraph) >= 100]
    page = (
        f"<html><head><title>{html.escape(row['title'])} - Wikinews</title></head><body>"
        "<nav><a href='/'>Main page</a> <a href='/random'>Random article</a></nav>"
        f"<article><h1>{html.escape(row['title'])}</h1>"
        + "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
        + "</article><footer>Text is available under CC BY 2.5.</footer></body></html>"
    )
    result = extract_upload("wikinews.html", page.encode())
    blocks = result.body.split("\n\n")
    assert len(main) >= 3
    for paragraph in main:
        assert paragraph in blocks
    assert "Main page" not in result.body and "CC BY" not in result.body
    assert result.title == f"{row['title']} - Wikinews"


# --- docx --------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables() -> None:
    data = _docx_bytes(
        ["First paragraph with Київ.", "", "Second: €800 billion."],
        title="Aid story",
        table=[["Country", "Aid"], ["Germany", "€7bn"]],
    )
    result = extract_upload("story.docx", data)
    assert result.body == (
        "First paragraph with Київ.\n\nSecond: €800 billion.\n\nCountry | Aid\n\nGermany | €7bn"
    )
    assert result.title == "Aid story"


@pytest.mark.parametrize("data", [b"PK\x03\x04 truncated", b"not a zip at all"])
def test_corrupt_docx_is_refused(data: bytes) -> None:
    with pytest.raises(ArticleInputError, match="damaged"):
        extract_upload("story.docx", data)


def test_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ArticleInputError, match="not a Word document"):
        extract_upload("story.docx", buffer.getvalue())


def test_docx_zip_bomb_is_refused_before_parsing() -> None:
    buffer = io.BytesIO(_docx_bytes(["Innocent looking text."]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.bin", b"\0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(ArticleInputError, match="unreasonable size"):
        extract_upload("bomb.docx", data)


# --- pasted text and hashing -------------------------------------------------------------


def test_clean_pasted_text_normalises_once() -> None:
    raw = "\ufeffTitle  \r\nLine\rNext\x00 \x07bell\tkept\n\ne\u0301t\u00e9 \u2028end\n\n"
    assert clean_pasted_text(raw) == "Title\nLine\nNext bell\tkept\n\nété\nend"


def test_clean_pasted_text_drops_lone_surrogates_and_all_c0_but_tab() -> None:
    raw = "A" + "".join(map(chr, range(32))) + "B\ud800C\udfffD\x7fE"
    assert clean_pasted_text(raw) == "A\n\n\n\nBCDE"  # the tab ended a line: trimmed
    clean_pasted_text(raw).encode("utf-8")  # storable on both databases


def test_clean_pasted_text_keeps_emoji_and_rtl() -> None:
    text = "👨‍👩‍👧 family — مرحبا بالعالم — שלום"
    assert clean_pasted_text(text) == text


@pytest.mark.parametrize("text", ["", " \n\t ", "\x00\x01"])
def test_clean_pasted_text_refuses_empty(text: str) -> None:
    with pytest.raises(ArticleInputError, match="empty"):
        clean_pasted_text(text)


def test_clean_pasted_text_refuses_too_long() -> None:
    assert len(clean_pasted_text("a" * MAX_ARTICLE_CHARS)) == MAX_ARTICLE_CHARS
    with pytest.raises(ArticleInputError, match="too long"):
        clean_pasted_text("a" * (MAX_ARTICLE_CHARS + 1))


def test_article_input_error_is_a_value_error() -> None:
    assert issubclass(ArticleInputError, ValueError)


def test_body_hash_ignores_whitespace_only() -> None:
    digest = body_hash("EU aid\n\nworth $6.2 billion")
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert body_hash("  EU   aid worth\t$6.2\nbillion ") == digest
    assert body_hash("EU aid worth $62 billion") != digest
