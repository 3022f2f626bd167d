#!/usr/bin/env python3
"""The one search at scale (issue 14): fills a database with the demo and N generated
documents (`congso seed-documents`), starts the server, and times GET /api/v1/search for
queries typed with and without accents, as the district head of Hoàng Mai (who reads the
whole register). Prints p50/p95/p99; the target is p95 <= 100 ms over 100,000 documents.

    swift build -c release --product congso
    python3 bench/search/bench.py --bin .build/release/congso                       # SQLite
    python3 bench/search/bench.py --bin .build/release/congso --postgres postgres://congso:congso@127.0.0.1:5432/congso_bench
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

WORDS = ["giấy đi đường", "giay di duong", "đống đa", "dong da", "giãn cách", "gian cach xa hoi", "xét nghiệm", "xet nghiem",
         "tiêm chủng", "dịch vụ công trực tuyến", "duong day nong", "kiểm tra công vụ", "bao cao tuan", "bố trí cán bộ",
         "cach ly", "khai bao y te", "hop truc tuyen", "ke hoach luan phien", "phong chong dich", "thu tuc hanh chinh",
         "chot kiem soat", "hoan kiem", "cau giay", "ha dong", "so y te", "bo noi vu", "ubnd", "qd ubnd", "kh", "cong an"]


def call(base, method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def run(cmd, env):
    t = time.time()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.time() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--postgres", help="A database URL this script may wipe (default: SQLite in a temporary directory)")
    ap.add_argument("--port", type=int, default=8787)
    ap.add_argument("--check", action="store_true", help="Exit 1 when p95 is above --target-ms")
    ap.add_argument("--target-ms", type=float, default=100)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="congso-search-bench-")
    env = dict(os.environ, CONGSO_DATA_DIR=work, LOG_LEVEL="error")
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = args.postgres
        subprocess.run(["psql", args.postgres, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True)
    server = None
    try:
        print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; loading the demo and {args.count} documents…", flush=True)
        run([args.bin, "demo"], env)
        took = run([args.bin, "seed-documents", "--count", str(args.count), "--org", "Q08"], env)
        print(f"  loaded in {took:.0f} s", flush=True)
        server = subprocess.Popen([args.bin, "serve", "--port", str(args.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        token = call(base, "POST", "/api/v1/auth/token", body={"email": "head.hoangmai@congso.vn", "password": "congso2021"})["token"]
        rng = random.Random(7)
        queries = [" ".join(rng.sample(WORDS, rng.choice([1, 1, 2, 2, 3]))) for _ in range(args.queries)]
        for q in queries[:20]:  # warm-up
            call(base, "GET", "/api/v1/search?q=" + urllib.parse.quote(q), token)
        times, totals = [], []
        for q in queries:
            t = time.perf_counter()
            res = call(base, "GET", "/api/v1/search?q=" + urllib.parse.quote(q), token)
            times.append((time.perf_counter() - t) * 1000)
            totals.append(res["total"])
        times.sort()
        pct = lambda p: times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
        hits = call(base, "GET", "/api/v1/search?kind=document&q=" + urllib.parse.quote("giay di duong dong da"), token)["total"]
        print(f"documents: {args.count}; queries: {len(times)} (1-3 words, with and without accents, one page of 25)")
        print(f"search latency ms: p50 {pct(50):.1f}  p95 {pct(95):.1f}  p99 {pct(99):.1f}  max {times[-1]:.1f}  (target p95 <= {args.target_ms:.0f})")
        print(f"results per query: median {statistics.median(totals):.0f}, max {max(totals)}; 'giay di duong dong da' finds {hits}")
        if hits == 0:
            print("FAIL: the accent-free query found nothing")
            sys.exit(1)
        if args.check and pct(95) > args.target_ms:
            print("FAIL: p95 above target")
            sys.exit(1)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
