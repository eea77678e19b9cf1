"""``python -m bot.ops.probe [URL]``: exit 0 when /healthz answers 200, else 1.

The container's HEALTHCHECK (slim images have no curl).  The URL defaults to
``http://127.0.0.1:$CLAIMBOT_OPS_PORT/healthz``.  Standard library only, so it starts in
a few tens of milliseconds.
"""
from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    port = os.environ.get("CLAIMBOT_OPS_PORT", "").strip()
    if not args and not port:
        print("probe: CLAIMBOT_OPS_PORT is not set, so no health endpoint runs", file=sys.stderr)
        return 1
    url = args[0] if args else f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as resp:  # noqa: S310 - a local URL
            print(resp.read().decode("utf-8", "replace")[:2000])
            return 0 if resp.status == 200 else 1
    except urllib.error.HTTPError as e:
        print(e.read().decode("utf-8", "replace")[:2000], file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as e:
        print(f"probe: {url}: {getattr(e, 'reason', e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
