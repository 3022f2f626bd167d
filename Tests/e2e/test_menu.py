"""The header menu (issue 12): on a 360 × 800 phone it stays within 200 px so the page's own
content fills the first screen; its groups open with the keyboard as well as a tap; each
role sees only what it can use; axe still finds no serious issue with a group open."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_web import BASE, check_page, sign_in, browser  # noqa: F401  (fixture)


def header_height(driver):
    return driver.execute_script("return document.querySelector('header.top').getBoundingClientRect().height")


def menu_links(driver):
    return [a.get_attribute("href").replace(BASE, "") for a in driver.find_elements(By.CSS_SELECTOR, "#nav a")]


def test_menu_fits_a_phone_and_opens_with_the_keyboard(browser):
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/tasks")
    if browser.name_for_shots == "phone":
        assert header_height(browser) <= 200, header_height(browser)
        # The page's title is on the first screen, under the closed menu.
        assert browser.find_element(By.TAG_NAME, "h1").rect["y"] < 300
    groups = browser.find_elements(By.CSS_SELECTOR, "#nav details.group")
    assert len(groups) == 3
    assert not any(g.get_attribute("open") for g in groups), "groups start closed"
    # The page's group is marked; its link says it is the current page.
    work = groups[0]
    assert "current" in work.get_attribute("class")
    # Keyboard: focus the group, Enter opens it, Tab reaches its links, Enter follows one.
    summary = work.find_element(By.TAG_NAME, "summary")
    summary.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: work.get_attribute("open") is not None)
    reports = work.find_element(By.CSS_SELECTOR, "a[href='/reports']")
    assert reports.is_displayed()
    check_page(browser, "40-menu-open")
    # Opening another group closes this one; Escape closes it and gives focus back.
    presence = groups[1].find_element(By.TAG_NAME, "summary")
    presence.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: groups[1].get_attribute("open") is not None)
    # The other group closes on the 'toggle' event, which the browser fires asynchronously.
    WebDriverWait(browser, 5).until(lambda d: work.get_attribute("open") is None)
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(lambda d: groups[1].get_attribute("open") is None)
    summary.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: work.get_attribute("open") is not None)
    summary.send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    assert first.get_attribute("href").endswith("/tasks"), first.get_attribute("outerHTML")
    first.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.url_to_be(BASE + "/reports"))
    current = browser.find_element(By.CSS_SELECTOR, "#nav a[aria-current=page]")
    assert current.get_attribute("href").endswith("/reports")
    check_page(browser, "41-menu-after-keyboard")


def test_each_role_sees_only_what_it_can_use(browser):
    sign_in(browser, "staff.hoangmai@congso.vn")
    staff = menu_links(browser)
    for path in ("/tasks", "/reports", "/schedule", "/absences", "/account"):
        assert path in staff, (path, staff)
    for path in ("/users", "/audit", "/rosters", "/permits", "/ratings"):
        assert path not in staff, (path, staff)
    sign_in(browser, "admin@congso.vn")
    admin = menu_links(browser)
    for path in ("/users", "/audit", "/orgs", "/staff", "/directives"):
        assert path in admin, (path, admin)
    sign_in(browser, "chot@congso.vn")
    checkpoint = menu_links(browser)
    assert "/users" not in checkpoint and "/tasks" not in checkpoint, checkpoint
    if browser.name_for_shots == "phone":
        assert header_height(browser) <= 200
