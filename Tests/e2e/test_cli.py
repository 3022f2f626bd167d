"""The command line's contract, on the real executable: a usage error — a missing argument,
an unknown option or subcommand, a malformed value — exits 2 and prints what was wrong and
the command's usage on standard error, whatever the log format. And the offline permit
check at a checkpoint touches no database."""
import json
import os
import pathlib
import subprocess
import tempfile

import pytest

from test_web import BIN, ROOT

# Every subcommand, with the arguments it needs to get as far as parsing its options.
COMMANDS = [
    ["serve"], ["migrate"], ["demo"], ["routes"],
    ["user"], ["user", "create"], ["user", "unlock"],
    ["import-staff", "staff.csv"], ["export-staff", "staff.csv"],
    ["permit"], ["permit", "rotate-key"], ["permit", "verify", "VNP1:x"],
    ["roster"], ["roster", "solve"], ["roster", "check"],
    ["scheduler", "run"], ["search-reindex"], ["seed-documents"],
]


def run(args, log_format=None, env=None):
    environment = dict(os.environ if env is None else env)
    environment.pop("LOG_FORMAT", None)
    if log_format:
        environment["LOG_FORMAT"] = log_format
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=environment)


@pytest.mark.parametrize("log_format", [None, "text"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_unknown_option_is_a_usage_error(command, log_format):
    out = run(command + ["--no-such-option"], log_format)
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "--no-such-option" in out.stderr, out.stderr
    assert "Usage: congso" in out.stderr, out.stderr


@pytest.mark.parametrize("log_format", [None, "text"])
@pytest.mark.parametrize("command, wrong", [
    (["permit", "verify"], "Missing required argument: permit"),
    (["import-staff"], "Missing required argument: file"),
    (["roster", "solve"], "needs --input"),
    (["roster", "solve", "--input", "p.json", "--threads", "0"], "--threads must be at least 1"),
    (["roster", "solve", "--input", "p.json", "--threads", "two"], "threads"),
    (["roster", "solve", "--input", "p.json", "--time-limit", "-1"], "--time-limit"),
    (["roster", "check", "--input", "p.json"], "needs --input FILE and --roster FILE"),
    (["user", "create", "--email", "a@b.vn"], "are required"),
    (["user", "unlock"], "exactly one of --email and --address"),
    (["user", "unlock", "--email", "a@b.vn", "--address", "10.0.0.1"], "exactly one of --email and --address"),
    (["scheduler", "run", "--at", "yesterday"], "not an instant"),
    (["scheduler", "walk"], "Unknown action"),
    (["seed-documents", "--org", "Q08", "--count", "many"], "--count must be"),
    (["seed-documents"], "--org CODE is required"),
    (["no-such-command"], "Unknown command"),
])
def test_missing_or_malformed_arguments(command, wrong, log_format):
    out = run(command, log_format)
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert wrong in out.stderr, out.stderr
    assert "Usage: congso" in out.stderr, out.stderr


def test_roster_solve_threads_is_accepted():
    problem = {"start": "2021-08-02", "days": 3, "shifts": ["AM"], "units": [{"id": "u", "maxOnSiteShare": 0.5, "minOnDuty": 1}],
               "staff": [{"id": f"s{i}", "unit": "u"} for i in range(4)]}
    tmp = pathlib.Path(tempfile.mkdtemp())
    (tmp / "p.json").write_text(json.dumps(problem))
    out = run(["roster", "solve", "--input", str(tmp / "p.json"), "--output", str(tmp / "r.json"), "--threads", "1"])
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp / "r.json").read_text())["units"][0]["optimal"] is True


def test_offline_verify_touches_no_database():
    # A checkpoint's laptop: an empty data directory and no database server.
    tmp = pathlib.Path(tempfile.mkdtemp())
    (tmp / "jwks.json").write_text(json.dumps({"keys": []}))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CONGSO_DATA_DIR"] = str(tmp / "data")
    out = run(["permit", "verify", "VNP1:AAAA", "--trust-list", str(tmp / "jwks.json")], env=env)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "INVALID" in out.stdout + out.stderr
    assert not list((tmp / "data").glob("*")) if (tmp / "data").exists() else True
