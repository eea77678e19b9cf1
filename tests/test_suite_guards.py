"""The test suite's own guards: under CI a missing PostgreSQL driver fails the run instead
of skipping the tests that need it (a green CI that ran none of them would prove nothing)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NEEDS_DRIVER = ["tests/test_postgres.py", "tests/test_multiprocess.py", "tests/test_discord_processes.py"]


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    blocked = tmp_path / "blocked" / "psycopg"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("psycopg is blocked for this test")\n')
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env.update(CI=ci, PYTHONPATH=os.pathsep.join([str(blocked.parent), str(REPO)]))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", *NEEDS_DRIVER],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_missing_postgres_driver_fails_under_ci_and_skips_elsewhere(tmp_path, ci):
    done = _run(tmp_path, ci)
    out = done.stdout + done.stderr
    if ci:
        assert done.returncode != 0, out
        for path in NEEDS_DRIVER:
            assert f"ERROR {path} - Failed: CI=true and psycopg is not installed" in out, out
    else:
        assert done.returncode == 5, out  # pytest: no test ran
        assert f"{len(NEEDS_DRIVER)} skipped" in out and "CI=true" not in out, out
