"""Quoted speech: find quote spans and mask them before parsing.

News-quote extractors mask quoted text before the parse so that a long quote becomes one
noun-like token and the parser sees the attribution frame ("Q," said X.).  Masking keeps
every character offset: the quote's inner text is replaced by a placeholder of the same
length.  Odd or mismatched marks are tolerated: an unclosed quote ends at the end of its
paragraph (the newsroom convention for quotes that run on to the next paragraph).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "\u201c\u00ab\u201e"  # “ « „
CLOSE = "\u201d\u00bb\u201c"  # ” » “ (a second “ sometimes closes in bad copy)
STRAIGHT = '"'
PLACEHOLDER_HEAD = "Qqq"
# quotes shorter than this stay in the parse: scare quotes and titles read as noun phrases
MIN_MASK_WORDS = 6


@dataclass(frozen=True)
class Quote:
    start: int  # inner text, without the marks
    end: int
    text: str
    closed: bool


def find_quotes(text: str) -> list[Quote]:
    quotes: list[Quote] = []
    for para in _paragraphs(text):
        quotes.extend(_quotes_in(text, *para))
    return quotes


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in re.finditer(r"\n\s*\n|\n(?=\s*[\u201c\"])", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _quotes_in(text: str, lo: int, hi: int) -> list[Quote]:
    out: list[Quote] = []
    i = lo
    while i < hi:
        c = text[i]
        if c in OPEN or (c == STRAIGHT and _opens(text, i)):
            closers = STRAIGHT + "\u201d" if c == STRAIGHT else CLOSE + STRAIGHT
            j = i + 1
            while j < hi and text[j] not in closers:
                if c != STRAIGHT and text[j] in OPEN and text[j] not in CLOSE:
                    break  # a new opening mark: the earlier quote was never closed
                j += 1
            closed = j < hi and text[j] in closers
            inner_start, inner_end = i + 1, j
            while inner_end > inner_start and text[inner_end - 1].isspace():
                inner_end -= 1
            if inner_end > inner_start:
                out.append(Quote(inner_start, inner_end, text[inner_start:inner_end], closed))
            i = j + 1 if closed else j
        else:
            i += 1
    return out


def _opens(text: str, i: int) -> bool:
    """A straight double quote opens when it does not follow a word character."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in ".,!?;:")


def should_mask(q: Quote) -> bool:
    return len(q.text.split()) >= MIN_MASK_WORDS


def mask(text: str, quotes: list[Quote]) -> str:
    """``text`` with each maskable quote's inner text replaced by a same-length placeholder."""
    chars = list(text)
    for q in quotes:
        if not should_mask(q):
            continue
        end = q.end
        if text[end - 1] in ".!?" and end - q.start > len(PLACEHOLDER_HEAD) + 1:
            end -= 1  # keep the quote's final stop: the sentence splitter needs it
        n = end - q.start
        filler = (PLACEHOLDER_HEAD + "q" * n)[:n]
        chars[q.start:end] = filler
    return "".join(chars)


def is_placeholder(token_text: str) -> bool:
    return len(token_text) >= 4 and token_text.startswith(PLACEHOLDER_HEAD) and set(token_text[1:]) <= {"q"}
