"""The `claimbot` command end to end, on articles written for these tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTICLE_A = """Kenya and Tanzania agree to ease border trade curbs

NAIROBI, March 3 - Kenyan Trade Minister Amina Otieno said on Monday that the new levy on Tanzanian maize was unjustified and should be scrapped.

"We will not accept a quota on our farmers," Otieno told reporters in Nairobi. Dodoma is reluctant to lift its ban on Kenyan milk imports, officials said.

Tanzania firmly opposes the proposed regional carbon tax, its finance ministry said.
"""

ARTICLE_B = """Chile backs lithium partnership with Peru

SANTIAGO, May 9 - Chile strongly supports a partnership with Peru on lithium and other critical minerals, Chilean Mining Minister Rosa Vidal said on Friday.
"""


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "bot.cli", *args, "--db", str(db)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (d / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    (d / "manifest.json").write_text(json.dumps([
        {"id": "A", "file": "a.txt", "title": "Border trade", "outlet": "Test Wire", "published": "2025-03-03"},
        {"id": "B", "file": "b.txt", "title": "Lithium", "outlet": "Test Wire", "published": "2025-05-09"},
    ]))
    return d


def test_ingest_stance_claims_roundtrip(corpus: Path, tmp_path: Path):
    db = tmp_path / "s.json"
    out = run("ingest", str(corpus), "--json", db=db)
    report = json.loads(out.stdout)
    assert sorted(report["added"]) == ["A", "B"] and report["claims"] > 0

    ans = json.loads(run("stance", "chile", "critical", "minerals", "--json", db=db).stdout)
    assert ans["stance"] == "support"
    assert ans["claims"] and all({"actor", "stance", "quote", "sentence", "article", "published"} <= set(c)
                                 for c in ans["claims"])
    assert ans["claims"][0]["article"] == "B" and ans["claims"][0]["published"] == "2025-05-09"

    ans = json.loads(run("stance", "tanzania", "carbon", "tax", "--json", db=db).stdout)
    assert ans["stance"] == "oppose"

    none = json.loads(run("stance", "chile", "maize", "levy", "--json", db=db).stdout)
    assert none["stance"] == "none" and none["claims"] == []

    claims = json.loads(run("claims", "--json", db=db).stdout)
    assert {"actor", "speaker", "cue", "quote", "sentence", "stance", "topics", "article", "published"} <= set(claims[0])
    kenya = [c for c in claims if c["actor"] == "kenya" and c["speaker"]]
    assert any(c["speaker"]["name"] == "Amina Otieno" for c in kenya)


def test_reingest_adds_nothing(corpus: Path, tmp_path: Path):
    db = tmp_path / "s.json"
    run("ingest", str(corpus), db=db)
    before = db.read_bytes()
    out = run("ingest", str(corpus), "--json", db=db)
    assert json.loads(out.stdout)["added"] == []
    assert db.read_bytes() == before


def test_bad_files_reported_and_rest_ingested(tmp_path: Path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (d / "latin1.txt").write_bytes("Caf\xe9 owners in S\xe3o Paulo said prices rose.".encode("latin-1"))
    (d / "page.html").write_text("<html><body><p>" + ARTICLE_B + "</p><script>var x=1;</script></body></html>")
    (d / "good.txt").write_text(ARTICLE_A)
    db = tmp_path / "s.json"
    p = run("ingest", str(d), "--published", "2025-03-03", db=db)
    assert "empty.txt: empty file" in p.stderr
    assert "binary.txt: binary file" in p.stderr
    assert "latin1.txt: not UTF-8" in p.stderr
    assert "ingested 2 article(s)" in p.stdout  # the HTML page is read as text, and the good file
    claims = json.loads(run("claims", "--json", db=db).stdout)
    assert not any("var x" in c["sentence"] for c in claims)


def test_missing_date_and_unknown_actor(corpus: Path, tmp_path: Path):
    db = tmp_path / "s.json"
    p = run("ingest", str(corpus / "a.txt"), db=db, check=False)
    assert p.returncode == 1 and "no publication date" in p.stderr
    assert not db.exists() or json.loads(run("claims", "--json", db=db).stdout) == []
    run("ingest", str(corpus), db=db)
    p = run("stance", "atlantis", "tariffs", db=db, check=False)
    assert p.returncode == 2 and "don't know the actor" in p.stderr
    p = run("ingest", str(corpus / "a.txt"), "--published", "yesterday", db=db, check=False)
    assert p.returncode == 2 and "not a date" in p.stderr


def test_stance_does_not_load_the_model(corpus: Path, tmp_path: Path):
    db = tmp_path / "s.json"
    run("ingest", str(corpus), db=db)
    code = ("import sys; from bot.cli import main; main(['stance','chile','lithium','--db',sys.argv[1]]);"
            "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')")
    p = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().endswith("NO-SPACY")


def test_a_reader_that_goes_away_ends_the_listing_quietly(tmp_path: Path) -> None:
    """`claimbot claims | head`: no BrokenPipeError traceback, exit status 141 (SIGPIPE's)."""
    from benchmarks.synth import make_tables
    from store.base import open_store

    db = tmp_path / "many.json"
    store = open_store(str(db))
    store.load(make_tables(3000, seed=2))  # far more than a pipe buffer holds
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "claims", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # the listing started
    proc.stdout.close()  # the reader goes away
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_an_article_too_long_for_extraction_is_refused_by_name_and_the_rest_ingested(tmp_path: Path):
    from bot.extract.text import MAX_BYTES, MAX_CHARS

    big = tmp_path / "big.txt"
    paragraph = "Delegates from both sides met again and said the talks were useful.\n\n"
    text = paragraph * (MAX_CHARS // len(paragraph) + 200)
    big.write_text(text, encoding="utf-8")
    assert MAX_CHARS < big.stat().st_size < MAX_BYTES  # within the byte limit, beyond the parser's
    small = tmp_path / "small.txt"
    small.write_text(ARTICLE_A, encoding="utf-8")
    db = tmp_path / "s.json"
    p = run("ingest", str(big), str(small), "--published", "2025-03-03", db=db)
    assert "Traceback" not in p.stderr
    assert f"big.txt: too long to read as one article ({len(text.strip()):,} characters" in p.stderr
    assert "ingested 1 article(s)" in p.stdout and "1 failed" in p.stdout
    sources = {c["article"] for c in json.loads(run("claims", "--json", db=db).stdout)}
    assert sources == {"small"}


def test_the_parser_takes_what_the_size_check_lets_through():
    from bot.extract.nlp import get_nlp
    from bot.extract.text import MAX_CHARS

    assert get_nlp().max_length == MAX_CHARS
