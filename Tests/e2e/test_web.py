"""Real-browser tests: headless Chromium drives sign-in, the org tree and a staff search
at desktop and 360 px phone widths, saves screenshots, and checks each page with axe-core.

Needs a running server with the demo data: BASE_URL (default http://127.0.0.1:8080).
Screenshots go to SCREENSHOT_DIR (default .ci/artifacts/screenshots).
"""
import os
import pathlib

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8080").rstrip("/")
SHOTS = pathlib.Path(os.environ.get("SCREENSHOT_DIR", ".ci/artifacts/screenshots"))
PASSWORD = "congso2021"
ROOT = pathlib.Path(__file__).resolve().parents[2]
# The executable the server runs, for the command-line tests (same database as the server's).
BIN = os.environ.get("CONGSO_BIN", str(ROOT / ".build/debug/congso"))
WIDTHS = {"desktop": (1280, 900), "phone": (360, 800)}


@pytest.fixture(params=list(WIDTHS), scope="module")
def browser(request):
    os.environ.setdefault("SE_OFFLINE", "true")
    opts = Options()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=vi-VN"):
        opts.add_argument(arg)
    width, height = WIDTHS[request.param]
    opts.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=opts)
    driver.set_window_size(width, height)
    driver.name_for_shots = request.param
    yield driver
    driver.quit()


def shot(driver, step):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Full-page height so the whole page is in the picture.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, max(800, min(height + 120, 4000)))
    driver.save_screenshot(str(SHOTS / f"{driver.name_for_shots}-{step}.png"))


def check_page(driver, step):
    """axe-core finds no serious or critical violation, and nothing overflows a phone."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{step}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in bad)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{step}: page is {overflow}px wider than the screen"
    shot(driver, step)


def sign_in(driver, email):
    driver.delete_all_cookies()
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 10).until(EC.url_to_be(BASE + "/"))


def after_navigation(driver, action):
    """Runs `action` (a click that submits a form) and waits until the next page has loaded,
    so nothing is read off the old one. A mark on the old page's window tells them apart;
    Chromium sometimes reports a vanished element as an inspector error rather than a
    stale reference, so errors while the page changes are waited through."""
    driver.execute_script("window.__congsoOldPage = true")
    action()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.__congsoOldPage === undefined && document.readyState === 'complete'"))


def submit(driver, button_id):
    after_navigation(driver, driver.find_element(By.ID, button_id).click)


def wait_text(driver, css, timeout=15):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css))).text


def flash_after(driver, action, css=".flash"):
    """The flash message of the page that `action` leads to (never the old page's)."""
    after_navigation(driver, action)
    return wait_text(driver, css)


def test_sign_in(browser):
    browser.delete_all_cookies()
    browser.get(BASE + "/")
    WebDriverWait(browser, 10).until(EC.url_contains("/login"))
    assert "Đăng nhập" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, "1-login")
    # A wrong password says so, in Vietnamese, and signs nobody in.
    browser.find_element(By.ID, "email").send_keys("head.hoankiem@congso.vn")
    browser.find_element(By.ID, "password").send_keys("wrong-password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Wait for the answer: bcrypt makes the round trip slower than the next WebDriver call.
    alert = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "Sai thư điện tử hoặc mật khẩu" in alert.text
    check_page(browser, "2-login-error")
    sign_in(browser, "head.hoankiem@congso.vn")
    assert "Xin chào" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Quận Hoàn Kiếm" in browser.page_source
    check_page(browser, "3-home-head")


def test_org_browser(browser):
    sign_in(browser, "head.hoankiem@congso.vn")
    browser.get(BASE + "/orgs")
    assert browser.find_element(By.TAG_NAME, "h1").text == "UBND Quận Hoàn Kiếm"
    check_page(browser, "4-org-district")
    # Open a ward from the list of children, then come back through the breadcrumb.
    ward = browser.find_element(By.PARTIAL_LINK_TEXT, "Phường Hàng Bạc")
    ward.click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Hàng Bạc"))
    assert "Thủ trưởng" in browser.page_source
    check_page(browser, "5-org-ward")
    browser.find_element(By.CSS_SELECTOR, "nav.crumbs a").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Hoàn Kiếm"))
    # Another district is out of reach.
    browser.get(BASE + "/orgs/Q01")
    assert "Không tìm thấy" in browser.page_source


def test_staff_search(browser):
    sign_in(browser, "head.hoankiem@congso.vn")
    browser.get(BASE + "/staff")
    box = browser.find_element(By.ID, "q")
    box.send_keys("nguyen van")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_contains("q=nguyen"))
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#staff-table td:first-child a")]
    assert names, "the search found nobody"
    assert any(n.startswith("Nguyễn Văn") for n in names), names
    check_page(browser, "6-staff-search")
    browser.find_elements(By.CSS_SELECTOR, "#staff-table td:first-child a")[0].click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "dl.facts")))
    check_page(browser, "7-staff-detail")
    browser.get(BASE + "/staff/import")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nhập cán bộ từ tệp CSV"
    check_page(browser, "7b-staff-import")


def test_english_switch(browser):
    sign_in(browser, "admin@congso.vn")
    browser.get(BASE + "/staff?lang=en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Staff"
    check_page(browser, "8-staff-english")
    browser.get(BASE + "/?lang=vi")
