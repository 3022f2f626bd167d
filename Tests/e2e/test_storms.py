"""Concurrent writes against the running server (issue 11), as an outside tester does them on
`congso serve --demo`: fifty check-ins of Q03 staff at once, fifty on-site requests for one
day and shift, and twenty identical on-site requests and check-ins. CI runs this against the
SQLite server and again against the PostgreSQL one: no 5xx, no duplicate, every 2xx stored."""
import collections
import datetime
import random
import threading
from concurrent.futures import ThreadPoolExecutor

from test_onsite import api, token

DISTRICT = "Q03"


def storm(calls):
    """Runs every call at the same moment (a barrier releases them together)."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def code(body):
    return (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None


def assert_no_server_error(results, what):
    errors = [(s, code(b)) for s, b in results if s >= 500]
    assert not errors, f"{what}: {len(errors)} × 5xx {errors[:3]}"


def district_staff(admin, count):
    status, body = api("GET", f"/api/v1/staff?org={DISTRICT}&per=200", admin)
    assert status == 200, body
    people = [p for p in body["items"] if p.get("status") not in ("onLeave", "isolating")]
    assert len(people) >= 40, f"{DISTRICT} has only {len(people)} staff available"
    return people[:count]


def test_fifty_check_ins_at_once_store_fifty_entries():
    admin = token("admin@congso.vn")
    people = district_staff(admin, 50)
    results = storm([lambda p=p: api("POST", "/api/v1/presence/check-in", admin, {"staffId": p["id"], "shift": "afternoon"})
                     for p in people])
    assert_no_server_error(results, "check-in")
    created = [p["id"] for p, (s, _) in zip(people, results) if s == 201]
    refused = [code(b) for s, b in results if s != 201]
    assert all(c == "presence.already_in" for c in refused), refused
    status, body = api("GET", f"/api/v1/presence?org={DISTRICT}", admin)
    assert status == 200, body
    entries = collections.Counter((e["staffId"], u["shift"]) for u in body["items"] for e in u["people"])
    for staff_id in created:
        assert entries[(staff_id, "afternoon")] == 1, staff_id
    assert all(n == 1 for n in entries.values()), "a person checked in twice for one shift"

    # The same person twenty times at once: one entry, nineteen refusals as in turn.
    # (Someone not yet in for the morning, so the test can run again on the same database.)
    free = [p["id"] for p in people if entries[(p["id"], "morning")] == 0]
    assert free, "everyone is already checked in for the morning"
    someone = free[0]
    same = storm([lambda: api("POST", "/api/v1/presence/check-in", admin, {"staffId": someone, "shift": "morning"})] * 20)
    assert_no_server_error(same, "same check-in")
    assert sum(1 for s, _ in same if s == 201) == 1, same
    assert all(code(b) == "presence.already_in" for s, b in same if s != 201)


def test_on_site_requests_at_once_are_stored_once_each():
    admin = token("admin@congso.vn")
    people = district_staff(admin, 50)
    # A day of its own in the coming months, so that a second run meets no earlier request.
    day = (datetime.date.today() + datetime.timedelta(days=random.randint(9, 120))).isoformat()
    results = storm([lambda p=p: api("POST", "/api/v1/onsite-requests", admin,
                                     {"staffId": p["id"], "date": day, "shift": "morning", "reason": "officeDuty"})
                     for p in people])
    assert_no_server_error(results, "on-site request")
    created = [b["id"] for s, b in results if s == 201]
    assert created, "no on-site request was accepted: " + str(results[:2])
    status, listed = api("GET", f"/api/v1/onsite-requests?org={DISTRICT}&date={day}&per=200", admin)
    assert status == 200, listed
    ids = {r["id"] for r in listed["items"]}
    assert set(created) <= ids, "an acknowledged request is missing"
    per_person = collections.Counter((r["staffId"], r["shift"]) for r in listed["items"] if r["status"] in ("pending", "approved"))
    assert all(n == 1 for n in per_person.values()), per_person.most_common(3)

    # Twenty identical requests at once: one stored, nineteen told it is a duplicate.
    someone = people[1]["id"]
    same = storm([lambda: api("POST", "/api/v1/onsite-requests", admin,
                              {"staffId": someone, "date": day, "shift": "afternoon", "reason": "officeDuty"})] * 20)
    assert_no_server_error(same, "same on-site request")
    assert sum(1 for s, _ in same if s == 201) == 1, [(s, code(b)) for s, b in same]
    assert all(s == 409 and code(b) == "onsite.duplicate" for s, b in same if s != 201)
    status, listed = api("GET", f"/api/v1/onsite-requests?org={DISTRICT}&date={day}&per=200", admin)
    assert sum(1 for r in listed["items"] if r["staffId"] == someone and r["shift"] == "afternoon") == 1
