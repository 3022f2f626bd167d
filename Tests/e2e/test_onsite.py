"""Real-browser test of directives and on-site presence (issue 3): a head of Hoàng Mai sees
today's rules with their sources, approves on-site requests up to the cap and no further,
sees a presence breach, and a cap exception goes unit → Home Affairs → steering and
raises the cap. Needs a running server with fresh demo data (BASE_URL)."""
import datetime
import json
import os
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_web import BASE, PASSWORD, after_navigation, check_page, flash_after, sign_in, browser  # noqa: F401  (fixture)

UNIT = "Q08-P2"   # Phòng Nội vụ quận Hoàng Mai: 1/2 on site under 17/CT-UBND (Hoàng Mai)


def api(method, path, token=None, body=None):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token(email):
    status, body = api("POST", "/api/v1/auth/token", body={"email": email, "password": PASSWORD})
    assert status == 201, body
    return body["token"]


@pytest.fixture(scope="module")
def day():
    # A different day per browser width, so the two runs do not share places.
    return datetime.date.today() + datetime.timedelta(days=2)


def test_rules_requests_breaches_and_exception(browser, day):
    offset = 0 if browser.name_for_shots == "desktop" else 1
    date = (day + datetime.timedelta(days=offset)).isoformat()
    lead = token("lead.hoangmai@congso.vn")
    status, policy = api("GET", f"/api/v1/policy?org={UNIT}&date={date}", lead)
    assert status == 200, policy
    cap, staff_count = policy["cap"]["value"], policy["staffCount"]
    assert policy["maxOnSiteShare"]["value"] == "1/2"
    assert policy["maxOnSiteShare"]["source"]["number"] == "17/CT-UBND (Hoàng Mai)"

    # 1. The head sees the rules in force with their sources, in plain Vietnamese.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(f"{BASE}/policy?org={UNIT}&date={date}")
    summary = browser.find_element(By.ID, "policy-summary").text
    assert f"tối đa {cap}/{staff_count} người" in summary and "17/CT-UBND (Hoàng Mai)" in summary, summary
    assert "1557/UBND-KGVX" in browser.find_element(By.ID, "policy-rules").text
    check_page(browser, "20-policy")

    # 2. cap + 1 staff of the unit ask to come on site the same morning (filed by their lead).
    status, people = api("GET", f"/api/v1/staff?org={UNIT}&per=50", lead)
    members = [p for p in people["items"] if p["orgCode"] == UNIT][: cap + 1]
    assert len(members) == cap + 1
    for p in members:
        status, body = api("POST", "/api/v1/onsite-requests", lead,
                           {"staffId": p["id"], "date": date, "shift": "morning", "reason": "officeDuty"})
        assert status == 201, body

    # 3. The head approves up to the cap in the browser; the next one is refused with the reason.
    browser.get(f"{BASE}/onsite?org={UNIT}&date={date}")
    check_page(browser, "21-onsite-queue")
    for i in range(cap + 1):
        browser.get(f"{BASE}/onsite?org={UNIT}&date={date}")
        cards = browser.find_elements(By.CSS_SELECTOR, "div.entry[id^=req-]")
        assert cards, "no pending request left"
        # The refused one stays pending at the end of the queue; take the first one.
        flash = flash_after(browser, cards[0].find_element(By.CSS_SELECTOR, "form[action$='/approve'] button").click)
        if i < cap:
            assert flash == "Đã duyệt.", flash
        else:
            assert "Đã đủ số người tối đa" in flash and str(cap) in flash, flash
            check_page(browser, "22-onsite-cap-refused")
    status, approved = api("GET", f"/api/v1/onsite-requests?org={UNIT}&date={date}&status=approved", lead)
    assert approved["total"] == cap

    # 4. Someone checks in without approval; the head sees the breach (the district's view rolls it up).
    sign_in(browser, "staff.hoangmai@congso.vn")
    browser.get(BASE + "/presence")
    buttons = browser.find_elements(By.ID, "check-in")
    if buttons:
        buttons[0].click()
        WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "check-out")))
    check_page(browser, "23-presence-staff")
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/presence")
    table = browser.find_element(By.ID, "breaches").text
    assert "Có mặt khi chưa được duyệt" in table, table
    check_page(browser, "24-presence-breaches")

    # 5. The unit asks for a higher cap; Home Affairs forwards; the steering committee approves.
    wanted = cap + 1
    sign_in(browser, "lead.hoangmai@congso.vn")
    browser.get(BASE + "/exceptions")
    browser.find_element(By.ID, "eorg").clear()
    browser.find_element(By.ID, "eorg").send_keys(UNIT)
    browser.find_element(By.ID, "requestedMax").send_keys(str(wanted))
    browser.find_element(By.ID, "ejust").send_keys("Bộ phận tiếp nhận hồ sơ một cửa cần thêm người trực")
    browser.execute_script(f"document.getElementById('validFrom').value='{date}';"
                           f"document.getElementById('validUntil').value='{date}';")
    after_navigation(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/exceptions'] button[type=submit]").click)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "exception-status")))
    exception_url = browser.current_url
    check_page(browser, "25-exception-filed")

    sign_in(browser, "noivu@congso.vn")
    assert "(" in browser.find_element(By.ID, "bell").text  # an unread notification
    browser.get(BASE + "/exceptions")
    assert "Phòng Nội vụ" in browser.find_element(By.ID, "exceptions").text
    check_page(browser, "26-exceptions-home-affairs")
    browser.get(exception_url)
    browser.find_element(By.ID, "opinion").send_keys("Sở Nội vụ đề nghị chấp thuận")
    # Wait for the next page before reading it: Chromium may report the old page's vanished
    # element as an inspector error instead of a stale reference.
    after_navigation(browser, browser.find_element(By.ID, "forward").click)
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "exception-status"), "Chờ Ban chỉ đạo"))

    sign_in(browser, "bcd@congso.vn")
    browser.get(exception_url)
    browser.find_element(By.ID, "comment").send_keys("Đồng ý")
    after_navigation(browser, browser.find_element(By.ID, "approve").click)
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "exception-status"), "Đã phê duyệt"))
    check_page(browser, "27-exception-approved")

    # The cap has changed, with the exception as its source; the refused request now fits.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(f"{BASE}/policy?org={UNIT}&date={date}")
    summary = browser.find_element(By.ID, "policy-summary").text
    assert f"tối đa {wanted}/{staff_count} người" in summary and "ngoại lệ" in summary, summary
    check_page(browser, "28-policy-after-exception")
    browser.get(f"{BASE}/onsite?org={UNIT}&date={date}")
    approve = browser.find_elements(By.CSS_SELECTOR, "div.entry[id^=req-]")[0].find_element(By.CSS_SELECTOR, "form[action$='/approve'] button")
    assert flash_after(browser, approve.click) == "Đã duyệt."
