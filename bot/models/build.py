"""Derive ``minilm-bottom.onnx`` from the pinned MiniLM graph (run by ``make venv``).

The stance model reads the output of MiniLM's third transformer layer: this cuts that
part out of the pinned int8 graph with ``onnx.utils.Extractor`` (inputs ``input_ids``,
``attention_mask``, ``token_type_ids``; output the third layer's last LayerNorm), checks
the result against the manifest's sha256 and writes it to ``bot/models/build/``.

    python -m bot.models.build          # builds (or checks) it
    python -m bot.models.build --print  # prints the sha256 of what it builds
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile

from bot.models import BUILD_DIR, ModelError, load_bytes, path_of, pins, sha256_of

#: MiniLM has six layers, each ending in a LayerNorm (the embeddings' is ``layer_norm``),
#: so layer k's output is ``layer_norm_{2k}``
BOTTOM_LAYERS = 3
BOTTOM_OUTPUT = f"layer_norm_{2 * BOTTOM_LAYERS}"
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def derive() -> bytes:
    import onnx
    from onnx.utils import Extractor

    model = onnx.load_from_string(load_bytes("minilm"))
    part = Extractor(model).extract_model(INPUTS, [BOTTOM_OUTPUT])
    buf = io.BytesIO()
    onnx.save_model(part, buf)
    return buf.getvalue()


def build() -> str:
    """Write the derived graph (atomically) and return its sha256; raises ModelError when it
    is not the pinned one."""
    data = derive()
    digest = sha256_of(data)
    want = pins()["minilm-bottom"].sha256
    if want and digest != want:
        raise ModelError(f"the derived minilm-bottom.onnx has sha256 {digest[:12]}…, not the pinned "
                         f"{want[:12]}… (onnx version?)")
    BUILD_DIR.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=BUILD_DIR, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path_of("minilm-bottom"))
    return digest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the sha256 and do not check it")
    args = parser.parse_args(argv)
    if args.print:
        print(sha256_of(derive()))
        return 0
    print(f"minilm-bottom.onnx {build()[:12]}…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
