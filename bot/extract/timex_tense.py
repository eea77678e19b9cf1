"""Past or future: the tense of the clause a time expression sits in.

A bare "Sunday" or "in July" points back when the verb it modifies is past ("met on
Sunday") and forward when it is future or scheduled ("will meet on Sunday", "meets on
Sunday", "is due to meet on Sunday").  Works from a spaCy parse when there is one, and
from a crude look at the neighbouring words when there is not.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

PAST, FUTURE, PRESENT = "past", "future", "present"

# verbs whose infinitive complement lies ahead of them ("plans to meet", "is set to sign")
_FORWARD_LEMMAS = {
    "plan", "expect", "schedule", "set", "due", "intend", "hope", "want", "aim", "agree", "prepare",
    "go", "propose", "promise", "seek", "try", "decide", "threaten", "vow", "pledge", "like", "wish",
    "arrange", "slate", "poise", "likely", "able", "ready", "need", "have", "invite", "urge", "ask",
    "will", "would", "shall", "could", "might", "may", "can", "should", "must",
}
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll", "would", "'d"}
_MODAL_AMBIG = {"could", "might", "may", "can", "should", "must", "ought"}
_MODAL_FORWARD = {"might", "may", "can", "should", "must", "ought"}
# verbs whose date argument lies ahead of the report even in the past tense
_PLAN_VERBS = {"schedule", "reschedule"}
# verbs planning an event named by their object: "planned a rally on Saturday" dates the rally
_PLAN_OBJECT_VERBS = {"plan", "replan"}
# verbs whose past tense is spelled like the present; tagged VBP after a singular subject they
# can only be past ("Weakness hurt the index on Friday")
_INVARIANT_PAST = {"hurt", "cut", "put", "set", "hit", "let", "quit", "shut", "cost", "spread", "split", "cast",
                   "bet", "rid", "shed", "burst", "thrust", "upset", "beat", "bid", "broadcast", "forecast",
                   "offset", "read", "slit", "spit", "wed", "undercut", "outbid", "overbid", "reset", "recast"}
# participles whose date lies ahead of the noun they describe ("an election expected in April")
_FORWARD_PARTICIPLES = {"expected", "scheduled", "rescheduled", "slated", "planned", "set", "proposed", "intended",
                        "earmarked", "pencilled", "penciled", "tipped"}
_PUTOFF_VERBS = {"postpone", "delay", "adjourn", "defer", "extend", "push", "move", "give", "set", "recess"}


# times of day the tagger sometimes takes for participles ("begins at sundown on Sunday")
_NOT_VERBS = {"sundown", "sunset", "sunrise", "dawn", "dusk", "nightfall", "daybreak", "midnight", "noon"}


def _verb_of(tok: Token) -> Token | None:
    """The nearest verb governing a token (the token itself when it is a verb)."""
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.lower_ in _NOT_VERBS:
            # the parser took a time of day for a verb, so where it hangs says nothing: the
            # verb just before it in the sentence governs ("expected to begin at sundown")
            before = [v for v in t.sent if v.i < t.i and v.pos_ in ("VERB", "AUX") and v.lower_ not in _NOT_VERBS]
            if before:
                t = before[-1]
                continue
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod",) and t.lower_ not in _NOT_VERBS and not (
                t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in t.children)
                and not any(c.dep_.startswith("nsubj") for c in t.children)):
            return t
        # ("comes into force as scheduled on Friday": the date belongs to "comes into force", not "scheduled")
        if t.head.i == t.i:
            return t if t.pos_ in ("VERB", "AUX") else None
        t = t.head
    return None


def _tense_of_verb(v: Token, depth: int = 0) -> str | None:
    auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    aux_lower = {a.lower_ for a in auxes}
    if aux_lower & _FUTURE_AUX:
        return FUTURE
    if v.lower_ in _FUTURE_AUX:
        return FUTURE
    if any(a.lower_ == "going" for a in auxes) or (v.lower_ == "going" and any(
            c.dep_ == "xcomp" for c in v.children)):
        return FUTURE
    if "to" in aux_lower and v.tag_ == "VB":
        # an infinitive looks ahead of a forward-looking verb ("plans to meet", "is due to
        # expire") unless that verb is itself past ("had been due to lapse Monday")
        head = v.head
        if head.i != v.i and depth < 3:
            ht = _tense_of_verb(head, depth + 1) if head.pos_ in ("VERB", "AUX", "ADJ") else None
            if head.pos_ == "ADJ" and head.head.i != head.i:
                ht = _tense_of_verb(head.head, depth + 1) if head.head.pos_ in ("VERB", "AUX") else None
            forward = head.lemma_.lower() in _FORWARD_LEMMAS or head.lower_ in ("due", "set", "scheduled") or (
                head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP"))  # "is to resume trading Tuesday"
            if forward:
                # "set to resume Monday" (no auxiliary) still looks ahead; "had been due to" does not
                # only the past perfect ("had been due to lapse Monday") puts the plan behind us;
                # "planned to leave on Thursday" still reports a plan ahead of the story
                src = head.head if head.pos_ == "ADJ" else head
                head_past = src.lower_ == "had" or any(
                    c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d") for c in src.children)
                return None if ht == PAST and head_past else FUTURE
            return ht if ht in (PAST, FUTURE) else None
        return None
    if aux_lower & _MODAL_AMBIG:
        # "must be ratified by Nov. 3", "may sign on Friday": an obligation or a possibility lies ahead;
        # "could" is also the past of "can" ("could not be reached on Sunday"), and a perfect
        # ("may have met on Sunday") looks back
        if aux_lower & _MODAL_FORWARD and not aux_lower & {"have", "'ve"}:
            return FUTURE
        return None
    if v.lemma_.lower() in _PLAN_VERBS:
        # "has scheduled a press briefing Tuesday", "planned a rally Saturday" -- but a plan
        # in the past perfect ("had been scheduled to expire Friday") was overtaken before the report
        if aux_lower & {"had", "'d"}:
            return PAST
        return FUTURE
    if v.lemma_.lower() in _PLAN_OBJECT_VERBS and any(c.dep_ == "dobj" and c.pos_ == "NOUN" for c in v.children):
        # "planned a march on Saturday": the date belongs to the planned event
        return FUTURE
    if v.tag_ == "VBP" and v.lower_ in _INVARIANT_PAST and not auxes and any(
            c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP") for c in v.children):
        # "Weakness hurt the index on Friday": a singular subject rules out the present
        return PAST
    tags = [v.tag_] + [a.tag_ for a in auxes]
    if "VBD" in tags:
        return PAST
    if v.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return PAST
    if v.tag_ == "VBN" and not auxes:
        if v.lower_ in _FORWARD_PARTICIPLES and v.dep_ in ("acl", "amod") and depth < 3:
            # "an election expected in April", "talks slated for Monday": ahead, unless the
            # clause they sit in is told in the past ("the vote, expected in April, was cancelled")
            up = _verb_of(v.head)
            return PAST if up is not None and up.i != v.i and _tense_of_verb(up, depth + 1) == PAST else FUTURE
        # reduced relative ("the talks held Sunday") or passive without aux: past
        return PAST
    if any(t in ("VBZ", "VBP") for t in tags):
        return PRESENT
    if v.tag_ == "VBG" and not auxes:
        # a gerund ("in tackling ... on Monday") takes the tense of the verb above it
        if v.head.i != v.i and depth < 3:
            up = _verb_of(v.head)
            if up is not None and up.i != v.i:
                return _tense_of_verb(up, depth + 1)
    if v.tag_ == "VB" and not auxes:
        # imperative or bare infinitive after a modal handled above
        return PRESENT
    return None


def tense_at(doc: Doc | None, text: str, start: int, end: int) -> str | None:
    """PAST, FUTURE, PRESENT or None for the clause around text[start:end]."""
    if doc is not None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            v = _verb_of(span.root)
            root = span.root
            if v is not None and root.dep_ == "pobj" and root.head.lower_ in ("until", "till", "to", "by") \
                    and root.head.head.i == v.i and v.lemma_.lower() in _PUTOFF_VERBS:
                # "postponed until Tuesday", "extended its deadline to Nov. 20"
                return FUTURE
            if v is not None and v.tag_ == "VB" and v.dep_ == "ROOT" and v.i == v.sent.start and \
                    v.text[:1].isupper() and not any(c.dep_ == "aux" for c in v.children):
                # a name at the head of the sentence taken for an imperative ("Trump signed ...")
                return _tense_from_words(text, start, end)
            if v is not None:
                # a governing verb decides, even when it leaves the tense open ("could be")
                return _tense_of_verb(v)
            # no governing verb (headline, fragment): nearest finite verb in the sentence
            sent = span.sent
            best = None
            for tok in sent:
                if tok.tag_ in ("VBD", "VBZ", "VBP", "MD") or (tok.tag_ == "VBN" and not any(
                        c.dep_ in ("aux", "auxpass") for c in tok.children)):
                    dist = abs(tok.i - span.start)
                    if best is None or dist < best[0]:
                        best = (dist, tok)
            if best is not None:
                tok = best[1]
                if tok.tag_ == "MD":
                    return FUTURE if tok.lower_ in _FUTURE_AUX else None
                return PAST if tok.tag_ in ("VBD", "VBN") else PRESENT
            return None
    return _tense_from_words(text, start, end)


_WORD = re.compile(r"[A-Za-z']+")
_PAST_WORDS = {"was", "were", "had", "did", "said", "told", "met", "held", "went", "came", "made", "took"}
_FUT_WORDS = {"will", "shall", "'ll", "would", "going", "plans", "scheduled", "expected", "due", "set"}


def _tense_from_words(text: str, start: int, end: int) -> str | None:
    """Without a parse: the nearest tense-bearing word in the same sentence."""
    left = text[max(0, start - 120):start]
    left = re.split(r"[.!?]\s", left)[-1]
    right = text[end:end + 80]
    right = re.split(r"[.!?]\s", right)[0]
    words = [w.lower() for w in _WORD.findall(left)][::-1] + [w.lower() for w in _WORD.findall(right)]
    for w in words:
        if w in _FUT_WORDS:
            return FUTURE
        if w in _PAST_WORDS or (w.endswith("ed") and len(w) > 4):
            return PAST
    return None
