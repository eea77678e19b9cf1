"""One article's parse as the event extractor reads it, quotes included.

Ingest parses the article with its long quotes masked (bot/extract/quotes.py), so that the
parser sees the attribution frame; each masked quote is parsed on its own as well.  Events
are often announced inside a quote ("We will meet again on Friday," she said), so this view
answers from the quote's own parse inside a masked quote and from the article's parse
elsewhere, always in the article's character offsets.  It offers the little of spaCy's Doc
that the time tagger and the event extractor use (``char_span``), plus ``idx``/``end`` for
a token's offsets in the article.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ParseView:
    def __init__(self, doc: Any, quote_docs: Mapping[int, Any] | None = None) -> None:
        self.doc = doc
        # (start, end, doc) of each separately parsed quote, in the article's offsets
        self.parts = sorted((s, s + len(d.text), d) for s, d in (quote_docs or {}).items() if d is not None)
        self._base = {id(doc): 0}
        for s, _, d in self.parts:
            self._base[id(d)] = s

    def _part(self, start: int, end: int) -> tuple[int, Any]:
        for s, e, d in self.parts:
            if s <= start and end <= e:
                return s, d
        return 0, self.doc

    def char_span(self, start: int, end: int, label: str = "", alignment_mode: str = "strict") -> Any:
        """A span of the parse that holds text[start:end] (a quote's own parse inside a quote)."""
        base, d = self._part(start, end)
        return d.char_span(start - base, end - base, alignment_mode=alignment_mode)

    def root(self, start: int, end: int) -> Any:
        span = self.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def idx(self, tok: Any) -> int:
        """A token's start in the article's text."""
        return tok.idx + self._base.get(id(tok.doc), 0)

    def end(self, tok: Any) -> int:
        return self.idx(tok) + len(tok.text)

    def span_text(self, toks: list[Any], text: str) -> str:
        """The article's words from the first to the last of ``toks``."""
        if not toks:
            return ""
        toks = sorted(toks, key=lambda t: t.i)
        return text[self.idx(toks[0]):self.end(toks[-1])]

    def ents(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        """(start, end, label, text) of the named entities inside text[start:end]."""
        base, d = self._part(start, end)
        out = []
        for e in d.ents:
            s, t = e.start_char + base, e.end_char + base
            if start <= s and t <= end:
                out.append((s, t, e.label_, e.text))
        return out

    def sentence_starts(self) -> list[int]:
        """Where sentences begin: the article's parse, and inside each quote its own sentences."""
        starts = [s.start_char for s in self.doc.sents]
        for base, _, d in self.parts:
            starts += [base + s.start_char for s in list(d.sents)[1:]]
        return sorted(set(starts))
