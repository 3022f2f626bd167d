"""Real-browser test of health and movement (issue 16): a staff member declares symptoms and
is refused an on-site request; a head traces a confirmed case's contacts from the presence
register in one step, they go under monitoring, and a contact's travel permit fails
`congso permit verify` with the published revocation list. Also the unit's page, the visitor
log (a fever refused at the door) and the counts Home Affairs reads."""
import datetime
import json
import pathlib
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_onsite import api, token
from test_permits import cli_verify, urllib_get
from test_web import BASE, after_navigation, check_page, flash_after, sign_in, browser  # noqa: F401  (fixture)

UNIT = "Q08-P5"   # Phòng Y tế quận Hoàng Mai: the demo's health data; other tests keep to Q08-P2


def test_symptoms_refuse_on_site(browser):
    sign_in(browser, "staff.hoangmai@congso.vn")
    browser.get(BASE + "/health")
    check_page(browser, "health-1-me")
    browser.find_element(By.ID, "sym-fever").click()
    browser.find_element(By.ID, "sym-cough").click()
    browser.find_element(By.ID, "contact-no").click()
    after_navigation(browser, browser.find_element(By.ID, "declare-submit").click)
    state = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "health-state")))
    assert state.get_attribute("data-kind") == "isolating", state.text
    assert "Đang cách ly" in state.text
    check_page(browser, "health-2-isolating")

    # The on-site request for tomorrow is refused, with the reason.
    browser.get(BASE + "/onsite")
    day = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    browser.execute_script("document.getElementById('date').value = arguments[0]", day)
    Select(browser.find_element(By.ID, "reason")).select_by_value("officeDuty")
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/onsite'][method='post']")
    after_navigation(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    error = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#onsite-error, .flash.error"))).text
    assert "cách ly" in error, error
    check_page(browser, "health-3-onsite-refused")

    # The head sees the isolation on the unit's page; the API refuses the same request.
    head = token("head.hoangmai@congso.vn")
    status, states = api("GET", "/api/v1/health/states?org=Q08-P2", head)
    assert status == 200 and any(s["kind"] == "isolating" for s in states), states
    me = token("staff.hoangmai@congso.vn")
    status, body = api("POST", "/api/v1/onsite-requests", me, {"date": day, "shift": "afternoon", "reason": "officeDuty"})
    assert status == 409 and body["error"]["code"] == "health.restricted.isolating", body

    # A negative test later, the head ends it: the person may come again (and the other
    # browser tests find the office as the demo left it).
    mine = next(s for s in states if s["kind"] == "isolating")
    status, ended = api("POST", f"/api/v1/health/states/{mine['id']}/end", head)
    assert status == 200 and ended["endReason"] == "headDecision", ended
    status, body = api("POST", "/api/v1/onsite-requests", me, {"date": day, "shift": "afternoon", "reason": "officeDuty"})
    assert status == 201, body
    status, _ = api("POST", f"/api/v1/onsite-requests/{body['id']}/reject", head, {"comment": "Không cần thiết"})


def pick_case(head, taken, shift):
    """Two people of the unit, neither isolating nor monitored, checked in for the same shift
    today by the head (the register's own entries), then traced over one day."""
    status, staff = api("GET", f"/api/v1/staff?org={UNIT}&per=200", head)
    assert status == 200, staff
    chosen = []
    for p in staff["items"]:
        if p["id"] in taken:
            continue
        status, _ = api("POST", "/api/v1/presence/check-in", head, {"staffId": p["id"], "shift": shift})
        if status == 201 or status == 200:
            chosen.append(p)
        if len(chosen) == 2:
            break
    assert len(chosen) == 2, "no two free people to check in"
    case, contact = chosen
    status, trace = api("GET", f"/api/v1/health/trace?staff={case['id']}&days=1", head)
    assert status == 200, trace
    found = next(c for c in trace["contacts"] if c["staffId"] == contact["id"])
    return case["id"], trace, found


def test_contacts_traced_monitored_and_permit_revoked(browser):
    head = token("head.hoangmai@congso.vn")
    taken = set()
    status, states = api("GET", f"/api/v1/health/states?org=Q08", head)
    taken |= {s["staffId"] for s in states}
    shift = "morning" if browser.name_for_shots == "phone" else "afternoon"
    case, preview, contact = pick_case(head, taken, shift)

    # A permit for the contact, issued before the tracing.
    today = datetime.date.today()
    status, made = api("POST", "/api/v1/permits", head, {"items": [{
        "staffId": contact["staffId"], "idNumber": "001203009876", "purpose": "Trực cơ quan",
        "from": "Số 5 ngõ 6 Bùi Huy Bích", "to": "UBND quận Hoàng Mai", "plate": "",
        "validFrom": today.isoformat(), "validUntil": (today + datetime.timedelta(days=10)).isoformat()}]})
    assert status == 201, made
    status, issued = api("POST", "/api/v1/permits/approve", head, {"ids": [made["items"][0]["id"]]})
    assert status == 200, issued
    permit = issued["items"][0]["token"]
    tmp = pathlib.Path(tempfile.mkdtemp())
    status, jwks = api("GET", "/api/v1/permits/trust-list")
    (tmp / "jwks.json").write_text(json.dumps(jwks))
    with urllib_get("/api/v1/permits/revocations") as raw:
        (tmp / "before.json").write_bytes(raw)
    code, out = cli_verify(permit, "--trust-list", str(tmp / "jwks.json"), "--revocations", str(tmp / "before.json"))
    assert code == 0 and "VALID" in out, out

    # The head traces the case on the page: the contacts with their overlaps, then one action.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(f"{BASE}/health/trace?staff={case}&days=1")
    table = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "trace-contacts"))).text
    assert contact["name"] in table, table
    check_page(browser, "health-4-trace-preview")
    browser.execute_script("window.confirm = function () { return true; }")
    after_navigation(browser, browser.find_element(By.ID, "trace-apply").click)
    applied = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "trace-applied"))).text
    assert int(applied.split()[-1]) >= 1, applied
    check_page(browser, "health-5-trace-applied")

    status, states = api("GET", "/api/v1/health/states?org=Q08", head)
    kinds = {s["staffId"]: s["kind"] for s in states}
    assert kinds.get(contact["staffId"]) == "monitoring", states
    assert kinds.get(case) == "isolating", states

    # The permit is on the signed revocation list: the offline check refuses it.
    with urllib_get("/api/v1/permits/revocations") as raw:
        (tmp / "after.json").write_bytes(raw)
    code, out = cli_verify(permit, "--trust-list", str(tmp / "jwks.json"), "--revocations", str(tmp / "after.json"))
    assert code == 1 and "revoked" in out, out

    # The unit's page lists both, and a new on-site request for the contact is refused.
    browser.get(f"{BASE}/health/unit?org={UNIT}")
    listed = browser.find_element(By.ID, "state-list").text
    assert contact["name"] in listed, listed
    check_page(browser, "health-6-unit")
    day = (today + datetime.timedelta(days=1)).isoformat()
    status, body = api("POST", "/api/v1/onsite-requests", head,
                       {"staffId": contact["staffId"], "date": day, "shift": "morning", "reason": "officeDuty"})
    assert status == 409 and body["error"]["code"] == "health.restricted.monitoring", body


def test_visitor_with_fever_is_refused_and_counts_reach_home_affairs(browser):
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(f"{BASE}/health/visitors?org={UNIT}")
    browser.find_element(By.ID, "vname").send_keys("Trịnh Văn Sơn")
    browser.find_element(By.ID, "vphone").send_keys("0913 456 789")
    browser.find_element(By.ID, "vhostname").send_keys("Phòng Nội vụ")
    browser.find_element(By.ID, "vtemp").send_keys("38,1")
    after_navigation(browser, browser.find_element(By.ID, "visit-submit").click)
    verdict = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "visit-verdict")))
    assert verdict.get_attribute("data-admitted") == "false", verdict.text
    assert "Không cho vào" in verdict.text
    check_page(browser, "health-7-visitor-refused")
    browser.get(f"{BASE}/health/outbreaks")
    assert "Chợ Mai Động" in browser.find_element(By.ID, "outbreak-list").text
    check_page(browser, "health-8-outbreaks")

    sign_in(browser, "noivu@congso.vn")
    browser.get(f"{BASE}/health/counts?org=Q08")
    total = browser.find_element(By.ID, "counts-total").text
    assert total.split()[1] != "0", total
    check_page(browser, "health-9-counts")
    # Home Affairs reads counts, never a declaration.
    noivu = token("noivu@congso.vn")
    status, _ = api("GET", "/api/v1/health/declarations?org=Q08", noivu)
    assert status in (403, 404)
