"""Congso's roster solver against Google OR-Tools CP-SAT (one worker) on the same instances.

    python3 bench/rosters/compare.py --congso .build/release/congso [--instances 60] [--hard 20] [--seed 1]

Two generator modes (bench/rosters/generate.py): --instances typical problems, and --hard
problems of four hard units each (cohorts that barely cover the demand, tight run limits,
skills held by few, spells of absence, colliding obligations). For each: `congso roster
solve`, `congso roster check` on its output, then CP-SAT on the same model. Prints per
instance both spreads per unit ("-" no roster, "?" undecided), both times and the verdict.

Exits 1 when, on any unit: Congso's spread is above an optimum CP-SAT proves; it has no
roster where CP-SAT found one; it is undecided where CP-SAT decided; `roster check` rejects
its roster; or when fewer than --min-matched typical instances match a proven optimum, a
mode's time ratio is below --min-ratio, or a unit took longer than --max-unit-ms. Where
CP-SAT ran out of time with a roster, a better or worse spread is counted and printed, not
judged (neither side has proven anything there). Prints the time ratio and the slowest unit.
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


UNDECIDED = "?"


def run_congso(binary, path, out):
    """Spreads per unit (None: Congso proves no roster exists; "?": undecided), proven flags,
    solve time, the slowest unit's time, and whether `roster check` accepts the roster (None
    when there is no complete roster to check)."""
    proc = subprocess.run([binary, "roster", "solve", "--input", path, "--output", out, "--best-effort"],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"congso roster solve failed on {path}: {proc.stderr}")
    doc = json.load(open(out))
    spreads = {u["id"]: (None if u.get("partial") else u["spread"]) for u in doc["units"]}
    for i in doc.get("infeasible", []):
        spreads[i["unit"]] = UNDECIDED if i["reason"].startswith("no roster found within the search limit") else None
    optimal = {u["id"]: u["optimal"] for u in doc["units"]}
    checked = None
    if proc.returncode == 0:
        check = subprocess.run([binary, "roster", "check", "--input", path, "--roster", out], capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stdout, file=sys.stderr)
        checked = check.returncode == 0
    return spreads, optimal, doc["stats"]["solveMillis"], doc["stats"].get("slowestUnitMillis", 0.0), checked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--congso", default=os.environ.get("CONGSO_BIN", ".build/release/congso"))
    ap.add_argument("--instances", type=int, default=60, help="typical problems")
    ap.add_argument("--hard", type=int, default=20, help="hard problems (four hard units each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=30.0, help="CP-SAT seconds per unit")
    ap.add_argument("--min-matched", type=int, default=50, help="fail unless at least this many typical proven instances match")
    ap.add_argument("--min-ratio", type=float, default=0.0, help="fail unless CP-SAT's total time is at least this multiple of Congso's")
    ap.add_argument("--max-unit-ms", type=float, default=0.0, help="fail if any unit took longer (0: not judged)")
    ap.add_argument("--report-only", action="store_true", help="print the comparison and verdicts, exit 0 whatever they are")
    a = ap.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp())
    matched, proven, failures = 0, 0, []
    unproven = {"better": 0, "equal": 0, "worse": 0}
    totals = {"typical": [0.0, 0.0], "hard": [0.0, 0.0]}
    slowest = (0.0, None)
    print(f"{'mode':>7} {'inst':>4} {'units':>5} {'staff':>5} {'days':>4}  {'congso spreads':<18} {'cp-sat spreads':<18} {'congso ms':>9} {'cp-sat ms':>9}  match")
    jobs = [("typical", a.seed + i) for i in range(a.instances)] + [("hard", a.seed + i) for i in range(a.hard)]
    for mode, seed in jobs:
        problem = instance(seed) if mode == "typical" else generate.generate_hard(seed)
        path = tmp / f"{mode}{seed}.json"
        path.write_text(json.dumps(problem))
        ours, optimal, our_ms, our_slowest, checked = run_congso(a.congso, str(path), str(tmp / f"r{mode}{seed}.json"))
        theirs = cpsat.solve(problem, time_limit=a.time_limit)
        their_ms = sum(t["millis"] for t in theirs)
        totals[mode][0] += our_ms
        totals[mode][1] += their_ms
        if our_slowest > slowest[0]:
            slowest = (our_slowest, f"{mode} seed {seed}")
        all_proven = all(t["status"] in ("OPTIMAL", "INFEASIBLE") for t in theirs)
        # Per unit: where CP-SAT proved its answer, Congso must give the same; where CP-SAT
        # found a roster, Congso must have one; where CP-SAT decided anything, Congso must
        # have decided too. Unproven spreads are compared and counted only.
        wrong, behind = False, False
        for t in theirs:
            mine = ours.get(t["unit"])
            if mine == UNDECIDED:
                wrong |= t["status"] != "UNKNOWN"
            elif t["status"] in ("OPTIMAL", "INFEASIBLE"):
                wrong |= mine != t["spread"]
            elif t["spread"] is not None:
                wrong |= mine is None
                if mine is not None:
                    unproven["better" if mine < t["spread"] else "equal" if mine == t["spread"] else "worse"] += 1
                    behind |= mine > t["spread"]
        wrong |= checked is False
        ok = not wrong and all_proven
        if mode == "typical":
            proven += all_proven
            matched += ok
        if wrong:
            failures.append(f"{mode} {seed}")
        fmt = lambda xs: "/".join("-" if x is None else str(x) for x in xs)
        verdict = (("CHECK FAILED" if checked is False else "NO") if wrong else "yes" if ok
                   else "CP-SAT not proven; Congso behind its roster on a unit" if behind
                   else "CP-SAT not proven; Congso no worse")
        print(f"{mode:>7} {seed:>4} {len(problem['units']):>5} {len(problem['staff']):>5} {problem['days']:>4}  "
              f"{fmt(ours.get(u['id']) for u in problem['units']):<18} {fmt(t['spread'] for t in theirs):<18} "
              f"{our_ms:>9.1f} {their_ms:>9.1f}  {verdict}")
        sys.stdout.flush()
    if a.instances:
        print(f"\n{matched}/{a.instances} typical instances proven optimal by CP-SAT within {a.time_limit:g} s per unit, and Congso's spread "
              f"equals that optimum on every unit of each (or both find no roster); `roster check` accepts every complete roster.")
    if sum(unproven.values()):
        print(f"units where CP-SAT found a roster without proving it best: Congso better on {unproven['better']}, "
              f"equal on {unproven['equal']}, worse on {unproven['worse']}")
    ratios = []
    for mode, (ours_ms, theirs_ms) in totals.items():
        if ours_ms > 0:
            ratios.append(theirs_ms / ours_ms)
            print(f"{mode}: Congso {ours_ms / 1000:.2f} s, CP-SAT (one worker) {theirs_ms / 1000:.2f} s in all: {theirs_ms / ours_ms:.1f}x")
    print(f"slowest unit: {slowest[0]:.0f} ms ({slowest[1]}); load average {os.getloadavg()[0]:.2f}")
    if failures:
        print("NOT MATCHED: " + ", ".join(failures))
    short = [r for r in ratios if r < a.min_ratio]
    if short:
        print(f"time ratio below {a.min_ratio:g}x")
    too_slow = a.max_unit_ms > 0 and slowest[0] > a.max_unit_ms
    if too_slow:
        print(f"a unit took longer than {a.max_unit_ms:.0f} ms")
    if a.report_only:
        print("(report only: not judged)")
        return
    if failures or matched < a.min_matched or short or too_slow:
        if matched < a.min_matched:
            print(f"fewer than {a.min_matched} typical instances matched a proven optimum")
        sys.exit(1)


if __name__ == "__main__":
    main()
