"""Real-browser test of roster planning (issue 4): the head of Hoàng Mai generates a
two-week roster for the district's Home Affairs office from the rules in force, reads the
grid, has a hand edit refused with the reason and another accepted, publishes, edits and
republishes; a staff member finds the shifts on "my schedule" and in a calendar feed that
the Python `icalendar` package parses, until the feed is revoked. Needs a running server
with fresh demo data (BASE_URL)."""
import datetime
import urllib.error
import urllib.request

import icalendar
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_onsite import api, token
from test_web import BASE, check_page, flash_after, sign_in, browser  # noqa: F401  (fixture)

UNIT = "Q08-P2"   # Phòng Nội vụ quận Hoàng Mai: 1/2 on site under 17/CT-UBND (Hoàng Mai)


def monday_after(days):
    d = datetime.date.today() + datetime.timedelta(days=days)
    return d + datetime.timedelta(days=(7 - d.weekday()) % 7)


def click_flash(browser, button_id, css=".flash"):
    return flash_after(browser, browser.find_element(By.ID, button_id).click, css)


def confirmed_flash(browser, button_id):
    """Clicks a button that asks for confirmation, accepts, and reads the next page's flash."""
    def click_and_accept():
        browser.find_element(By.ID, button_id).click()
        WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    return flash_after(browser, click_and_accept)


def test_plan_edit_publish_and_follow(browser):
    # Well clear of the days the on-site test uses, and a different fortnight per browser width.
    start = monday_after(14 if browser.name_for_shots == "desktop" else 28)
    head = token("head.hoangmai@congso.vn")
    status, users = api("GET", "/api/v1/users?q=staff.hoangmai", head)
    staff_member = users["items"][0]["staffId"]
    status, people = api("GET", f"/api/v1/staff?org={UNIT}&per=100", head)
    members = [p for p in people["items"] if p["orgCode"] == UNIT and p["status"] not in ("onLeave", "isolating")]
    # One colleague goes on leave: the roster leaves them out. Another has an approved request
    # to be on site on the second morning: the roster keeps them there, and an edit that takes
    # them off is refused with the reason.
    away, must = [p for p in members if p["id"] != staff_member][:2]
    status, body = api("PATCH", f"/api/v1/staff/{away['id']}", head, {"status": "onLeave"})
    assert status == 200, body
    second = (start + datetime.timedelta(days=1)).isoformat()
    lead = token("lead.hoangmai@congso.vn")
    status, request = api("POST", "/api/v1/onsite-requests", lead,
                          {"staffId": must["id"], "date": second, "shift": "morning", "reason": "officeDuty"})
    assert status == 201, request
    status, body = api("POST", f"/api/v1/onsite-requests/{request['id']}/approve", head, {"comment": "Trực một cửa"})
    assert status == 200, body
    # The staff member reports a day away in the browser; the roster must leave it free.
    day_off = (start + datetime.timedelta(days=2)).isoformat()
    sign_in(browser, "staff.hoangmai@congso.vn")
    browser.get(BASE + "/absences")
    browser.execute_script(f"document.getElementById('afrom').value='{day_off}';document.getElementById('ato').value='{day_off}';")
    browser.find_element(By.ID, "areason").send_keys("Nghỉ phép năm")
    assert click_flash(browser, "absence-submit") == "Đã ghi nhận vắng mặt."
    assert "Nghỉ phép năm" in browser.find_element(By.ID, "absences").text
    check_page(browser, "39-absence")
    try:
        roster_id = run(browser, start, away, must)
        status, roster = api("GET", f"/api/v1/rosters/{roster_id}", head)
        assert status == 200, roster
        assert not [c for c in roster["cells"] if c["staffId"] == staff_member and c["date"] == day_off]
    finally:
        api("PATCH", f"/api/v1/staff/{away['id']}", head, {"status": away["status"]})


def run(browser, start, away, must):
    # 1. The head generates a draft for the unit over two weeks.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/rosters")
    check_page(browser, "40-rosters")
    Select(browser.find_element(By.ID, "org")).select_by_value(UNIT)
    browser.execute_script(f"document.getElementById('start').value='{start.isoformat()}';")
    days = browser.find_element(By.ID, "days")
    days.clear()
    days.send_keys("14")
    assert "Đã lập lịch nháp" in click_flash(browser, "generate")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "grid")))
    roster_url = browser.current_url.split("?")[0]
    assert browser.find_element(By.ID, "roster-status").text == "Bản nháp"
    grid = browser.find_element(By.ID, "grid")
    rows = grid.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 4
    assert len(rows[0].find_elements(By.CSS_SELECTOR, "td:not(.sum)")) == 28   # 14 days × 2 shifts
    assert not [r for r in rows if away["fullName"] in r.text], "someone on leave was rostered"
    check_page(browser, "41-roster-grid")

    # 2. Taking the person with an approved request off their morning is refused, with the reason.
    href = grid.find_element(By.CSS_SELECTOR, "td a").get_attribute("href")
    unit = href.split("unit=")[1].split("&")[0]
    second = (start + datetime.timedelta(days=1)).isoformat()
    shift_url = f"{roster_url}/shift?unit={unit}&date={second}&shift=morning"
    browser.get(shift_url)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "swap-form")))
    assert away["fullName"] in browser.find_element(By.ID, "away-all").text
    check_page(browser, "42-roster-shift")
    browser.find_element(By.ID, "out-" + must["id"]).click()
    browser.find_elements(By.CSS_SELECTOR, "input[name=in]")[0].click()
    refusal = click_flash(browser, "swap", ".flash.error")
    assert "phải có mặt" in refusal and must["fullName"] in refusal, refusal
    check_page(browser, "43-roster-edit-refused")

    # 3. A fair replacement (the list starts with whoever has fewest shifts) is accepted.
    browser.get(shift_url)
    next(r for r in browser.find_elements(By.CSS_SELECTOR, "input[name=out]") if r.get_attribute("value") != must["id"]).click()
    browser.find_elements(By.CSS_SELECTOR, "input[name=in]")[0].click()
    assert click_flash(browser, "swap") == "Đã đổi người trong ca."

    # 4. Publish: everyone on the roster is told.
    assert "Đã công bố lịch" in confirmed_flash(browser, "publish")
    assert browser.find_element(By.ID, "roster-status").text == "Đã công bố"
    check_page(browser, "44-roster-published")

    # 5. Another edit shows as unpublished; republishing names only the two people it moved.
    browser.find_element(By.CSS_SELECTOR, "#grid td.on a").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "swap-form")))
    browser.find_elements(By.CSS_SELECTOR, "input[name=out]")[0].click()
    browser.find_elements(By.CSS_SELECTOR, "input[name=in]")[0].click()
    click_flash(browser, "swap")
    assert browser.find_element(By.ID, "unpublished").is_displayed()
    changes = browser.find_elements(By.CSS_SELECTOR, "#changes tbody tr")
    assert len(changes) == 2, [c.text for c in changes]   # the one who left the shift and the one who came
    check_page(browser, "44b-roster-changes")
    flash = confirmed_flash(browser, "publish")
    assert "Đã công bố lịch" in flash and ": 2/" in flash, flash

    # 6. A member of the unit sees the shifts and subscribes to them.
    sign_in(browser, "staff.hoangmai@congso.vn")
    browser.get(f"{BASE}/schedule?from={start.isoformat()}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#schedule tbody tr")
    assert rows, "the published roster gives no shift"
    assert "Lịch luân phiên đã công bố" in rows[0].text
    browser.find_element(By.ID, "feed-create").click()
    url = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "feed-url"))).text
    check_page(browser, "45-my-schedule")
    with urllib.request.urlopen(url) as res:
        assert res.headers["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(res.read())
    events = [e for e in calendar.walk("VEVENT")]
    in_period = [e for e in events if start <= e.decoded("DTSTART").date() <= start + datetime.timedelta(days=13)]
    assert len(in_period) == len(rows), (len(in_period), len(rows))
    for e in in_period:
        begin, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert begin.tzinfo is not None and end > begin
        assert str(e.get("SUMMARY")).startswith("Làm việc tại trụ sở")
    # Revoked: the address answers 404 from then on.
    confirmed_flash(browser, "feed-revoke")
    try:
        urllib.request.urlopen(url)
        raise AssertionError("a revoked feed still answers")
    except urllib.error.HTTPError as e:
        assert e.code == 404

    # The head's list shows the roster as published.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(roster_url)
    assert browser.find_element(By.ID, "roster-status").text == "Đã công bố"
    return roster_url.rsplit("/", 1)[1]
