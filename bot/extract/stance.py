"""Stance from the clause: a cue lexicon grouped by meaning, negation, and target flips.

For every object phrase under a predicate, the stance toward it is the product of the
polarities met on the dependency path from the predicate down to it:

- a support cue (back, urge, want, keen) keeps the sign; an oppose cue that negates its
  object (lift, avoid, reject, wary of) flips it;
- a negation (not, never) on a word of the path flips it;
- "against"/"without" flip; "concerns about" flips through the noun;
- an evaluative adjective on the phrase itself ("the right deal", "unfair tariffs") or
  predicated of it ("the duties are unjustified") sets it.

A path with no evaluative word at all gives ``neutral``: reporting is not taking a side.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

OBJECT_DEPS = {"dobj", "obj", "xcomp", "ccomp", "attr", "oprd", "acomp", "pcomp", "nsubjpass", "dative", "conj",
               "advcl", "relcl"}
NOUN_POS = {"NOUN", "PROPN"}
# adjectives that evaluate when predicated ("X is critical of Y") but only describe as modifiers
# ("critical minerals", "key industries", "open markets")
DESCRIPTIVE_ADJ = {"critical", "key", "open", "ready", "important", "essential", "vital", "crucial", "negative",
                   "positive", "fair", "great", "good", "bad", "strategic", "necessary", "concerned"}


@dataclass(frozen=True)
class Lexicon:
    report: frozenset[str]
    support: frozenset[str]
    oppose: frozenset[str]
    negate: frozenset[str]
    adj_support: frozenset[str]
    adj_oppose: frozenset[str]
    noun_support: frozenset[str]
    noun_oppose: frozenset[str]
    preps_negate: frozenset[str]
    negations: frozenset[str]
    nouns_negate: frozenset[str] = frozenset()

    def is_cue(self, lemma: str) -> bool:
        return lemma in self.report or lemma in self.support or lemma in self.oppose

    def is_cue_token(self, tok: Token) -> bool:
        """A cue by its lemma, or a verb with its particle ("rule out", "walk away")."""
        lemma = tok.lemma_.lower()
        return self.is_cue(lemma) or (tok.pos_ in ("VERB", "AUX") and self.is_cue(_phrasal(tok)))

    def polarity(self, tok: Token) -> int:
        """+1 / -1 for an evaluative word, 0 for a neutral one."""
        lemma = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX"):
            phrasal = _phrasal(tok)
            if phrasal in self.negate or phrasal in self.oppose:
                return -1
            if lemma in self.negate or (lemma in self.oppose and lemma not in self.support):
                return -1
            return 1 if lemma in self.support else 0
        if tok.pos_ == "ADJ":
            if lemma in self.adj_oppose or tok.lower_ in self.adj_oppose:
                return -1
            return 1 if (lemma in self.adj_support or tok.lower_ in self.adj_support) else 0
        if tok.pos_ == "NOUN":
            if lemma in self.noun_oppose or tok.lower_ in self.noun_oppose:
                return -1
            return 1 if (lemma in self.noun_support or tok.lower_ in self.noun_support) else 0
        if tok.pos_ == "ADP" and tok.lower_ in self.preps_negate:
            return -1
        return 0


def _phrasal(tok: Token) -> str:
    parts = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    return f"{tok.lemma_.lower()} {parts[0]}" if parts else tok.lemma_.lower()


@functools.cache
def lexicon() -> Lexicon:
    d = json.loads(resources.files("bot").joinpath("data/cues.json").read_text(encoding="utf-8"))
    f = frozenset
    return Lexicon(f(d["report"]), f(d["support"]), f(d["oppose"]), f(d["negate"]),
                   f(d["adjectives_support"]), f(d["adjectives_oppose"]), f(d["nouns_support"]),
                   f(d["nouns_oppose"]), f(d["preps_negate"]), f(d["negations"]), f(d.get("nouns_negate", [])))


def negated(tok: Token) -> bool:
    """Not, never, or a negative subject ("nobody wins from it")."""
    lex = lexicon()
    return any(c.dep_ == "neg" or (c.lower_ in lex.negations and c.dep_ in ("advmod", "det", "neg", "nsubj"))
               or (c.dep_ == "nsubj" and any(d.lower_ == "no" and d.dep_ == "det" for d in c.children))
               for c in tok.children)


@dataclass(frozen=True)
class Target:
    text: str
    start: int  # character offsets in the doc
    end: int
    stance: str  # support | oppose | neutral
    head: str
    depth: int = 1  # dependency steps from the predicate: the direct object is nearest


def label(sign: int, evaluative: bool) -> str:
    if not evaluative or sign == 0:
        return "neutral"
    return "support" if sign > 0 else "oppose"


def targets(pred: Token, within: Span | None = None) -> list[Target]:
    """The stance toward each noun phrase under ``pred`` (a verb or adjective)."""
    lex = lexicon()
    lo = within.start if within is not None else pred.sent.start
    hi = within.end if within is not None else pred.sent.end
    out: list[Target] = []
    subject = {t.i for c in pred.children if c.dep_ in ("nsubj", "nsubjpass", "csubj") for t in c.subtree}
    for tok in pred.subtree:
        if tok.i in subject:
            continue  # the holder's own phrase ("the ministry of X") is no object
        if not (lo <= tok.i < hi) or tok.pos_ not in NOUN_POS or tok.dep_ in ("compound", "poss"):
            continue
        if tok.dep_ == "nsubj" and (tok.head.i == pred.i or not _predicated(tok.head)):
            continue  # an agent is no target: "said China would impose tariffs" is not about China
        sign, evaluative = _path_sign(tok, pred, lex)
        if sign is None or _other_agent_between(tok, pred):
            continue
        # an evaluative modifier on the phrase itself: "the right deal", "unfair duties"
        # (only where the path itself says nothing: "against a protectionist streak" is one "against")
        if not evaluative:
            for child in tok.children:
                if child.dep_ == "amod" and child.lower_ not in DESCRIPTIVE_ADJ:
                    p = lex.polarity(child)
                    if p:
                        sign, evaluative = p, True
        # an object complement: "keep ties stable", "called the ruling invalid"
        # (the complement decides: "called the levy unfair" is against it whatever "call" is)
        if tok.dep_ in ("dobj", "obj") and tok.head.i == pred.i or tok.dep_ in ("dobj", "obj") and not evaluative:
            complement = _complement_sign(tok.head, lex)
            if complement:
                sign, evaluative = complement, True
        # predicated of it: "the duties are unjustified"
        head = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass") and head.lemma_ == "be":
            for c in head.children:
                if c.dep_ in ("acomp", "attr") and lex.polarity(c):
                    sign, evaluative = lex.polarity(c), True
                    if negated(head) or negated(c):
                        sign = -sign
        left, right = _phrase_bounds(tok)
        doc = tok.doc
        # the ancestors of tok that pred governs: the words between them on the path
        depth = _steps_up(tok, pred.i) - 1 if tok.i != pred.i else 0
        out.append(Target(doc[left:right + 1].text, doc[left].idx, doc[right].idx + len(doc[right]),
                          label(sign, evaluative), tok.lemma_.lower(), depth + 1))
    return out


def _complement_sign(verb: Token, lex: Lexicon) -> int:
    """+1 / -1 when an evaluative adjective completes ``verb``'s object ("called the levy
    unfair", "keep ties stable"; a negating verb flips it), else 0."""
    sign = 0
    for c in verb.children:
        if c.dep_ in ("oprd", "acomp", "ccomp", "xcomp") and c.pos_ == "ADJ" and lex.polarity(c):
            sign = lex.polarity(c) * (-1 if verb.lemma_.lower() in lex.negate else 1)
    return sign


def relative_antecedent(pred: Token) -> Target | None:
    """The noun a relative clause is about, as the object of a predicate with none of its own:
    "a goal Hanoi strongly backs" backs the goal; "a levy which officials call punitive" is
    against the levy.  None for any other predicate."""
    noun = pred.head
    if pred.dep_ != "relcl" or noun.pos_ not in NOUN_POS:
        return None
    subject = next((c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ in ("which", "who", "that"):
        return None  # "Japan, which objects": the noun is the one who holds the view, not its object
    complement = _complement_sign(pred, lexicon())  # "call it punitive"
    if complement:
        stance = label(-complement if negated(pred) else complement, True)
    else:
        stance = clause_stance(pred)
    left, right = _phrase_bounds(noun)
    doc = noun.doc
    return Target(doc[left:right + 1].text, doc[left].idx, doc[right].idx + len(doc[right]), stance,
                  noun.lemma_.lower(), 1)


# verbs whose complement's subject acts at the speaker's wish ("see X lift", "make X pay"):
# the act is the speaker's position, not the other agent's
CAUSATIVE_HEADS = {"see", "want", "make", "let", "have", "help", "force", "need", "like", "prefer", "wish",
                   "watch", "allow", "get", "push", "press", "expect"}
PRONOUN_SUBJECTS = {"it", "they", "we", "he", "she", "i", "who", "which", "that"}


def _other_agent_between(tok: Token, pred: Token) -> bool:
    """True when a clause with another named agent stands between ``pred`` and ``tok``.

    "Chile said Peru would impose tariffs" says nothing of Chile's view of tariffs; a
    pronoun subject ("said it would ...") is taken as the speaker's own voice.
    """
    node = tok.head
    path = {tok.i}
    while node.i != pred.i and node.head.i != node.i:
        path.add(node.i)
        if node.pos_ in ("VERB", "AUX"):
            for c in node.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i not in path and c.lower_ not in PRONOUN_SUBJECTS \
                        and _agent_like(c) and not (node.dep_ in ("ccomp", "xcomp")
                                                    and node.head.lemma_.lower() in CAUSATIVE_HEADS):
                    return True
        node = node.head
    return False


def _agent_like(tok: Token) -> bool:
    """A subject that can hold a view: a named person, country, organisation or group."""
    if tok.ent_type_ in ("PERSON", "GPE", "NORP", "ORG"):
        return True
    return any(t.ent_type_ in ("PERSON", "GPE", "NORP", "ORG") for t in tok.subtree if t.dep_ in ("compound", "amod", "poss"))


def _predicated(verb: Token) -> bool:
    """A clause that says something of its subject: a copula or a passive participle."""
    return verb.lemma_ == "be" or verb.tag_ == "VBN"


def _phrase_bounds(tok: Token) -> tuple[int, int]:
    left = tok.left_edge.i
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("prep", "compound", "amod", "nummod", "pobj") and c.right_edge.i - tok.i < 8:
            right = max(right, c.right_edge.i)
    return left, right


def _steps_up(tok: Token, top: int) -> int:
    """Dependency steps from ``tok`` up to the token at ``top`` (one of its ancestors)."""
    n, node = 0, tok
    while node.i != top and node.head.i != node.i:
        node = node.head
        n += 1
    return n


def _path_sign(tok: Token, pred: Token, lex: Lexicon) -> tuple[int | None, bool]:
    """Product of polarities from ``pred`` down to ``tok``; None if tok is not below pred."""
    path = []
    node = tok
    while node.i != pred.i:
        if node.head.i == node.i:
            return None, False
        path.append(node)
        node = node.head
    sign, evaluative = 1, False
    chain = [pred] + list(reversed(path))  # top-down
    for i, node in enumerate(chain[:-1]):
        nxt = chain[i + 1]
        if nxt.dep_ == "relcl" or nxt.dep_ == "advcl" and not any(c.dep_ == "mark" for c in nxt.children):
            # a relative clause, or an adverbial one with no conjunction (a participle, a
            # purpose), is a proposition of its own: "would not pursue talks, widening a rift",
            # "opposes the deal that protects farmers" say nothing of the rift or the farmers;
            # only the words from the clause down count.  ("will not let up until X is gone"
            # still reaches X: the conjunction ties the clause to the verb's sense.)
            sign, evaluative = 1, False
            continue
        if nxt.dep_ == "conj" and nxt.pos_ == node.pos_:
            continue  # "ease or lift the ban": coordinated words are alternatives, not nested
        if nxt.dep_ == "prep" and nxt.lower_ in ("on", "of", "to") and any(
                c.dep_ in ("dobj", "obj") and c.i == nxt.i - 1 and
                (c.lower_ in lex.nouns_negate or c.lemma_.lower() in lex.noun_oppose) for c in node.children):
            # "backs curbs on X" parsed with "on X" hung on the verb: the curbs are on X
            sign, evaluative = -sign, True
        p = lex.polarity(node)
        if node.pos_ == "ADP":
            if p < 0:
                sign, evaluative = -sign, True
        elif p:
            evaluative = True
            if p < 0:
                # a negating verb flips its object; "warn against X" flips once, through the preposition
                if not (nxt.dep_ == "prep" and nxt.lower_ in lex.preps_negate):
                    sign = -sign
        elif node.pos_ == "NOUN" and nxt.dep_ == "prep" and (node.lemma_.lower() in lex.noun_oppose
                                                              or node.lower_ in lex.nouns_negate):
            sign, evaluative = -sign, True  # "concerns about X", "curbs on X": against X
        if negated(node):
            sign, evaluative = -sign, True
    return sign, evaluative


def clause_stance(pred: Token) -> str:
    """The stance a predicate with no clear object carries, down its chain of complements:
    "vows to resist" is against, "refuses to accept" is against, "wants to join" is for."""
    lex = lexicon()
    sign, evaluative = 1, False
    node: Token | None = pred
    while node is not None:
        p = lex.polarity(node)
        if p:
            sign, evaluative = sign * p, True
        if negated(node):
            sign, evaluative = -sign, True
        node = next((c for c in node.children if c.dep_ == "xcomp"), None)
    return label(sign, evaluative)
