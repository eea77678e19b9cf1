"""Developer aid: print the claims (and targets) extracted from text given on the command line."""
from __future__ import annotations

import sys

from bot.extract.claims import extract_claims

for c in extract_claims(" ".join(sys.argv[1:]), "2024-01-01", "x"):
    print(c.actor, "|", (c.speaker or {}).get("name"), "|", c.cue, c.stance, "|", c.quote[:100])
    for t in c.targets:
        print("      ", t["stance"], t["text"])
