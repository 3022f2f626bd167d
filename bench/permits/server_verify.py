#!/usr/bin/env python3
"""The server's permit check as a checkpoint calls it: POST /api/v1/permits/verify, measured
with wrk against `congso serve --demo` (release build, SQLite in a fresh data directory),
after a head has issued PERMITS permits and revoked REVOKED of them, so that the trust list
and the revocation set are the size a district's would be.

    python3 bench/permits/server_verify.py --congso .build/release/congso [--permits 2000 --revoked 500]

Prints requests per second and latency percentiles for a valid permit and a revoked one."""
import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

PASSWORD = "congso2021"


def api(base, method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=300) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token(base, email):
    status, body = api(base, "POST", "/api/v1/auth/token", body={"email": email, "password": PASSWORD})
    assert status == 201, body
    return body["token"]


def wrk(base, permit_token, seconds, connections):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n'
                 % json.dumps(json.dumps({"token": permit_token})))
    script.close()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
                          base + "/api/v1/permits/verify"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50", "?"), lat.get("99", "?"), int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--congso", default=".build/release/congso")
    ap.add_argument("--port", type=int, default=8099)
    ap.add_argument("--permits", type=int, default=2000)
    ap.add_argument("--revoked", type=int, default=500)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    env = dict(os.environ, CONGSO_DATA_DIR=tempfile.mkdtemp(prefix="congso-bench-"), PORT=str(args.port), CONGSO_SCHEDULER="off")
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([args.congso, "serve", "--demo", "--port", str(args.port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except Exception:
                time.sleep(1)
        lead, head = token(base, "lead.hoangmai@congso.vn"), token(base, "head.hoangmai@congso.vn")
        status, staff = api(base, "GET", "/api/v1/staff?org=Q08-P2&per=200", lead)
        assert status == 200 and staff["items"], staff
        today = datetime.date.today()
        ids = []
        for start in range(0, args.permits, 1000):
            items = [{"staffId": staff["items"][i % len(staff["items"])]["id"], "idNumber": "00109%07d" % i, "purpose": "Trực cơ quan",
                      "from": f"Số {i} Giải Phóng", "to": "UBND quận Hoàng Mai", "validFrom": today.isoformat(),
                      "validUntil": (today + datetime.timedelta(days=14)).isoformat()} for i in range(start, min(args.permits, start + 1000))]
            status, body = api(base, "POST", "/api/v1/permits", lead, {"items": items})
            assert status == 201, body
            status, body = api(base, "POST", "/api/v1/permits/approve", head, {"ids": [p["id"] for p in body["items"]]})
            assert status == 200, body
            ids += [(p["id"], p["token"]) for p in body["items"]]
        for pid, _ in ids[:args.revoked]:
            status, body = api(base, "POST", f"/api/v1/permits/{pid}/revoke", head, {"reason": "Thu hồi để đo"})
            assert status == 200, body
        valid, revoked = ids[-1][1], ids[0][1]
        assert api(base, "POST", "/api/v1/permits/verify", body={"token": valid})[1]["valid"] is True
        assert api(base, "POST", "/api/v1/permits/verify", body={"token": revoked})[1]["reason"] == "permit.revoked"
        print(f"{args.permits} permits issued, {args.revoked} revoked; wrk -t2 -c{args.connections} -d{args.seconds}s")
        for label, t in (("valid permit", valid), ("revoked permit", revoked)):
            rps, p50, p99, errors = wrk(base, t, args.seconds, args.connections)
            print(f"{label:15s} {rps:9.0f} req/s   p50 {p50:>8s}   p99 {p99:>8s}   non-2xx {errors}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
