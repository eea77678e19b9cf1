"""Fit how /stance weighs the stance model against the extractor's own reading.

For each held-out example of ``scripts/stance-data`` (the split of train_stance.py, so
the model never trained on them) this runs the trained model (bot/models/stance-head.onnx,
as at run time) and the extractor (bot.extract.claims on the sentence alone: the actor's
statement, else its action, and that record's rule stance), and fits a multinomial
logistic regression from [log-probabilities of the model, rule stance one-hot, statement?]
to the gold label. Writes bot/models/stance-stack.json and pins its sha256.

    python scripts/fit_stack.py [--holdout 0.1]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_stance import held_out, load_examples  # noqa: E402

from bot.extract.actors import gazetteer  # noqa: E402
from bot.extract.claims import extract_attribution  # noqa: E402
from bot.models import MANIFEST, path_of, sha256_of  # noqa: E402
from bot.stance_model import LABELS, StanceModel, stack_features  # noqa: E402


def rule_record(text: str, actor_id: str | None) -> dict | None:
    if not actor_id:
        return None
    found = extract_attribution(text, "2025-01-01", "fit")
    said = [c for c in found.claims if c.actor == actor_id]
    acts = [c for c in found.actions if c.actor == actor_id]
    rec = (said or acts or [None])[0]
    return None if rec is None else {"stance": rec.stance, "kind": rec.kind}


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 4000, lr: float = 0.5) -> np.ndarray:
    """Weights (features + 1, labels) of a softmax regression, by gradient descent on
    standardised features (the weights returned apply to the raw ones)."""
    mean, std = x.mean(0), x.std(0) + 1e-6
    xb = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros((xb.shape[1], len(LABELS)))
    onehot = np.eye(len(LABELS))[y]
    for _ in range(steps):
        z = xb @ w
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        grad = xb.T @ (p - onehot) / len(xb) + l2 * np.vstack([w[:-1], np.zeros((1, len(LABELS)))])
        w -= lr * grad
    raw = w[:-1] / std[:, None]
    return np.vstack([raw, w[-1:] - (mean / std) @ w[:-1]])


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (np.hstack([x, np.ones((len(x), 1))]) @ w).argmax(1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="fit the stance stack")
    ap.add_argument("--holdout", type=float, default=0.1)
    args = ap.parse_args(argv)
    gaz = gazetteer()
    rows = [r for r in load_examples() if held_out(r, args.holdout)]
    model = StanceModel.shared()
    probs = model.probs([(r["actor"], r["topic"], r["text"], r.get("mention", "")) for r in rows])
    x = np.stack([stack_features(p, rule_record(r["text"], gaz.resolve(r["actor"]))) for p, r in zip(probs, rows, strict=True)])
    y = np.array([LABELS.index(r["label"]) for r in rows])
    half = np.arange(len(rows)) % 2 == 0
    cv = []
    for a, b in ((half, ~half), (~half, half)):
        cv.append(float((predict(fit(x[a], y[a]), x[b]) == y[b]).mean()))
    w = fit(x, y)
    print(f"{len(rows)} held-out examples: model alone {float((probs.argmax(1) == y).mean()):.3f}, "
          f"stacked (2-fold) {np.mean(cv):.3f}")
    out = path_of("stance-stack.json")
    data = (json.dumps({"labels": list(LABELS), "weights": np.round(w, 5).tolist(),
                        "note": "rows: stack_features() then bias; fitted by scripts/fit_stack.py"}, indent=1) + "\n").encode()
    out.write_bytes(data)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["files"]["stance-stack.json"] = {"sha256": sha256_of(data),
                                             "source": "fitted by scripts/fit_stack.py on held-out examples; committed"}
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
