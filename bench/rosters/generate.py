"""Random roster problems in format v1 (docs/roster-format.md), reproducible from a seed.

    python3 bench/rosters/generate.py --seed 7 --units 3 --staff 8:20 --days 14 > problem.json
    python3 bench/rosters/generate.py --scale --units 5000 --staff-total 100000 > big.json

Each unit draws its size, share (1/2 or 1/3), minimum on duty, sometimes a lower demand,
required skills and cohorts; staff draw skills, days or shifts off and shifts they must
work; the problem may carry a run limit. Obligations are drawn so that most problems
stay feasible; some are not, which the comparison reports too.
"""
import argparse
import datetime
import json
import random
import sys

SKILLS = ["classified", "legal", "it", "finance", "driver"]


def generate(seed, units=3, staff=(6, 16), days=14, shifts=("AM", "PM"), start="2021-07-26",
             unavailable=0.3, must=0.15, skills=0.5, cohorts=0.35, run_limit=0.5, lower_demand=0.3):
    rnd = random.Random(seed)
    dates = [(datetime.date.fromisoformat(start) + datetime.timedelta(days=i)).isoformat() for i in range(days)]
    problem = {"start": start, "days": days, "shifts": list(shifts), "units": [], "staff": []}
    if rnd.random() < run_limit:
        problem["maxConsecutiveOnSiteDays"] = rnd.choice([2, 3, 3, 4, 5])
    for u in range(units):
        n = rnd.randint(*staff)
        share = rnd.choice([0.5, 0.5, 1 / 3])
        min_on = rnd.choice([1, 1, 2])
        cap = max(min_on, int(share * n + 1e-9))
        unit = {"id": f"u{u + 1}", "maxOnSiteShare": round(share, 10), "minOnDuty": min_on}
        if rnd.random() < lower_demand and cap > min_on:
            unit["demand"] = rnd.randint(min_on, cap)
        demand = unit.get("demand", cap)
        k = 1
        if rnd.random() < cohorts and n >= 4:
            k = rnd.choice([2, 2, 3])
            if demand > -(-n // k):
                k = 1
            else:
                unit["cohorts"] = k
        required = []
        if rnd.random() < skills:
            required = rnd.sample(SKILLS, rnd.choice([1, 1, 2]))
            unit["requiredSkills"] = required
        problem["units"].append(unit)
        for p in range(n):
            person = {"id": f"u{u + 1}s{p + 1}", "unit": unit["id"]}
            own = [s for s in required if rnd.random() < 0.35]
            if rnd.random() < 0.3:
                own.append(rnd.choice(SKILLS))
            if own:
                person["skills"] = sorted(set(own))
            if rnd.random() < unavailable:
                off = []
                for _ in range(rnd.randint(1, 4)):
                    d = rnd.choice(dates)
                    off.append({"date": d} if rnd.random() < 0.5 else {"date": d, "shift": rnd.choice(shifts)})
                person["unavailable"] = off
            if rnd.random() < must and k == 1:
                person["mustBeOnSite"] = [{"date": rnd.choice(dates), "shift": rnd.choice(shifts)}]
            problem["staff"].append(person)
    return problem


def scale(seed, units, staff_total, days=14):
    """The national-size problem: units of varied size summing to staff_total."""
    rnd = random.Random(seed)
    sizes = [staff_total // units] * units
    for _ in range(units * 2):  # move people between units, keeping the total
        a, b = rnd.randrange(units), rnd.randrange(units)
        if sizes[a] > 4:
            d = rnd.randint(0, min(4, sizes[a] - 4))
            sizes[a] -= d
            sizes[b] += d
    problem = generate(seed, units=0, days=days)
    problem["maxConsecutiveOnSiteDays"] = 3
    dates = [(datetime.date.fromisoformat(problem["start"]) + datetime.timedelta(days=i)).isoformat() for i in range(days)]
    for u, n in enumerate(sizes):
        unit = {"id": f"u{u + 1}", "maxOnSiteShare": rnd.choice([0.5, 0.3333333333]), "minOnDuty": 1}
        if rnd.random() < 0.5:
            unit["requiredSkills"] = ["classified"]
        if rnd.random() < 0.2 and n >= 6:
            unit["cohorts"] = 2
        problem["units"].append(unit)
        for p in range(n):
            person = {"id": f"u{u + 1}s{p + 1}", "unit": unit["id"]}
            if "requiredSkills" in unit and p % 3 == 0:
                person["skills"] = ["classified"]
            if rnd.random() < 0.2:
                d = rnd.choice(dates)
                person["unavailable"] = [{"date": d} if rnd.random() < 0.5 else {"date": d, "shift": "AM"}]
            problem["staff"].append(person)
    return problem


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--units", type=int, default=3)
    ap.add_argument("--staff", default="6:16", help="staff per unit, MIN:MAX")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--scale", action="store_true", help="one large problem: --units units, --staff-total staff")
    ap.add_argument("--staff-total", type=int, default=100000)
    a = ap.parse_args()
    if a.scale:
        problem = scale(a.seed, a.units, a.staff_total, a.days)
    else:
        lo, hi = (int(x) for x in a.staff.split(":"))
        problem = generate(a.seed, units=a.units, staff=(lo, hi), days=a.days)
    json.dump(problem, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
