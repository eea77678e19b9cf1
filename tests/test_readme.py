"""The console session in README.md is what the console answers: each command of it is run
again on the same article (written for the README, not taken from any news) and its answer
compared line by line."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.adapters.shell import Console
from bot.commands import AdminPolicy, Commands
from bot.reply import Caller
from bot.service import PendingArticle, Service
from store.base import open_store

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[1] / "README.md"
ARTICLE = """Coastal states clash over kelp harvest limits

TROMSO - Norway's fisheries minister Ingrid Solberg said on Tuesday that Oslo opposes the proposed cap on kelp harvests in the Barents Sea, calling it a blow to coastal towns.

"A cap like this would empty our harbours," Solberg told reporters after the meeting.

Iceland backs the cap. Its environment minister Gunnar Olafsson said the limits would protect spawning grounds for cod.

Denmark has not taken a side. A spokesman for the Danish foreign ministry said Copenhagen was studying the kelp proposal.

Ministers from the four Nordic states will meet in Reykjavik on 12 January to settle the dispute.
"""


def session() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("## A first session", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    turns = re.split(r"^claimbot> ", block, flags=re.M)[1:]
    return [(t.split("\n", 1)[0], t.split("\n", 1)[1].strip()) for t in turns]


def test_the_readme_session_is_what_the_console_answers():
    svc = Service(open_store("memory:"), clock=lambda: dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC))
    svc.ingest([PendingArticle(name="kelp.txt", text=ARTICLE, published="2026-12-01", id="kelp",
                               title="Coastal states clash over kelp harvest limits", outlet="Harbour Wire",
                               url="https://harbour.example/kelp")])
    console = Console(Commands(svc, AdminPolicy()), Caller("console", "newcomer"))
    turns = session()
    assert len(turns) >= 5
    for line, shown in turns:
        answer = console.ask(line).strip()
        # the README may stop an answer early (the usage lines after an error), never change it
        assert answer.startswith(shown), f"{line}\n--- README\n{shown}\n--- console\n{answer}"
