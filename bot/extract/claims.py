"""Claims: who holds which position, from quotes, reported speech and stated positions.

The article is parsed once with its long quotes masked (see quotes.py).  In each sentence
the predicates whose subject is a speaker (a person, a body, a country or a capital used
as a metonym) become claims:

- a reporting verb with a quote or a clausal complement ("X said ...", "said X",
  "X told reporters", "according to X") gives the quote or the complement;
- a position verb or adjective ("Seoul is reluctant to ...", "Canberra opposes ...",
  "X has urged Y to lift the ban") gives the clause itself.

Speakers are resolved to actors from the text: titles with demonyms ("Japanese Trade
Minister X"), possessives and appositions ("Germany's economy minister, X"), relative
clauses ("X, who heads Y's ...").  A later surname-only mention, a pronoun, or a paragraph
that opens with a quote continues the last compatible speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain import Claim, stable_id
from bot.extract import EXTRACTOR_VERSION
from bot.extract.actors import Gazetteer, gazetteer
from bot.extract.quotes import Quote, find_quotes, is_placeholder, mask, should_mask
from bot.extract.spans import DocEnts
from bot.extract.stance import CAUSATIVE_HEADS, Target, clause_stance, lexicon, relative_antecedent, targets
from bot.extract.topics import topic_index

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m"}
GROUP_PRONOUNS = {"they", "it", "we"}
SOURCE_NOUNS = {"source", "sources", "analyst", "analysts", "expert", "experts", "observer", "observers",
                "person", "people", "insider", "insiders", "economist", "economists", "critic", "critics",
                "official", "officials", "diplomat", "diplomats", "adviser", "advisers", "professor"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}



@dataclass
class Person:
    name: str
    actor: str | None
    gender: str | None = None

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass
class SpeakerRef:
    name: str
    mention: str
    kind: str  # person | body | source
    actor: str | None

    def as_dict(self) -> dict:
        return {"name": self.name, "mention": self.mention, "kind": self.kind}


@dataclass
class ArticleState:
    """What earlier sentences told us: people met, the last speaker, the article's actors."""

    people: dict[str, Person] = field(default_factory=dict)  # full name and surname -> Person
    last: SpeakerRef | None = None
    last_person: SpeakerRef | None = None
    recent_people: list[SpeakerRef] = field(default_factory=list)  # newest last
    first_seen: dict[str, int] = field(default_factory=dict)  # person name -> offset of first mention
    last_actor: str | None = None
    actor_counts: dict[str, int] = field(default_factory=dict)


def extract_claims(text: str, published: str, article_id: str, doc: Doc | None = None,
                   quote_docs: dict[int, Doc] | None = None, quotes: list[Quote] | None = None) -> list[Claim]:
    """Claims of one article.  ``doc`` is the parse of ``masked_text(text)`` when the caller
    parsed already (batch ingest); ``quote_docs`` maps a quote's start offset to its parse;
    ``quotes`` are the quotes ``masked_text`` found (found again when not given)."""
    if quotes is None:
        quotes = find_quotes(text)
    if doc is None:
        from bot.extract.nlp import get_nlp

        nlp = get_nlp()
        doc = nlp(mask(text, quotes))
        quote_docs = {q.start: d for q, d in zip(
            (q for q in quotes if should_mask(q)), nlp.pipe(q.text for q in quotes if should_mask(q)), strict=True)}
    return _Extractor(text, published, article_id, doc, quotes, quote_docs or {}).run()


def masked_text(text: str) -> tuple[str, list[Quote]]:
    quotes = find_quotes(text)
    return mask(text, quotes), [q for q in quotes if should_mask(q)]


class _Extractor:
    def __init__(self, text: str, published: str, article_id: str, doc: Doc, quotes: list[Quote],
                 quote_docs: dict[int, Doc]) -> None:
        self.text = text
        self.published = published
        self.article = article_id
        self.doc = doc
        self.ents = DocEnts(doc)  # Span.ents rebuilds all of the doc's entities per call
        self.quotes = [q for q in quotes if should_mask(q)]
        self.quote_docs = quote_docs
        self.gaz: Gazetteer = gazetteer()
        self.lex = lexicon()
        self.state = ArticleState()
        self.claims: list[Claim] = []
        self._seen: set[tuple[int, int, str]] = set()
        self.dateline_actor = self._dateline()

    def _dateline(self) -> str | None:
        """The country of a one-place dateline ("LIMA, May 3 -"): where an unnamed ministry sits."""
        m = re.search(r"(?m)^\s*([A-Z][A-Z.'\- ]{2,}(?:/[A-Z][A-Z.'\- ]+)*)\s*(?:,|\(|-|\u2013|\u2014)", self.text[:600])
        if not m or "/" in m.group(1):
            return None
        place = " ".join(w.capitalize() for w in m.group(1).split())
        found = self.gaz.lookup(place)
        return found[0] if found and found[1] in ("capital", "alias", "metonym") else None

    def _find(self, text: str) -> list:  # noqa: ANN201 - list[Mention]
        return self.gaz.find(text, context=self.text)

    # -- driver -------------------------------------------------------------------------
    def run(self) -> list[Claim]:
        for m in self._find(self.text):
            self.state.actor_counts[m.actor] = self.state.actor_counts.get(m.actor, 0) + 1
        for sent in self.doc.sents:
            self._learn_people(sent)
            made = self._sentence(sent)
            if not made:
                self._continuation(sent)
            for m in self._find(sent.text):
                if m.kind != "person":
                    self.state.last_actor = m.actor
        return self.claims

    def _sentence(self, sent: Span) -> int:
        made = 0
        according = self._according_to(sent)
        for tok in sent:
            if tok.pos_ == "NOUN":
                made += self._nominal(tok, sent)
                continue
            if tok.pos_ not in ("VERB", "AUX", "ADJ"):
                continue
            lemma = tok.lemma_.lower()
            is_adj = tok.pos_ == "ADJ"
            if is_adj:
                if not (lemma in self.lex.adj_support or lemma in self.lex.adj_oppose):
                    continue
                if tok.dep_ not in ("acomp", "ROOT", "conj", "xcomp", "ccomp"):
                    continue
            elif not self.lex.is_cue_token(tok):
                continue
            if tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_.lower() in CAUSATIVE_HEADS and \
                    any(c.dep_ == "nsubj" for c in tok.children):
                continue  # "China wants to see Washington lift the tariffs": China's wish, not Washington's
            subj = self._subject(tok)
            if subj is None and according is not None and self._is_main(tok, sent):
                subj = according
            if subj is None:
                continue
            speaker = self._speaker(subj, sent)
            if speaker is None:
                continue
            if speaker.kind != "source" or speaker.actor:
                self._note_speaker(speaker)  # "He stated ..." next refers to this speaker
            made += self._claim_for(tok, speaker, sent)
        return made

    def _nominal(self, noun: Token, sent: Span) -> int:
        """A position held as a noun with its holder: "Beijing's calls to avoid protectionism"."""
        lemma = noun.lemma_.lower()
        if not (lemma in self.lex.noun_support or lemma in self.lex.noun_oppose):
            return 0
        holder = next((c for c in noun.children if c.dep_ == "poss"), None)
        if holder is None or holder.pos_ == "PRON":
            return 0
        speaker = self._speaker(holder, sent)
        if speaker is None or not any(c.dep_ in ("prep", "acl", "xcomp", "relcl", "advcl") for c in noun.children):
            return 0
        return self._claim_for(noun, speaker, sent)

    def _is_main(self, tok: Token, sent: Span) -> bool:
        return tok.dep_ == "ROOT" or tok.head == sent.root

    # -- subjects and speakers ---------------------------------------------------------------
    def _subject(self, pred: Token) -> Token | None:
        for c in pred.children:
            # '"Q," said X': Q is no speaker; and the subject of a passive ("Y was given an
            # exemption") is its patient, not the one who holds a position
            if c.dep_ in SUBJECT_DEPS and not is_placeholder(c.text) and \
                    not (c.dep_ == "nsubjpass" and pred.pos_ == "VERB"):
                return c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        # coordinated or auxiliary-chained predicates share the subject ("X said ... and added ...")
        head = pred.head
        if pred.dep_ in ("conj", "xcomp") and head.i != pred.i and head.pos_ in ("VERB", "AUX", "ADJ"):
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    # "Y urged X to lift": the object of the head is the xcomp's subject, not the head's
                    if pred.dep_ == "xcomp" and any(d.dep_ in ("dobj", "obj") for d in head.children):
                        return None
                    return c
        if pred.pos_ == "ADJ" and pred.dep_ == "acomp":
            for c in pred.head.children:
                if c.dep_ == "nsubj":
                    return c
        return None

    def _according_to(self, sent: Span) -> Token | None:
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
                for c in tok.nbor().children:
                    if c.dep_ == "pobj":
                        return c
        return None

    def _speaker(self, subj: Token, sent: Span) -> SpeakerRef | None:
        low = subj.lower_
        if is_placeholder(subj.text) or subj.pos_ == "NUM":
            return None
        if low in PERSON_PRONOUNS:
            ref = self._person_for(PERSON_PRONOUNS[low], subj.idx)
            return SpeakerRef(ref.name, subj.text, ref.kind, ref.actor) if ref else None
        if low in GROUP_PRONOUNS:
            if low == "it" and any(c.dep_ in ("ccomp", "xcomp") for c in subj.head.children) and \
                    subj.head.lemma_ == "be":
                return None  # "it is important to ..." is no speaker
            near = self._antecedent(subj, sent)
            if near is not None:
                return near
            ref = self.state.last
            if ref is None:
                return None
            if low == "we" and ref.kind == "person":
                return SpeakerRef(ref.name, subj.text, ref.kind, ref.actor)
            return SpeakerRef(ref.name, subj.text, ref.kind, ref.actor)
        if low in ("i",):
            ref = self.state.last_person or self.state.last
            return SpeakerRef(ref.name, subj.text, ref.kind, ref.actor) if ref else None
        span = self._np(subj)
        person = self._person_in(span, sent)
        if person is not None:
            mention = span.text if len(span) <= 6 else person.name
            return SpeakerRef(person.name, mention, "person", person.actor)
        return self._body(span, subj)

    def _antecedent(self, pron: Token, sent: Span) -> SpeakerRef | None:
        """'it'/'they' as the subject of a clause reported by an actor: "China said it would ..."."""
        for verb in pron.head.ancestors:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != pron.i and c.lower_ not in PERSON_PRONOUNS \
                        and c.lower_ not in GROUP_PRONOUNS:
                    if pron.lower_ == "it" and (c.tag_ in ("NNS", "NNPS") or any(x.dep_ == "conj" for x in c.children)):
                        return None  # "it" never stands for "Japan and Korea"
                    found = [m for m in self._find(self._np(c).text) if m.kind != "person"]
                    if found:
                        m = found[0]
                        return SpeakerRef(self.gaz.label(m.actor), pron.text, "body", m.actor)
                    return None
        return None

    def _np(self, head: Token) -> Span:
        """The noun phrase of ``head`` without its relative clauses and long appositions."""
        doc = head.doc
        left = head.left_edge.i
        for t in doc[left:head.i]:
            if is_placeholder(t.text) or t.is_quote:
                left = t.i + 1  # a quote the parser hung on the name is not part of it
        right = head.i
        for c in head.rights:
            if c.dep_ in ("compound", "flat", "prep", "amod", "nummod", "poss") and c.right_edge.i - head.i < 6:
                right = max(right, c.right_edge.i)
            elif c.dep_ in ("appos",) and c.right_edge.i - head.i < 10:
                right = max(right, c.right_edge.i)
        return doc[left:right + 1]

    def _person_in(self, span: Span, sent: Span) -> Person | None:
        ents = [e for e in self.ents.within(span) if e.label_ == "PERSON"]
        if not ents:
            ents = [e for e in self.ents.within(sent) if e.label_ == "PERSON" and span.start <= e.start < span.end]
        if not ents:
            # a surname met before, tagged otherwise by the model ("Muto said")
            for tok in span:
                if tok.text in self.state.people and tok.pos_ == "PROPN":
                    return self.state.people[tok.text]
            names = [t for t in span if t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_type_ in ("", "PERSON")
                     and not is_placeholder(t.text) and t.lower_ not in self.gaz.official_terms]
            joined = " ".join(t.text for t in names)
            if len(names) >= 2 and names[-1].i - names[0].i == len(names) - 1 and names[-1].i == span.root.i \
                    and not self._find(joined):
                # two or more capitalised names ending the phrase: a person the model did not tag
                person = Person(" ".join(t.text for t in names), self._actor_near(span, span.doc[names[0].i:names[-1].i + 1]))
                self._remember(person)
                return person
            for tok in span:
                if tok.pos_ == "PROPN" and self.gaz.person_actor(tok.text):
                    person = Person(tok.text, self.gaz.person_actor(tok.text))
                    self._remember(person)
                    return person
            return None
        ent = ents[0]
        inner = [t.i for t in ent if is_placeholder(t.text) or t.is_quote or t.is_punct]
        if inner:
            ent = ent.doc[max(inner) + 1:ent.end]
            if not len(ent):
                return None
        name = self._clean_name(ent.text)
        known_form = self.gaz.lookup(name)
        if known_form is not None and known_form[1] != "person":
            return None  # the model's PERSON on a country or capital ("Kenya said")
        known = self.state.people.get(name) or self.state.people.get(name.split()[-1])
        if known is not None and (known.name == name or len(name.split()) == 1 or known.name.endswith(name)):
            if known.actor is None:
                known.actor = self._actor_near(span, ent)
            return known
        person = Person(name, self.gaz.person_actor(name) or self._actor_near(span, ent))
        self._remember(person)
        return person

    def _remember(self, person: Person) -> None:
        self.state.people[person.name] = person
        if len(person.name.split()) > 1:
            self.state.people.setdefault(person.surname, person)

    def _actor_near(self, span: Span, ent: Span) -> str | None:
        """The country a person speaks for, from an official title around the name.

        "Japanese Trade Minister X", "Germany's economy minister, X", "X, who heads China's
        delegation" speak for a country; "X, a professor in Beijing" does not.
        """
        doc = span.doc
        window_l = max(span.sent.start, ent.start - 8)
        for t in doc[window_l:ent.start]:
            # the titles of this name only: not past a comma, "and", or another person's name
            if t.text in (",", ";") or t.lower_ == "and" or (t.ent_type_ == "PERSON" and t.i < ent.start - 1
                                                              and not ent.start <= t.i < ent.end):
                window_l = t.i + 1
        before = doc[window_l:ent.start]
        cands = [m for m in self._find(before.text) if m.kind != "person"]
        if cands and self._official(before.text):
            return cands[-1].actor
        root = ent.root
        for c in list(root.children) + ([root.head] if root.dep_ == "appos" else []):
            if c.dep_ in ("appos", "relcl", "acl") or c.i == root.head.i:
                sub = doc[c.left_edge.i:c.right_edge.i + 1]
                found = [m for m in self._find(sub.text) if m.kind != "person"]
                if found and self._official(sub.text):
                    return found[0].actor
        after = doc[ent.end:min(span.sent.end, ent.end + 12)]
        if after.text.lstrip().startswith(","):
            found = [m for m in self._find(after.text) if m.kind != "person"]
            if found and self._official(after.text):
                return found[0].actor
        return None

    def _official(self, text: str) -> bool:
        """Does a title or governing body appear in ``text``?"""
        low = text.lower()
        words = set(re.findall(r"[a-z][a-z-]*", low))
        return any(t in low if " " in t else t in words for t in self.gaz.official_terms)

    def _body(self, span: Span, head: Token) -> SpeakerRef | None:
        found = [m for m in self._find(span.text) if m.kind != "person"]
        head_low = head.lemma_.lower()
        if head.ent_type_ == "ORG" and head_low not in self.gaz.bodies_set:
            org = next((e for e in self.ents.within(span) if e.start <= head.i < e.end), None)
            if org is not None and not self._find(org.text):
                # a company, newspaper or university is a source, not a government
                return SpeakerRef(_tidy(org.text), span.text.strip(), "source", None)
        if found:
            # "Chinese officials", "the Japanese side", "Tokyo", "the White House"
            m = found[-1] if head.pos_ == "PROPN" else found[0]
            if head_low in SOURCE_NOUNS and m.kind in ("demonym", "alias"):
                kind = "body"
            else:
                kind = "body"
            name = self.gaz.label(m.actor) if m.text == span.text.strip() or span.text.strip() == f"the {m.text}" \
                else span.text.strip()
            return SpeakerRef(_tidy(name), span.text.strip(), kind, m.actor)
        if head_low in self.gaz.bodies_set or head.lower_ in self.gaz.bodies_set or \
                any(t.lower_ in ("ministry", "government", "commission") for t in span):
            poss = next((c.lower_ for c in head.children if c.dep_ == "poss"), "")
            owner = self._person_for(PERSON_PRONOUNS[poss], head.idx) if poss in ("his", "her") else None
            if owner is not None and owner.actor:
                actor = owner.actor  # "her government": her country
            else:
                actor = self.dateline_actor or self.state.last_actor or _top(self.state.actor_counts)
            return SpeakerRef(_tidy(span.text), span.text.strip(), "body", actor)
        if head_low in SOURCE_NOUNS:
            return SpeakerRef(_tidy(span.text), span.text.strip(), "source", None)
        if head.ent_type_ in ("ORG", "NORP"):
            return SpeakerRef(_tidy(span.text), span.text.strip(), "body", None)
        return None

    def _learn_people(self, sent: Span) -> None:
        for ent in self.ents.within(sent):
            name = self._clean_name(ent.text)
            if ent.label_ == "PERSON" and len(name.split()) > 1 and \
                    (self.gaz.lookup(name) or ("", "person"))[1] == "person":
                if name not in self.state.people:
                    person = Person(name, self.gaz.person_actor(name) or self._actor_near(sent, ent))
                    self._remember(person)
                    # a person named is someone a later "he" or "she" may stand for
                    self.state.recent_people.append(SpeakerRef(name, ent.text, "person", person.actor))
                    self.state.first_seen[name] = ent.start_char
                elif self.state.people[name].actor is None:
                    self.state.people[name].actor = self._actor_near(sent, ent)

    def _clean_name(self, text: str) -> str:
        """A person's name without article, possessive or leading titles ("President X Y" -> "X Y")."""
        name = re.sub(r"^(?:the|a)\s+", "", text.strip())
        name = re.sub(r"['\u2019]s$", "", name)
        words = name.split()
        while len(words) > 2 and (words[0].lower().rstrip(".") in self.gaz.official_terms
                                  or self.gaz.is_title(words[0]) or self.gaz.lookup(words[0])):
            words = words[1:]
        return " ".join(words)

    # -- building claims -------------------------------------------------------------------------
    def _claim_for(self, pred: Token, speaker: SpeakerRef, sent: Span) -> int:
        lemma = pred.lemma_.lower()
        quote = self._quote_under(pred, sent)
        content_pred: Token | None = None
        tgts: list[Target] = []
        if quote is not None:
            qdoc = self.quote_docs.get(quote.start)
            text = quote.text
            if qdoc is not None:
                for root in (s.root for s in qdoc.sents):
                    tgts.extend(_shift(targets(root, qdoc[root.sent.start:root.sent.end]), quote.start))
            stance = _overall(tgts) if tgts else "neutral"
        else:
            comp = next((c for c in pred.children if c.dep_ in ("ccomp", "xcomp")), None)
            if lemma in self.lex.report and not (lemma in self.lex.support or lemma in self.lex.oppose):
                if comp is None:
                    return 0  # "X said" with nothing said
                content_pred = comp
                if self._speaker_quiet(comp):
                    self._note_speaker(speaker)
                    return 0  # the complement's own subject makes its own claim
                span = self.doc[comp.left_edge.i:comp.right_edge.i + 1]
            else:
                content_pred = pred
                subj = self._subject(pred)
                left = subj.left_edge.i if subj is not None and subj.i < pred.i else pred.left_edge.i
                span = self.doc[min(left, pred.i):pred.right_edge.i + 1]
            text = span.text
            tgts = targets(pred)
            if not tgts:
                tgts = [t for t in (relative_antecedent(pred),) if t is not None]
            stance = _overall(tgts) if tgts else clause_stance(pred)
            if not tgts and stance == "neutral" and content_pred is pred:
                return 0  # a position verb with nothing evaluated; reported speech is kept
        key = (sent.start_char, sent.end_char, speaker.name)
        if key in self._seen and quote is None:
            return 0
        self._seen.add(key)
        self._note_speaker(speaker)
        if speaker.actor is None and speaker.kind != "source":
            return 0
        topics = topic_index().match(f"{text} {' '.join(t.text for t in tgts)}")
        main = next((t for t in tgts if t.stance != "neutral"), tgts[0] if tgts else None)
        claim = Claim(
            id=stable_id("c", self.article, sent.start_char, quote.start if quote else pred.idx, speaker.name),
            actor=speaker.actor or "",
            cue=lemma,
            quote=text.strip(),
            sentence=sent.text.strip() if quote is None else self.text[sent.start_char:sent.end_char].strip(),
            start=sent.start_char,
            end=sent.end_char,
            article=self.article,
            published=self.published,
            stance=stance,  # type: ignore[arg-type]
            target=main.text if main else "",
            topics=topics,
            targets=[{"text": t.text, "stance": t.stance, "depth": t.depth} for t in tgts[:12]],
            context=self._context(sent),
            speaker=speaker.as_dict(),
            confidence=_confidence(speaker, quote is not None, content_pred is not None),
            extractor=EXTRACTOR_VERSION,
        )
        self.claims.append(claim)
        return 1

    def _context(self, sent: Span) -> str:
        """The sentence before, for claims whose object is only 'it' or nothing at all."""
        if sent.start == 0:
            return ""
        prev = self.doc[sent.start - 1].sent
        return self.text[prev.start_char:prev.end_char].strip()[:400]

    def _speaker_quiet(self, comp: Token) -> bool:
        subj = self._subject(comp)
        return subj is not None and self._speaker(subj, comp.sent) is not None and \
            self.lex.is_cue(comp.lemma_.lower()) and comp.lemma_.lower() not in self.lex.report

    def _quote_under(self, pred: Token, sent: Span) -> Quote | None:
        """The masked quote this predicate introduces, if any (also one just before the sentence)."""
        for q in self.quotes:
            if sent.start_char <= q.start < sent.end_char:
                tok = self.doc.char_span(q.start, q.end, alignment_mode="expand")
                if tok is None:
                    continue
                root = tok.root
                if root.head.i == pred.i or pred in root.ancestors or root.i == pred.i or \
                        (pred.dep_ == "ROOT" and root.sent == sent and not self._other_cue_governs(root, pred)):
                    return q
        return None

    def _other_cue_governs(self, tok: Token, pred: Token) -> bool:
        return any(a.i != pred.i and self.lex.is_cue(a.lemma_.lower()) and a.pos_ == "VERB"
                   for a in tok.ancestors)

    def _person_for(self, gender: str, at: int) -> SpeakerRef | None:
        """The most recent person a "he" or "she" at offset ``at`` can stand for; the pronoun
        teaches the gender."""
        for ref in reversed(self.state.recent_people):
            if self.state.first_seen.get(ref.name, -1) > at:
                continue  # named after the pronoun
            person = self.state.people.get(ref.name)
            known = person.gender if person else None
            if known in (None, gender):
                if person is not None:
                    person.gender = gender
                return ref
        return None

    def _note_speaker(self, speaker: SpeakerRef) -> None:
        self.state.last = speaker
        if speaker.kind in ("person", "source"):
            self.state.last_person = speaker
            self.state.recent_people = [r for r in self.state.recent_people if r.name != speaker.name][-7:]
            self.state.recent_people.append(speaker)
        if speaker.actor:
            self.state.last_actor = speaker.actor

    def _continuation(self, sent: Span) -> None:
        """A sentence that is only a quote continues the last speaker."""
        if self.state.last is None:
            return
        for q in self.quotes:
            if sent.start_char <= q.start < sent.end_char and \
                    len(sent.text.strip()) - len(q.text) < 8:
                speaker = self.state.last
                self._claim_for_quote(q, speaker, sent)
                return

    def _claim_for_quote(self, q: Quote, speaker: SpeakerRef, sent: Span) -> None:
        if speaker.actor is None and speaker.kind != "source":
            return
        qdoc = self.quote_docs.get(q.start)
        tgts: list[Target] = []
        if qdoc is not None:
            for s in qdoc.sents:
                tgts.extend(_shift(targets(s.root, s), q.start))
        main = next((t for t in tgts if t.stance != "neutral"), tgts[0] if tgts else None)
        self.claims.append(Claim(
            id=stable_id("c", self.article, sent.start_char, q.start, speaker.name),
            actor=speaker.actor or "", cue="say", quote=q.text.strip(),
            sentence=self.text[sent.start_char:sent.end_char].strip(),
            start=sent.start_char, end=sent.end_char, article=self.article, published=self.published,
            stance=_overall(tgts) if tgts else "neutral",  # type: ignore[arg-type]
            target=main.text if main else "",
            topics=topic_index().match(q.text),
            targets=[{"text": t.text, "stance": t.stance, "depth": t.depth} for t in tgts[:12]],
            context=self._context(sent),
            speaker={"name": speaker.name, "mention": speaker.mention, "kind": speaker.kind},
            confidence=0.5, extractor=EXTRACTOR_VERSION,
        ))


def _shift(ts: list[Target], offset: int) -> list[Target]:
    return [Target(t.text, t.start + offset, t.end + offset, t.stance, t.head) for t in ts]


def _overall(ts: list[Target]) -> str:
    for t in ts:
        if t.stance != "neutral":
            return t.stance
    return "neutral"


def _confidence(speaker: SpeakerRef, quoted: bool, clausal: bool) -> float:
    c = 0.6
    if speaker.kind == "person":
        c += 0.1
    if quoted:
        c += 0.1
    if speaker.kind == "source":
        c -= 0.2
    return round(min(c, 0.95), 2)


def _tidy(name: str) -> str:
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)
    return name[:1].upper() + name[1:]


def _top(counts: dict[str, int]) -> str | None:
    return max(counts, key=lambda k: counts[k]) if counts else None
