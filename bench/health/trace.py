#!/usr/bin/env python3
"""Contact tracing at city scale (issue 16): a PostgreSQL database with the demo, then
100,000 more staff in 5,000 units under Hà Nội and a year of the presence register (each
person on site in one shift on a third of the working days: about 8.7 million rows), and
the server timing

  * the preview, GET /api/v1/health/trace?staff=…&days=14 (everyone in the case's unit and
    shift, meetings, visitors, with overlaps), and
  * the one step, POST /api/v1/health/trace (the case isolating, every contact under
    monitoring, permits suspended, rosters marked, notifications), on fresh cases,

as the city's admin. Prints the row counts and p50/p95/max of each. Target: ≤ 1 s.

    swift build -c release --product congso
    python3 bench/health/trace.py --bin .build/release/congso --postgres postgres://congso:congso@127.0.0.1:5432/congso_bench
"""
import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import PASSWORD, call, demo_server, figures, psql, without_indexes  # noqa: E402


def load(url, staff, units, days):
    hn_id, hn_path = psql(url, "SELECT id || '|' || path FROM organizations WHERE code = 'HN'").split("|")
    t = time.time()
    psql(url, f"""
        CREATE TABLE bench_units AS SELECT gen_random_uuid() AS id, g AS n FROM generate_series(1, {units}) g;
        INSERT INTO organizations (id, code, name, sort_key, search_text, kind, parent_id, path, created_at, updated_at)
        SELECT id, 'BU-' || n, 'Đơn vị thử ' || n, 'zz' || lpad(n::text, 8, '0'), ' don vi thu ' || n, 'unit', '{hn_id}',
               '{hn_path}' || upper(id::text) || '/', now(), now() FROM bench_units;
        INSERT INTO staff (id, org_id, full_name, sort_key, position, phone, email, skills, status, search_text, created_at, updated_at)
        SELECT gen_random_uuid(), u.id, 'Cán bộ thử ' || g, 'zz' || lpad(g::text, 9, '0'), 'Chuyên viên', '', 'bench' || g || '@bench.vn', '',
               'remote', ' can bo thu ' || g, now(), now()
        FROM generate_series(1, {staff}) g JOIN bench_units u ON u.n = ((g - 1) % {units}) + 1;
    """)
    print(f"  {units:,} units and {staff:,} staff in {time.time() - t:.1f} s", flush=True)
    t = time.time()
    # One shift on a third of the working days, by a hash of (person, day): the same on every run.
    without_indexes(url, "presence_entries", lambda: psql(url, f"""
        INSERT INTO presence_entries (id, staff_id, org_id, org_path, date, shift, checked_in_at, checked_out_at)
        SELECT gen_random_uuid(), s.id, s.org_id, o.path, to_char(d, 'YYYY-MM-DD'),
               CASE WHEN (hashtext(s.id::text || d::text) & 8) = 0 THEN 'morning' ELSE 'afternoon' END,
               (d::timestamp + CASE WHEN (hashtext(s.id::text || d::text) & 8) = 0 THEN interval '7 hours 45 minutes' ELSE interval '13 hours 15 minutes' END
                 + (abs(hashtext(d::text || s.id::text)) % 30) * interval '1 minute') AT TIME ZONE 'Asia/Ho_Chi_Minh',
               (d::timestamp + CASE WHEN (hashtext(s.id::text || d::text) & 8) = 0 THEN interval '11 hours 30 minutes' ELSE interval '17 hours' END)
                 AT TIME ZONE 'Asia/Ho_Chi_Minh'
        FROM staff s JOIN bench_units u ON u.id = s.org_id JOIN organizations o ON o.id = s.org_id
        CROSS JOIN generate_series(current_date - {days}, current_date - 1, interval '1 day') d
        WHERE extract(isodow FROM d) < 6 AND abs(hashtext(s.id::text || d::text)) % 3 = 0;
    """))
    psql(url, "ANALYZE staff; ANALYZE organizations;")
    print(f"  presence loaded with its indexes in {time.time() - t:.1f} s", flush=True)
    rows = int(psql(url, "SELECT count(*) FROM presence_entries"))
    print(f"  {rows:,} presence rows", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--postgres", required=True, help="A database URL this script may wipe")
    ap.add_argument("--staff", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=5_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--trace-days", type=int, default=14)
    ap.add_argument("--previews", type=int, default=40)
    ap.add_argument("--applies", type=int, default=10)
    ap.add_argument("--port", type=int, default=8788)
    ap.add_argument("--target-ms", type=float, default=1000)
    ap.add_argument("--check", action="store_true", help="Exit 1 when a p95 is above --target-ms")
    args = ap.parse_args()
    with demo_server(args.bin, args.postgres, args.port, "congso-trace-bench-") as base:
        print("Loading the city:", flush=True)
        load(args.postgres, args.staff, args.units, args.days)
        token = call(base, "POST", "/api/v1/auth/token", body={"email": "admin@congso.vn", "password": PASSWORD})["token"]
        ids = psql(args.postgres, f"SELECT s.id FROM staff s JOIN bench_units u ON u.id = s.org_id ORDER BY md5(s.id::text) LIMIT {args.previews + args.applies}").split()
        random.Random(16).shuffle(ids)
        call(base, "GET", f"/api/v1/health/trace?staff={ids[0]}&days={args.trace_days}", token)  # warm the pools
        preview, contacts, server_ms = [], [], []
        for sid in ids[:args.previews]:
            t = time.perf_counter()
            r = call(base, "GET", f"/api/v1/health/trace?staff={sid}&days={args.trace_days}", token)
            preview.append((time.perf_counter() - t) * 1000)
            contacts.append(len(r["contacts"]))
            server_ms.append(r["millis"])
        applied, monitored = [], []
        for sid in ids[args.previews:args.previews + args.applies]:
            t = time.perf_counter()
            r = call(base, "POST", "/api/v1/health/trace", token, {"staffId": sid, "days": args.trace_days})
            applied.append((time.perf_counter() - t) * 1000)
            monitored.append(r["monitored"])
        print(f"\nContact tracing over {args.trace_days} days, {args.staff:,} staff, {args.units:,} units "
              f"(contacts per case: median {statistics.median(contacts):.0f}, max {max(contacts)}; put under monitoring per step: "
              f"median {statistics.median(monitored):.0f})")
        p1 = figures("preview, through the API", preview)
        figures("preview, inside the server", server_ms)
        p2 = figures("one step (isolate, monitor, suspend, mark, tell)", applied)
        ok = p1 <= args.target_ms and p2 <= args.target_ms
        print(f"target p95 ≤ {args.target_ms:.0f} ms: {'met' if ok else 'MISSED'}")
        if args.check and not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
