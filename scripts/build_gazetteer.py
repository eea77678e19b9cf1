"""Regenerate bot/data/gazetteer.json from the `countryinfo` package's data (a build-time tool).

Usage: python scripts/build_gazetteer.py PATH/TO/countryinfo/data > bot/data/gazetteer.json

countryinfo is not a runtime dependency: the bot reads only the generated JSON.  The
OVERRIDES below fix the ids the team uses, data errors in the source (swapped Congos),
and add the short forms newsrooms use ("U.S.", "Britain", "Seoul" for South Korea).
Blocs, institutions and leaders are appended from scripts/gazetteer_extra.json.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# id overrides and extra aliases/demonyms for names the source spells unusually
OVERRIDES: dict[str, dict] = {
    "US": {"id": "us", "aliases": ["United States", "United States of America", "U.S.", "US", "U.S.A.", "USA", "America"],
           "demonyms": ["American", "U.S.", "US"], "capitals": ["Washington"]},
    "GB": {"id": "uk", "aliases": ["United Kingdom", "U.K.", "UK", "Britain", "Great Britain"],
           "demonyms": ["British", "Briton", "UK", "U.K."], "capitals": ["London"]},
    "KR": {"id": "south-korea", "aliases": ["South Korea", "Republic of Korea", "ROK", "Korea"],
           "demonyms": ["South Korean", "Korean"], "capitals": ["Seoul"]},
    "KP": {"id": "north-korea", "aliases": ["North Korea", "DPRK", "Democratic People's Republic of Korea"],
           "demonyms": ["North Korean"], "capitals": ["Pyongyang"]},
    "CN": {"id": "china", "aliases": ["China", "People's Republic of China", "PRC", "mainland China"],
           "demonyms": ["Chinese"], "capitals": ["Beijing"]},
    "TW": {"id": "taiwan", "aliases": ["Taiwan", "Republic of China"], "demonyms": ["Taiwanese"], "capitals": ["Taipei"]},
    "HK": {"id": "hong-kong", "demonyms": ["Hongkonger", "Hong Konger"], "capitals": []},
    "MO": {"id": "macau", "demonyms": ["Macanese"], "capitals": []},
    "RU": {"id": "russia", "aliases": ["Russia", "Russian Federation"], "demonyms": ["Russian"], "capitals": ["Moscow"]},
    "VN": {"id": "vietnam", "aliases": ["Vietnam", "Viet Nam"], "demonyms": ["Vietnamese"], "capitals": ["Hanoi"]},
    "IR": {"id": "iran", "aliases": ["Iran"], "demonyms": ["Iranian"], "capitals": ["Tehran"]},
    "SY": {"id": "syria", "aliases": ["Syria"], "demonyms": ["Syrian"]},
    "LA": {"id": "laos", "aliases": ["Laos"], "demonyms": ["Lao", "Laotian"]},
    "CZ": {"id": "czechia", "aliases": ["Czech Republic", "Czechia"], "demonyms": ["Czech"]},
    "TR": {"id": "turkey", "aliases": ["Turkey", "Türkiye"], "demonyms": ["Turkish"], "capitals": ["Ankara"]},
    "NL": {"id": "netherlands", "aliases": ["Netherlands", "the Netherlands", "Holland"], "demonyms": ["Dutch"],
           "capitals": ["Amsterdam", "The Hague"]},
    "CD": {"id": "dr-congo", "name": "Democratic Republic of the Congo", "aliases": ["DR Congo", "DRC"],
           "demonyms": ["Congolese"], "capitals": ["Kinshasa"]},
    "CG": {"id": "congo", "name": "Republic of the Congo", "aliases": ["Congo-Brazzaville"], "demonyms": [],
           "capitals": ["Brazzaville"]},
    "PS": {"id": "palestine", "aliases": ["Palestine", "Palestinian territories"], "demonyms": ["Palestinian"]},
    "VA": {"id": "vatican", "aliases": ["Holy See", "Vatican"], "demonyms": [], "capitals": []},
    "MM": {"id": "myanmar", "aliases": ["Myanmar", "Burma"], "demonyms": ["Myanmar", "Burmese"], "capitals": ["Naypyidaw"]},
    "IN": {"id": "india", "capitals": ["New Delhi"], "aliases": ["India"], "demonyms": ["Indian"]},
    "PH": {"id": "philippines", "aliases": ["Philippines", "the Philippines"], "demonyms": ["Filipino", "Philippine"]},
    "AU": {"id": "australia", "demonyms": ["Australian"], "capitals": ["Canberra"]},
    "BR": {"id": "brazil", "capitals": ["Brasilia", "Brasília"]},
    "DE": {"id": "germany", "capitals": ["Berlin"], "demonyms": ["German"]},
    "FR": {"id": "france", "capitals": ["Paris"], "demonyms": ["French"]},
    "IE": {"id": "ireland", "aliases": ["Ireland", "Republic of Ireland"], "demonyms": ["Irish"], "capitals": ["Dublin"]},
    "NZ": {"id": "new-zealand", "demonyms": ["New Zealander", "New Zealand"]},
    "SA": {"id": "saudi-arabia", "demonyms": ["Saudi"]},
    "AE": {"id": "uae", "aliases": ["United Arab Emirates", "UAE", "the Emirates"], "demonyms": ["Emirati"]},
    "CI": {"id": "ivory-coast", "aliases": ["Ivory Coast", "Côte d'Ivoire"], "demonyms": ["Ivorian"]},
    "TL": {"id": "timor-leste", "aliases": ["East Timor", "Timor-Leste"]},
    "CV": {"id": "cape-verde", "aliases": ["Cape Verde", "Cabo Verde"]},
}
# capitals that are also everyday words or first names: never read them as the country
AMBIGUOUS_CAPITALS = {"Victoria", "Kingston", "Georgetown", "Praia", "Male", "Lome", "Valletta", "City of Victoria",
                      "Basseterre", "Castries", "Roseau", "Saint John's", "Saint George's", "Avarua",
                      "Hamilton", "Plymouth", "Jamestown", "Stanley", "Road Town", "Dili"}
AMBIGUOUS_DEMONYMS = {"Chinese": {"hong-kong", "macau", "taiwan"}, "Congolese": {"congo"}, "American": set(),
                      "Korean": {"north-korea"}, "Dominican": set(), "Guinean": set(), "Samoan": set()}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main(data_dir: str) -> None:
    actors: dict[str, dict] = {}
    for path in sorted(Path(data_dir).glob("*.json")):
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        iso2 = (d.get("ISO") or {}).get("alpha2")
        if not iso2 or not d.get("name"):
            continue
        o = OVERRIDES.get(iso2, {})
        name = o.get("name", d["name"])
        aid = o.get("id", slug(name))
        demonyms = o.get("demonyms", [d["demonym"]] if d.get("demonym") else [])
        demonyms = [x for x in demonyms if iso2 not in {"HK", "MO", "TW"} or x != "Chinese"]
        cap = d.get("capital")
        capitals = o.get("capitals", [cap] if isinstance(cap, str) and cap else [])
        aliases = [name] + [a for a in o.get("aliases", [])]
        if iso2 == "CG":
            demonyms = []
        if iso2 == "BE":
            capitals = []  # in policy news "Brussels" is the EU's institutions
        entry = {"id": aid, "name": name, "kind": "country", "iso2": iso2, "population": d.get("population") or 0,
                 "aliases": sorted(set(aliases)), "demonyms": sorted(set(demonyms)),
                 "capitals": sorted(c for c in set(capitals) if c not in AMBIGUOUS_CAPITALS)}
        actors[aid] = entry
    extra = json.loads((Path(__file__).parent / "gazetteer_extra.json").read_text(encoding="utf-8"))
    for e in extra["actors"]:
        if e["id"] in actors:
            base = actors[e["id"]]
            for k in ("aliases", "demonyms", "capitals", "metonyms"):
                base[k] = sorted(set(base.get(k, [])) | set(e.get(k, [])))
        else:
            actors[e["id"]] = e
    # larger countries first: where two share a form ("American"), the first one keeps it
    ranked = sorted(actors.values(), key=lambda a: (-a.get("population", 0), a["id"]))
    out = {"version": 1, "actors": ranked,
           "institutions": extra["institutions"], "people": extra["people"]}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
