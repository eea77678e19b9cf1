"""Sentence vectors and the stance model's inputs, from the pinned MiniLM (bot.models).

``Encoder.embed`` gives unit-length 384-d vectors (mean pooling over MiniLM's last layer, as
sentence-transformers does), for retrieval by meaning. ``Encoder.hidden`` runs the first three
layers over (query, sentence) pairs for the stance model (bot.stance_model), which owns the
last three. onnxruntime and tokenizers only: no torch, nothing downloaded; each file's sha256
is checked when it is loaded.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.models import load_bytes

DIM = 384
MAX_TOKENS = 128
BATCH = 32


def onnx_session(data: bytes, threads: int) -> Any:
    """An onnxruntime session on the CPU with ``threads`` threads for one model's bytes."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return ort.InferenceSession(data, sess_options=opts, providers=["CPUExecutionProvider"])


class Encoder:
    """MiniLM, loaded once per process (``Encoder.shared()``); safe to call from threads."""

    _shared: Encoder | None = None
    _shared_lock = threading.Lock()

    def __init__(self, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_str(load_bytes("tokenizer").decode("utf-8"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.threads = threads
        self._full = onnx_session(load_bytes("minilm"), threads)
        self._bottom: Any = None
        self._lock = threading.Lock()

    @classmethod
    def shared(cls) -> Encoder:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def _feeds(self, encodings: list[Any]) -> dict[str, np.ndarray]:
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32, shape (n, 384))."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # batches of similar length: each is padded to its longest text only
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            feeds = self._feeds(self.tokenizer.encode_batch([texts[i] or " " for i in rows]))
            (last,) = self._full.run(["last_hidden_state"], feeds)
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (last * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
        return out

    def hidden(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """The third layer's output over (query, sentence) pairs and their attention mask."""
        with self._lock:
            if self._bottom is None:
                self._bottom = onnx_session(load_bytes("minilm-bottom"), self.threads)
        feeds = self._feeds(self.tokenizer.encode_batch([(q, s) for q, s in pairs]))
        (h,) = self._bottom.run(None, feeds)
        return h, feeds["attention_mask"]


def pack(vec: np.ndarray) -> str:
    """A vector as text for a JSON store: float16, base64 (1 KB a vector)."""
    return base64.b64encode(np.asarray(vec, dtype=np.float16).tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
