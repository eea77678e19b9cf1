"""People as data: names, the forms a person is later called by, and who speaks for whom.

A ``PeopleDirectory`` answers "which country does this person speak for?" from three
sources, strongest first: corrections by an admin (``/person set``), the curated list of
office holders (bot/data/office_holders.json, extended by the ``people`` of the local
gazetteer file), and people learned from earlier articles ("South Korean President X").
It is plain data: extraction reads it, the service fills it from the store.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from bot.extract.attribution import attribution

SOURCES = ("admin", "curated", "learned")  # strongest first
_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
# "son of": shared by brothers, so "bin Salman" names no one person
PATRONYMICS = frozenset({"bin", "ibn", "bint", "ben", "Ben", "abu", "Abu"})


def fold_name(name: str) -> str:
    """A key for a name that ignores case, accents, dots and curly apostrophes."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace(".", " ").lower()
    return " ".join(re.sub(r"[^\w' -]+", " ", text).split())


def person_id(name: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", fold_name(name)).strip("-")


def strip_honorifics(name: str) -> str:
    """"Mr Al Busaidi" -> "Al Busaidi", "Colonel Ana Ruiz" -> "Ana Ruiz" (a name is never left empty)."""
    words = name.split()
    hon = attribution().honorifics
    while len(words) > 1 and (words[0] in hon or words[0].rstrip(".") in hon):
        words = words[1:]
    return " ".join(words)


def family_name_first(name: str) -> bool:
    """Is this a name whose family name comes first ("Lee Jae-myung", "Xi Jinping")?"""
    words = name.split()
    return len(words) >= 2 and words[0] in attribution().family_first and (
        len(words) == 2 or "-" in words[-1] or all(len(w) <= 4 or "-" in w for w in words[1:]))


def name_forms(name: str) -> set[str]:
    """The folded forms a later mention of ``name`` may take: the full name, the surname
    (with its particles: "von der Leyen", "Al Busaidi"), or the family name where it
    comes first ("Lee" of "Lee Jae-myung", never "myung")."""
    words = [w for w in name.split() if w not in _SUFFIXES]
    forms = {fold_name(name), fold_name(" ".join(words))}
    if len(words) < 2:
        return {f for f in forms if f}
    particles = attribution().particles - PATRONYMICS
    for i in range(1, len(words) - 1):
        if words[i] in particles:
            forms.add(fold_name(" ".join(words[i:])))
            break
    if family_name_first(" ".join(words)):
        forms.add(fold_name(words[0]))
        if len(words) == 2 and "-" not in words[1]:
            forms.add(fold_name(words[1]))  # "Lee Anderson" may be given-name first after all
    else:
        forms.add(fold_name(words[-1]))
    return {f for f in forms if f}


@dataclass(frozen=True)
class PersonEntry:
    """One person the bot knows, with the state or bloc they speak for ("" for none)."""

    name: str
    actor: str
    role: str = ""
    source: str = "curated"  # admin | curated | learned
    evidence: str = ""  # how the actor link was made ("title demonym", "office holder list" ...)
    forms: tuple[str, ...] = ()  # other names the person goes by ("Lula", "MBS")
    since: str = ""  # in office since (curated)
    checked: str = ""  # when the curated entry was last checked

    @property
    def id(self) -> str:
        return person_id(self.name)

    def all_forms(self) -> set[str]:
        out = name_forms(self.name)
        for f in self.forms:
            out.add(fold_name(f))
        return out

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "actor": self.actor, "role": self.role, "source": self.source,
                "evidence": self.evidence, "forms": list(self.forms)}

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> PersonEntry:
        return cls(name=str(rec.get("name") or ""), actor=str(rec.get("actor") or ""), role=str(rec.get("role") or ""),
                   source=str(rec.get("source") or "learned"), evidence=str(rec.get("evidence") or ""),
                   forms=tuple(rec.get("forms") or ()), since=str(rec.get("since") or ""),
                   checked=str(rec.get("checked") or ""))


@dataclass
class PeopleDirectory:
    """People by name and by the forms they go by; the strongest source wins per name."""

    entries: dict[str, PersonEntry] = field(default_factory=dict)  # folded full name -> entry
    _forms: dict[str, set[str]] = field(default_factory=dict)  # folded form -> folded full names

    @classmethod
    def of(cls, entries: Iterable[PersonEntry]) -> PeopleDirectory:
        d = cls()
        for e in entries:
            d.add(e)
        return d

    def copy(self) -> PeopleDirectory:
        return PeopleDirectory(dict(self.entries), {k: set(v) for k, v in self._forms.items()})

    def add(self, entry: PersonEntry) -> bool:
        """Add or replace; an entry from a weaker source never replaces a stronger one."""
        key = fold_name(entry.name)
        if not key:
            return False
        old = self.entries.get(key)
        if old is not None and SOURCES.index(old.source) < SOURCES.index(entry.source):
            return False
        if old is not None and old.source == entry.source == "learned" and old.actor and not entry.actor:
            return False  # what an earlier article said stands until something says otherwise
        self.entries[key] = entry
        for form in entry.all_forms():
            self._forms.setdefault(form, set()).add(key)
        return True

    def get(self, name: str) -> PersonEntry | None:
        return self.entries.get(fold_name(name))

    def find(self, mention: str) -> PersonEntry | None:
        """The one person ``mention`` names: by full name, or by a form only one person has."""
        key = fold_name(strip_honorifics(mention))
        if key in self.entries:
            return self.entries[key]
        names = self._forms.get(key)
        if names and len(names) == 1:
            return self.entries[next(iter(names))]
        return None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):  # noqa: ANN204 - iterator of entries
        return iter(self.entries.values())


def _curated_entries() -> list[PersonEntry]:
    from bot.extract.actors import gazetteer

    out = [PersonEntry(name=p["name"], actor=p["actor"], role=p.get("role", ""), source="curated",
                       evidence="gazetteer person", forms=tuple(p.get("forms", ())))
           for p in gazetteer().people_records]
    data = json.loads(resources.files("bot").joinpath("data/office_holders.json").read_text(encoding="utf-8"))
    checked = data.get("checked", "")
    for p in data.get("people", []):
        out.append(PersonEntry(name=p["name"], actor=p["actor"], role=p.get("role", ""), source="curated",
                               evidence="office holder list", forms=tuple(p.get("forms", ())),
                               since=p.get("since", ""), checked=p.get("checked", checked)))
    return out


@functools.cache
def curated_directory() -> PeopleDirectory:
    """The office holders and leaders shipped with the bot (and the local gazetteer's people)."""
    return PeopleDirectory.of(_curated_entries())


def directory_with(records: Iterable[Mapping[str, Any]]) -> PeopleDirectory:
    """The curated directory plus people records from the store (learned and admin)."""
    d = curated_directory().copy()
    for rec in records:
        d.add(PersonEntry.from_record(rec))
    return d


def with_source(entry: PersonEntry, source: str) -> PersonEntry:
    return replace(entry, source=source)
