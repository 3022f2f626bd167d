"""Random roster problems in format v1 (docs/roster-format.md), reproducible from a seed.

    python3 bench/rosters/generate.py --seed 7 --units 3 --staff 8:20 --days 14 > problem.json
    python3 bench/rosters/generate.py --scale --units 5000 --staff-total 100000 > big.json
    python3 bench/rosters/generate.py --hard --seed 3 --units 4 > hard.json

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


SHIFTS = ["AM", "PM", "NIGHT"]


def generate_hard(seed, units=4):
    """Units built to be hard rather than typical: cohorts that barely cover the demand,
    demand equal to the cap, tight run limits, skills held by two or three people, leave and
    isolation spells, half-day absences and on-site obligations that collide with them.
    Some units come out infeasible, which is part of the point."""
    rnd = random.Random(seed * 104729 + 17)
    days = rnd.randint(7, 21)
    shifts = SHIFTS[:rnd.choice([1, 1, 2, 2, 3])]
    start = "2021-08-02"
    dates = [(datetime.date.fromisoformat(start) + datetime.timedelta(days=i)).isoformat() for i in range(days)]
    problem = {"start": start, "days": days, "shifts": shifts, "units": [], "staff": []}
    if rnd.random() < 0.8:
        problem["maxConsecutiveOnSiteDays"] = rnd.choice([2, 3, 3, 4, 4, 5])
    for u in range(units):
        n = rnd.randint(8, 40)
        share = rnd.choice([0.5, 0.3333333333, 0.25, 0.2])
        min_on = rnd.choice([1, 2, 3])
        cap = max(min_on, int(share * n + 1e-9))
        unit = {"id": f"h{u + 1}", "maxOnSiteShare": share, "minOnDuty": min_on}
        demand = cap
        k = 1
        if rnd.random() < 0.65:
            # The most cohorts whose larger size still covers the demand, or one fewer.
            k = max([c for c in range(2, 5) if -(-n // c) >= demand] or [1])
            if k > 2 and rnd.random() < 0.3:
                k -= 1
            if k > 1:
                unit["cohorts"] = k
        if rnd.random() < 0.25 and demand > min_on:
            demand = rnd.randint(min_on, demand)
        if demand != cap:
            unit["demand"] = demand
        required = rnd.sample(SKILLS, rnd.choice([0, 1, 1, 2]))
        if required:
            unit["requiredSkills"] = required
        problem["units"].append(unit)
        holders = {s: rnd.sample(range(n), min(n, rnd.randint(2, 3 + k))) for s in required}
        for p in range(n):
            person = {"id": f"h{u + 1}s{p + 1}", "unit": unit["id"]}
            own = [s for s in required if p in holders[s]]
            if own:
                person["skills"] = own
            off = []
            r = rnd.random()
            if r < 0.12:      # isolation: a week or two away
                a = rnd.randrange(days)
                off += [{"date": dates[t]} for t in range(a, min(days, a + rnd.randint(7, 14)))]
            elif r < 0.35:    # leave: a few days
                a = rnd.randrange(days)
                off += [{"date": dates[t]} for t in range(a, min(days, a + rnd.randint(2, 5)))]
            for _ in range(rnd.choice([0, 0, 1, 2])):   # half days
                off.append({"date": rnd.choice(dates), "shift": rnd.choice(shifts)})
            if off:
                person["unavailable"] = off
            if rnd.random() < 0.15:
                # On days the person is free: the collisions are with colleagues' absences.
                away = {o["date"] for o in off}
                free = [d for d in dates if d not in away]
                if free:
                    person["mustBeOnSite"] = [{"date": rnd.choice(free), "shift": rnd.choice(shifts)}
                                              for _ in range(rnd.randint(1, 2))]
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
    ap.add_argument("--hard", action="store_true", help="hard units (generate_hard), --units of them")
    ap.add_argument("--staff-total", type=int, default=100000)
    a = ap.parse_args()
    if a.scale:
        problem = scale(a.seed, a.units, a.staff_total, a.days)
    elif a.hard:
        problem = generate_hard(a.seed, units=a.units)
    else:
        lo, hi = (int(x) for x in a.staff.split(":"))
        problem = generate(a.seed, units=a.units, staff=(lo, hi), days=a.days)
    json.dump(problem, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
