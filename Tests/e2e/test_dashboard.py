"""Real-browser test of the live picture (issue 17): a city steering head drills from the
city to a district to a unit; a report handed in from another browser (on a second server
process when SECOND_BASE_URL is set, as CI does on PostgreSQL) changes the dashboard without
a reload; an inspector draws a stratified sample, records a visit and charges a violation
that the unit's head then sees; the unit's contingency plan switches level in one click."""
import datetime
import os
import re
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web import BASE, PASSWORD, after_navigation, check_page, flash_after, sign_in, browser  # noqa: F401  (fixture)

SECOND = os.environ.get("SECOND_BASE_URL", BASE).rstrip("/")


def test_city_head_drills_down_to_a_unit(browser):
    sign_in(browser, "bcd@congso.vn")
    browser.get(BASE + "/dashboard")
    check_page(browser, "dash-1-city")
    assert "Hà Nội" in browser.find_element(By.TAG_NAME, "h1").text
    # Every figure links to the list behind it.
    tiles = browser.find_elements(By.CSS_SELECTOR, "#dash-figures .dash-tile")
    assert len(tiles) >= 10 and all(t.get_attribute("href") for t in tiles)
    after_navigation(browser, browser.find_element(By.LINK_TEXT, "UBND Quận Hoàng Mai").click)
    assert "Hoàng Mai" in browser.find_element(By.TAG_NAME, "h1").text
    assert "org=Q08" in browser.current_url
    check_page(browser, "dash-2-district")
    after_navigation(browser, browser.find_element(By.LINK_TEXT, "Phòng Y tế").click)
    h1 = browser.find_element(By.TAG_NAME, "h1").text
    assert "Phòng Y tế" in h1, h1
    # The demo put this unit at an alert level (3; the contingency test switches it).
    assert re.match(r"Cấp [1-4] ·", browser.find_element(By.ID, "org-level").text)
    check_page(browser, "dash-3-unit")
    # The breadcrumb goes back up, and the violations tile opens the list behind it.
    crumbs = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".crumbs a")]
    assert crumbs[:2] == ["Ủy ban nhân dân thành phố Hà Nội", "UBND Quận Hoàng Mai"], crumbs
    browser.get(BASE + "/dashboard?org=Q08")
    after_navigation(browser, browser.find_element(By.ID, "tile-violations").click)
    assert "/inspections/violations" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "#violations-list tbody tr"), "the demo's violation is listed"
    # The CSV and the PDF download.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    for path, start in (("/dashboard.csv?org=Q08", b"code,name"), ("/dashboard.pdf?org=Q08", b"%PDF")):
        req = urllib.request.Request(BASE + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(req, timeout=90) as res:
            assert res.status == 200 and res.read(len(start)) == start, path


def staff_browser():
    opts = Options()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=opts)


def test_a_report_from_another_tab_appears_without_reload(browser):
    other = staff_browser()
    try:
        # The staff member's browser (on the second server when there is one) finds a window
        # still owed from an earlier day.
        other.get(SECOND + "/login")
        other.find_element(By.ID, "email").send_keys("staff.hoangmai@congso.vn")
        other.find_element(By.ID, "password").send_keys(PASSWORD)
        other.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(other, 10).until(EC.url_to_be(SECOND + "/"))
        other.get(SECOND + "/reports")
        options = [o.get_attribute("value") for o in other.find_elements(By.CSS_SELECTOR, "#rtarget option")]
        owed = [v for v in options if re.match(r"^win:\d{4}-\d{2}-\d{2}\|\d{2}:\d{2}$", v or "")]
        assert owed, f"no window owed from an earlier day: {options}"
        day, slot = owed[0][4:].split("|")

        # The head watches the district's dashboard for that day.
        sign_in(browser, "head.hoangmai@congso.vn")
        browser.get(f"{BASE}/dashboard?org=Q08&date={day}")
        WebDriverWait(browser, 15).until(lambda d: d.find_element(By.ID, "dash-live").get_attribute("data-state") == "live")
        tile = f"tile-report-{slot.replace(':', '')}"
        before = int(browser.find_element(By.CSS_SELECTOR, f"#{tile} .value").text)
        browser.execute_script("window.__notReloaded = true")

        Select(other.find_element(By.ID, "rtarget")).select_by_value(owed[0])
        other.find_element(By.ID, "rdone").send_keys("Hoàn thành tổng hợp báo cáo tuần")
        other.find_element(By.ID, "report-submit").click()
        WebDriverWait(other, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash, #my-reports")))

        WebDriverWait(browser, 20).until(
            lambda d: int(d.find_element(By.CSS_SELECTOR, f"#{tile} .value").text) == before - 1)
        assert browser.execute_script("return window.__notReloaded === true"), "the page was reloaded"
        assert "Cập nhật lúc" in browser.find_element(By.ID, "dash-live").text
        check_page(browser, "dash-4-live")
    finally:
        other.quit()


def test_inspection_sample_visit_and_violation(browser):
    sign_in(browser, "thanhtra@congso.vn")
    browser.get(BASE + "/inspections?org=Q08")
    check_page(browser, "insp-1-office")
    size = browser.find_element(By.ID, "draw-size")
    size.clear()
    size.send_keys("5")
    seed = browser.find_element(By.ID, "draw-seed")
    seed.send_keys("20210724")
    after_navigation(browser, browser.find_element(By.ID, "draw-submit").click)
    assert "/inspections/samples/" in browser.current_url
    assert "20210724" in browser.find_element(By.ID, "sample-method").text
    strata = browser.find_elements(By.CSS_SELECTOR, "#sample-strata tbody tr")
    drawn = sum(int(r.find_elements(By.TAG_NAME, "td")[3].text) for r in strata)
    assert drawn == 5 and browser.find_element(By.ID, "sample-size").text.startswith("5/")
    check_page(browser, "insp-2-sample")
    first_units = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#sample-visits a")]
    # Drawing again with the same seed, before anything changes, gives the same units.
    browser.get(BASE + "/inspections?org=Q08")
    size = browser.find_element(By.ID, "draw-size")
    size.clear()
    size.send_keys("5")
    browser.find_element(By.ID, "draw-seed").send_keys("20210724")
    after_navigation(browser, browser.find_element(By.ID, "draw-submit").click)
    again = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#sample-visits a")]
    assert sorted(again) == sorted(first_units)
    after_navigation(browser, browser.find_elements(By.CSS_SELECTOR, "#sample-visits a")[0].click)
    unit = browser.find_element(By.TAG_NAME, "h1").text
    # Findings: every line, one failed with a note.
    groups = browser.find_elements(By.CSS_SELECTOR, "#visit-form fieldset")
    for i, g in enumerate(groups):
        g.find_element(By.CSS_SELECTOR, f"input[name=result_{i}][value={'fail' if i == 1 else 'pass'}]").click()
    browser.find_element(By.ID, "note-1").send_keys("Không có người trực ca chiều")
    assert "Đã lưu" in flash_after(browser, browser.find_element(By.ID, "visit-save").click)
    check_page(browser, "insp-3-visit")
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    browser.find_element(By.ID, "charge-text").send_keys("Không bố trí người trực theo Chỉ thị 17")
    browser.execute_script("document.getElementById('charge-deadline').value = arguments[0]", deadline)
    assert "biên bản" in flash_after(browser, browser.find_element(By.ID, "charge-submit").click)
    assert browser.find_elements(By.CSS_SELECTOR, "#visit-violations li")

    # The head of the district sees it and answers.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/inspections/violations?org=Q08")
    rows = browser.find_elements(By.CSS_SELECTOR, "#violations-list tbody tr")
    mine = [r for r in rows if "Chỉ thị 17" in r.text and unit.split(": ")[-1] in r.text]
    assert mine, [r.text for r in rows]
    after_navigation(browser, mine[0].find_element(By.TAG_NAME, "a").click)
    browser.find_element(By.ID, "answer-text").send_keys("Đã phân công trực ca chiều từ thứ Hai")
    assert "giải trình" in flash_after(browser, browser.find_element(By.ID, "answer-submit").click)
    assert browser.find_element(By.ID, "violation-status").text == "Đã giải trình"
    check_page(browser, "insp-4-answered")


def test_contingency_level_switch(browser):
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/contingency?org=Q08-P5")
    check_page(browser, "ct-1-plan")
    current = browser.find_element(By.ID, "ct-level").text
    target = "ct-switch-4" if "Cấp 3" in current else "ct-switch-3"
    browser.execute_script("window.confirm = function () { return true; }")
    assert "cấp độ" in flash_after(browser, browser.find_element(By.ID, target).click).lower()
    now = browser.find_element(By.ID, "ct-level").text
    assert ("Cấp 4" in now) if target == "ct-switch-4" else ("Cấp 3" in now), now
    assert browser.find_elements(By.CSS_SELECTOR, "#ct-history tbody tr")
