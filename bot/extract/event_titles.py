"""Titles of events, as a headline would put them: who, what and where.

A title is made from the event's own words in the parse: its noun phrase ("upper house
election", "fourth round of talks") or its verb with the subject and object ("Starmer and
Modi sign trade agreement"), the participants named in those phrases only ("EU–Canada
summit", "Spain's presidential election"; never the other countries of the article), the
place it is held in ("in Ottawa"), and the moment the date gives ("talks resume", "tariff
pause ends", "duties take effect").  Time words ("Sunday's", "next week's", "upcoming")
never go in: the date is shown beside the title.  A bare noun ("the talks") borrows the
modifiers of a fuller mention of the same thing earlier in the article.

Public API:
  describe(text, view, trigger, sent, times, kind, sents) -> Described
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.extract.event_dates import HOLIDAY_NAME as _HOLIDAY_NAME
from bot.extract.parse_view import ParseView

_DATA = Path(__file__).resolve().parent.parent / "data" / "events.json"
MAX_WORDS = 12  # a title longer than this is cut back to its head phrase
_PREP_OF = ("of",)
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_SUBJ = ("nsubj", "nsubjpass", "csubj")
# changes whose "in" phrase says what changes ("a cut in import duties")
_DATELINE_HEAD = re.compile(r"\s*[A-Z][A-Z .'/&-]{2,}(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\)\s*)?"
                            r"[-–—]{1,2}\s+")
# verbs whose "in X" is what they are about, not where the event is ("discuss the crisis in Congo")
_ABOUT_VERBS = {"discuss", "address", "focus", "consider", "review", "debate", "examine", "tackle", "cover",
                "weigh", "study", "assess"}
_CHANGE_NOUNS = {"cut", "cuts", "increase", "increases", "rise", "hike", "hikes", "reduction", "reductions",
                 "change", "changes", "freeze", "pause", "suspension"}
_PROCESS_NOUNS = {"process", "period", "phase", "inquiry", "investigation", "probe", "review", "talks", "negotiations",
                  "consultation", "consultations", "study", "assessment", "audit", "trial", "mission", "programme",
                  "program", "transition", "campaign"}
# nouns that name one sitting of an event: "the fourth round of talks" is a round
_EDITION_NOUNS = {"round", "session", "meeting", "sitting", "edition", "leg", "stage", "phase", "resumption"}
@functools.cache
def lexicon() -> dict[str, Any]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return {"light": set(data["light_verbs"]), "phase": data["phase_verbs"], "group": set(data["group_nouns"]),
            "relative": set(data["relative_words"]), "measures": set(data["measure_nouns"]),
            "deadline_nouns": set(data["deadline_nouns"])}


@dataclass
class Trigger:
    start: int
    end: int
    text: str
    kind: str


@dataclass
class Described:
    title: str
    own: list[str] = field(default_factory=list)  # actor ids of the event's own participants
    place: str = ""


# ---------------------------------------------------------------- actors


def _gaz() -> Any:
    from bot.extract.actors import gazetteer

    return gazetteer()


def short_label(actor: str) -> str:
    """A country or bloc as a headline names it: 'EU', 'US', 'UK' for names of several words
    that have an acronym of their initials; the name otherwise."""
    gaz = _gaz()
    name = gaz.label(actor)
    words = [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()]
    if len(words) >= 2:
        initials = "".join(w[0] for w in words)
        for alias in (gaz.actors.get(actor) or {}).get("aliases", []):
            if alias.replace(".", "") == initials:
                return initials
    return name


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def actors_in(text: str) -> list[str]:
    """Actor ids named in a phrase, in order (capitals count: 'Beijing' is China)."""
    out: list[str] = []
    try:
        for m in _gaz().find(text):
            if m.actor not in out:
                out.append(m.actor)
    except Exception:  # pragma: no cover - no gazetteer
        pass
    return out


def _person_actor(name: str) -> str | None:
    try:
        return _gaz().person_actor(name)
    except Exception:  # pragma: no cover
        return None


# ---------------------------------------------------------------- phrases


class _Phrases:
    """Token-level helpers over one sentence of one article."""

    def __init__(self, text: str, view: ParseView, times: list[tuple[int, int]],
                 sent: tuple[int, int] | None = None) -> None:
        self.text = text
        self.view = view
        self.times = times
        self.lex = lexicon()
        self.subst: dict[int, str] = {}  # token index -> the words it stands for
        self.floor = 0  # where the sentence's words begin, after a dateline ("LIMA (AP) -")
        if sent is not None:
            dateline = _DATELINE_HEAD.match(text, sent[0], sent[1])
            self.floor = dateline.end() if dateline else sent[0]
            self._possessives(*sent)

    def _possessives(self, s: int, e: int) -> None:
        """'its'/'their' -> the last actor named before them in the sentence."""
        span = self.view.char_span(s, e, alignment_mode="expand")
        if span is None:
            return
        mentions = []
        try:
            mentions = [(s + m.start, m.actor) for m in _gaz().find(self.text[s:e])]
        except Exception:  # pragma: no cover
            return
        subject_actors = self._subject_actors(span)
        for tok in span:
            if tok.dep_ == "poss" and tok.lower_ in ("its", "their"):
                before = [a for at, a in mentions if at < self.view.idx(tok)]
                # the sentence's subject first ("Lee and Ishiba will discuss their agreement"),
                # else the actor named last before the pronoun
                plural_subject = any(c.dep_ == "conj" for t in span if t.dep_ in ("nsubj", "nsubjpass")
                                     and t.head.i == span.root.i for c in t.children)
                if tok.lower_ == "their" and len(subject_actors) >= 2:
                    name = "–".join(short_label(a) for a in subject_actors[:3])
                elif tok.lower_ == "their" and plural_subject:
                    name = ""  # "Lee and Ishiba ... their agreement": not all of them are known
                elif tok.lower_ == "their" and len(subject_actors) == 1:
                    name = short_label(subject_actors[0])
                else:  # "its": the nearest name before it ("India ... the G20 ... a summit of its leaders")
                    name = short_label(before[-1]) if before else ""
                # "summit of its leaders" -> "summit of G20 leaders"; "its election" -> "Portugal's election"
                inside_of = tok.head.dep_ == "pobj" and tok.head.head.lower_ == "of"
                self.subst[tok.i] = name if inside_of or not name else possessive(name)

    def _subject_actors(self, span: Any) -> list[str]:
        """Actors the subject of the sentence's main verb names, people's countries included."""
        root = span.root
        subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            return []
        toks = list(subj[0].subtree)
        found = actors_in(self.text[self.view.idx(toks[0]):self.view.end(toks[-1])])
        for t in toks:
            if t.pos_ == "PROPN":
                a = _person_actor(t.text)
                if a and a not in found:
                    found.append(a)
        return found

    def in_time(self, tok: Any) -> bool:
        s, e = self.view.idx(tok), self.view.end(tok)
        for a, b in self.times:
            if a < e and s < b:
                words = self.text[a:b]
                # a holiday naming a thing ("the Good Friday agreement") is a name, not a date
                return not (tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and
                            _HOLIDAY_NAME.fullmatch(words) is not None)
        return False

    def droppable(self, tok: Any, head: Any) -> bool:
        if tok.i == head.i:
            return False
        if self.view.idx(tok) < self.floor:
            return True
        if self.in_time(tok):
            return True
        low = tok.lower_
        if low in self.lex["relative"] and tok.dep_ in ("amod", "det", "advmod", "npadvmod", "nmod", "compound") \
                and tok.pos_ in ("ADJ", "DET", "ADV", "NOUN", "VERB"):
            return True
        if tok.dep_ in ("det", "predet") and low not in ("both", "all") and not self.glued(tok):
            return True
        if tok.pos_ == "PRON" and tok.dep_ != "poss":
            return True
        if tok.dep_ == "poss" and tok.pos_ == "PRON" and low not in ("its", "their"):
            return True
        return tok.dep_ == "poss" and low in ("its", "their")

    @staticmethod
    def glued(tok: Any) -> bool:
        """Part of one written word with its neighbour ("Mar-a-Lago", "head-to-head")."""
        doc = tok.doc
        left = tok.i > 0 and not doc[tok.i - 1].whitespace_ and doc[tok.i - 1].text in "-–"
        right = tok.i + 1 < len(doc) and not tok.whitespace_ and doc[tok.i + 1].text in "-–"
        return left or right

    def subtree_tokens(self, head: Any, skip_deps: set[str], limit: int = 40, deep_skip: set[str] | None = None) \
            -> list[Any]:
        """``head`` with its dependents, leaving out the subtrees of ``skip_deps`` (below the
        head: of ``deep_skip`` when given) and of time words."""
        out = [head]
        for c in head.children:
            joiner = c.text in "-–'’" and c.whitespace_ == "" and c.i > 0 and c.doc[c.i - 1].whitespace_ == ""
            joiner = joiner or self.glued(c)  # "hard-wrought", "counter-tariffs", "head-to-head"
            # "presidential, parliamentary and local elections": the comma between conjuncts
            joiner = joiner or (c.text == "," and any(g.dep_ == "conj" and g.i > c.i for g in head.children))
            if not joiner and (c.dep_ in skip_deps or self.in_time(c) or c.dep_ == "punct"):
                continue
            if c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ == "own" for g in c.subtree):
                continue  # "talks of their own"
            below = skip_deps if deep_skip is None else deep_skip
            if c.pos_ == "PROPN" and c.dep_ in ("compound", "nmod") and any(
                    g.dep_ == "prep" and g.lower_ == "of" for g in c.children):
                below = below - {"prep"}  # "Group of Seven summit": a name keeps its "of"
            out += self.subtree_tokens(c, below, limit, deep_skip)
        return sorted(out, key=lambda t: t.i)[:limit]

    def render(self, toks: list[Any], head: Any) -> str:
        """The words of ``toks`` in text order: neighbours as the text joins them ("counter-
        tariffs", "leaders' meeting", "Spain's"), others with a space; a possessive 'its' or
        'their' as the actor it stands for ("summit of its leaders" -> "summit of G20 leaders")."""
        kept = {t.i: t for t in toks if not self.droppable(t, head) or t.i in self.subst}
        for t in list(kept.values()):  # the rest of a written word: "counter-tariffs", "Mar-a-Lago"
            doc, i = t.doc, t.i
            while i > 0 and not doc[i - 1].whitespace_ and (doc[i - 1].text in "-–" or doc[i].text in "-–"):
                i -= 1
                kept.setdefault(i, doc[i])
            i = t.i
            while i + 1 < len(doc) and not doc[i].whitespace_ and (doc[i + 1].text in "-–" or doc[i].text in "-–"):
                i += 1
                kept.setdefault(i, doc[i])
        keep = sorted(kept.values(), key=lambda t: t.i)
        out = ""
        prev = None
        for t in keep:
            word = self.subst.get(t.i, t.text)
            if not word:
                continue
            if prev is not None:
                out += "" if t.i == prev.i + 1 and not prev.whitespace_ else " "
            out += word
            prev = t
        out = re.sub(r"^[\s,;:–-]+|[\s,;:–-]+$", "", out)
        return " ".join(out.split())

    def noun_phrase(self, noun: Any, with_of: bool = True, max_words: int = 10) -> str:
        """'high-level economic dialogue', 'fourth round of talks', 'presidential and legislative
        elections', 'dialogue between Chile and Peru': the noun with its modifiers and a short
        'of' or 'between' phrase."""
        skip = {"relcl", "acl", "appos", "advcl", "conj", "cc", "punct", "prep", "dobj", "nsubj", "ccomp",
                "det", "predet"}
        deep = {"relcl", "acl", "appos", "advcl", "punct", "prep", "dobj", "nsubj", "ccomp", "det", "predet"}
        toks = self.subtree_tokens(noun, skip, deep_skip=deep)
        if with_of:
            for c in noun.children:
                measure_in = c.lower_ == "in" and noun.lemma_.lower() in _CHANGE_NOUNS
                if c.dep_ == "prep" and (c.lower_ in _PREP_OF + ("between",) or measure_in) and not any(
                        g.lower_ == "own" for g in c.subtree):  # not "talks of their own"
                    objs = [g for g in c.children if g.dep_ == "pobj" and not self.in_time(g)]
                    if objs:
                        keep = {"relcl", "acl", "appos", "advcl", "punct", "dobj", "nsubj", "ccomp", "det", "predet"}
                        sub = self.subtree_tokens(objs[0], keep | ({"prep"} if c.lower_ == "of" else set()),
                                                  deep_skip=keep | {"prep"})
                        if c.lower_ == "of":  # "suspension of the export levy on soybeans"
                            for g in objs[0].children:
                                if g.dep_ == "prep" and g.lower_ == "on":
                                    extra = self.subtree_tokens(g, keep | {"prep"}, deep_skip=keep | {"prep"})
                                    if len(extra) <= 3:
                                        sub += extra
                        if c.lower_ == "of":
                            for g in objs[0].children:  # "dialogue between Chile and Peru"
                                if g.dep_ == "prep" and g.lower_ == "between":
                                    sub += self.subtree_tokens(g, keep, deep_skip=keep)
                        if len(sub) <= 7:
                            toks += [c] + sub
        phrase = self.render(toks, noun)
        if len(phrase.split()) > max_words:
            core = [noun] + [c for c in noun.lefts if c.dep_ in ("compound", "amod", "nummod") and not self.in_time(c)]
            phrase = self.render(core, noun)
        return phrase

    def persons_in(self, start: int, end: int) -> list[str]:
        """The people named in text[start:end], in order, by the name the text gives them
        (a family name may come first: "Li Qiang"), without a later repeat of a surname."""
        out: list[str] = []
        for s, _e, label, words in self.view.ents(start, end):
            if label != "PERSON":
                continue
            name = self._person_name(s, words)
            if name and name not in out and not any(o.endswith(" " + name) for o in out):
                out.append(name)
        return out

    def _person_name(self, s: int, words: str) -> str:
        """A person's name as written, without a dateline glued to it ("LIMA - Boluarte") and
        never a country the tagger took for a person."""
        if s < self.floor:
            words = words[self.floor - s:] if self.floor - s < len(words) else ""
        name = re.sub(r"['’]s$", "", words).strip(" -–—")
        known = _gaz().lookup(name) if name else None
        if not name or known is not None and known[1] != "person":
            return ""
        return name

    def person_ent(self, tok: Any) -> tuple[str, str] | None:
        """(full name, surname) when ``tok`` is part of a person's name."""
        s = self.view.idx(tok)
        for a, b, label, words in self.view.ents(s - 60 if s > 60 else 0, s + 80):
            if label == "PERSON" and a <= s < b:
                name = self._person_name(a, words)
                return (name, name.split()[-1]) if name else None
        return None


def _conjugate(lemma: str, plural: bool) -> str:
    if lemma == "be":
        return "are" if plural else "is"
    if lemma == "have":
        return "have" if plural else "has"
    if plural:
        return lemma
    if re.search(r"(?:s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def _is_plural(subj: Any) -> bool:
    if subj is None:
        return False
    if subj.tag_ in ("NNS", "NNPS") or subj.lower_ in ("they", "we", "both", "two"):
        return True
    if subj.tag_ == "NNP" and any(c.tag_ == "NNPS" and c.dep_ == "compound" for c in subj.lefts):
        return True  # "Directors General"
    return any(c.dep_ == "conj" for c in subj.children) or any(c.dep_ == "cc" for c in subj.children)


# ---------------------------------------------------------------- the describer


class _Describer:
    def __init__(self, text: str, view: ParseView, trig: Trigger, sent: tuple[int, int],
                 times: list[tuple[int, int]], sents: list[tuple[int, int]]) -> None:
        self.text = text
        self.view = view
        self.trig = trig
        self.sent = sent
        self.sents = sents
        self.p = _Phrases(text, view, times, sent)
        self.lex = lexicon()
        self.own: list[str] = []
        self.place = ""
        self.place_prep = ""

    # -- helpers -------------------------------------------------------------------------
    def _add_actors(self, words: str) -> None:
        for a in actors_in(words):
            if a not in self.own:
                self.own.append(a)

    def _subject(self, verb: Any) -> Any:
        """The subject of a verb, through 'is set to', 'plans to', 'which' and conjoined verbs."""
        v = verb
        for _ in range(4):
            subj = [c for c in v.children if c.dep_ in _SUBJ]
            if subj:
                s = subj[0]
                if s.lower_ in ("which", "that", "who") and v.dep_ == "relcl":
                    return v.head
                return s
            if v.dep_ in ("relcl", "acl") and v.head.pos_ in ("NOUN", "PROPN"):
                return v.head
            # up through "is set to", "is due to", "interested in visiting" (never through a
            # reported clause: "X said Y will meet" is Y's meeting)
            if v.dep_ in ("xcomp", "conj", "advcl", "prep", "pcomp", "acomp", "oprd") and v.head.i != v.i:
                v = v.head
                continue
            break
        return None

    def _who_text(self, subj: Any) -> str:
        """The subject as a headline names it: people by surname, groups ('the pair') by the
        people named nearby, pronouns by the person last named, anything else compacted."""
        if subj is None:
            return ""
        low = subj.lower_
        if self.view.idx(subj) < self.sent[0] or (subj.text.isupper() and len(subj.text) > 3):
            # a dateline word ("LONDON (AP) -") taken for the subject: who is named between the
            # dateline and the verb
            verb = subj.head
            dash = re.search(r"[-–—]\s", self.text[self.view.idx(subj):self.view.idx(verb)])
            start = self.view.idx(subj) + dash.end() if dash else self.sent[0]
            people = self.p.persons_in(start, self.view.idx(verb))
            if people:
                self._add_people(people)
                return " and ".join(people[:3])
            parties = actors_in(self.text[start:self.view.idx(verb)])
            if parties:
                self._add_actors(self.text[start:self.view.idx(verb)])
                return " and ".join(short_label(a) for a in parties[:3])
            return ""
        span_toks = self.p.subtree_tokens(subj, {"relcl", "acl", "appos", "advcl", "punct"})
        s, e = self.view.idx(span_toks[0]), self.view.end(span_toks[-1])
        group = " ".join(t.lower_ for t in span_toks if t.dep_ not in ("det",) and t.lower_ not in ("the",))
        if group in self.lex["group"]:
            people = [p for p in self._names(*self.sent) if not s <= self.text.find(p, *self.sent) < e]
            if len(people) < 2:
                people = list(dict.fromkeys(self._people_before() + people))
            if len(people) >= 2:
                self._add_people(people[-2:])
                return f"{people[-2]} and {people[-1]}"
            # "the two sides" in a sentence that names two countries
            parties = [a for a in actors_in(self.text[self.sent[0]:self.sent[1]])]
            if len(parties) == 2:
                self._add_actors(self.text[self.sent[0]:self.sent[1]])
                return f"{short_label(parties[0])} and {short_label(parties[1])}"
            if any(t.dep_ == "det" for t in span_toks) or subj.lower_ in ("pair", "two", "both", "duo", "trio"):
                return ""  # "the two leaders", unnamed: no subject is better than a wrong one
        if subj.pos_ == "PRON":
            if low in ("he", "she"):
                people = self._people_before(include_sentence=True, before=self.view.idx(subj))
                if people:
                    self._add_people(people[-1:])
                    return people[-1]
            if low in ("they", "it"):
                ante = self._antecedent(subj)
                if ante is not None:
                    return self._who_text(ante)
            return ""
        people = self.p.persons_in(s, e)
        if people and (self.p.person_ent(subj) is not None or any(
                self.p.person_ent(c) is not None for c in subj.children if c.dep_ in ("conj", "nmod", "compound"))):
            self._add_people(people)
            self._add_actors(self.text[s:e])
            return " and ".join(people[:3])
        words = self.p.noun_phrase(subj, max_words=8)
        if subj.lemma_.lower() in self.lex["deadline_nouns"] | {"period"}:
            words = self._topic(subj, words, always=True)  # "grace period for small importers"
        conj = [c for c in subj.children if c.dep_ == "conj"]
        if conj and words:
            more = self.p.noun_phrase(conj[0], max_words=4)
            if more:
                words = f"{words} and {more}"
        words = self._resolve_country(words, *self.sent)
        # "a mission of experts from the African Union": the bloc the phrase left out (not the
        # target of "a duty on Chinese imports")
        owner_toks = self.p.subtree_tokens(subj, {"relcl", "acl", "appos", "advcl", "punct"},
                                           deep_skip={"relcl", "acl", "appos", "advcl", "punct"})
        owner_toks = [t for t in owner_toks if not any(
            a.dep_ == "prep" and a.lower_ not in ("from", "of") for a in t.ancestors if a in owner_toks)
            and not (t.dep_ == "prep" and t.lower_ not in ("from", "of"))]
        whole = self.view.span_text(owner_toks, self.text)
        named = set(actors_in(words))
        extra = [a for a in actors_in(whole) if a not in named]
        self._add_actors(whole)
        if extra and words and not words[:1].isupper():
            words = f"{short_label(extra[0])} {words}"
        return words

    def _antecedent(self, pron: Any) -> Any:
        """What 'they' or 'it' stands for: in a clause under another ('when they meet') that
        clause's subject; else the last noun before it, in this sentence or the one before,
        that names a measure or an event ('delay the rules ..., so they will apply')."""
        v = pron.head
        if v.dep_ == "advcl" and v.head.i != v.i and any(
                c.lower_ in ("when", "while", "as", "after", "before", "once", "until") for c in v.children
                if c.dep_ in ("mark", "advmod")):
            up = self._subject(v.head)
            if up is not None and up.pos_ in ("NOUN", "PROPN"):
                return up
        from bot.extract.events import trigger_kind

        plural = pron.lower_ == "they"
        i = self.sents.index(self.sent) if self.sent in self.sents else -1
        spans = [(self.sent[0], self.view.idx(pron))] + ([self.sents[i - 1]] if i > 0 else [])
        for s, e in spans:
            for tok in reversed(self._tokens(s, e)):
                if tok.pos_ != "NOUN" or self.view.idx(tok) >= self.view.idx(pron):
                    continue
                if (tok.tag_ == "NNS") != plural:
                    continue
                if tok.lemma_.lower() in self.lex["measures"] or trigger_kind(tok.text):
                    return tok
        return None

    def _names(self, s: int, e: int) -> list[str]:
        """People named in text[s:e]: the parser's persons, and a bare name met with 'with'
        ('talks with Wang') that names no country."""
        out = self.p.persons_in(s, e)
        for tok in self._tokens(s, e):
            if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ == "with" and \
                    not actors_in(tok.text) and not any(o == tok.text or o.endswith(" " + tok.text) for o in out):
                out.append(tok.text)
        return out

    def _resolve_country(self, words: str, s: int, e: int) -> str:
        """'the country's elections' -> 'Moldova's elections': the first country named in the
        sentence the phrase comes from."""
        m = re.match(r"(?i)(?:the\s+)?(country|nation|kingdom|republic)(['’]s?)\s", words)
        if not m and re.fullmatch(r"(?i)(?:the\s+)?(?:country|nation)", words):
            countries = [a for a in actors_in(self.text[s:e]) if (_gaz().actors.get(a) or {}).get("kind") == "country"]
            return short_label(countries[0]) if countries else words
        if not m:
            return words
        gaz = _gaz()
        countries = [a for a in actors_in(self.text[s:e]) if (gaz.actors.get(a) or {}).get("kind") == "country"]
        if not countries:
            return words[m.end():]
        return f"{possessive(short_label(countries[0]))} {words[m.end():]}"

    def _token_actors(self, toks: list[Any]) -> list[str]:
        """Actors a phrase names, by name or by a listed leader ('the Trudeau government')."""
        found = actors_in(self.view.span_text(toks, self.text))
        for t in toks:
            if t.pos_ == "PROPN":
                a = _person_actor(t.text)
                if a and a not in found:
                    found.append(a)
        return found

    def _add_people(self, surnames: list[str]) -> None:
        for name in surnames:
            a = _person_actor(name)
            if a and a not in self.own:
                self.own.append(a)

    def _people_before(self, include_sentence: bool = False, before: int | None = None) -> list[str]:
        """People named in this sentence (up to ``before``) and the one before it."""
        i = self.sents.index(self.sent) if self.sent in self.sents else -1
        out: list[str] = []
        if i > 0:
            out += self.p.persons_in(*self.sents[i - 1])
        if include_sentence:
            out += self.p.persons_in(self.sent[0], before if before is not None else self.sent[1])
        return list(dict.fromkeys(out))

    def _place_of(self, *heads: Any) -> str:
        """'in Ottawa', 'at Chequers': a named place attached to the event's noun or verb."""
        for h in heads:
            if h is None:
                continue
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                    self.place_prep = c.lower_
                    objs = [g for g in c.children if g.dep_ == "pobj"]
                    if not objs or self.p.in_time(objs[0]):
                        continue
                    o = objs[0]
                    named = [g for g in o.children if g.dep_ == "appos" and g.ent_type_ in _PLACE_LABELS]
                    if named and o.pos_ != "PROPN":
                        o = named[0]  # "in Turkey's largest city Istanbul"
                    named_square = o.pos_ == "NOUN" and any(g.dep_ == "compound" and g.pos_ == "PROPN"
                                                            for g in o.children)  # "Zocalo square"
                    if o.pos_ == "PROPN" or o.ent_type_ in _PLACE_LABELS + ("ORG",) or named_square:
                        toks = self.p.subtree_tokens(o, {"relcl", "acl", "appos", "punct", "prep", "cc", "conj"})
                        words = self.p.render(toks, o)
                        words = re.sub(r"^(?:[a-z]+['’]s\s+)+", "", words)  # "the capital's Zocalo square"
                        exact = _gaz().lookup(words) is not None
                        if words and words[:1].isupper() and (not actors_in(words) or len(words.split()) > 1 and
                                                              not exact) or o.ent_type_ in _PLACE_LABELS:
                            return words
        return ""

    def _object(self, verb: Any, max_words: int = 6) -> tuple[str, Any]:
        """The direct object, or the object of 'to'/'for'/'on' ('travel to China')."""
        for c in verb.children:
            if c.dep_ in ("dobj", "attr") and not self.p.in_time(c):
                if c.pos_ == "PRON":
                    if c.lower_ in ("him", "her"):  # "will host him": the person last named
                        people = self._people_before(include_sentence=True, before=self.view.idx(verb))
                        subj = self._subject(verb)
                        me = self.p.person_ent(subj) if subj is not None else None
                        people = [p for p in people if me is None or p != me[0] and not me[0].endswith(" " + p)]
                        if people:
                            return people[-1], c
                    continue
                person = self.p.person_ent(c)
                if person is not None:
                    return person[0], c
                return self.p.noun_phrase(c, max_words=max_words), c
        return "", None

    def _destination(self, verb: Any) -> tuple[str, str]:
        """('to', 'China') for 'travel to China', ('for', 'Washington') for 'leaves for Washington'."""
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("to", "for", "in"):
                objs = [g for g in c.children if g.dep_ == "pobj" and not self.p.in_time(g)]
                if objs and (objs[0].pos_ == "PROPN" or objs[0].ent_type_ in _PLACE_LABELS):
                    toks = self.p.subtree_tokens(objs[0], {"relcl", "acl", "appos", "punct", "prep", "cc", "conj"})
                    return c.lower_, self.p.render(toks, objs[0])
        return "", ""

    def _for_event(self, verb: Any) -> str:
        """'for a third session of talks': the event a trip is for."""
        from bot.extract.events import trigger_kind

        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "at"):
                objs = [g for g in c.children if g.dep_ == "pobj" and not self.p.in_time(g)]
                o = objs[0] if objs else None
                named = [o.text] + [f"{g.text} {o.text}" for g in o.children if g.dep_ in ("compound", "amod")] \
                    if o is not None else []
                if o is not None and o.pos_ == "NOUN" and (o.lemma_.lower() in _EDITION_NOUNS or any(trigger_kind(w) in (
                        "negotiation", "summit", "meeting", "dialogue", "other") for w in named)):
                    words = self.p.noun_phrase(objs[0], max_words=7)
                    if len(words.split()) <= 7:
                        self._add_actors(words)
                        return f"{c.lower_} {words}"
        return ""

    def _richer(self, noun: Any, phrase: str) -> str:
        """A fuller mention of the same thing earlier in the article ('the summit' -> 'COP28
        climate summit'): the last one before this sentence with the same head word."""
        lemma = noun.lemma_.lower()
        best = ""
        for s, e in self.sents:
            if s >= self.sent[0]:
                break
            root = None
            for m in re.finditer(rf"(?i)\b{re.escape(noun.text)}\b", self.text[s:e]):
                root = self.view.root(s + m.start(), s + m.end())
                if root is None or root.lemma_.lower() != lemma or root.pos_ not in ("NOUN", "PROPN"):
                    continue
                p = _Phrases(self.text, self.view, []).noun_phrase(root, max_words=7)
                p = " ".join(w for w in p.split() if w.lower() not in self.lex["relative"])
                p = self._resolve_country(p, s, e)
                if len(p.split()) > len(phrase.split()) and not re.search(r"\d{4}", p):
                    best = p
        return best or phrase

    # -- titles --------------------------------------------------------------------------
    def describe(self) -> Described:
        head = self.view.root(self.trig.start, self.trig.end)
        if head is None:
            return Described(self._bare())
        word = " ".join(self.trig.text.lower().split())
        if word in ("end", "ends", "expire", "expires", "lapse", "lapses", "conclude", "run out", "runs out") and \
                head.pos_ not in ("VERB", "AUX"):
            # "the forum, set to end on Sunday" parsed without a verb: the forum ends
            up = head
            for _ in range(4):
                up = up.head
                if up.pos_ in ("NOUN", "PROPN") or up.head.i == up.i:
                    break
            if up.pos_ in ("NOUN", "PROPN") and up.i != head.i:
                title = self._noun_title(up)
                if not re.search(r"\b(?:ends?|expires?|lapses?|concludes?|runs? out)$", title):
                    title = f"{title} {'end' if up.tag_ in ('NNS', 'NNPS') else 'ends'}"
                return Described(self._finish(title), self.own, self.place)
        verb_like = head.pos_ == "NOUN" and head.dep_ in ("xcomp", "ccomp") and any(
            c.dep_ == "dobj" for c in head.children)  # "is due to host leaders", tagged as a noun
        if verb_like:
            title = self._verb_title(head, as_verb=True)
        elif head.pos_ in ("NOUN", "PROPN") or (head.pos_ == "X" and head.dep_ in _SUBJ + ("dobj", "pobj")):
            title = self._noun_title(head)
        elif head.pos_ == "ADJ" and head.lower_ == "effective" or self.trig.text.lower() in ("starting", "beginning"):
            title = self._measure_title(head)
        else:
            title = self._verb_title(head)
        return Described(self._finish(title or self._bare()), self.own, self.place)

    def describe_end(self, start: int, end: int) -> Described:
        noun = None
        head = self.view.root(self.trig.start, self.trig.end)
        if head is not None and head.pos_ in ("NOUN", "PROPN") and not (
                self.trig.start == start and self.trig.end == end):
            noun = head
        dur = self.view.root(start, end)
        if noun is None and dur is not None and dur.dep_ in ("amod", "compound", "nummod", "npadvmod", "nmod") \
                and dur.head.pos_ in ("NOUN", "PROPN") and not self.p.in_time(dur.head):
            noun = dur.head
        title = ""
        if noun is not None:
            title = self._span_noun(noun)
        elif dur is not None:
            verb = dur
            for _ in range(4):
                if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                    break
                verb = verb.head
            subj = self._subject(verb) if verb.pos_ in ("VERB", "AUX") else None
            if subj is not None and subj.pos_ == "NOUN" and (
                    subj.lemma_.lower() in self.lex["deadline_nouns"] or subj.lemma_.lower() in _PROCESS_NOUNS):
                title = self._span_noun(subj)  # "the inquiry should need four months"
            else:
                who = self._who_text(subj)
                purpose = self._purpose(dur) or self._purpose(verb)
                if purpose:
                    title = f"{possessive(who)} extra time to {purpose} ends" if who else \
                        f"Time to {purpose} runs out"
                elif verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() not in ("get", "have", "give", "be"):
                    obj, _ = self._object(verb)
                    title = f"Deadline to {verb.lemma_.lower()} {obj}".strip()
                    if who:
                        title = f"{possessive(who)} {title[0].lower()}{title[1:]}"
                elif who:
                    title = f"{possessive(who)} extra time ends"
        title = self._finish(title or "Deadline")
        return Described(title, self.own, self.place)

    def _span_noun(self, noun: Any) -> str:
        """'pause on grain export licences ends': the span's noun phrase, a generic one ('the
        process') standing for the last span named before it."""
        phrase = self._topic(noun, self.p.noun_phrase(noun), always=True)  # "pause on grain exports"
        generic = noun.lemma_.lower() in ("process", "period", "time", "it", "phase")
        if generic or len(phrase.split()) <= 1:
            phrase = self._span_before(noun) or self._richer(noun, phrase)
        self._add_actors(phrase)
        plural = noun.tag_ in ("NNS", "NNPS") and not generic
        return f"{phrase} {'end' if plural else 'ends'}"

    def _span_before(self, noun: Any) -> str:
        """The last noun of the lexicon's spans ('review', 'pause', 'probe') in this sentence
        before ``noun`` or in the two sentences before it."""
        i = self.sents.index(self.sent) if self.sent in self.sents else -1
        spans = [(self.sent[0], self.view.idx(noun))] + [self.sents[j] for j in (i - 1, i - 2) if j >= 0]
        for s, e in spans:
            for tok in reversed(list(self._tokens(s, e))):
                if tok.i != noun.i and tok.pos_ == "NOUN" and tok.lemma_.lower() in self.lex["deadline_nouns"] \
                        and tok.lemma_.lower() not in ("process", "order"):
                    found = _Phrases(self.text, self.view, []).noun_phrase(tok, max_words=7)
                    return self._richer(tok, found) if len(found.split()) <= 1 else found
        return ""

    def _tokens(self, s: int, e: int) -> list[Any]:
        span = self.view.char_span(s, e, alignment_mode="expand")
        return list(span) if span is not None else []

    def _purpose(self, tok: Any) -> str:
        """'to order engines from Brazilian makers': an infinitive that says what the time is for."""
        for c in tok.children:
            if c.dep_ in ("acl", "relcl", "xcomp", "advcl") and c.tag_ == "VB" and any(
                    a.lower_ == "to" for a in c.children if a.dep_ == "aux"):
                toks = self.p.subtree_tokens(c, {"aux", "punct", "advcl", "relcl", "cc", "conj"})
                words = self.p.render([t for t in toks if t.lower_ != "so"], c)
                if words and len(words.split()) <= 8:
                    return words
        return ""

    def _bare(self) -> str:
        return " ".join(self.trig.text.split()).capitalize()

    def _noun_title(self, noun: Any) -> str:
        # "the coming round of border talks", "the opening session of the forum": the round
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN" and \
                noun.head.head.lemma_.lower() in _EDITION_NOUNS:
            noun = noun.head.head
        phrase = self.p.noun_phrase(noun)
        if not phrase:
            phrase = " ".join(self.trig.text.split())
        bare = len([w for w in phrase.split() if w.lower() not in ("of", "the", "a")]) <= 1
        if bare:
            phrase = self._richer(noun, phrase)
        phrase = self._resolve_country(phrase, *self.sent)
        phrase = self._topic(noun, phrase, always=self.trig.kind in ("deadline", "policy"))
        self._add_actors(phrase)
        # who takes part: 'between X and Y', 'with X', or the subject of 'hold'/'host'/'attend'
        who: list[str] = []
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in ("between", "with", "among"):
                for a in actors_in(self.text[self.view.idx(c):self.view.end(c.right_edge)]):
                    if a not in who:
                        who.append(a)
        verb = noun.head if noun.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "attr") else None
        if verb is not None and noun.dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head if verb.lower_ in ("for", "to", "at", "in") else None
        person = ""
        owner_name = ""
        light = verb is not None and verb.pos_ in ("VERB", "AUX") and noun.dep_ in ("dobj", "pobj") and (
            verb.lemma_.lower() in self.lex["light"] or verb.lemma_.lower() in ("send", "dispatch"))
        if light:
            subj = self._subject(verb)
            if subj is not None and (self.p.person_ent(subj) is not None or verb.lemma_.lower() in ("host", "co-host")):
                person = self._who_text(subj)  # "Biden hosts state dinner", "India hosts summit"
            elif subj is not None:
                sub_toks = self.p.subtree_tokens(subj, {"relcl", "acl", "appos", "punct"})
                for a in self._token_actors(sub_toks):
                    if a not in who:
                        who.append(a)
                if subj.pos_ == "PROPN":
                    # a name the gazetteer knows only a part of ("Northern Ireland"): the name
                    name = self.p.noun_phrase(subj, with_of=False, max_words=4)
                    if name and _gaz().lookup(name) is None and actors_in(name):
                        owner_name = name
        named = set(actors_in(phrase))
        extra = [a for a in who if a not in named]
        for a in who:
            if a not in self.own:
                self.own.append(a)
        acl = [c for c in noun.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
        venue_verb = verb if verb is not None and verb.lemma_.lower() not in _ABOUT_VERBS else None
        self.place = self._place_of(noun, *acl, venue_verb)
        if self.trig.kind == "visit":
            dest = self._destination(noun)[1] or (self._destination(verb)[1] if verb is not None else "")
            if dest and dest.lower() not in phrase.lower():
                last = self.trig.text.split()[-1].lower()
                link = f" {last}" if last in ("to", "for") and not phrase.lower().endswith(last) else \
                    "" if last in ("to", "for") else " to"
                phrase = f"{phrase}{link} {dest}"  # "senior delegation to Beijing"
                self._add_actors(dest)
        if person:
            lemma = verb.lemma_.lower()
            title = f"{person} {_conjugate(lemma, ' and ' in person)} {phrase}"
        elif owner_name:
            title = f"{possessive(owner_name)} {phrase}"
        elif extra:
            labels = [short_label(a) for a in extra[:3]]
            title = f"{possessive(labels[0])} {phrase}" if len(labels) == 1 and not phrase[:1].isupper() else \
                f"{'–'.join(labels)} {phrase}"
        else:
            title = phrase
        phase = self._phase(noun)
        if phase:
            title = f"{title} {phase}"
        elif title == phrase and (len([w for w in phrase.split() if w.lower() not in ("of", "the", "a")]) <= 2
                                  and not self.own and not self.place or noun.pos_ == "PROPN" and
                                  noun.dep_ in ("dobj", "pobj")):
            # a bare noun, or a body's name ("brief the Security Council"): told by its clause
            title = self._clause_title(noun, phrase) or title
        return title

    def _clause_title(self, noun: Any, phrase: str) -> str:
        """A bare noun ('closed sessions', 'a rally') told by its clause: 'Envoys go over the
        water accord in closed sessions'."""
        prep = noun.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else None
        verb = prep.head if prep is not None else (noun.head if noun.dep_ == "dobj" else None)
        if verb is not None and verb.pos_ == "NOUN" and verb.dep_ == "dobj":
            verb = verb.head  # "take up fisheries in dedicated sessions": the phrase hangs on the object
        if verb is None or verb.pos_ != "VERB" or any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
            return ""  # "a decision is expected at the summit": no one does anything at it
        subj = self._subject(verb)
        who = self._who_text(subj)
        if not who:
            return ""
        prt = "".join(f" {c.lower_}" for c in verb.children if c.dep_ == "prt")
        words = [who, _conjugate(verb.lemma_.lower(), _is_plural(subj) or " and " in who) + prt]
        if prep is not None:
            obj, _ = self._object(verb, max_words=5)
            if obj:
                words.append(obj)
            words += [prep.lower_, phrase]
        else:
            words.append(phrase)
        if self.place == "":
            self.place = self._place_of(verb)
        return " ".join(words)

    def _topic(self, noun: Any, phrase: str, always: bool = False) -> str:
        """'talks on trade', 'negotiations over a truce in the north', 'pause on grain exports':
        a short topic for talks and spans."""
        if not always and self.trig.kind not in ("negotiation", "dialogue", "meeting", "summit") or \
                len(phrase.split()) > 5:
            return phrase
        for c in noun.children:
            if c.dep_ == "prep" and (c.lower_ in ("on", "over", "about") or always and c.lower_ == "for"):
                objs = [g for g in c.children if g.dep_ == "pobj" and not self.p.in_time(g)]
                if not objs:
                    continue
                keep = {"relcl", "acl", "appos", "advcl", "punct", "cc", "conj", "det", "predet"}
                toks = self.p.subtree_tokens(objs[0], keep, deep_skip=keep | {"prep"})
                words = self.p.render(toks, objs[0])
                if words and len(words.split()) <= 4:
                    return f"{phrase} {c.lower_} {words}"
        return phrase

    def _phase(self, noun: Any) -> str:
        """'resume', 'ends', 'take effect': the verb of which the event noun is the subject
        ('the talks will resume'), or that a clause on it has ('the summit, due to end'),
        when it says which moment of the event the date gives."""
        plural = noun.tag_ in ("NNS", "NNPS") or noun.lower_.endswith("s") and noun.lower_ not in ("process",)
        up = noun.head
        if noun.dep_ == "pobj" and up.lower_ == "of" and up.head.lower_ in ("start", "beginning", "opening", "end",
                                                                              "close", "conclusion"):
            return {"start": "begins", "beginning": "begins", "opening": "opens"}.get(up.head.lower_, "ends")
        if noun.dep_ in ("nsubj", "nsubjpass"):
            verbs = [up]
        else:
            verbs = [c for c in noun.children if c.dep_ in ("acl", "amod", "relcl") and c.pos_ in ("VERB", "ADJ")]
        for verb in verbs:
            for _ in range(3):
                lemma = verb.lemma_.lower()
                prt = "".join(f" {c.lower_}" for c in verb.children if c.dep_ == "prt")
                if lemma + prt in self.lex["phase"] or (lemma in self.lex["phase"] and not prt):
                    return _conjugate(lemma, plural) + prt
                if lemma in ("take", "come", "enter", "go") and any(c.lower_ in ("effect", "force")
                                                                    for c in verb.subtree):
                    return "take effect" if plural else "takes effect"
                if lemma in ("apply", "kick"):
                    return ("apply" if plural else "applies") if lemma == "apply" else (
                        "kick in" if plural else "kicks in")
                xcomp = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
                if not xcomp:
                    break
                verb = xcomp[0]
        after = self.text[self.view.end(noun):self.view.end(noun) + 50]
        m = re.match(r"(?i)\s*,?\s*(?:which\s+|that\s+)?(?:is\s+|are\s+|was\s+|were\s+)?(?:due|set|scheduled|"
                     r"expected|slated|poised)\s+to\s+(\w+)(\s+(?:off|up|out))?", after)
        if m:
            lemma = m.group(1).lower()
            prt = (m.group(2) or "").lower()
            if lemma + prt in self.lex["phase"] or (lemma in self.lex["phase"] and not prt):
                return _conjugate(lemma, plural) + prt
        return ""

    def _measure_title(self, head: Any) -> str:
        """'The tariffs, effective on Saturday' / 'apply the duties starting June 9':
        the measure takes effect."""
        noun = None
        if head.dep_ in ("amod", "appos", "acl") and head.head.pos_ in ("NOUN", "PROPN"):
            noun = head.head
        elif head.head.pos_ in ("VERB", "AUX"):
            verb = head.head
            objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
            # "impose $16 billion in retaliatory tariffs": the measure is in a phrase
            objs += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "on", "of")
                     for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in self.lex["measures"]]
            objs.sort(key=lambda t: t.lemma_.lower() not in self.lex["measures"])
            subj = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
            noun = objs[0] if objs else (subj[0] if subj and subj[0].lemma_.lower() in self.lex["measures"] else None)
        if noun is None:
            return self._verb_title(head)
        self.p.times = self.p.times + [(self.view.idx(head), self.view.end(head))]  # not "tariffs effective"
        phrase = self.p.noun_phrase(noun)
        if len(phrase.split()) <= 1:
            phrase = self._richer(noun, phrase)
        self._add_actors(phrase)
        owner = ""
        verb = noun.head if noun.dep_ == "dobj" else (noun.head.head if noun.dep_ == "pobj" else None)
        if verb is not None:
            subj = self._subject(verb)
            if subj is not None:
                sub_toks = self.p.subtree_tokens(subj, {"relcl", "acl", "appos", "punct"})
                found = [a for a in self._token_actors(sub_toks) if a not in actors_in(phrase)]
                if not found and subj.pos_ == "PRON":
                    found = [a for a in self._actors_before() if a not in actors_in(phrase)][:1]
                if found:
                    owner = short_label(found[0])
                    if found[0] not in self.own:
                        self.own.append(found[0])
        plural = noun.tag_ in ("NNS", "NNPS")
        title = f"{owner} {phrase}" if owner else phrase
        return f"{title} {'take' if plural else 'takes'} effect"

    def _actors_before(self) -> list[str]:
        """Actors named in the sentence before and this one: whom 'it' or 'the bloc' stands for."""
        i = self.sents.index(self.sent) if self.sent in self.sents else -1
        found: list[str] = []
        for s, e in ([self.sents[i - 1]] if i > 0 else []) + [self.sent]:
            found += actors_in(self.text[s:e])
        return list(dict.fromkeys(found))

    def _verb_title(self, head: Any, as_verb: bool = False) -> str:
        verb = head if head.pos_ in ("VERB", "AUX") or as_verb else head.head
        if verb.pos_ in ("NOUN", "PROPN") and head.pos_ in ("ADP", "ADJ"):
            # a headline without a verb ("Quotas in place by May 2"), "a final payment, due on"
            self.p.times = self.p.times + [(self.view.idx(head), self.view.end(head))]
            words = self.p.noun_phrase(verb, max_words=6)
            adv = [c.lower_ for c in head.head.children if c.dep_ == "advmod" and c.lower_ == "fully"]
            return " ".join([words] + adv + self.trig.text.lower().split()) if words else self._bare()
        if verb.pos_ not in ("VERB", "AUX", "ADJ") and not as_verb:
            return self._bare()
        subj = self._subject(verb)
        who = self._who_text(subj)
        trigger_words = " ".join(self.trig.text.split()).lower().split()
        lemma = verb.lemma_.lower()
        plural = _is_plural(subj) or " and " in who
        passive = any(c.dep_ == "auxpass" for c in verb.children) or (
            verb.tag_ == "VBN" and any(c.lower_ == "be" for c in verb.children))
        rest = trigger_words[1:] if trigger_words and trigger_words[0] not in ("be", "will", "to") else \
            trigger_words[2:] if trigger_words[:1] == ["will"] else []
        rest = [w for w in rest if w not in ("be", "to")] if passive else rest
        if rest[-1:] == ["from"]:  # "hit from Sept. 1"
            rest = rest[:-1]
            passive = passive or verb.tag_ == "VBN"
        if head.pos_ == "ADP":  # "fully in place"
            adv = [c.lower_ for c in verb.children if c.dep_ == "advmod" and c.lower_ == "fully"]
            action = " ".join(adv + trigger_words)
        elif head.lower_ == "due" or head.pos_ == "ADJ":
            action = f"{'are' if plural else 'is'} {head.lower_}" if who else head.lower_
        elif passive:
            action = f"{'are' if plural else 'is'} {verb.lower_}"
        else:
            action = " ".join([_conjugate(lemma, plural)] + rest)
        obj = ""
        dest_prep, dest = self._destination(verb)
        if trigger_words[-1] in ("to", "for", "in") and dest:
            action = f"{action} {dest}"
            self.place = dest
        elif trigger_words[-1] == "to":  # "would rise to 30%"
            amount = self._pobj_of(verb, "to")
            if amount:
                action = f"{action} {amount}"
        elif not any(w in ("effect", "force", "place") for w in trigger_words):
            obj, obj_tok = self._object(verb)
            if obj and not set(obj.lower().split()) & set(trigger_words):  # "names his successor"
                action = f"{action} {obj}"
                self._add_actors(obj)
                if self.trig.kind == "visit" and obj_tok is not None and obj_tok.ent_type_ in _PLACE_LABELS:
                    self.place = obj  # "visits Manila": where it happens
            elif dest and dest_prep in ("to", "for"):
                action = f"{action} {dest_prep} {dest}"
                self.place = dest
            elif lemma in ("apply", "extend", "expand"):
                scope = self._pobj_of(verb, "to")
                if scope:
                    action = f"{action} to {scope}"  # "rules apply to large companies"
        if dest:
            self._add_actors(dest)
        purpose = self._for_event(verb)
        if purpose and not obj and lemma in ("host", "co-host", "hold"):
            purpose = purpose.split(" ", 1)[1]  # "hosts a state dinner", not "hosts at"
        if purpose:
            action = f"{action} {purpose}"  # "visits Lima for 4th round of talks", "at state dinner"
        if not self.place:
            self.place = self._place_of(verb, head)
        if not who:
            # no subject to name: "Deadline to conclude first tranche", "Agreement is signed"
            if obj and passive:
                return obj[:1].upper() + obj[1:]
            if obj and self.trig.kind == "deadline":
                return f"Deadline to {lemma} {obj}"
            return ""
        return f"{who} {action}"

    def _pobj_of(self, verb: Any, prep: str) -> str:
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == prep:
                objs = [g for g in c.children if g.dep_ == "pobj" and not self.p.in_time(g)]
                if objs:
                    toks = self.p.subtree_tokens(objs[0], {"relcl", "acl", "appos", "punct", "prep"})
                    words = self.p.render(toks, objs[0])
                    if len(words.split()) <= 4:
                        return words
        return ""

    def _finish(self, title: str) -> str:
        title = " ".join(title.split()).strip(" ,;:-–")
        m = re.search(r"(?i)\b(?:the\s+)?(?:country|nation)['’]s\b", title)
        if m and m.start() > 0:  # "reviews the country's credit line" -> "reviews Malawi's credit line"
            title = title[:m.start()] + self._resolve_country(title[m.start():], *self.sent)
        if self.trig.kind == "election" and not self.place and not actors_in(title):
            # an election is always some country's: the one the sentence names, if only one
            countries = [a for a in actors_in(self.text[self.sent[0]:self.sent[1]])
                         if (_gaz().actors.get(a) or {}).get("kind") == "country"]
            if len(countries) == 1:
                title = f"{title} in {short_label(countries[0])}"
                if countries[0] not in self.own:
                    self.own.append(countries[0])
        title = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.I)
        if self.place and self.place.lower() not in title.lower():
            prep = "at" if re.match(r"(?i)the\s", self.place) else self.place_prep or "in"
            title = f"{title} {prep} {self.place}"
        words = title.split()
        if len(words) > MAX_WORDS + 3:
            title = " ".join(words[:MAX_WORDS + 3])
        return title[:1].upper() + title[1:] if title else ""


def describe_span(text: str, view: ParseView, trig: Trigger, start: int, end: int, sent: tuple[int, int],
                  times: list[tuple[int, int]], sents: list[tuple[int, int]]) -> Described:
    """The end of a length of time text[start:end] gives: 'Pause on grain exports ends',
    'Huawei's extra time to buy parts ends', 'Expedited review of the duties ends'."""
    return _Describer(text, view, trig, sent, times, sents).describe_end(start, end)


def describe(text: str, view: ParseView, trig: Trigger, sent: tuple[int, int], times: list[tuple[int, int]],
             sents: list[tuple[int, int]]) -> Described:
    """The title, own participants and place of the event ``trig`` names in ``sent``."""
    return _Describer(text, view, trig, sent, times, sents).describe()
