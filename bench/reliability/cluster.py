#!/usr/bin/env python3
"""No acknowledged write lost on PostgreSQL, through nginx at two server processes (issue 18,
items 1 and 3).

`deploy/local-cluster.sh` starts the layout: two `congso serve` processes on one PostgreSQL
database behind nginx, with its watcher that restarts a server whose /healthz stops
answering. Writers create uniquely titled tasks through nginx without pause while

  1. one server is killed with SIGKILL (nginx sends the next requests to the other; the
     watcher starts the killed one again), then
  2. PostgreSQL itself is restarted with `pg_ctlcluster … restart -m immediate` (a crash
     restart: no checkpoint, recovery from the WAL).

Then every title is counted in the database: every write that got a 2xx must be there
exactly once, and errors are allowed only from each fault until writes succeed again.
Exits 1 otherwise. Needs root (or a user allowed to run pg_ctlcluster) and nginx.

    python3 bench/reliability/cluster.py --bin .build/release/congso --postgres postgres://congso:congso@127.0.0.1:5432/congso_reliability
"""
import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import PASSWORD, call  # noqa: E402
from reliabilitylib import Writers, stop_cluster, wait_up  # noqa: E402

HEAD = "head.hoankiem@congso.vn"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def psql(url, sql):
    return subprocess.run(["psql", url, "-qtAX", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def server_pid(port):
    out = subprocess.run(["pgrep", "-f", f"serve --hostname 127.0.0.1 --port {port}"], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def healthy(port):
    try:
        wait_up(f"http://127.0.0.1:{port}", 0.5)
        return True
    except SystemExit:
        return False


def wait_for_writes(writers, since, limit=180):
    """The first moment after `since` a write got a 2xx again."""
    deadline = time.time() + limit
    while time.time() < deadline:
        with writers.lock:
            ok = [o.done for o in writers.outcomes if o.sent > since and 200 <= o.status < 300]
        if ok:
            return min(ok)
        time.sleep(0.2)
    raise SystemExit(f"writes did not succeed again within {limit} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--postgres", required=True, help="A database URL this script may wipe")
    ap.add_argument("--port", type=int, default=8860)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--steady", type=float, default=4, help="seconds of writes before and after each fault")
    args = ap.parse_args()
    psql(args.postgres, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    pgver = sorted(os.listdir("/usr/lib/postgresql"), key=float)[-1]
    base = f"http://127.0.0.1:{args.port}"
    print("Starting PostgreSQL, two servers (the first seeds the demo) and nginx …", flush=True)
    cluster = subprocess.Popen(["bash", os.path.join(ROOT, "deploy", "local-cluster.sh"), "--servers", "2", "--port", str(args.port),
                                "--bin", args.bin, "--demo"],
                               env=dict(os.environ, DATABASE_URL=args.postgres, LOG_LEVEL="error", SWIFT_BACKTRACE="enable=no"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    failed = False
    try:
        for line in cluster.stdout:
            print("  " + line.rstrip(), flush=True)
            if line.startswith("Congso on"):
                break
        wait_up(base, 60)
        token = call(base, "POST", "/api/v1/auth/token", body={"email": HEAD, "password": PASSWORD, "name": "cluster"})["token"]
        staff = psql(args.postgres, "SELECT s.id FROM staff s JOIN organizations o ON o.id = s.org_id WHERE o.code = 'Q02-P2' LIMIT 20").split()
        writers = Writers(base, token, staff, args.writers, tag="cluster")
        writers.start()
        time.sleep(args.steady)

        # 1. One server killed; nginx carries on with the other, the watcher restarts it.
        victim = args.port + 1
        pid = server_pid(victim)
        killed = time.time()
        os.kill(pid, signal.SIGKILL)
        while not healthy(victim):
            if time.time() - killed > 120:
                raise SystemExit("the killed server was not restarted within 120 s")
            time.sleep(0.2)
        restarted = time.time()
        # nginx may keep the restarted server out for its fail_timeout: the outage ends
        # when it is back and nginx has had its 10 s to try it again.
        kill_outage = (killed, restarted + 10)
        print(f"SIGKILL of the server on :{victim} (pid {pid}): restarted by the watcher after {restarted - killed:.1f} s", flush=True)
        time.sleep(args.steady)

        # 2. PostgreSQL crashes and recovers.
        crashed = time.time()
        subprocess.run(["pg_ctlcluster", pgver, "main", "restart", "-m", "immediate"], check=True)
        recovered = wait_for_writes(writers, time.time())
        print(f"pg_ctlcluster {pgver} main restart -m immediate: writes succeed again after {recovered - crashed:.1f} s", flush=True)
        time.sleep(args.steady)
        writers.stop()

        rows = {}
        for line in psql(args.postgres, f"SELECT title, COUNT(*) FROM tasks WHERE title LIKE '{writers.prefix}%' GROUP BY title").splitlines():
            title, n = line.split("|")
            rows[title] = int(n)
        verdict = writers.judge(rows, killed, recovered, graceful=False, outages=[kill_outage, (crashed, recovered)])
        print(f"two servers behind nginx: {verdict.line()}", flush=True)
        for p in verdict.problems[:10]:
            print("   ", p)
        failed = bool(verdict.problems) or verdict.acknowledged == 0
        both = all(healthy(args.port + n) for n in (1, 2))
        if not both:
            print("a server is not answering after the faults")
            failed = True
    finally:
        stop_cluster(cluster)
    print("no acknowledged write lost or doubled; errors only during the faults" if not failed else "FAILED")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
