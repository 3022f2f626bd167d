"""Helpers the Python benchmarks share: the API, psql, and the percentile line they print."""
import contextlib
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PASSWORD = "congso2021"


def call(base, method, path, token=None, body=None, raw=False):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=120) as res:
        data = res.read()
        return data if raw else json.loads(data)


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-t", "-A", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def figures(label, ms):
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"{label:<44} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms", flush=True)
    return p95


@contextlib.contextmanager
def demo_server(binary, postgres, port, prefix, reuse=False, env_extra=None):
    """A server with the demo on a wiped PostgreSQL database (or, with `reuse`, on the database
    as an earlier run left it, migrated by the server on start); yields its base URL."""
    work = tempfile.mkdtemp(prefix=prefix)
    env = dict(os.environ, CONGSO_DATA_DIR=work, LOG_LEVEL="error", DATABASE_URL=postgres, PORT=str(port), **(env_extra or {}))
    if not reuse:
        subprocess.run(["psql", postgres, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True, stderr=subprocess.DEVNULL)
        print(f"Seeding the demo into {postgres.rsplit('@', 1)[-1]} …", flush=True)
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)] + ([] if reuse else ["--demo"]), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except Exception:
                time.sleep(1)
        else:
            sys.exit("the server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def without_indexes(url, table, work):
    """Drops `table`'s secondary indexes and unique constraints, runs `work`, builds them again:
    minutes for a bulk load instead of the tens of minutes that row-by-row upkeep takes."""
    constraints = [line.split("|", 1) for line in psql(url, f"""
        SELECT conname || '|' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = '{table}'::regclass AND contype = 'u'""").splitlines() if line]
    indexes = [line.split("|", 1) for line in psql(url, f"""
        SELECT indexname || '|' || indexdef FROM pg_indexes WHERE tablename = '{table}' AND indexname NOT LIKE '%_pkey'
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass)""").splitlines() if line]
    for name, _ in constraints:
        psql(url, f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        psql(url, f'DROP INDEX "{name}"')
    work()
    rebuild = "SET maintenance_work_mem = '512MB';"
    rebuild += "".join(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition};' for name, definition in constraints)
    rebuild += "".join(f"{definition};" for _, definition in indexes)
    psql(url, rebuild + f"ANALYZE {table};")


def last_working_day():
    """The last weekday before today: its reports are late, so a run does not depend on the hour."""
    d = datetime.date.today() - datetime.timedelta(days=1)
    while d.isoweekday() > 5:
        d -= datetime.timedelta(days=1)
    return d.isoformat()
