"""Claims: attributed statements and stated positions, each with its speaker.

The article is parsed once with its long quotes masked (see quotes.py).  In each sentence
the predicates whose subject is a speaker (see speakers.py) become claims:

- a reporting verb with a quote or a clausal complement ("X said ...", "said X",
  "X told reporters", "X was quoted as saying"), with a noun-phrase object ("stressed the
  need for ...", "described X as ..."), or as a parenthetical ("X, she said, will ...");
  ", saying ..." and ", criticizing ..." share the subject of the clause they hang on;
- "according to X" makes the sentence X's, whatever its main verb;
- a position verb or adjective ("Seoul is reluctant to ...", "Canberra opposes ...",
  "X has urged Y to lift the ban") gives the clause itself.

The reporter is the speaker: what a reporting verb reports ("Y indicated that Beijing
could avoid the tariffs") is Y's statement, not Beijing's.  Several statements in one
sentence are several claims; "A and B agreed to ..." is a statement of both.  Acts ("China
imposed duties"), headlines and captions are not statements.  A statement is never lost
because its actor is unknown: it is kept with its speaker and an empty actor.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.domain import Claim, stable_id
from bot.extract import EXTRACTOR_VERSION
from bot.extract.actors import Gazetteer, gazetteer
from bot.extract.attribution import attribution
from bot.extract.people import PeopleDirectory, PersonEntry, curated_directory, fold_name
from bot.extract.quotes import Quote, find_quotes, is_placeholder, mask, should_mask
from bot.extract.spans import DocEnts
from bot.extract.speakers import GROUP_PRONOUNS, PERSON_PRONOUNS, SpeakerRef, SpeakerResolver
from bot.extract.stance import CAUSATIVE_HEADS, Target, clause_stance, lexicon, relative_antecedent, targets
from bot.extract.topics import topic_index

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
# prepositions whose object is what a reporting verb with no clause says ("spoke of", "warned against")
STATEMENT_PREPS = {"of", "about", "for", "as", "against", "over", "to"}  # not "on": "spoke on the phone/the issue"
# reporting verbs the parser sometimes takes for auxiliaries, lemma and all ('X said, "..."')
MISTAGGED = {"said": "say", "says": "say", "told": "tell", "tells": "tell", "added": "add", "adds": "add"}
WEAK_EVIDENCE = ("article's main country", "dateline")  # what a local reading may overrule
ROLE_SPEAKER_REACH = 2  # sentences within which a newly named person may be the official just quoted


@dataclass
class Attribution:
    """What one article gives: its claims and the people it introduced with a country."""

    claims: list[Claim] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)
    actions: list[Claim] = field(default_factory=list)  # kind "action": see _Extractor.actions


def extract_claims(text: str, published: str, article_id: str, doc: Doc | None = None,
                   quote_docs: dict[int, Doc] | None = None, quotes: list[Quote] | None = None,
                   people: PeopleDirectory | None = None) -> list[Claim]:
    """Claims of one article (see ``extract_attribution``)."""
    return extract_attribution(text, published, article_id, doc, quote_docs, quotes, people).claims


def extract_attribution(text: str, published: str, article_id: str, doc: Doc | None = None,
                        quote_docs: dict[int, Doc] | None = None, quotes: list[Quote] | None = None,
                        people: PeopleDirectory | None = None) -> Attribution:
    """Claims and learned people of one article.  ``doc`` is the parse of ``masked_text(text)``
    when the caller parsed already (batch ingest); ``quote_docs`` maps a quote's start offset
    to its parse; ``quotes`` are the quotes ``masked_text`` found (found again when not
    given); ``people`` the directory of known people (the curated one when not given)."""
    if quotes is None:
        quotes = find_quotes(text)
    if doc is None:
        from bot.extract.nlp import get_nlp

        nlp = get_nlp()
        doc = nlp(mask(text, quotes))
        quote_docs = {q.start: d for q, d in zip(
            (q for q in quotes if should_mask(q)), nlp.pipe(q.text for q in quotes if should_mask(q)), strict=True)}
    ex = _Extractor(text, published, article_id, doc, quotes, quote_docs or {}, people or curated_directory())
    claims = ex.run()
    return Attribution(claims, ex.sp.learned(), ex.actions())


def masked_text(text: str) -> tuple[str, list[Quote]]:
    quotes = find_quotes(text)
    return mask(text, quotes), [q for q in quotes if should_mask(q)]


@dataclass
class _Content:
    """What a predicate says: its text span (character offsets) and the targets of its stance."""

    start: int
    end: int
    text: str
    targets: list[Target]
    stance: str
    quote: Quote | None = None
    clausal: bool = False


class _Extractor:
    def __init__(self, text: str, published: str, article_id: str, doc: Doc, quotes: list[Quote],
                 quote_docs: dict[int, Doc], people: PeopleDirectory) -> None:
        self.text = text
        self.published = published
        self.article = article_id
        self.doc = doc
        self.ents = DocEnts(doc)  # Span.ents rebuilds all of the doc's entities per call
        self.quotes = [q for q in quotes if should_mask(q)]
        self.quote_docs = quote_docs
        self.gaz: Gazetteer = gazetteer()
        self.lex = lexicon()
        self.att = attribution()
        self.sp = SpeakerResolver(text, self.ents, self.gaz, people)
        self.claims: list[Claim] = []
        self._spans: dict[tuple[int, str, str], list[tuple[int, int]]] = {}  # (sentence, speaker, actor) -> spans
        self._role_claims: list[tuple[int, SpeakerRef, list[Claim]]] = []  # (sentence, title-only speaker, claims)

    # -- driver -------------------------------------------------------------------------
    def run(self) -> list[Claim]:
        for n, sent in enumerate(self.doc.sents):
            self.sp.learn_people(sent)
            if self._headline(sent):
                self.sp.note_sentence(sent)
                continue
            made = self._sentence(sent, n)
            if not made:
                self._continuation(sent)
            self.sp.note_sentence(sent)
        return self.claims

    def actions(self) -> list[Claim]:
        """Every sentence that names or refers to a state actor and is no statement of it: what
        a government does ("China suspended imports of ..."), what is done to it, what it is
        expected to do.  /stance reads them as candidate evidence (the stance model decides
        whether they show a position); /claims does not list them.  A sentence that names no
        actor but opens with a pronoun or "the ministry/government" refers to the actor that
        was the subject of the sentence before (or its only actor)."""
        said = {(c.start, c.actor) for c in self.claims}
        out: list[Claim] = []
        prev: list[str] = []
        for sent in self.doc.sents:
            text = self.text[sent.start_char:sent.end_char].strip()
            if self._headline(sent) or len(text.split()) < 5:
                prev = []
                continue
            mentions = self.gaz.find(text, self.text)
            found = list(dict.fromkeys(m.actor for m in mentions))
            if not found and len(prev) == 1 and _refers_back(sent):
                found = prev
            root = sent.root
            offset = sent.start_char + (len(self.text[sent.start_char:sent.end_char]) -
                                        len(self.text[sent.start_char:sent.end_char].lstrip()))
            subjects = [t for t in root.children if t.dep_ in SUBJECT_DEPS]
            subject_actors = [m.actor for m in mentions for t in subjects
                              if t.left_edge.idx <= offset + m.start < t.right_edge.idx + len(t.right_edge)]
            prev = subject_actors[:1] or (found if len(found) == 1 else [])
            for actor in found:
                if (sent.start_char, actor) in said or not actor:
                    continue
                out.append(Claim(
                    id=stable_id("a", self.article, sent.start_char, actor),
                    actor=actor, cue=root.lemma_.lower(), quote=text, sentence=text,
                    start=sent.start_char, end=sent.end_char, article=self.article, published=self.published,
                    stance=clause_stance(root) if root.pos_ in ("VERB", "AUX") else "neutral",  # type: ignore[arg-type]
                    topics=topic_index().match(text), context=self._context(sent), speaker=None,
                    confidence=0.3, extractor=EXTRACTOR_VERSION, kind="action"))
        return out

    def _headline(self, sent: Span) -> bool:
        """A line of its own without a final stop: a headline, a crosshead, a caption or a dateline."""
        s, e = sent.start_char, sent.end_char
        e = s + len(self.text[s:e].rstrip())
        line_start = self.text.rfind("\n", 0, s) + 1
        line_end = self.text.find("\n", e)
        line = self.text[line_start:line_end if line_end >= 0 else len(self.text)].strip()
        if self.text[s:e].strip() != line or not line:
            return False
        return line[-1] not in ".!?\"\u201d\u2019')" and len(line.split()) <= 25

    def _sentence(self, sent: Span, n: int) -> int:
        according = self._according_to(sent)
        cands: list[tuple[Token, list[SpeakerRef]]] = []
        for tok in sent:
            if tok.pos_ == "NOUN":
                self._nominal(tok, sent, cands)
                continue
            if not self._is_predicate(tok):
                continue
            if tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_.lower() in CAUSATIVE_HEADS and \
                    any(c.dep_ == "nsubj" for c in tok.children):
                continue  # "China wants to see Washington lift the tariffs": China's wish, not Washington's
            subj = self._subject(tok)
            if subj is None and according is not None and self._is_main(tok, sent):
                subj = according
            if subj is None:
                continue
            speakers = self._subject_speakers(tok, subj, sent)
            if speakers:
                cands.append((tok, speakers))
        self._note_issuer(sent)
        covered = self._covered(cands)
        made = 0
        said: set[str] = set()
        for pred, speakers in cands:
            if pred.i in covered:
                continue
            for speaker in speakers:
                got = self._claim_for(pred, speaker, sent, n)
                made += got
                if got:
                    said.add(speaker.name)
        if according is not None and not made:
            made += self._according_claim(according, sent, n, said)
        return made

    def _is_predicate(self, tok: Token) -> bool:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "ADJ":
            return (lemma in self.lex.adj_support or lemma in self.lex.adj_oppose) and \
                tok.dep_ in ("acomp", "ROOT", "conj", "xcomp", "ccomp")
        if tok.pos_ not in ("VERB", "AUX"):
            return False
        phrasal = _phrasal(tok)
        if self._reporting(tok):
            return True
        if lemma in self.att.actions or phrasal in self.att.actions:
            # an act, not a statement ("China imposed duties"), unless what it acts on is speech ("raised concerns")
            return any(c.dep_ in ("dobj", "obj") and c.lemma_.lower() in self.att.speech_nouns for c in tok.children)
        return self.lex.is_cue_token(tok)

    def _reporting(self, tok: Token) -> bool:
        lemma = MISTAGGED.get(tok.lower_, "") if tok.pos_ == "AUX" else ""
        lemma = lemma or tok.lemma_.lower()
        return tok.pos_ in ("VERB", "AUX") and (lemma in self.lex.report or lemma in self.att.report
                                                 or _phrasal(tok) in self.att.report)

    def _position(self, tok: Token) -> bool:
        """A verb that takes a side by itself ("opposes", "ruled out"), not only reports."""
        lemma, phrasal = tok.lemma_.lower(), _phrasal(tok)
        return any(w in self.lex.support or w in self.lex.oppose for w in (lemma, phrasal))

    def _covered(self, cands: list[tuple[Token, list[SpeakerRef]]]) -> set[int]:
        """Tokens inside what a reporting predicate reports: its speaker's statement, not claims of their own."""
        covered: set[int] = set()
        for pred, speakers in cands:
            if not any(sp.actor or (sp.kind == "person" and sp.name != _tidy_role(sp)) for sp in speakers):
                continue  # "..., the sources said": unnamed sources relay what the others in it hold
            if not self._reporting(pred) or self._position(pred):
                continue  # "X urged that Y ...", "demands Y refused": Y's own stand, not X's report
            objects = self._report_object(pred)
            subj = self._subject(pred)
            said = self._said_object(pred)
            if said is not None:
                covered.update(range(said[0].left_edge.i, said[1].right_edge.i + 1))
            for c in pred.children:
                if subj is not None and subj.head.i == c.i:
                    continue  # the clause the subject was borrowed from says something of its own
                if self._sibling_statement(c):
                    continue
                if c.dep_ in ("ccomp", "xcomp") or c in objects:
                    covered.update(_own_subtree(c))
                    for d in c.children:
                        if self._back_to_reporter(d):
                            covered.difference_update(t.i for t in d.subtree)
        # a reporting verb inside another's report with a named speaker of its own is a statement of
        # its own ("A said the plan is sound, whereas B told reporters it costs too much")
        for pred, speakers in cands:
            if pred.i in covered and self._named_report(pred, speakers):
                covered.discard(pred.i)
        return covered

    def _named_report(self, pred: Token, speakers: list[SpeakerRef]) -> bool:
        """A reporting verb whose subject names a person or a state (not a pronoun)."""
        return self._reporting(pred) and not self._position(pred) and \
            any(sp.kind in ("person", "state") and sp.mention.lower() not in {*PERSON_PRONOUNS, *GROUP_PRONOUNS}
                for sp in speakers)

    def _inner_report(self, tok: Token) -> bool:
        """A clause hung inside a reported clause that is another speaker's report ("said A wants the
        deal, while B has said ...", "said ..., and her deputy insisted ..."): not part of the first report."""
        if tok.dep_ not in ("advcl", "conj") or not self._reporting(tok):
            return False
        subj = next((c for c in tok.children if c.dep_ in SUBJECT_DEPS), None)
        return subj is not None and self._named_report(tok, self.sp.speakers(subj, tok.sent))

    def _nominal(self, noun: Token, sent: Span, cands: list[tuple[Token, list[SpeakerRef]]]) -> None:
        """A position held as a noun with its holder: "Ottawa's push for a freer grain market"."""
        lemma = noun.lemma_.lower()
        if not (lemma in self.lex.noun_support or lemma in self.lex.noun_oppose):
            return
        holder = next((c for c in noun.children if c.dep_ == "poss"), None)
        if holder is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
            # "a top priority for Lima will be to ...": the holder in a for-phrase
            prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "for"), None)
            holder = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
        if holder is None or holder.pos_ == "PRON":
            return
        if not any(c.dep_ in ("prep", "acl", "xcomp", "relcl", "advcl") for c in noun.children):
            return
        speakers = self.sp.speakers(holder, sent)
        if speakers:
            cands.append((noun, speakers))

    def _subject_speakers(self, pred: Token, subj: Token, sent: Span) -> list[SpeakerRef]:
        """The speakers of a subject, with the last of a list the parser split off as a second subject
        of its own ("[the envoys of A, B], and [C] said")."""
        speakers = self.sp.speakers(subj, sent)
        if subj.head.i != pred.i:
            return speakers
        for c in pred.children:
            if c.dep_ == "nsubj" and c.i != subj.i and subj.i < c.i < pred.i and \
                    self.doc[c.left_edge.i - 1].lower_ in ("and", "or") and c.pos_ in ("PROPN", "NOUN"):
                speakers += [r for r in self.sp.speakers(c, sent) if r not in speakers]
        return speakers

    def _is_main(self, tok: Token, sent: Span) -> bool:
        return tok.dep_ == "ROOT" or tok.head == sent.root

    # -- subjects ------------------------------------------------------------------------------
    def _subject(self, pred: Token) -> Token | None:
        for c in pred.children:
            # '"Q," said X': Q is no speaker; and the subject of a passive ("Y was given an
            # exemption") is its patient, not the one who holds a position
            if c.dep_ in SUBJECT_DEPS and not is_placeholder(c.text) and \
                    not (c.dep_ == "nsubjpass" and pred.pos_ == "VERB"):
                if c.lower_ in RELATIVE_PRONOUNS and pred.dep_ == "relcl":
                    # "X, who said ...": the antecedent speaks; "a bloc which aims to ..." describes it
                    return pred.head if self._reporting(pred) and pred.head.pos_ in ("PROPN", "NOUN") else None
                later = next((d for d in pred.children if d.dep_ == "nsubj" and c.i < d.i < pred.i
                              and d.ent_type_ == "PERSON"), None)
                if later is not None and self.sp.in_title_of(c, later):
                    return later  # "[Deputy Premier] and Energy Minister [X] said": two subjects, one person
                return c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if self._reporting(pred) and any(c.dep_ in SUBJECT_DEPS and is_placeholder(c.text) for c in pred.children):
            # '"Q," read a statement by X', '"Q," said X' with the speaker parsed as the object
            after = [c for c in pred.children if c.dep_ in ("dobj", "attr", "npadvmod") and c.i > pred.i
                     and c.lower_ not in self.att.audience]
            if after:
                return after[0]
        head = pred.head
        # "X was quoted as saying ...", "X was cited as saying ..."
        if pred.dep_ == "pcomp" and head.lower_ == "as" and head.head.pos_ == "VERB":
            for c in head.head.children:
                if c.dep_ == "nsubjpass":
                    return c
        if self._back_to_reporter(pred):
            return self._subject(head.head)  # "X says the tax hurts growers and wants it scrapped"
        # coordinated or auxiliary-chained predicates share the subject ("X said ... and added ...")
        if pred.dep_ in ("conj", "xcomp") and head.i != pred.i and head.pos_ in ("VERB", "AUX", "ADJ"):
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    # "Y urged X to lift": the object of the head is the xcomp's subject, not the head's
                    if pred.dep_ == "xcomp" and any(d.dep_ in ("dobj", "obj") for d in head.children):
                        return None
                    return c
            if pred.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
                return self._subject(head)
        # ", saying ...", ", criticizing ...", "with X expecting ...": the clause it hangs on
        if pred.tag_ == "VBG" and pred.dep_ in ("advcl", "conj", "xcomp") and head.i != pred.i and \
                head.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            if head.pos_ == "NOUN":
                return None
            return self._subject(head)
        if pred.pos_ == "ADJ" and pred.dep_ == "acomp":
            for c in pred.head.children:
                if c.dep_ == "nsubj":
                    return c
        if self._asyndetic(pred) or self._sibling_statement(pred):
            return self._subject(head)
        if self._reporting(pred) and not any(c.dep_ in SUBJECT_DEPS for c in pred.children):
            # 'X called it "unfair", noted that ...' parsed with "called" as a complement of "noted": the
            # subject of the reporting clause before it speaks on
            left = [c for c in pred.children if c.dep_ == "ccomp" and c.i < pred.i and self._reporting(c)
                    and any(g.dep_ == "nsubj" for g in c.children)]
            if left and any(c.i > pred.i and c.dep_ in ("ccomp", "xcomp") for c in pred.children):
                return next(g for g in left[-1].children if g.dep_ == "nsubj")
        if self._reporting(pred) and pred.dep_ in ("aux", "auxpass", "amod", "compound") and pred.i > pred.sent.start:
            # '... Foreign Minister X said, "..."' parsed with "said" as an auxiliary: the name just before speaks
            prev = pred.doc[pred.i - 1]
            if prev.ent_type_ == "PERSON" or prev.pos_ == "PROPN":
                return prev
        return None

    def _statement_verb(self, tok: Token) -> bool:
        return tok.pos_ in ("VERB", "AUX") and (self._reporting(tok) or self._position(tok)) and \
            not any(c.dep_ in SUBJECT_DEPS for c in tok.children)

    def _asyndetic(self, pred: Token) -> bool:
        """A statement verb the parser hung on the verb before it as a bare dependent, after a comma
        ('X described the levy as unfair, recalled that ..., and said ...'): coordinated with it."""
        head = pred.head
        return pred.dep_ == "dep" and head.i < pred.i and head.pos_ in ("VERB", "AUX") and \
            self._statement_verb(pred) and pred.left_edge.i > 0 and \
            (self.doc[pred.left_edge.i].text in (",", ";") or self.doc[pred.left_edge.i - 1].text in (",", ";"))

    def _sibling_statement(self, pred: Token) -> bool:
        """A second complement of a reporting verb that is a statement verb with no subject of its own
        ('said the mine would reopen, has promised new roads, ...'): the reporter's own, not reported."""
        head = pred.head
        return pred.dep_ == "ccomp" and head.i != pred.i and self._reporting(head) and self._statement_verb(pred) and \
            any(c.dep_ == "ccomp" and head.i < c.i < pred.i for c in head.children)

    def _back_to_reporter(self, pred: Token) -> bool:
        """A position verb coordinated inside a reported clause whose subject cannot hold a
        position ("says [the toll deters tourists and wants it halved]"): the reporter wants."""
        head = pred.head
        if pred.dep_ != "conj" or head.dep_ != "ccomp" or not self._reporting(head.head) or \
                any(c.dep_ in SUBJECT_DEPS for c in pred.children) or \
                not (self._position(pred) or (self._reporting(pred) and (self._complement(pred) is not None
                                                                          or self._report_object(pred)))):
            return False
        subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return subj is not None and subj.lower_ not in {*PERSON_PRONOUNS, *GROUP_PRONOUNS} and \
            not self.sp.speakers(subj, pred.sent)

    def _according_to(self, sent: Span) -> Token | None:
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
                for c in tok.nbor().children:
                    if c.dep_ == "pobj":
                        return c
        return None

    def _according_claim(self, holder: Token, sent: Span, n: int, said: set[str]) -> int:
        """"According to X" with any main verb: the sentence, without that phrase, is X's."""
        speakers = [s for s in self.sp.speakers(holder, sent) if s.name not in said]
        if not speakers:
            return 0
        prep = holder.head.head if holder.head.head.lower_ == "according" else holder.head
        lo, hi = prep.left_edge.idx, holder.right_edge.idx + len(holder.right_edge)
        s, e = sent.start_char, sent.end_char
        body = _join(self.text[s:lo], self.text[hi:e])
        root = sent.root
        tgts = targets(root)
        content = _Content(s, e, body, tgts, _overall(tgts) if tgts else "neutral", clausal=True)
        made = 0
        for speaker in speakers:
            made += self._emit(root, speaker, sent, n, content, cue="according to")
        return made

    def _note_issuer(self, sent: Span) -> None:
        """"X issued a statement", "X said in a statement": a later "the statement" speaks for X."""
        for tok in sent:
            if tok.lemma_.lower() not in self.att.documents or tok.dep_ not in ("dobj", "pobj"):
                continue
            verb = tok.head if tok.dep_ == "dobj" else tok.head.head
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            subj = self._subject(verb)
            if subj is None:
                continue
            refs = self._subject_speakers(verb, subj, sent)
            if refs:
                self.sp.note_issuers(refs)

    # -- what is said -------------------------------------------------------------------------------
    def _report_object(self, pred: Token) -> list[Token]:
        """The noun-phrase objects that are the statement of a reporting verb ("stressed the
        need for ...", "spoke of ...", "described X as ..."); none for an audience ("told reporters")."""
        lemma = pred.lemma_.lower()
        if lemma not in self.att.report_object:
            return []
        out = []
        for c in pred.children:
            if c.dep_ in ("dobj", "obj", "attr", "oprd") and c.lower_ not in self.att.audience and \
                    c.lemma_.lower() not in self.att.audience and c.pos_ != "PRON" and not is_placeholder(c.text):
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in STATEMENT_PREPS and (c.lower_ != "to" or lemma == "refer"):
                # "as" may take an adjective ("described the ruling as biased")
                pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp") or
                             (c.lower_ == "as" and g.dep_ in ("amod", "acomp") and g.pos_ == "ADJ")), None)
                if pobj is not None and pobj.lemma_.lower() not in self.att.audience and \
                        pobj.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
                    out.append(c)  # not "spoke of Monday"
        if out and all(c.dep_ == "prep" and c.lower_ == "as" for c in out):
            return []  # "described as ..." with nothing described
        return out

    def _content(self, pred: Token, speaker: SpeakerRef, sent: Span) -> _Content | None:
        quote = self._quote_under(pred, sent)
        if quote is not None:
            qdoc = self.quote_docs.get(quote.start)
            tgts: list[Target] = []
            if qdoc is not None:
                for root in (s.root for s in qdoc.sents):
                    tgts.extend(_shift(targets(root, qdoc[root.sent.start:root.sent.end]), quote.start))
            return _Content(quote.start, quote.end, quote.text, tgts, _overall(tgts) if tgts else "neutral", quote)
        if self._reporting(pred) and not self._position(pred):
            comp = self._complement(pred)
            said = self._said_object(pred)
            if said is not None:
                obj, clause = said
                span = self.doc[obj.left_edge.i:clause.right_edge.i + 1]
                tgts = targets(clause) or targets(pred)
                stance = _overall(tgts) if tgts else clause_stance(clause)
                return _Content(span.start_char, span.end_char, self.text[span.start_char:span.end_char], tgts,
                                stance, clausal=True)
            if comp is not None:
                cut = [d for d in comp.children if self._back_to_reporter(d) or self._inner_report(d)]
                right = min([d.left_edge.i for d in cut] + [comp.right_edge.i + 1])
                while right - 1 > comp.i and (self.doc[right - 1].dep_ == "cc" or self.doc[right - 1].text in (",", ";")):
                    right -= 1
                span = self.doc[comp.left_edge.i:right]
                tgts = targets(comp) if self._same_voice(comp, speaker) else targets(pred)
            elif self._report_object(pred):
                objs = self._report_object(pred)
                right = max(o.right_edge.i for o in objs)
                while right > pred.i and self.doc[right].text in (",", ";"):
                    right -= 1
                span = self.doc[pred.i:right + 1]
                tgts = targets(pred)
            elif pred.dep_ == "parataxis" or (pred.dep_ == "advcl" and any(c.lower_ == "as" for c in pred.children)):
                # "The levy, he added, will go": the clause around the parenthetical
                head = pred.head
                lo, hi = pred.left_edge.idx, pred.right_edge.idx + len(pred.right_edge)
                s, e = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
                body = _join(self.text[s:lo], self.text[hi:e])
                tgts = targets(head)
                return _Content(s, e, body, tgts, _overall(tgts) if tgts else clause_stance(head), clausal=True)
            else:
                return None  # "X said" with nothing said
            if not span.text.strip() or all(is_placeholder(t.text) or t.is_punct for t in span):
                return None
            if not tgts:
                tgts = [t for t in (relative_antecedent(pred),) if t is not None]
            stance = _overall(tgts) if tgts else clause_stance(pred)
            return _Content(span.start_char, span.end_char, self.text[span.start_char:span.end_char], tgts, stance,
                            clausal=True)
        if pred.pos_ == "NOUN" and pred.dep_ == "nsubj" and pred.head.lemma_ == "be":
            pred = pred.head  # "a priority for X is to ...": the whole clause says it
        subj = self._subject(pred)
        # the subject starts the statement only where it is the predicate's own: "X says A and wants B"
        # makes "wants B" a statement of its own
        own = subj is not None and subj.head.i == pred.i
        left = subj.left_edge.i if own and subj.i < pred.i and subj.sent == pred.sent else pred.left_edge.i
        # up to the next coordinated predicate: "favours A, yet it rejects B", "called it unfair, noted
        # that ... and said ..." are statements of their own
        verbs = [c for c in pred.children if (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX", "ADJ") and c.i > pred.i)
                 or self._asyndetic(c)]
        stop = min((c.left_edge.i for c in verbs), default=pred.right_edge.i + 1)
        right = max([pred.i] + [c.right_edge.i for c in pred.children if c.right_edge.i < stop])
        while right > pred.i and (self.doc[right].dep_ == "cc" or self.doc[right].text in (",", ";")):
            right -= 1
        span = self.doc[min(left, pred.i):right + 1]
        tgts = targets(pred)
        comp = next((c for c in pred.children if c.dep_ == "ccomp"), None)
        if comp is not None and self._same_voice(comp, speaker):
            # "Abe proposed that Japan would cooperate": the speaker's own country's position is theirs
            seen = {t.text for t in tgts}
            tgts += [t for t in targets(comp) if t.text not in seen]
        if not tgts:
            tgts = [t for t in (relative_antecedent(pred),) if t is not None]
        stance = _overall(tgts) if tgts else clause_stance(pred)
        if not tgts and stance == "neutral" and not self._reporting(pred):
            return None  # a position verb with nothing evaluated; reported speech is kept
        return _Content(span.start_char, span.end_char, self.text[span.start_char:span.end_char], tgts, stance)

    def _complement(self, pred: Token) -> Token | None:
        """The clause a reporting verb reports: the one after it where there are two ("Lima is
        ready: the minister said that Peru would ...")."""
        comps = [c for c in pred.children if c.dep_ in ("ccomp", "xcomp") and not self._sibling_statement(c)]
        after = [c for c in comps if c.i > pred.i]
        return (after or comps or [None])[0]

    def _said_object(self, pred: Token) -> tuple[Token, Token] | None:
        """'X said the budget, as presented, would not pass' parsed as "said [the budget]" and a clause
        with no subject ("[would] not pass", coordinated with the verb or as its complement): the
        object is that clause's subject, and both are what was said.  Not for verbs whose object is
        the statement itself ("called the levy unfair", "described it as ..."), nor where the
        clause is the speaker's next statement ("called X unfair and said ...")."""
        if pred.lemma_.lower() in self.att.report_object:
            return None
        obj = next((c for c in pred.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and c.i > pred.i
                    and c.lemma_.lower() not in self.att.audience), None)
        if obj is None:
            return None
        clause = next((c for c in pred.children if c.dep_ in ("conj", "ccomp") and c.i > obj.i
                       and c.pos_ in ("AUX", "VERB") and not any(g.dep_ in SUBJECT_DEPS for g in c.children)
                       and not self._reporting(c) and not self._position(c)), None)
        return (obj, clause) if clause is not None else None

    def _same_voice(self, comp: Token, speaker: SpeakerRef) -> bool:
        """Is the complement's subject the speaker (or their state) speaking of itself?  Then
        its stance is the speaker's ("Peru said it opposes the levy"); otherwise the speaker
        only reports another's ("Chile said Peru would impose tariffs")."""
        subj = self._subject(comp)
        if subj is None or subj.lower_ in PERSON_PRONOUNS or subj.lower_ in GROUP_PRONOUNS or subj.lower_ == "i":
            return True
        refs = self.sp.speakers(subj, comp.sent)
        return bool(refs) and all(r.actor and r.actor == speaker.actor for r in refs)

    def _claim_for(self, pred: Token, speaker: SpeakerRef, sent: Span, n: int) -> int:
        if (speaker.kind == "person" or (speaker.kind == "body" and speaker.evidence in ("", *WEAK_EVIDENCE))) and \
                (speaker.actor is None or speaker.evidence in WEAK_EVIDENCE):
            found = self._government_reported(pred, sent, any_state=speaker.kind == "body")
            if found is not None:
                speaker = replace(speaker, actor=found, evidence="speaks for the government it reports")
        content = self._content(pred, speaker, sent)
        if content is None:
            self.sp.note_speaker(speaker)
            return 0
        return self._emit(pred, speaker, sent, n, content)

    def _government_reported(self, pred: Token, sent: Span, any_state: bool = False) -> str | None:
        """"The Peruvian government will wait ..., the trade minister said": a minister whose
        country the text does not give speaks for the government they report on; a bare "the
        ministry" also for the state it reports ("Peru will ..., the ministry said")."""
        comp = next((c for c in pred.children if c.dep_ in ("ccomp", "parataxis")), None)
        if comp is None and pred.dep_ == "parataxis":
            comp = pred.head
        subj = self._subject(comp) if comp is not None else None
        if subj is None:
            return None
        gov = subj.lemma_.lower() in ("government", "administration", "cabinet", "ministry")
        if not gov and not any_state:
            return None
        refs = self.sp.speakers(subj, sent)
        if len(refs) == 1 and refs[0].actor and refs[0].evidence not in WEAK_EVIDENCE and \
                (gov or refs[0].kind == "state"):
            return refs[0].actor
        return None

    def _merge_role(self, speaker: SpeakerRef, n: int) -> SpeakerRef:
        """"..., the energy minister said.  Kwame Osei added that ...": the unnamed
        official just quoted is the person named right after, when that person comes with
        no title of their own."""
        if speaker.kind != "person" or speaker.role or speaker.actor is not None:
            return speaker
        person = self.sp.state.people.get(fold_name(speaker.name))
        if person is None or person.role or person.evidence:
            return speaker
        pending = [p for p in self._role_claims if 0 < n - p[0] <= ROLE_SPEAKER_REACH]
        if not pending:
            return speaker
        self._role_claims = [p for p in self._role_claims if p is not pending[-1]]
        _, role_ref, claims = pending[-1]
        person.actor, person.role, person.evidence = role_ref.actor, role_ref.role, "named after the title"
        for c in claims:
            c.speaker = {"name": person.name, "mention": (c.speaker or {}).get("mention", ""), "kind": "person"}
            c.role = role_ref.role
        return SpeakerRef(person.name, speaker.mention, "person", person.actor, person.role, person.evidence)

    def _emit(self, pred: Token, speaker: SpeakerRef, sent: Span, n: int, content: _Content,
              cue: str | None = None) -> int:
        speaker = self._merge_role(speaker, n)
        key = (sent.start_char, speaker.name, speaker.actor or "")
        spans = self._spans.setdefault(key, [])
        if any(a < content.end and content.start < b for a, b in spans):
            return 0  # the same statement again ("said ... adding ...": one claim per thing said)
        spans.append((content.start, content.end))
        self.sp.note_speaker(speaker)
        tgts = content.targets
        topics = topic_index().match(f"{content.text} {' '.join(t.text for t in tgts)}")
        main = next((t for t in tgts if t.stance != "neutral"), tgts[0] if tgts else None)
        claim = Claim(
            id=stable_id("c", self.article, sent.start_char, content.start if content.quote else pred.idx,
                         speaker.name, speaker.actor or ""),
            actor=speaker.actor or "",
            cue=cue or (MISTAGGED.get(pred.lower_) if pred.pos_ == "AUX" else None) or
            (_phrasal(pred) if pred.pos_ in ("VERB", "AUX") else pred.lemma_.lower()),
            quote=content.text.strip(),
            sentence=self.text[sent.start_char:sent.end_char].strip(),
            start=sent.start_char,
            end=sent.end_char,
            article=self.article,
            published=self.published,
            stance=content.stance,  # type: ignore[arg-type]
            target=main.text if main else "",
            topics=topics,
            targets=[{"text": t.text, "stance": t.stance, "depth": t.depth} for t in tgts[:12]],
            context=self._context(sent),
            speaker=speaker.as_dict(),
            role=speaker.role,
            actor_evidence=speaker.evidence,
            confidence=_confidence(speaker, content.quote is not None),
            extractor=EXTRACTOR_VERSION,
        )
        self.claims.append(claim)
        if speaker.kind == "person" and speaker.role and fold_name(speaker.name) not in self.sp.state.people and \
                not speaker.mention.lower().startswith(("a ", "an ", "one ")):
            # a person known only by title so far: the next untitled name may be theirs
            same = [p for p in self._role_claims if p[1].name == speaker.name]
            if same:
                same[-1][2].append(claim)
            else:
                self._role_claims.append((n, speaker, [claim]))
        return 1

    def _context(self, sent: Span) -> str:
        """The sentence before, for claims whose object is only 'it' or nothing at all."""
        if sent.start == 0:
            return ""
        prev = self.doc[sent.start - 1].sent
        return self.text[prev.start_char:prev.end_char].strip()[:400]

    def _quote_under(self, pred: Token, sent: Span) -> Quote | None:
        """The masked quote this predicate introduces, if any."""
        for q in self.quotes:
            if sent.start_char <= q.start < sent.end_char:
                tok = self.doc.char_span(q.start, q.end, alignment_mode="expand")
                if tok is None:
                    continue
                root = tok.root
                if root.head.i == pred.i or pred in root.ancestors or root.i == pred.i or \
                        (pred.dep_ == "ROOT" and root.sent == sent and not self._other_cue_governs(root, pred)):
                    return q
                between = self.text[pred.idx + len(pred.text):q.start]
                if self._reporting(pred) and len(between) <= 4 and not between.strip(" ,:\"\u201c"):
                    return q  # 'X said, "..."' however the parser hung the quote
        return None

    def _other_cue_governs(self, tok: Token, pred: Token) -> bool:
        return any(a.i != pred.i and a.pos_ == "VERB" and (self.lex.is_cue(a.lemma_.lower()) or self._reporting(a))
                   for a in tok.ancestors)

    def _continuation(self, sent: Span) -> None:
        """A sentence that is only a quote continues the last speaker."""
        last = self.sp.state.last
        if last is None:
            return
        for q in self.quotes:
            if sent.start_char <= q.start < sent.end_char and len(sent.text.strip()) - len(q.text) < 8:
                qdoc = self.quote_docs.get(q.start)
                tgts: list[Target] = []
                if qdoc is not None:
                    for s in qdoc.sents:
                        tgts.extend(_shift(targets(s.root, s), q.start))
                content = _Content(q.start, q.end, q.text, tgts, _overall(tgts) if tgts else "neutral", q)
                self._emit(sent.root, last, sent, -1, content, cue="say")
                return


REFERRING_SUBJECTS = {"it", "its", "they", "their", "the ministry", "the government", "officials", "the country",
                      "the administration", "the cabinet", "the bloc", "the commission"}


def _refers_back(sent: Span) -> bool:
    """Whether a sentence opens by referring to the actor of the one before ("It said", "The
    ministry added", "Officials there ...")."""
    words = sent.text.lower().split()
    return bool(words) and (words[0] in REFERRING_SUBJECTS or " ".join(words[:2]) in REFERRING_SUBJECTS)


def _tidy_role(sp: SpeakerRef) -> str:
    """The name an unnamed speaker gets from its mention ("the sources" -> "Sources")."""
    m = sp.mention.strip()
    for article in ("the ", "a ", "an "):
        if m.lower().startswith(article):
            m = m[len(article):]
    return m[:1].upper() + m[1:]


def _join(before: str, after: str) -> str:
    """A clause with a phrase cut out of it ("X will open, according to Y, in May"): no comma or
    space left before the final stop."""
    after = after.lstrip(" ,")
    if after[:1] in (".", "!", "?", ";", ":") or not after:
        return (before.rstrip(" ,") + after).strip()
    return (before.rstrip(" ,") + " " + after).strip()


def _own_subtree(tok: Token) -> set[int]:
    """The tokens under ``tok`` except relative clauses with a subject of their own ("a levy,
    which Samoan officials call punitive": the officials' view, not the reporter's)."""
    out: set[int] = set()
    stack = [tok]
    while stack:
        t = stack.pop()
        out.add(t.i)
        for c in t.children:
            if c.dep_ in ("relcl", "acl") and any(g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in RELATIVE_PRONOUNS
                                                  for g in c.children):
                continue
            stack.append(c)
    return out


def _phrasal(tok: Token) -> str:
    parts = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    return f"{tok.lemma_.lower()} {parts[0]}" if parts else tok.lemma_.lower()


def _shift(ts: list[Target], offset: int) -> list[Target]:
    return [Target(t.text, t.start + offset, t.end + offset, t.stance, t.head) for t in ts]


def _overall(ts: list[Target]) -> str:
    for t in ts:
        if t.stance != "neutral":
            return t.stance
    return "neutral"


def _confidence(speaker: SpeakerRef, quoted: bool) -> float:
    c = 0.6
    if speaker.kind == "person":
        c += 0.1
    if quoted:
        c += 0.1
    if speaker.kind == "source":
        c -= 0.2
    if not speaker.actor:
        c -= 0.1
    return round(min(c, 0.95), 2)

