"""Congso's roster solver against Google OR-Tools CP-SAT on the same random instances.

    python3 bench/rosters/compare.py --congso .build/release/congso [--instances 60] [--seed 1]

For each instance (bench/rosters/generate.py, seeded): `congso roster solve`, then
`congso roster check` on its output, then CP-SAT (bench/rosters/cpsat.py) on the same
model. Prints per instance both spreads (per unit, "-" when infeasible), both times and
whether Congso matched CP-SAT's proven optimum; exits 1 when Congso differs from a proven
optimum, is worse than an unproven CP-SAT roster, calls feasible units infeasible, writes a
roster `roster check` rejects, or fewer than --min-matched instances match a proven optimum.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import cpsat  # noqa: E402
import generate  # noqa: E402


def instance(seed):
    """Sizes, shares, unavailability, skills, cohorts and run limits all vary with the seed."""
    import random
    rnd = random.Random(seed * 7919)
    units = rnd.randint(1, 3)
    low = rnd.randint(4, 10)
    days = rnd.choice([7, 10, 14])
    return generate.generate(seed, units=units, staff=(low, low + rnd.randint(2, 10)), days=days,
                             cohorts=rnd.choice([0.0, 0.3, 0.5]), run_limit=rnd.choice([0.0, 0.5, 0.8]))


def run_congso(binary, path, out):
    """Spreads per unit (None: Congso says infeasible), proven flags, solve time, and whether
    `roster check` accepts the roster (None when there is no complete roster to check)."""
    proc = subprocess.run([binary, "roster", "solve", "--input", path, "--output", out, "--best-effort"],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"congso roster solve failed on {path}: {proc.stderr}")
    doc = json.load(open(out))
    spreads = {u["id"]: (None if u.get("partial") else u["spread"]) for u in doc["units"]}
    for i in doc.get("infeasible", []):
        spreads[i["unit"]] = None
    optimal = {u["id"]: u["optimal"] for u in doc["units"]}
    checked = None
    if proc.returncode == 0:
        check = subprocess.run([binary, "roster", "check", "--input", path, "--roster", out], capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stdout, file=sys.stderr)
        checked = check.returncode == 0
    return spreads, optimal, doc["stats"]["solveMillis"], checked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--congso", default=os.environ.get("CONGSO_BIN", ".build/release/congso"))
    ap.add_argument("--instances", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT seconds per unit")
    ap.add_argument("--min-matched", type=int, default=50, help="fail unless at least this many proven instances match")
    a = ap.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp())
    rows, matched, proven, failures = [], 0, 0, []
    print(f"{'inst':>4} {'units':>5} {'staff':>5} {'days':>4}  {'congso spreads':<16} {'cp-sat spreads':<16} {'congso ms':>9} {'cp-sat ms':>9}  match")
    for i in range(a.instances):
        seed = a.seed + i
        problem = instance(seed)
        path = tmp / f"p{seed}.json"
        path.write_text(json.dumps(problem))
        ours, optimal, our_ms, checked = run_congso(a.congso, str(path), str(tmp / f"r{seed}.json"))
        theirs = cpsat.solve(problem, time_limit=a.time_limit)
        their_ms = sum(t["millis"] for t in theirs)
        all_proven = all(t["status"] in ("OPTIMAL", "INFEASIBLE") for t in theirs)
        # Per unit: where CP-SAT proved its answer, Congso must give the same; where CP-SAT
        # ran out of time with a roster, Congso must have one no worse; where CP-SAT found a
        # roster, Congso must not call the unit infeasible.
        wrong = False
        for t in theirs:
            mine = ours.get(t["unit"])
            if t["status"] in ("OPTIMAL", "INFEASIBLE"):
                wrong |= mine != t["spread"]
            elif t["spread"] is not None:
                wrong |= mine is None or mine > t["spread"]
        wrong |= checked is False
        ok = not wrong and all_proven
        proven += all_proven
        matched += ok
        if wrong:
            failures.append(seed)
        fmt = lambda xs: "/".join("-" if x is None else str(x) for x in xs)
        verdict = ("CHECK FAILED" if checked is False else "NO") if wrong else ("yes" if ok else "CP-SAT not proven; Congso no worse")
        print(f"{seed:>4} {len(problem['units']):>5} {len(problem['staff']):>5} {problem['days']:>4}  "
              f"{fmt(ours.get(u['id']) for u in problem['units']):<16} {fmt(t['spread'] for t in theirs):<16} "
              f"{our_ms:>9.1f} {their_ms:>9.1f}  {verdict}")
        sys.stdout.flush()
    print(f"\n{matched}/{a.instances} instances proven optimal by CP-SAT within {a.time_limit:g} s per unit, and Congso's spread "
          f"equals that optimum on every unit of each (or both find no roster); `roster check` accepts every complete roster. "
          f"On the {a.instances - proven} instances CP-SAT could not prove, Congso is never worse than CP-SAT's best roster.")
    if failures:
        print("NOT MATCHED: seeds " + ", ".join(map(str, failures)))
    if failures or matched < a.min_matched:
        if matched < a.min_matched:
            print(f"fewer than {a.min_matched} instances matched a proven optimum")
        sys.exit(1)


if __name__ == "__main__":
    main()
