"""The roster model of docs/roster-format.md (v1 and v2) in Google OR-Tools CP-SAT, for comparison.

    python3 bench/rosters/cpsat.py problem.json [--time-limit S]

Prints one JSON line per unit: {"unit", "spread" (None when infeasible), "status", "millis"}.
Units are independent in the model, so each is solved on its own, as Congso does.
"""
import argparse
import datetime
import json
import sys
import time

from ortools.sat.python import cp_model


def cap(unit, n):
    return max(unit["minOnDuty"], int(unit["maxOnSiteShare"] * n + 1e-9))


def demand_at(problem, unit, n, date, shift):
    """Format v1: one number (default the cap). Format v2: a table per kind of day
    (weekday, weekend, holiday; the missing kinds take weekday's) of staff per shift (missing: 0)."""
    demand = unit.get("demand", cap(unit, n))
    if isinstance(demand, int):
        return demand
    day = datetime.date.fromisoformat(date)
    kind = "holiday" if date in problem.get("holidays", []) else ("weekend" if day.weekday() >= 5 else "weekday")
    return demand.get(kind, demand["weekday"]).get(shift, 0)


def solve_unit(problem, unit, staff, time_limit=60.0, workers=1):
    start = datetime.date.fromisoformat(problem["start"])
    dates = [(start + datetime.timedelta(days=i)).isoformat() for i in range(problem["days"])]
    shifts = problem["shifts"]
    D, S, n = len(dates), len(shifts), len(staff)
    k = unit.get("cohorts", 1)
    run = unit.get("maxConsecutiveOnSiteDays", problem.get("maxConsecutiveOnSiteDays"))
    m = cp_model.CpModel()
    x = {(p, t, s): m.NewBoolVar(f"x{p}_{t}_{s}") for p in range(n) for t in range(D) for s in range(S)}

    def cells(entries):
        out = set()
        for e in entries or []:
            if e["date"] not in dates:
                continue
            t = dates.index(e["date"])
            for s in ([shifts.index(e["shift"])] if e.get("shift") else range(S)):
                out.add((t, s))
        return out

    for p, person in enumerate(staff):
        for t, s in cells(person.get("unavailable")):
            m.Add(x[p, t, s] == 0)
        for t, s in cells(person.get("mustBeOnSite")):
            m.Add(x[p, t, s] == 1)
    for t in range(D):
        for s in range(S):
            d = demand_at(problem, unit, n, dates[t], shifts[s])
            m.Add(sum(x[p, t, s] for p in range(n)) == d)
            for skill in (unit.get("requiredSkills", []) if d > 0 else []):
                m.Add(sum(x[p, t, s] for p in range(n) if skill in (staff[p].get("skills") or [])) >= 1)
    day = {}
    if run is not None or k > 1:
        for p in range(n):
            for t in range(D):
                y = m.NewBoolVar(f"y{p}_{t}")
                for s in range(S):
                    m.AddImplication(x[p, t, s], y)
                m.Add(y <= sum(x[p, t, s] for s in range(S)))
                day[p, t] = y
    if run is not None:
        for p in range(n):
            for t in range(D - run):
                m.Add(sum(day[p, t + i] for i in range(run + 1)) <= run)
    if k > 1:
        z = {(p, c): m.NewBoolVar(f"z{p}_{c}") for p in range(n) for c in range(k)}
        w = {(t, c): m.NewBoolVar(f"w{t}_{c}") for t in range(D) for c in range(k)}
        for p in range(n):
            m.AddExactlyOne(z[p, c] for c in range(k))
        for t in range(D):
            m.AddExactlyOne(w[t, c] for c in range(k))
        for c in range(k):
            size = sum(z[p, c] for p in range(n))
            m.Add(size >= n // k)
            m.Add(size <= -(-n // k))
            for p in range(n):
                for t in range(D):
                    # On site that day means: the day belongs to the person's cohort.
                    m.AddBoolOr([day[p, t].Not(), w[t, c].Not(), z[p, c]])
        m.Add(z[0, 0] == 1)  # cohorts are interchangeable
    counts = [sum(x[p, t, s] for t in range(D) for s in range(S)) for p in range(n)]
    hi = m.NewIntVar(0, D * S, "hi")
    lo = m.NewIntVar(0, D * S, "lo")
    if n:
        m.AddMaxEquality(hi, counts)
        m.AddMinEquality(lo, counts)
    m.Minimize(hi - lo)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    began = time.perf_counter()
    status = solver.Solve(m)
    millis = (time.perf_counter() - began) * 1000
    name = solver.StatusName(status)
    spread = int(solver.ObjectiveValue()) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return {"unit": unit["id"], "spread": spread, "status": name, "millis": round(millis, 1)}


def solve(problem, time_limit=60.0, workers=1):
    by_unit = {u["id"]: [] for u in problem["units"]}
    for person in problem["staff"]:
        by_unit[person["unit"]].append(person)
    return [solve_unit(problem, u, by_unit[u["id"]], time_limit, workers) for u in problem["units"]]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("problem")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    for line in solve(json.load(open(a.problem)), a.time_limit, a.workers):
        print(json.dumps(line))
