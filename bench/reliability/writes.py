#!/usr/bin/env python3
"""No acknowledged write lost, on SQLite with the single server (issue 18, items 2 and 3).

Writers create tasks with unique titles through the API without pause. While they write, the
server is stopped — by SIGTERM, by SIGINT, or killed with SIGKILL — and started again on the
same data; the writers keep going until it answers again. Then the script counts:

  * every task that got a 2xx is in the database exactly once (a lost or doubled
    acknowledged write fails the run);
  * SIGTERM and SIGINT: the server exits 0 and every request sent before the signal got its
    answer (in flight is finished, not cut); SIGKILL: errors only from the kill to the restart;
  * errors outside the outage fail the run.

    swift build -c release --product congso
    python3 bench/reliability/writes.py --bin .build/release/congso [--signals TERM,INT,KILL]

Prints, per signal, the writes sent, acknowledged, refused, lost and doubled, the outage
and the exit code.
"""
import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import PASSWORD, call  # noqa: E402
from reliabilitylib import Writers, wait_up  # noqa: E402

HEAD = "head.hoankiem@congso.vn"


def start(binary, work, port, demo=False):
    env = dict(os.environ, CONGSO_DATA_DIR=work, LOG_LEVEL="error", PORT=str(port), SWIFT_BACKTRACE="enable=no")
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)] + (["--demo"] if demo else []),
                            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.err"), "a"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--signals", default="TERM,INT,KILL")
    ap.add_argument("--before", type=float, default=3, help="seconds of writes before the signal")
    ap.add_argument("--after", type=float, default=3, help="seconds of writes after the restart")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="congso-writes-")
    base = f"http://127.0.0.1:{args.port}"
    print("Seeding the demo into SQLite …", flush=True)
    server = start(args.bin, work, args.port, demo=True)
    wait_up(base, 600)
    token = call(base, "POST", "/api/v1/auth/token", body={"email": HEAD, "password": PASSWORD, "name": "writes"})["token"]
    db = os.path.join(work, "congso.sqlite")
    with sqlite3.connect(db) as c:
        staff = [r[0] for r in c.execute("SELECT s.id FROM staff s JOIN organizations o ON o.id = s.org_id WHERE o.code = 'Q02-P2' LIMIT 20")]
    failed = False
    for name in args.signals.split(","):
        sig = getattr(signal, "SIG" + name)
        writers = Writers(base, token, staff, args.writers, tag=f"w{name}")
        writers.start()
        time.sleep(args.before)
        signalled = time.time()
        server.send_signal(sig)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(f"SIG{name}: the server did not exit within 60 s")
            server.kill()
            code = server.wait()
            failed = True
        stopped = time.time()
        server = start(args.bin, work, args.port)
        wait_up(base, 120)
        back = time.time()
        time.sleep(args.after)
        writers.stop()
        con = sqlite3.connect(db)
        try:
            rows = dict(con.execute("SELECT title, COUNT(*) FROM tasks WHERE title LIKE ? GROUP BY title", (writers.prefix + "%",)).fetchall())
        finally:
            con.close()
        verdict = writers.judge(rows, signalled, back, graceful=sig != signal.SIGKILL)
        expect_code = -9 if sig == signal.SIGKILL else 0
        if code != expect_code:
            verdict.problems.append(f"exit code {code}, expected {expect_code}")
        print(f"SIG{name:<4} {verdict.line()}  exit {code} after {stopped - signalled:.1f} s, down {back - signalled:.1f} s", flush=True)
        for p in verdict.problems[:10]:
            print("   ", p)
        failed = failed or bool(verdict.problems)
    server.terminate()
    server.wait(timeout=60)
    print("no acknowledged write lost or doubled; errors only during the outage" if not failed else "FAILED")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
