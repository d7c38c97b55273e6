"""Reading an article: plain text or HTML (main text extracted with trafilatura), with its metadata.

Empty, binary or undecodable files are refused with one line and exit 65. For HTML the evidence offsets refer to
the extracted text, which ``--format`` output does not repeat; the quoted sentence does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import InputDataError

__all__ = ("Article", "read_article")

_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<article|<meta|<p[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """The text of one article and what its file says about it."""

    path: Path
    text: str
    html: bool
    published: dt.date | None = None
    site_name: str | None = None
    url: str | None = None


def _decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise InputDataError(f"{path}: empty file: no article text")
    if b"\x00" in raw[:4096]:
        raise InputDataError(f"{path}: binary file (NUL bytes): expected plain text or HTML")
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputDataError(f"{path}: not UTF-8 text (byte {exc.start}): convert it to UTF-8 first") from None
    raise InputDataError(f"{path}: cannot decode the file as text")


def _from_html(markup: str, path: Path) -> tuple[str, dt.date | None, str | None, str | None]:
    import trafilatura

    text = trafilatura.extract(markup, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise InputDataError(f"{path}: HTML without article text (nothing for trafilatura to extract)")
    meta = trafilatura.extract_metadata(markup)
    published = None
    if meta is not None and meta.date:
        try:
            published = dt.date.fromisoformat(str(meta.date)[:10])
        except ValueError:
            published = None
    site = str(meta.sitename) if meta is not None and meta.sitename else None
    url = str(meta.url) if meta is not None and meta.url else None
    return str(text), published, site, url


def read_article(path: Path) -> Article:
    """Read a news article.

    Args:
        path: A plain-text (UTF-8) or HTML file.

    Returns:
        The article; for HTML, the main text and the publication date, site name and URL its markup gives.

    Raises:
        InputDataError: The file is missing, unreadable, empty, binary, not UTF-8, or HTML without text.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read article ({exc.strerror or exc})") from None
    text = _decode(raw, path)
    if not text.strip():
        raise InputDataError(f"{path}: empty file: no article text")
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or _HTML.match(text):
        body, published, site, url = _from_html(text, path)
        return Article(path, body, True, published, site, url)
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:4096])
    if printable < 0.9 * min(len(text), 4096):
        raise InputDataError(f"{path}: binary file (control characters): expected plain text or HTML")
    return Article(path, text, False)
