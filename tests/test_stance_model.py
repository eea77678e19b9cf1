"""The models behind /stance: pinned files, sentence vectors, retrieval, the stance model's
readings and how they are weighed (sentences written for these tests)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bot import models
from bot.evidence import Retriever
from bot.extract.encoder import Encoder, pack, unpack
from bot.service import Reading, weigh
from bot.stance_model import LABELS, Stack, StanceModel, stack_features, stance_input


@pytest.fixture(scope="module")
def enc() -> Encoder:
    return Encoder.shared()


def test_every_model_file_is_pinned_and_checked():
    data = json.loads(models.MANIFEST.read_text())
    assert set(data["files"]) == {"minilm", "tokenizer", "minilm-bottom", "stance-head", "stance-head-b",
                                 "stance-stack.json"}
    for name, entry in data["files"].items():
        assert len(entry["sha256"]) == 64, name
        models.load_bytes(name)  # raises when the file is not the pinned one


def test_an_altered_model_file_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "stance-head.onnx"
    bad.write_bytes(models.path_of("stance-head").read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(models, "path_of", lambda name: bad)
    with pytest.raises(models.ModelError, match="not the pinned"):
        models.load_bytes("stance-head")


def test_the_derived_graph_is_rebuilt_identically():
    from bot.models.build import derive

    assert models.sha256_of(derive()) == models.pins()["minilm-bottom"].sha256


def test_vectors_are_unit_length_and_close_in_meaning(enc: Encoder):
    v = enc.embed(["rare earths", "critical minerals", "tariffs on steel", ""])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert np.allclose(unpack(pack(v[1])), v[1], atol=1e-3)


def test_the_model_input_marks_the_mention():
    q, t = stance_input("Chile", "lithium-export tax", "Santiago said  the levy would stay.", "Santiago")
    assert q == "Chile : lithium export tax"
    assert t == "[ Santiago ] said the levy would stay."
    assert stance_input("Chile", "tax", "No mention here.", "Lima")[1] == "No mention here."


class FakeEncoder:
    """Vectors from a fixed table: what retrieval does with them, without the model."""

    table = {"copper levy": [1, 0, 0], "Chile defends the copper levy.": [0.9, 0.1, 0],
             "Chile signs a fishing pact.": [0, 1, 0], "Copper in the Andes": [0.8, 0, 0.6], " ": [0, 0, 1]}

    def embed(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            v = np.array(self.table.get(t, [0, 0, 1]), dtype=np.float32)
            out[i, :3] = v / np.linalg.norm(v)
        return out


def rec(i: str, sentence: str, kind: str = "statement", start: int = 0, article: str = "a1") -> dict:
    return {"id": i, "sentence": sentence, "quote": sentence, "kind": kind, "article": article, "start": start}


def test_retrieval_ranks_by_meaning_and_keeps_one_record_a_sentence():
    r = Retriever(lambda: FakeEncoder())
    recs = [rec("act", "Chile defends the copper levy.", "action"), rec("say", "Chile defends the copper levy."),
            rec("fish", "Chile signs a fishing pact.", start=40)]
    ranked = r.rank("copper levy", recs, [0.0, 0.0, 0.0], [False] * 3, ["", "", ""])
    assert [c.record["id"] for c in ranked] == ["say", "fish"]  # the statement stands for its sentence
    assert ranked[0].score > ranked[1].score
    # an article about the topic lifts a sentence that does not name it
    lifted = r.rank("copper levy", recs[2:], [0.0], [False], ["Copper in the Andes"])[0]
    assert lifted.score > ranked[1].score


def reading(score: float, **probs: float) -> Reading:
    class C:
        pass
    c = C()
    c.score = score
    full = {k: probs.get(k, 0.0) for k in LABELS}
    return Reading(c, full)


def test_weighing_readings():
    assert weigh([])[0] == "none"
    assert weigh([reading(0.4, neutral=0.7, unrelated=0.3)])[0] == "none"  # a mention, hardly on the topic
    # on record about the topic with no position: leans support (worded "no clear position")
    assert weigh([reading(0.8, neutral=0.7, unrelated=0.3)])[0] == "support"
    assert weigh([reading(0.8, neutral=0.3, unrelated=0.7)]) == ("none", [])  # unrelated: not cited
    label, cited = weigh([reading(0.8, support=0.9, neutral=0.1), reading(0.7, unrelated=0.9, oppose=0.1)])
    assert label == "support" and len(cited) == 1  # the unrelated reading is not cited
    assert weigh([reading(0.8, support=0.9, neutral=0.1), reading(0.79, oppose=0.9, neutral=0.1)])[0] == "mixed"
    # the opposing reading is far less about the topic: it weighs little
    assert weigh([reading(0.8, support=0.9, neutral=0.1), reading(0.5, oppose=0.9, neutral=0.1)])[0] == "support"


@pytest.mark.parametrize(("actor", "topic", "sentence", "mention", "want"), [
    ("Chile", "copper export tax", "Chile's finance minister said on Monday that the government firmly rejects "
     "the proposed copper export tax and will vote against it.", "Chile's finance minister", "oppose"),
    ("Kenya", "free trade agreement", "Kenya welcomed the free trade agreement as a historic opportunity for its "
     "farmers and pledged to ratify it quickly.", "Kenya", "support"),
])
def test_the_stance_model_reads_plain_positions(actor, topic, sentence, mention, want):
    p = StanceModel.shared().probs([(actor, topic, sentence, mention)])[0]
    assert abs(float(p.sum()) - 1.0) < 1e-4
    assert LABELS[int(p.argmax())] == want, dict(zip(LABELS, p.round(2), strict=True))


def test_the_stack_weighs_the_model_with_the_extractors_reading():
    stack = Stack()
    sure = [0.05, 0.85, 0.05, 0.05]
    feats = stack_features(sure, {"stance": "oppose", "kind": "statement"})
    assert feats.shape == (len(LABELS) + 5,)
    assert stack_features(sure, None)[len(LABELS) + 3] == 1.0  # no record of the actor
    p = stack.probs(sure, {"stance": "oppose", "kind": "statement"})
    assert abs(float(p.sum()) - 1.0) < 1e-6
    assert LABELS[int(p.argmax())] == "oppose"  # model and rules agree: the stack does too
