#!/usr/bin/env python3
"""Score-time entry point until `claimbot timex DIR --json` is wired: `timex_cli.py timex DIR --json`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.extract.timex import timex_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="timex_cli")
    ap.add_argument("command", choices=["timex"])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    args = ap.parse_args(argv)
    json.dump(timex_corpus(args.dir), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
