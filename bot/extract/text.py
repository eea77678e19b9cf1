"""Article bytes in, clean text out, or a clear reason why not."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MAX_BYTES = 2_000_000
# What one spaCy parse takes (``nlp.max_length``, 1,000,000 by default; bot/extract/nlp.py
# keeps the two equal).  A file within MAX_BYTES can hold more characters than that once
# decoded (2 MB of plain text, or HTML whose text is most of it): such an article is refused
# by name here, before extraction, so the rest of a batch is still ingested.
MAX_CHARS = 1_000_000


class BadInput(ValueError):
    """The input cannot be read as an article; the message says why."""


class _TextOfHTML(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "blockquote"}
    SKIP = {"script", "style", "noscript", "head", "nav", "footer", "aside", "form"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001 - HTMLParser signature
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(!doctype html|html|body|p|div|article)[\s>]", head))


def html_to_text(text: str) -> str:
    parser = _TextOfHTML()
    parser.feed(text)
    parser.close()
    body = html.unescape("".join(parser.parts))
    return body


def normalise(text: str) -> str:
    """Unify line ends and trim trailing spaces; keep paragraphs (blank lines) as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def decode_article(data: bytes, name: str = "input") -> str:
    """Clean article text from raw bytes; raises BadInput with a message a user can act on."""
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name}: too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB)")
    if not data.strip():
        raise BadInput(f"{name}: empty file")
    if b"\x00" in data[:8192]:
        raise BadInput(f"{name}: binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput(f"{name}: not UTF-8 text (invalid byte at position {e.start}); convert it to UTF-8") from e
    controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 8192):
        raise BadInput(f"{name}: binary file, not text")
    return clean_text(text, name)


def clean_text(text: str, name: str = "input") -> str:
    if looks_like_html(text):
        text = html_to_text(text)
    text = normalise(text)
    if len(text) > MAX_CHARS:
        raise BadInput(f"{name}: too long to read as one article ({len(text):,} characters of text; the limit "
                       f"is {MAX_CHARS:,}): split it into parts and ingest each")
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 5:
        raise BadInput(f"{name}: no readable article text")
    return text
