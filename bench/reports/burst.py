#!/usr/bin/env python3
"""The 07:00 burst (issue 18, item 5): a city's staff each hand in one daily report through
the API, at rising concurrency, on PostgreSQL — first one server process, then two behind
nginx (deploy/local-cluster.sh). Prints throughput and p50/p99 at each step, and the best
rate with p99 under 200 ms against the target (20 × the 170/s a city of 100,000 needs when
everyone reports within 10 minutes: 3,400/s).

Setup: the demo, then --staff people in --units units, each with an account and an API token
(stored hashed, as the server stores them). Every request carries its own person's token and
hands in that person's report for one window of the last working day (a late report, so the
run does not depend on the hour); each step takes the next people, so every request of a
step is a first report.

    swift build -c release --product congso
    python3 bench/reports/burst.py --bin .build/release/congso --postgres postgres://congso:congso@127.0.0.1:5432/congso_burst

Needs wrk and nginx (apt-get install wrk nginx).
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import demo_server, last_working_day, psql  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
from reliabilitylib import stop_cluster  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TARGET_RPS = 3400



def load(url, staff, units):
    psql(url, f"""
        CREATE TABLE bench_parents AS SELECT id, path, row_number() OVER (ORDER BY code) AS n FROM organizations
            WHERE parent_id = (SELECT id FROM organizations WHERE code = 'HN') AND kind IN ('district', 'department');
        CREATE TABLE bench_units AS SELECT gen_random_uuid() AS id, g AS n FROM generate_series(1, {units}) g;
        INSERT INTO organizations (id, code, name, sort_key, search_text, kind, parent_id, path, created_at, updated_at)
        SELECT u.id, 'BU-' || u.n, 'Đơn vị thử ' || u.n, 'zz' || lpad(u.n::text, 8, '0'), ' don vi thu ' || u.n, 'unit', p.id,
               p.path || upper(u.id::text) || '/', now(), now()
        FROM bench_units u JOIN bench_parents p ON p.n = ((u.n - 1) % (SELECT count(*) FROM bench_parents)) + 1;
        CREATE TABLE bench_people AS SELECT g AS n, gen_random_uuid() AS staff_id, gen_random_uuid() AS user_id, u.id AS org_id
            FROM generate_series(1, {staff}) g JOIN bench_units u ON u.n = ((g - 1) % {units}) + 1;
        INSERT INTO staff (id, org_id, full_name, sort_key, position, phone, email, skills, status, search_text, created_at, updated_at)
        SELECT staff_id, org_id, 'Cán bộ thử ' || n, 'zz' || lpad(n::text, 9, '0'), 'Chuyên viên', '', 'burst' || n || '@bench.vn', '',
               'remote', ' can bo thu ' || n, now(), now() FROM bench_people;
        INSERT INTO users (id, email, display_name, password_hash, role, org_id, staff_id, active, created_at)
        SELECT user_id, 'burst' || n || '@bench.vn', 'Cán bộ thử ' || n, 'x', 'staff', org_id, staff_id, true, now() FROM bench_people;
        INSERT INTO user_tokens (id, user_id, token_hash, name, created_at, last_used_at)
        SELECT gen_random_uuid(), user_id, encode(sha256(convert_to('cgs_burst_' || n, 'UTF8')), 'hex'), 'burst', now(), now() FROM bench_people;
        ANALYZE;
    """)


def wrk(url, script, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", script, url],
                         check=True, capture_output=True, text=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors:")[-1])) if "Socket errors" in out else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "requests": total, "non2xx": non2xx, "errors": errors}


def script(tmp, name, first, count, day, window):
    """A wrk script: request n of the run is person first+n's report (thread t starts its own
    block of people, so the two threads never hand in the same report)."""
    body = json.dumps({"date": day, "window": window, "done": "Trực đường dây nóng", "next": "Tổng hợp số liệu", "location": "remote"})
    lines = ["local threads = 0", "function setup(t) t:set('tid', threads); threads = threads + 1 end",
             f"local first, count = {first}, {count}", "local n = 0",
             "function init(args) n = (tid or 0) * math.floor(count / 2) end",
             "wrk.method = 'POST'", f"local body = {json.dumps(body)}",
             "request = function() local p = first + (n % count); n = n + 1; "
             "return wrk.format(nil, '/api/v1/reports', {['Content-Type'] = 'application/json', ['Authorization'] = 'Bearer cgs_burst_' .. p}, body) end"]
    path = pathlib.Path(tmp) / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def sweep(label, url, args, day, window, tmp, offset):
    print(f"\n{label}: POST /api/v1/reports, window {window} of {day}", flush=True)
    print(f"  {'connections':>11} {'reports/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8} {'errors':>7}")
    results = []
    first = offset
    # A fresh process's first seconds (connections opening, plans cached, pages read) are
    # not the burst's steady state: 5 s at 32 connections first, on people of their own.
    w = wrk(url, script(tmp, f"{label[:3]}-warm.lua", 1 + (first % args.staff), min(40_000, args.staff - (first % args.staff)), day, window), 5, 32)
    first += w["requests"]
    print(f"  {'(warm-up)':>11} {w['rps']:>10,.0f} {w['p50']:>8.1f} {w['p99']:>8.1f} {w['requests']:>9,} {w['non2xx']:>8} {w['errors']:>7}", flush=True)
    for conns in args.steps:
        # Each step hands in the next people's reports (wrapping round the city if it must).
        per_step = min(args.staff, int(args.seconds * 8000))
        s = script(tmp, f"{label[:3]}-{conns}.lua", 1 + (first % args.staff), min(per_step, args.staff - (first % args.staff)), day, window)
        r = wrk(url, s, args.seconds, conns)
        first += r["requests"]
        results.append((conns, r))
        print(f"  {conns:>11} {r['rps']:>10,.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['requests']:>9,} {r['non2xx']:>8} {r['errors']:>7}", flush=True)
    ok = [r for _, r in results if r["p99"] < 200 and r["non2xx"] == 0 and r["errors"] == 0]
    best = max(ok, key=lambda r: r["rps"]) if ok else None
    if best:
        print(f"  best with p99 < 200 ms: {best['rps']:,.0f} reports/s (target {TARGET_RPS:,}: {'met' if best['rps'] >= TARGET_RPS else 'MISSED'}; "
              f"a city of {args.staff:,} in 10 minutes needs {args.staff / 600:,.0f}/s)")
    else:
        print("  no step had p99 < 200 ms without errors")
    return first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--postgres", required=True, help="A database URL this script may wipe")
    ap.add_argument("--staff", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=5_000)
    ap.add_argument("--steps", type=lambda s: [int(x) for x in s.split(",")], default=[32, 64, 128, 256, 384])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--port", type=int, default=8870)
    args = ap.parse_args()
    day = last_working_day()
    tmp = tempfile.mkdtemp(prefix="congso-burst-")
    env = {"CONGSO_SCHEDULER": "off"}
    with demo_server(args.bin, args.postgres, args.port, "congso-burst-", env_extra=env) as base:
        t = time.time()
        load(args.postgres, args.staff, args.units)
        print(f"  {args.staff:,} staff in {args.units:,} units, each with an account and a token, in {time.time() - t:.1f} s", flush=True)
        done = sweep("One server process", base, args, day, "07:00", tmp, 0)

    cluster = subprocess.Popen(["bash", os.path.join(ROOT, "deploy", "local-cluster.sh"), "--servers", "2", "--port", str(args.port + 10),
                                "--bin", args.bin],
                               env=dict(os.environ, DATABASE_URL=args.postgres, LOG_LEVEL="error", **env),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for line in cluster.stdout:
            if line.startswith("Congso on"):
                break
        sweep("Two server processes behind nginx", f"http://127.0.0.1:{args.port + 10}", args, day, "11:00", tmp, done)
    finally:
        stop_cluster(cluster)
    stored = int(psql(args.postgres, f"SELECT count(*) FROM daily_reports WHERE date = '{day}' AND slot IN ('07:00', '11:00')"))
    print(f"\nreports stored for {day} 07:00 and 11:00: {stored:,}")


if __name__ == "__main__":
    main()
