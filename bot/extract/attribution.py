"""The attribution lexicons (bot/data/attribution.json), loaded once.

They answer "is this predicate a statement?" and "can this phrase speak?"; the stance of
what is said is the business of cues.json and stance.py.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class AttributionLexicon:
    report: frozenset[str]  # lemmas that attribute speech or writing
    report_object: frozenset[str]  # reporting verbs whose noun-phrase object is the statement
    audience: frozenset[str]  # objects that are an audience, not a statement ("told reporters")
    actions: frozenset[str]  # acts, not statements ("imposed", "signed")
    documents: frozenset[str]  # what a speaker issues ("statement", "fact sheet")
    speech_nouns: frozenset[str]  # what an act can say ("raised concerns", "voiced support")
    government_nouns: frozenset[str]  # heads of phrases that speak for a state
    group_nouns: frozenset[str]  # heads of phrases that speak for a group, company or party
    source_nouns: frozenset[str]  # heads of phrases of unnamed or expert sources
    no_state: frozenset[str]  # words that make a title or group speak for no state
    honorifics: frozenset[str]  # forms of address and ranks before a name
    particles: frozenset[str]  # surname particles ("von", "bin", "Al")
    family_first: frozenset[str]  # family names of traditions that put them first

    def can_speak(self, lemma: str) -> bool:
        return lemma in self.government_nouns or lemma in self.group_nouns or lemma in self.source_nouns \
            or lemma in self.documents


@functools.cache
def attribution() -> AttributionLexicon:
    data = json.loads(resources.files("bot").joinpath("data/attribution.json").read_text(encoding="utf-8"))

    def words(*groups: list[str]) -> frozenset[str]:
        return frozenset(w for g in groups for w in g)

    rv = data["report_verbs"]
    nouns = data["speaker_nouns"]
    fam = data["family_name_first"]
    return AttributionLexicon(
        report=words(*(v for k, v in rv.items() if k != "comment")),
        report_object=words(data["report_with_object"]["verbs"]),
        audience=words(data["report_with_object"]["not_statement_objects"]),
        actions=words(data["actions"]["verbs"]),
        documents=words(data["documents"]["nouns"]),
        speech_nouns=words(data["speech_nouns"]["nouns"]),
        government_nouns=words(nouns["government"]),
        group_nouns=words(nouns["groups"]),
        source_nouns=words(nouns["sources"]),
        no_state=words(data["no_state"]["words"]),
        honorifics=words(data["honorifics"]["words"]),
        particles=words(data["name_particles"]["words"]),
        family_first=words(*(v for k, v in fam.items() if k != "comment")),
    )
