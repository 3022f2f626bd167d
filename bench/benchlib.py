"""Helpers the Python benchmarks share: the API, psql, and the percentile line they print."""
import json
import statistics
import subprocess
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
