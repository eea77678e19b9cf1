"""What spaCy rebuilds on every access, built once per parse.

``Span.ents`` walks the whole doc and makes a new ``Span`` for each of its entities on
every call (``Doc.ents``), then keeps those inside the span; extraction asks for the
entities of thousands of phrases and sentences per batch.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span


class DocEnts:
    """The entities of one doc, made once; ``within`` answers as ``Span.ents`` does."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ents: tuple[Span, ...] = doc.ents
        self._starts = [e.start for e in self.ents]

    def within(self, span: Span) -> list[Span]:
        """``span.ents``: the entities that start in ``span``, in order, up to the first that
        runs past its end (the same rule as spaCy's, entities being sorted and disjoint)."""
        if span.doc is not self.doc:
            return list(span.ents)
        start, end = span.start, span.end
        ents, out = self.ents, []
        for i in range(bisect_left(self._starts, start), len(ents)):
            ent = ents[i]
            if ent.end > end:
                break
            out.append(ent)
        return out
