"""Speakers first, actors second: who says something, and which state or bloc (if any) they speak for.

A speaker is a person, a body (a ministry, a company, a party, a document's issuer), a
state named as itself ("Beijing said"), or an unnamed source ("analysts say").  Its actor
is resolved from what the article says, and the way it was resolved is kept as evidence:

- a title with a demonym, a country or a capital before the name ("Kenyan Trade Minister
  X", "Kremlin spokesperson X"), a possessive ("Canada's trade minister, X"), an
  apposition or an of-phrase ("X, foreign minister of Oman", "Colonel X of the Peruvian
  Army"), a relative clause ("X, who heads Chile's delegation");
- the country a person was introduced with, earlier in the article;
- the people directory: corrections by an admin, the curated office holders, people
  learned from earlier articles;
- for a person with a government title and no country, a bare "the ministry" or "the
  cabinet": the same body named earlier, a person's possessive ("her government"), or the
  dateline when it is the article's own country.  Never the dateline alone.

A speaker who speaks for no state (an opposition critic, an analyst, a company, an armed
group, a person with no official title) is kept with no actor: a statement is never lost
because its actor is unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.extract.actors import Gazetteer, Mention
from bot.extract.attribution import AttributionLexicon, attribution
from bot.extract.people import PeopleDirectory, PersonEntry, fold_name, name_forms, strip_honorifics
from bot.extract.quotes import is_placeholder
from bot.extract.spans import DocEnts

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m"}
GROUP_PRONOUNS = {"they", "it", "we"}
NAME_ENTS = ("PERSON",)
OTHER_ENTS = ("ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART")
ADDRESS = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dr", "Dr.", "Sir", "Dame", "Prince", "Princess",
           "Sheikh", "Sheikha", "Lord", "Lady"}
# where a person's country came from the article as a whole, not from what it says of them
WEAK_PERSON_EVIDENCE = {"article's main country", "dateline", "speaks for the government it reports"}
# titles that name one person: an unnamed "foreign minister" who said something is a person
ROLE_NOUNS = {"minister", "secretary", "ambassador", "envoy", "spokesperson", "spokesman", "spokeswoman",
              "president", "premier", "chancellor", "governor", "commissioner", "negotiator", "chief", "head",
              "director", "chair", "chairman", "chairwoman", "leader", "prosecutor", "mayor", "king", "queen",
              "emir", "prince"}
STATE_KINDS = ("alias", "capital", "demonym")  # gazetteer forms that name a state itself
MINISTER = re.compile(r"\bminist(?:er|ry|ries)\b", re.I)  # only governments have ministers
# evidence that comes from the article's own words about the person: worth learning
TITLE_EVIDENCE = {"title demonym", "title country", "title capital", "possessive", "apposition", "of-phrase",
                  "relative clause", "title metonym"}


@dataclass
class Person:
    name: str
    actor: str | None  # None: unknown yet; "": speaks for no state
    role: str = ""
    evidence: str = ""
    gender: str | None = None
    learned_at: int = -1  # character offset of the sentence where the actor link was read
    official: bool = False  # has a government title (without saying of which country)


@dataclass
class SpeakerRef:
    name: str
    mention: str
    kind: str  # person | body | state | source
    actor: str | None
    role: str = ""
    evidence: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "mention": self.mention, "kind": self.kind}


@dataclass
class ArticleState:
    """What earlier sentences told us: people met, the last speaker, the article's actors."""

    people: dict[str, Person] = field(default_factory=dict)  # folded full name -> Person
    forms: dict[str, list[str]] = field(default_factory=dict)  # folded form -> folded full names, newest last
    last: SpeakerRef | None = None
    last_group: list[SpeakerRef] = field(default_factory=list)  # the last speaker phrase's speakers (one per state)
    last_person: SpeakerRef | None = None
    recent_people: list[SpeakerRef] = field(default_factory=list)  # newest last
    first_seen: dict[str, int] = field(default_factory=dict)  # folded name -> offset of first mention
    last_actor: str | None = None
    actor_counts: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, SpeakerRef] = field(default_factory=dict)  # head noun -> last body with that head and an actor
    issuers: list[SpeakerRef] = field(default_factory=list)  # who issued the last document named ("A and B issued ...")
    recent_states: list[tuple[int, str]] = field(default_factory=list)  # (sentence no, actor), newest last
    spoke: set[str] = field(default_factory=set)  # folded names of the people who said something


class SpeakerResolver:
    """Resolves subject phrases of one article to speakers; keeps the article's state."""

    def __init__(self, text: str, ents: DocEnts, gaz: Gazetteer, people: PeopleDirectory) -> None:
        self.text = text
        self.ents = ents
        self.gaz = gaz
        self.lex: AttributionLexicon = attribution()
        self.directory = people
        self.state = ArticleState()
        self.dateline_actor = self._dateline()
        for m in self._find(text):
            self.state.actor_counts[m.actor] = self.state.actor_counts.get(m.actor, 0) + 1
        self.sentence_no = 0
        self.sentence_people: list[tuple[int, SpeakerRef]] = []  # (offset, person) subjects of this sentence

    # -- the article ---------------------------------------------------------------------------
    def _find(self, text: str) -> list[Mention]:
        return [m for m in self.gaz.find(text, context=self.text) if m.kind != "person"]

    def _dateline(self) -> str | None:
        """The country of a one-place dateline ("LIMA, May 3 -", "Lima:"): where the article is filed."""
        m = re.search(r"(?m)^\s*([A-Z][A-Za-z.'\u00C0-\u017F\- ]{2,30}?)\s*(?:\(\w+\))?\s*(?:,|:|-|\u2013|\u2014|$)",
                      self.text[:600])
        if not m:
            return None
        raw = m.group(1).strip()
        if len(raw.split()) > 3 or (not raw.isupper() and m.group(0).rstrip()[-1:] not in (":", "\u2014", "-", "\u2013")
                                    and "\n" not in m.group(0)[len(raw):] + "\n"):
            return None
        place = " ".join(w.capitalize() if w.isupper() else w for w in raw.split())
        found = self.gaz.lookup(place)
        return found[0] if found and found[1] in ("capital", "alias", "metonym") else None

    def main_actor(self, countries_only: bool = False) -> str | None:
        """The state the article names most, when one does (a tie names none)."""
        kinds = ("country",) if countries_only else ("country", "bloc")
        counts = sorted(((a, n) for a, n in self.state.actor_counts.items()
                         if self.gaz.actors.get(a, {}).get("kind") in kinds), key=lambda kv: -kv[1])
        if not counts:
            return None
        if len(counts) == 1 or counts[0][1] > counts[1][1]:
            return counts[0][0]
        return None

    def main_bloc(self) -> str | None:
        """The bloc the article names most: what "the bloc" means in it."""
        blocs = [(n, a) for a, n in self.state.actor_counts.items() if self.gaz.actors.get(a, {}).get("kind") == "bloc"]
        return max(blocs)[1] if blocs else None

    def home_actor(self, countries_only: bool = False) -> tuple[str, str] | None:
        """(actor, evidence) for an unnamed government body or official: the dateline's country
        when the article is about it too, else the country the article is clearly about (a
        minister is a country's, never a bloc's)."""
        main = self.main_actor(countries_only)
        counts = self.state.actor_counts
        if self.dateline_actor and (main == self.dateline_actor or not counts or
                                    (main is None and counts.get(self.dateline_actor, 0) >= 2)):
            return self.dateline_actor, "dateline"
        if main:
            return main, "article's main country"
        return None

    def note_sentence(self, sent: Span) -> None:
        """After a sentence: the states it named, for "the two sides" and "it"."""
        self.sentence_no += 1
        self.sentence_people.clear()
        for m in self._find(sent.text):
            a = self.gaz.actors.get(m.actor, {})
            if a.get("kind") in ("country", "bloc", None) and m.kind in STATE_KINDS + ("metonym",):
                self.state.recent_states.append((self.sentence_no, m.actor))
                self.state.last_actor = m.actor
        self.state.recent_states = self.state.recent_states[-12:]

    # -- people ------------------------------------------------------------------------------------
    def learn_people(self, sent: Span) -> None:
        """Meet the people a sentence names, with what their titles say of them."""
        for ent in self.ents.within(sent):
            if ent.label_ not in NAME_ENTS:
                continue
            span = self.person_span(ent)
            if span is None:
                continue
            name = self.clean_name(span.text)
            if len(name.split()) < 2 or self._is_place(name):
                continue
            self.person(name, span, sent)

    def person_span(self, ent: Span) -> Span | None:
        """The entity, widened over hyphenated parts ("Lee Jae-myung" parsed as Lee / Jae / - / myung)
        and cut at quotes and placeholders."""
        doc = ent.doc
        start, end = ent.start, ent.end
        while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and \
                not doc[start - 1].whitespace_ and doc[start - 2].text[:1].isupper():
            start -= 2
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and \
                not doc[end].whitespace_ and doc[end + 1].is_alpha:
            end += 2
        # surname particles the model left out: "Ursula von" + "der Leyen"
        parts = self.lex.particles
        while end + 1 < len(doc) and doc[end].text in parts and (doc[end + 1].text in parts or
                                                                  doc[end + 1].text[:1].isupper()):
            end += 1
            while end < len(doc) and doc[end].text in parts:
                end += 1
            if end < len(doc) and doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN":
                end += 1
        while start >= 1 and doc[start - 1].text in parts and start >= 2 and doc[start - 2].text[:1].isupper() \
                and doc[start - 2].pos_ == "PROPN" and not self._title_word(doc[start - 2]):
            start -= 2
        inner = [t.i for t in doc[start:end] if is_placeholder(t.text) or t.is_quote or t.text in (",", ";", "(", ")")]
        if inner:
            cut = [i for i in inner if i >= ent.root.i]
            start = max([i + 1 for i in inner if i < ent.root.i], default=start)
            end = min(cut, default=end)
        # titles the model took into the name ("President Ana Quispe"): they are read as titles
        while end - start > 1 and self._title_word(doc[start]):
            start += 1
        if end <= start:
            return None
        return doc[start:end]

    def _title_word(self, tok: Token) -> bool:
        text = tok.text
        found = self.gaz.lookup(text)
        return text.lower().rstrip(".") in self.gaz.official_terms or self.gaz.is_title(text.lower()) or \
            text in self.lex.honorifics or (found is not None and found[1] != "person") or \
            (tok.is_lower and text not in self.lex.particles) or tok.is_punct or text.lower() in ("the", "'s")

    def clean_name(self, text: str) -> str:
        """A person's name without article, possessive, titles, honorifics or ranks."""
        name = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)
        name = re.sub(r"['\u2019]s?$", "", name).strip()
        words = name.split()
        while len(words) > 1 and (words[0].lower().rstrip(".") in self.gaz.official_terms or
                                  self.gaz.is_title(words[0]) or words[0] in self.lex.honorifics or
                                  words[0].rstrip(".") in self.lex.honorifics or
                                  (self.gaz.lookup(words[0]) and len(words) > 2) or words[0].islower()):
            words = words[1:]
        return strip_honorifics(" ".join(words))

    def _is_place(self, name: str) -> bool:
        found = self.gaz.lookup(name)
        return found is not None and found[1] != "person"

    def known(self, mention: str) -> Person | None:
        """A person met earlier in the article, by full name or a form they go by (newest first)."""
        key = fold_name(strip_honorifics(mention))
        if key in self.state.people:
            return self.state.people[key]
        names = self.state.forms.get(key)
        if names:
            return self.state.people[names[-1]]
        return None

    def remember(self, person: Person, mention: str = "") -> None:
        key = fold_name(person.name)
        self.state.people[key] = person
        forms = name_forms(person.name)
        if mention:
            forms.add(fold_name(strip_honorifics(mention)))
        for f in forms:
            names = self.state.forms.setdefault(f, [])
            if key in names:
                names.remove(key)
            names.append(key)

    def person(self, name: str, span: Span, sent: Span) -> Person:
        """The person ``name`` (met before, or new), with the actor the text gives them."""
        person = self.known(name)
        if person is not None:
            if person.actor is None or (person.evidence not in TITLE_EVIDENCE and person.evidence != "admin"):
                actor, role, evidence = self._title_actor(span)
                if evidence:
                    person.actor, person.evidence, person.learned_at = actor, evidence, sent.start_char
                if role and not person.role:
                    person.role = role
            self.remember(person, span.text)
            return person
        full = name
        entry = self.directory.find(name)
        if entry is not None and (len(name.split()) > 1 or fold_name(entry.name) != fold_name(name)):
            full = entry.name if len(entry.name.split()) >= len(name.split()) else name
        person = Person(full, None)
        actor, role, evidence = self._title_actor(span)
        person.role = role
        if entry is not None and (entry.source == "admin" or (evidence == "no state" and entry.actor)):
            # an admin's correction; or a listed person the title calls a challenger or critic
            person.actor, person.evidence = entry.actor, "admin" if entry.source == "admin" else entry.evidence
            person.role = person.role or entry.role
        elif evidence:
            person.actor, person.evidence, person.learned_at = actor, evidence, sent.start_char
        elif entry is not None and (entry.actor or entry.evidence == "no state"):
            person.actor = entry.actor
            person.evidence = "learned from earlier articles" if entry.source == "learned" else entry.evidence
            person.role = person.role or entry.role
        person.official = bool(role) and self._official(role) and not self._no_state(role)
        self.remember(person, span.text)
        if fold_name(full) not in self.state.first_seen:
            self.state.first_seen[fold_name(full)] = span.start_char
            self.state.recent_people.append(SpeakerRef(full, span.text, "person", person.actor, person.role,
                                                       person.evidence))
        return person

    def learned(self) -> list[PersonEntry]:
        """The people of this article worth keeping: those it introduced with a country (or as
        speaking for none), and those who spoke, with what is known of them.  A country read
        only from the article as a whole (its dateline, its main country) is not kept."""
        out = []
        for key, p in self.state.people.items():
            if len(p.name.split()) < 2:
                continue
            known = p.actor is not None and p.evidence and p.evidence not in WEAK_PERSON_EVIDENCE
            if not known and key not in self.state.spoke:
                continue
            out.append(PersonEntry(p.name, (p.actor or "") if known else "", role=p.role, source="learned",
                                   evidence=p.evidence if known else ""))
        return out

    # -- titles ------------------------------------------------------------------------------------
    def _official(self, text: str) -> bool:
        """Does a title or governing body appear in ``text``?"""
        low = text.lower()
        words = set(re.findall(r"[a-z][a-z-]*", low))
        return any(t in low if " " in t else t in words for t in self.gaz.official_terms) or \
            bool(words & {"spokesperson", "spokesman", "spokeswoman", "envoy", "negotiator", "diplomat", "army",
                          "military", "navy", "colonel", "general", "commander", "ministry", "government"})

    def _no_state(self, text: str) -> bool:
        low = text.lower()
        words = set(re.findall(r"[a-z][a-z-]*", low))
        return any(w in low if " " in w else w in words for w in self.lex.no_state)

    def _title_window(self, ent: Span) -> Span:
        """The words before a name that are its title, "and" included ("Egypt's Defence and
        Interior Minister"): not past a comma, a verb, another clause or another person's name."""
        doc = ent.doc
        sent = ent.sent
        i = ent.start
        lo = max(sent.start, ent.start - 10)
        while i > lo:
            t = doc[i - 1]
            if t.text in (",", ";", ":", "(", ")", "\u2014", "\u2013") or t.is_quote or is_placeholder(t.text) or \
                    t.pos_ in ("VERB", "AUX", "ADV", "SCONJ", "NUM", "PRON") or (t.pos_ == "ADP" and t.lower_ != "of"):
                break
            if t.pos_ == "CCONJ" and t.lower_ not in ("and", "&"):
                break  # "..., but fisheries minister X": the conjunction opens another clause
            if t.lower_ in ("and", "&") and (i - 2 < lo or doc[i - 2].ent_type_ == "PERSON" or
                                              doc[i - 2].pos_ not in ("PROPN", "NOUN")):
                break
            if t.ent_type_ == "PERSON" and not (ent.start <= t.i < ent.end) and t.i < ent.start - 1 and \
                    doc[t.i + 1].ent_type_ != "PERSON" and not self._is_place(t.text):
                break
            i -= 1
        while i < ent.start and (doc[i].lower_ in ("and", "of", "the", "a", "an") or doc[i].is_punct):
            i += 1
        return doc[i:ent.start]

    def in_title_of(self, tok: Token, name: Token) -> bool:
        """Is ``tok`` part of the title before the person's name that ``name`` belongs to?"""
        ent = next((e for e in self.ents.within(name.sent) if e.label_ in NAME_ENTS and e.start <= name.i < e.end), None)
        if ent is None:
            return False
        return self._title_window(ent).start <= tok.i < ent.start

    def _title_actor(self, ent: Span) -> tuple[str | None, str, str]:
        """(actor, role as written, evidence) from the words around a name; evidence "" when
        they say nothing of a country."""
        before = self._title_window(ent)
        role = self._role_of(before)
        if before.text.strip():
            if self._no_state(before.text) or (not self._find(before.text) and not MINISTER.search(before.text) and any(
                    e.label_ == "ORG" and not self._official(e.text) for e in self.ents.within(before))):
                # "opposition leader X", "Green Party leader X", "Acme chief X"; but "Farm Minister X" with
                # "Farm" tagged as an organisation is a government's minister
                return "", role, "no state"
            found = self._find(before.text)
            if found and (self._official(before.text) or any(m.kind == "metonym" for m in found)):
                m = found[-1]
                after_m = before.text[m.end:m.end + 3]
                if after_m.startswith(("'s", "\u2019s")):
                    return m.actor, role, "possessive"
                return m.actor, role, {"demonym": "title demonym", "capital": "title capital",
                                       "metonym": "title metonym"}.get(m.kind, "title country")
        root = ent.root
        # an apposition, an of-phrase or a relative clause on the name, or the name in apposition
        cands: list[tuple[Token, str]] = []
        for c in root.children:
            if c.dep_ == "appos" and c.i > root.i:
                if c.ent_type_ == "PERSON" and not ent.start <= c.i < ent.end:
                    continue  # "X, who met her counterpart, [farm minister Y]": the apposition is another person
                cands.append((c, "apposition"))
            elif c.dep_ == "prep" and c.lower_ == "of" and c.i >= ent.end:
                cands.append((c, "of-phrase"))
            elif c.dep_ in ("relcl", "acl") and c.i > root.i:
                cands.append((c, "relative clause"))
        if root.dep_ == "appos" and root.head.i < ent.start:
            cands.append((root.head, "apposition"))
        for c, how in cands:
            sub = self._own_part(c, ent)
            if not sub.text.strip():
                continue
            if how in ("apposition", "of-phrase") and not self._find(sub.text) and any(
                    e.label_ == "ORG" for e in self.ents.within(sub)):
                # "research director with the X Institute": speaks for an organisation, not a state
                return "", role or (self._role_of(sub) if how == "apposition" else ""), "no state"
            text = sub.text
            sub_role = self._role_of(sub) if how == "apposition" else ""
            if how == "relative clause" and not re.search(
                    r"\b(?:is|was|heads?|headed|leads?|led|serves?|served|represents?|chairs?|runs?)\b", text):
                continue
            if self._no_state(self._role_of(sub) or "") and how == "apposition" and \
                    not re.search(r"\b(?:critic|opponent)s? of\b", text):
                return "", role or sub_role, "no state"
            found = self._find(text)
            if found and (self._official(text) or self._heads(sub, found)):
                possessive = text[found[0].end:found[0].end + 2] in ("'s", "\u2019s")
                return found[0].actor, role or sub_role, "possessive" if possessive else how
            if how == "of-phrase" and found and self._official(text + " " + before.text):
                return found[0].actor, role, how
            if sub_role and not role:
                role = sub_role
        # a title with no country at all ("Foreign Secretary X"): left to the article
        return None, role, ""

    def _heads(self, sub: Span, found: list[Mention]) -> bool:
        """"director of the WTO", "head of Chile's delegation": a leading role in what follows "of"."""
        lead = {"head", "chief", "director", "chair", "chairman", "chairwoman", "chairperson", "leader", "president",
                "secretary", "governor", "commissioner", "executive", "director-general"}
        m = found[0]
        before = sub.text[:m.start].lower()
        return bool(re.search(r"\b(?:" + "|".join(lead) + r")\s+of\s+(?:the\s+)?$", before))

    def _own_part(self, head: Token, ent: Span) -> Span:
        """The phrase under ``head`` up to another person's name or a "counterpart": what
        follows those is about someone else."""
        doc = head.doc
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        if head.dep_ == "appos" or head.i > ent.start:
            lo = max(lo, ent.end)
        for t in doc[lo:hi]:
            if (t.ent_type_ == "PERSON" and not ent.start <= t.i < ent.end) or t.lower_ in ("counterpart", "counterparts"):
                hi = t.i
                break
        return doc[lo:max(lo, hi)]

    def _role_of(self, span: Span) -> str:
        """The title as written, without the country and determiners ("trade minister")."""
        words = []
        places = [(span.start_char + m.start, span.start_char + m.end) for m in self._find(span.text)]
        for t in span:
            if t.text in ("-", "\u2013", "\u2014") and (t.whitespace_ or (t.i and t.doc[t.i - 1].whitespace_)):
                words.clear()  # a dash set off by spaces ends a dateline ("MARSEILLE - the port minister ...")
                continue
            if t.dep_ in ("det", "case") or t.lower_ in ("'s", "\u2019s", "the", "a", "an") or t.is_punct and t.text != "-":
                continue
            if any(a <= t.idx < b for a, b in places) or t.text in ADDRESS:
                continue  # the country ("South Africa Mining Minister") and forms of address are no title
            if t.ent_type_ in ("GPE", "NORP") and t.pos_ == "PROPN":
                continue
            if t.pos_ in ("NOUN", "PROPN", "ADJ", "CCONJ") or t.text in self.lex.honorifics:
                words.append(t.text)
            elif t.dep_ == "prep":
                break
        while words and (words[-1].lower() in ("and", "of") or words[-1] in ("Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.")):
            words.pop()
        while words and words[0].lower() in ("and", "of"):
            words.pop(0)
        role = " ".join(words)
        return role if len(role) <= 80 and (self._official(role) or self._no_state(role) or
                                            any(w.lower() in self.lex.group_nouns | self.lex.source_nouns
                                                for w in words)) else ""

    # -- speakers -----------------------------------------------------------------------------------
    def speakers(self, subj: Token, sent: Span) -> list[SpeakerRef]:
        """The speakers a subject phrase names: one, several for "A and B", none for a non-speaker."""
        heads = [subj] + [c for c in _conjuncts(subj)]
        if len(heads) > 1:
            # "Fiji's Deputy Prime Minister and Trade Minister X" parsed as "[Minister] and [X]": a conjunct
            # inside a named person's title is part of that title, not a second speaker
            names = {h.i: [e for e in self.ents.within(self.np(h, False)) if e.label_ in NAME_ENTS] for h in heads}
            titles = {h.i: {i for e in names[h.i] for i in range(self._title_window(e).start, e.start)} for h in heads}
            heads = [h for h in heads if names[h.i] or not any(h.i in titles[g.i] for g in heads if g.i != h.i)] \
                or heads
        out: list[SpeakerRef] = []
        for h in heads:
            out.extend(self._speakers_of(h, sent, single=len(heads) == 1))
        seen: set[tuple[str, str | None]] = set()
        uniq = []
        for s in out:
            if (s.name, s.actor) not in seen:
                seen.add((s.name, s.actor))
                uniq.append(s)
        return uniq

    def _speakers_of(self, subj: Token, sent: Span, single: bool) -> list[SpeakerRef]:
        low = subj.lower_
        if is_placeholder(subj.text) or subj.pos_ == "NUM":
            return []
        if low in PERSON_PRONOUNS:
            ref = self._in_sentence(PERSON_PRONOUNS[low], subj.idx) or self.person_for(PERSON_PRONOUNS[low], subj.idx)
            return [SpeakerRef(ref.name, subj.text, ref.kind, ref.actor, ref.role, ref.evidence)] if ref else []
        if low in GROUP_PRONOUNS:
            if low == "it" and subj.head.lemma_ == "be" and any(c.dep_ in ("ccomp", "xcomp", "acomp")
                                                                 for c in subj.head.children):
                return []  # "it is important to ..." is no speaker
            near = self._antecedent(subj)
            if near is not None:
                return [near]
            ref = self.state.last
            if ref is None or (low == "it" and ref.kind == "person"):
                return []
            group = self.state.last_group if ref in self.state.last_group else [ref]
            return [SpeakerRef(r.name, subj.text, r.kind, r.actor, r.role, r.evidence) for r in group]
        if low == "i":
            ref = self.state.last_person or self.state.last
            return [SpeakerRef(ref.name, subj.text, ref.kind, ref.actor, ref.role, ref.evidence)] if ref else []
        span = self.np(subj, single)
        person = self._person_in(span, sent)
        if person is not None:
            mention = span.text if len(span) <= 6 else person.name
            ref = self._person_ref(person, mention, sent)
            self.sentence_people.append((subj.idx, ref))
            return [ref]
        return self._body(span, subj, sent)

    def _in_sentence(self, gender: str, at: int) -> SpeakerRef | None:
        """A person who is the grammatical subject in an earlier clause of the same sentence ("X said ...,
        but he said ..."): a nearer antecedent than the last sentence's speaker."""
        for off, ref in reversed(self.sentence_people):
            if off >= at:
                continue
            person = self.state.people.get(fold_name(ref.name))
            if person is not None and person.gender in (None, gender):
                person.gender = gender
                return ref
        return None

    def _person_ref(self, person: Person, mention: str, sent: Span) -> SpeakerRef:
        actor, evidence = person.actor, person.evidence
        if actor is None and person.official:
            home = self.home_actor(countries_only=True)
            if home:
                actor, evidence = home
        elif actor and person.learned_at >= 0 and person.learned_at != sent.start_char and \
                person.evidence in TITLE_EVIDENCE:
            evidence = f"introduced with {person.evidence}"
        return SpeakerRef(person.name, mention.strip(), "person", actor, person.role, evidence)

    def _antecedent(self, pron: Token) -> SpeakerRef | None:
        """'it'/'they' as the subject of a clause reported by an actor: "China said it would ..."."""
        for verb in pron.head.ancestors:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != pron.i and c.lower_ not in PERSON_PRONOUNS \
                        and c.lower_ not in GROUP_PRONOUNS:
                    if pron.lower_ == "it" and (c.tag_ in ("NNS", "NNPS") or any(x.dep_ == "conj" for x in c.children)):
                        return None  # "it" never stands for "Japan and Korea"
                    refs = self._body(self.np(c, True), c, c.sent) if c.ent_type_ != "PERSON" else []
                    if refs and refs[0].actor and not (pron.lower_ == "it" and refs[0].kind == "person"):
                        r = refs[0]
                        return SpeakerRef(r.name, pron.text, r.kind, r.actor, r.role, r.evidence)
                    return None
        return None

    def np(self, head: Token, single: bool = True) -> Span:
        """The noun phrase of ``head`` without its relative clauses, long appositions, or
        (for one of several conjuncts) the others."""
        doc = head.doc
        left = head.left_edge.i
        for t in doc[left:head.i]:
            if is_placeholder(t.text) or t.is_quote:
                left = t.i + 1  # a quote the parser hung on the name is not part of it
        if not single:
            # "A and B": each conjunct is its own phrase
            left = min([t.i for t in head.lefts if t.dep_ not in ("cc", "punct", "preconj")] + [head.i])
            left = min(doc[left].left_edge.i, left)
        right = head.i
        for c in head.rights:
            if c.dep_ in ("conj", "cc"):
                continue
            if c.dep_ in ("compound", "flat", "prep", "amod", "nummod", "poss") and c.right_edge.i - head.i < 6:
                right = max(right, c.right_edge.i)
            elif c.dep_ == "prep" and c.lower_ == "of" and c.right_edge.i - head.i < 16 and \
                    all(t.pos_ in ("PROPN", "PUNCT", "CCONJ", "DET") for t in doc[c.i + 1:c.right_edge.i + 1]):
                right = max(right, c.right_edge.i)  # "the governments of A, B, C and D": a list of names
            elif c.dep_ in ("appos",) and c.right_edge.i - head.i < 10:
                right = max(right, c.right_edge.i)
        return doc[left:right + 1]

    def _person_in(self, span: Span, sent: Span) -> Person | None:
        root = span.root
        ents = [e for e in self.ents.within(span) if e.label_ in NAME_ENTS]
        if not ents:
            ents = [e for e in self.ents.within(sent) if e.label_ in NAME_ENTS and span.start <= e.start < span.end]
        # the name that heads the phrase, not one inside its apposition or of-phrase
        ents = sorted(ents, key=lambda e: (not e.start <= root.i < e.end, e.start))
        ents = [e for e in ents if e.start <= root.i < e.end or e.root.dep_ == "appos" or
                (e.root.head.i == root.i and root.lower_ in self.gaz.official_terms)]
        if ents:
            ps = self.person_span(ents[0])
            if ps is not None:
                name = self.clean_name(ps.text)
                if not self._is_place(name) and name:
                    return self.person(name, ps, sent)
        # a person met before (or listed), tagged otherwise by the model: "Muto said", "Sandu (ORG) told"
        for e in self.ents.within(span):
            if e.label_ in OTHER_ENTS and e.start <= root.i < e.end:
                name = self.clean_name(e.text)
                if self.known(name) is not None or (self.directory.find(name) is not None and not self._is_place(name)):
                    return self.person(name, e, sent)
        names = [t for t in span if t.pos_ == "PROPN" and t.text[:1].isupper() and not is_placeholder(t.text)
                 and t.lower_ not in self.gaz.official_terms and t.text not in self.lex.honorifics]
        for n in range(min(len(names), 4), 0, -1):
            for i in range(len(names) - n + 1):
                run = names[i:i + n]
                if run[-1].i - run[0].i != n - 1:
                    continue
                text = " ".join(t.text for t in run)
                if self.known(text) is not None:
                    return self.person(text, span.doc[run[0].i:run[-1].i + 1], sent)
        # the run of capitalised names that ends at the phrase's head
        run = [t for t in names if t.i <= root.i]
        while len(run) >= 2 and run[-1].i - run[0].i != len(run) - 1:
            run = run[1:]
        names = run
        if len(names) >= 2 and names[-1].i - names[0].i == len(names) - 1 and names[-1].i == root.i:
            joined = " ".join(t.text for t in names)
            if not self.gaz.find(joined) and not any(t.ent_type_ in ("ORG", "GPE", "NORP") for t in names):
                # two or more capitalised names ending the phrase: a person the model did not tag
                return self.person(self.clean_name(joined), span.doc[names[0].i:names[-1].i + 1], sent)
        for tok in span:
            if tok.pos_ == "PROPN" and tok.i == root.i and self.directory.find(tok.text) is not None \
                    and not self._is_place(tok.text):
                return self.person(tok.text, span.doc[tok.i:tok.i + 1], sent)
        return None

    def _body(self, span: Span, head: Token, sent: Span) -> list[SpeakerRef]:
        """A body, a state, a document's issuer or an unnamed source; [] for a phrase that cannot speak."""
        lex = self.lex
        head_low = head.lemma_.lower()
        head_text = head.lower_
        phrase = _tidy(span.text)
        mention = span.text.strip()
        compound = " ".join(t.lower_ for t in span if t.i <= head.i and t.dep_ == "compound" and t.head.i == head.i) \
            + " " + head_low
        found = self._find(span.text)
        # the state itself: "China", "Beijing", "the Kremlin", "the Americans"
        if head.pos_ == "PROPN" or head.ent_type_ in ("GPE", "NORP", "ORG"):
            own = [m for m in found if span.start_char + m.start <= head.idx < span.start_char + m.end]
            if own and own[-1].text in self.gaz.contextual_forms and len(found) > len(own):
                own = []  # "Korea's Fair Trade Commission" is Korea's, not the EU's "Commission"
            if own:
                m = own[-1]
                a = self.gaz.actors.get(m.actor, {})
                kind = "state" if m.kind in ("alias", "capital", "demonym") and a.get("kind") in ("country", "bloc") \
                    else "body"
                name = self.gaz.label(m.actor) if kind == "state" and len(span) <= 3 else phrase
                ref = SpeakerRef(_tidy(name), mention, kind, m.actor, "", "named")
                return [ref]
        # what a speaker issued: "a statement by X", "X's fact sheet", "the white paper", "the statement"
        words = [t.lower_ for t in span if t.i < head.i and t.dep_ in ("compound", "amod") and t.head.i == head.i]
        words.append(head_low)
        if any(" ".join(words[i:]) in lex.documents for i in range(len(words))):
            return self._document(span, head, sent)
        if head_low == "bloc" and not found and self.main_bloc():
            return [SpeakerRef(phrase, mention, "state", self.main_bloc(), "", "the bloc the article names")]
        if head_low in ("side", "sides") and any(t.lower_ in ("two", "both") for t in span) and not found:
            return self._both_sides(mention)
        is_gov = head_low in lex.government_nouns or head_text in lex.government_nouns or \
            head_low in self.gaz.bodies_set or compound.strip() in lex.government_nouns
        is_group = head_low in lex.group_nouns or head_text in lex.group_nouns
        is_source = head_low in lex.source_nouns or head_text in lex.source_nouns
        org_ent = next((e for e in self.ents.within(span) if e.label_ == "ORG" and e.start <= head.i < e.end), None)
        if org_ent is not None and self.gaz.lookup(org_ent.text.removeprefix("the ").strip()) is None and \
                head_low not in self.gaz.bodies_set and head_low not in lex.government_nouns:
            # a company, party, newspaper or armed group: no state
            return [SpeakerRef(_tidy(org_ent.text), mention, "body", "", "", "no state")]
        if not (is_gov or is_group or is_source or head.ent_type_ in ("ORG", "NORP")):
            return []
        if self._no_state(" ".join(t.text for t in span if t.i <= head.i)) or (is_group and not is_gov):
            return [SpeakerRef(phrase, mention, "source" if is_source else "body", "", "", "no state")]
        if is_source and not is_gov:
            return [SpeakerRef(phrase, mention, "source", "", "", "")]
        return self._as_role(self._government(span, head, phrase, mention, found), span, head)

    def _government(self, span: Span, head: Token, phrase: str, mention: str,
                     found: list[Mention]) -> list[SpeakerRef]:
        head_low = head.lemma_.lower()
        actors = self._owner_actors(span, head, found)
        if actors:
            return [SpeakerRef(phrase, mention, "body", a, "", how) for a, how in actors]
        # a bare "the ministry", "the cabinet", "officials"
        earlier = self.state.bodies.get(head_low)
        if earlier is not None and any(t.lower_ == "the" for t in span) and len(span) <= 3:
            return [SpeakerRef(earlier.name, mention, "body", earlier.actor, "", "named before")]
        poss = next((c.lower_ for c in head.children if c.dep_ == "poss"), "")
        if poss in ("his", "her"):
            owner = self.person_for(PERSON_PRONOUNS[poss], head.idx)
            if owner is not None and owner.actor:
                return [SpeakerRef(phrase, mention, "body", owner.actor, "", "possessive")]
        home = self.home_actor() if head_low not in ("official", "officials", "leader", "leaders", "member",
                                                     "members", "country", "countries", "state", "states",
                                                     "nation", "nations", "mediator", "mediators") else None
        if home:
            return [SpeakerRef(phrase, mention, "body", home[0], "", home[1])]
        return [SpeakerRef(phrase, mention, "body", None, "", "")]

    def _as_role(self, refs: list[SpeakerRef], span: Span, head: Token) -> list[SpeakerRef]:
        """"The fisheries minister", "the Dutch ambassador to Chile": one unnamed person, by title."""
        if head.lemma_.lower() not in ROLE_NOUNS or head.tag_ != "NN" or len(refs) != 1:
            return refs
        role = self._role_of(span.doc[span.start:head.i + 1]) or head.text
        r = refs[0]
        return [SpeakerRef(r.name, r.mention, "person", r.actor, role, r.evidence)]

    def _owner_actors(self, span: Span, head: Token, found: list[Mention]) -> list[tuple[str, str]]:
        """The states a body belongs to, from its own words: "Chinese officials", "Japan's
        ministry", "the governments of A, B and C", "the Trudeau government"."""
        out: list[tuple[str, str]] = []
        for m in found:
            tok = span.doc.char_span(span.start_char + m.start, span.start_char + m.end, alignment_mode="expand")
            if tok is not None and tok.root.i > head.i and not any(
                    a.dep_ == "prep" and a.lower_ == "of" and a.head.i == head.i for a in tok.root.ancestors):
                continue  # "ambassador to Israel", "talks in Cairo": not whose it is
            if tok is not None and tok.start <= head.i < tok.end and m.text in self.gaz.contextual_forms and \
                    len(found) > 1:
                continue  # the head's own word ("Commission") where another state owns it
            how = "possessive" if span.text[m.end:m.end + 2] in ("'s", "\u2019s") else \
                ("of-phrase" if re.search(r"\bof\s+(?:the\s+)?$", span.text[:m.start]) else
                 {"demonym": "title demonym"}.get(m.kind, "named"))
            if m.actor not in [a for a, _ in out]:
                out.append((m.actor, how))
        if not out:
            for t in span:
                if t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and t.i < head.i):
                    p = self.known(t.text) or None
                    entry = self.directory.find(t.text) if p is None else None
                    actor = p.actor if p is not None else (entry.actor if entry is not None else None)
                    if actor:
                        return [(actor, "leader's government")]
        return out

    def _document(self, span: Span, head: Token, sent: Span) -> list[SpeakerRef]:
        mention = span.text.strip()
        # who issued it: "a statement by X", "the notice from X", "the communique issued by X", and
        # "read a note from X" with the from-phrase hung on the verb
        issued = [c for c in head.children if c.dep_ == "prep" and c.lower_ in ("by", "from")]
        issued += [g for c in head.children if c.dep_ == "acl" for g in c.children if g.dep_ == "agent"]
        if head.dep_ == "dobj" and not issued:
            issued = [c for c in head.head.children if c.dep_ == "prep" and c.lower_ in ("by", "from") and c.i > head.i]
        for c in issued:
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                refs = self.speakers(pobj, sent)
                return [SpeakerRef(r.name, mention, r.kind, r.actor, r.role, r.evidence) for r in refs]
        for c in head.children:
            if c.dep_ == "poss" and c.lower_ not in ("its", "their", "his", "her"):
                refs = self._speakers_of(c, sent, True)
                if refs:
                    return [SpeakerRef(r.name, mention, r.kind, r.actor, r.role, r.evidence) for r in refs]
        found = self._find(span.text)
        if found:
            return [SpeakerRef(_tidy(span.text), mention, "body", m.actor, "", "title demonym") for m in found[:3]]
        if self.state.issuers and any(t.lower_ in ("the", "this", "its", "their") for t in span):
            return [SpeakerRef(r.name, mention, r.kind, r.actor, r.role, r.evidence or "issuer") for r in self.state.issuers]
        return []

    def _both_sides(self, mention: str) -> list[SpeakerRef]:
        """"The two sides": the two states named last, close by; unknown otherwise."""
        recent = [a for n, a in reversed(self.state.recent_states) if self.sentence_no - n <= 3]
        pair: list[str] = []
        for a in recent:
            if a not in pair:
                pair.append(a)
            if len(pair) == 2:
                break
        if len(pair) == 2:
            return [SpeakerRef(_tidy(mention), mention, "body", a, "", "the two sides named before") for a in pair]
        return [SpeakerRef(_tidy(mention), mention, "body", None, "", "")]

    def person_for(self, gender: str, at: int) -> SpeakerRef | None:
        """The most recent person a "he" or "she" at offset ``at`` can stand for; the pronoun
        teaches the gender."""
        for ref in reversed(self.state.recent_people):
            if self.state.first_seen.get(fold_name(ref.name), -1) > at:
                continue  # named after the pronoun
            person = self.state.people.get(fold_name(ref.name))
            known = person.gender if person else None
            if known in (None, gender):
                if person is not None:
                    person.gender = gender
                    return SpeakerRef(person.name, ref.mention, "person", person.actor if person.actor is not None
                                      else ref.actor, person.role, person.evidence)
                return ref
        return None

    def note_speaker(self, speaker: SpeakerRef) -> None:
        last = self.state.last
        if last is not None and self.state.last_group and (last.name, last.mention) == (speaker.name, speaker.mention):
            # one phrase for several states ("the statement" of A and B): "it" later stands for all of them
            if speaker.actor not in [r.actor for r in self.state.last_group]:
                self.state.last_group.append(speaker)
        else:
            self.state.last_group = [speaker]
        self.state.last = speaker
        if speaker.kind == "person":
            self.state.spoke.add(fold_name(speaker.name))
        if speaker.kind in ("person", "source"):
            self.state.last_person = speaker
            self.state.recent_people = [r for r in self.state.recent_people if r.name != speaker.name][-7:]
            self.state.recent_people.append(speaker)
        if speaker.kind == "body" and speaker.actor:
            words = speaker.mention.lower().split()
            if words:
                head = words[-1]
                self.state.bodies[head] = speaker
                if head.endswith("ies"):
                    self.state.bodies[head[:-3] + "y"] = speaker
        if speaker.actor:
            self.state.last_actor = speaker.actor

    def note_issuers(self, speakers: list[SpeakerRef]) -> None:
        self.state.issuers = list(speakers)


def _conjuncts(tok: Token) -> list[Token]:
    out = []
    for c in tok.children:
        # "A and [title] B said" is at times parsed with A as a modifier of B that carries the "and"
        named_first = c.dep_ == "nmod" and c.ent_type_ == "PERSON" and c.i < tok.i and \
            any(g.dep_ == "cc" for g in c.children)
        if (c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN", "PRON")) or named_first:
            out.append(c)
            out.extend(_conjuncts(c))
    return out


def _tidy(name: str) -> str:
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)
    return name[:1].upper() + name[1:]
