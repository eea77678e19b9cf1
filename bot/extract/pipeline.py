"""One article (or a batch) in, claims and events out: the only entry point ingest uses."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.domain import Article, Claim, Event
from bot.extract.claims import extract_attribution, masked_text
from bot.extract.people import PeopleDirectory, PersonEntry


@dataclass
class Extraction:
    article: Article
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)  # introduced with a country: worth keeping


def extract_many(articles: Iterable[Article], batch_size: int = 16, n_process: int = 1,
                 people: PeopleDirectory | None = None) -> Iterator[Extraction]:
    """Extract a stream of articles, parsing them in batches (spaCy's ``nlp.pipe``).

    ``people`` is the directory of known people; the people each article introduces are
    added to it as the stream goes, so a later article of the same stream knows them."""
    from bot.extract.nlp import get_nlp

    nlp = get_nlp()
    articles = list(articles)
    masked = [masked_text(a.text) for a in articles]
    docs = nlp.pipe((m for m, _ in masked), batch_size=batch_size, n_process=n_process)
    quote_texts = [(i, q) for i, (_, qs) in enumerate(masked) for q in qs]
    qdocs = list(nlp.pipe((q.text for _, q in quote_texts), batch_size=64, n_process=n_process))
    per_article: dict[int, dict[int, object]] = {}
    for (i, q), d in zip(quote_texts, qdocs, strict=True):
        per_article.setdefault(i, {})[q.start] = d
    for i, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        found = extract_attribution(article.text, article.published, article.id, doc=doc,  # type: ignore[arg-type]
                                    quote_docs=per_article.get(i, {}), quotes=masked[i][1],  # type: ignore[arg-type]
                                    people=people)
        if people is not None:
            for p in found.people:
                people.add(p)
        claims = found.claims + found.actions
        _embed(claims)
        yield Extraction(article, claims, _events(article, doc, per_article.get(i, {})), found.people)


def _embed(claims: list[Claim]) -> None:
    """Each claim's sentence vector and its context's (the sentence before), one model call
    per distinct sentence, for /stance retrieval."""
    from bot.extract.encoder import Encoder, pack

    texts = list(dict.fromkeys(t for c in claims for t in (c.sentence, c.context) if t))
    if not texts:
        return
    vecs = dict(zip(texts, Encoder.shared().embed(texts), strict=True))
    for c in claims:
        c.vec = pack(vecs[c.sentence]) if c.sentence else ""
        c.cvec = pack(vecs[c.context]) if c.context else ""


def extract_article(article: Article) -> Extraction:
    return next(extract_many([article]))


def _events(article: Article, doc: object, quote_docs: dict[int, object]) -> list[Event]:
    try:
        from bot.extract.events import extract_events
    except ImportError:  # the events step is optional until it lands
        return []
    # the masked parse has the same offsets as the text; inside a masked quote the quote's own
    # parse is read (events are often announced in a quote)
    return extract_events(article.text, dt.date.fromisoformat(article.published[:10]), article.id, doc=doc,
                          quote_docs=quote_docs)
