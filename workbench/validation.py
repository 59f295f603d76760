"""Small input checks shared by several services."""

from __future__ import annotations

from urllib.parse import urlsplit

from workbench.errors import InvalidInput


def clean_line(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """A single-line text field: trimmed, no control characters, bounded length."""
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput(f"{field} is required.")
    if len(text) > max_length:
        raise InvalidInput(f"{field} is too long ({len(text)} characters; at most {max_length}).")
    return text


def clean_url(value: str | None, *, field: str, required: bool = False) -> str:
    """An absolute http(s) URL or empty; anything else (javascript:, file:, …) is refused."""
    url = (value or "").strip()
    if not url:
        if required:
            raise InvalidInput(f"{field} is required.")
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise InvalidInput(f"{field} must be a full web address starting with http:// or https://.")
    if len(url) > 2000:
        raise InvalidInput(f"{field} is longer than 2,000 characters.")
    return url
