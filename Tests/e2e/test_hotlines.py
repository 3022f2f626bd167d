"""Hotlines and 24/7 duty in a real browser: a citizen finds a district's number without
accents and sees who is on duty now (name and duty phone only), writes in without an account
and follows the answer by code; the head answers it; the head plans a duty rota with the
roster solver, reads the grid and publishes it."""
import datetime
import secrets

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_public_services import as_citizen
from test_rosters import confirmed_flash
from test_web import BASE, after_navigation, check_page, flash_after, sign_in, submit, wait_text, browser  # noqa: F401  (fixture)


def test_public_hotlines_feedback_and_answer(browser):
    as_citizen(browser, "/hotlines?q=hoang+mai+phong+chong+dich")
    assert "0243 8641 234" in wait_text(browser, "#hotlines")
    duty = wait_text(browser, "#on-duty")
    assert "0243 8641 234" in duty, duty
    check_page(browser, "hotlines-public")

    phone = "09" + "".join(secrets.choice("0123456789") for _ in range(8))
    subject = "Hỏi giờ làm việc bộ phận một cửa " + secrets.token_hex(2)
    after_navigation(browser, browser.find_element(By.ID, "feedback-link").click)
    Select(browser.find_element(By.ID, "forg")).select_by_value("Q08")
    browser.find_element(By.ID, "fsubject").send_keys(subject)
    browser.find_element(By.ID, "fbody").send_keys("Xin cho biết bộ phận một cửa có làm việc sáng thứ Bảy không.")
    browser.find_element(By.ID, "fphone").send_keys(phone)
    check_page(browser, "hotlines-feedback")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "feedback-submit").click()) == "Đã gửi phản ánh."
    code = wait_text(browser, "#feedback-code strong")
    assert browser.find_element(By.ID, "ticket-status").get_attribute("data-status") == "open"
    check_page(browser, "hotlines-feedback-sent")

    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/tickets"))
    after_navigation(browser, browser.find_element(By.LINK_TEXT, code).click)
    browser.find_element(By.ID, "aanswer").send_keys("Bộ phận một cửa làm việc sáng thứ Bảy từ 8 giờ đến 11 giờ 30.")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "ticket-answer-submit").click()) == "Đã trả lời."
    assert browser.find_element(By.ID, "ticket-status").get_attribute("data-status") == "answered"
    check_page(browser, "tickets-answered")

    as_citizen(browser, f"/hotlines/track?code={code}")
    assert browser.find_element(By.ID, "ticket-status").get_attribute("data-status") == "answered"
    assert "thứ Bảy từ 8 giờ" not in browser.page_source
    as_citizen(browser, f"/hotlines/track?code={code}&phone={phone}")
    assert "thứ Bảy từ 8 giờ" in wait_text(browser, "#ticket-answer")


def test_head_plans_and_publishes_a_duty_rota(browser):
    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/duty"))
    check_page(browser, "duty-index")
    browser.find_element(By.CSS_SELECTOR, "#duty-new summary").click()
    Select(browser.find_element(By.ID, "dorg")).select_by_value("Q08-P1")
    offset = 20 if browser.name_for_shots == "desktop" else 40
    start = datetime.date.today() + datetime.timedelta(days=offset)
    browser.execute_script("document.getElementById('dstart').value = arguments[0]", start.isoformat())
    browser.find_element(By.ID, "dphone").send_keys("0243 8641 234")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "duty-generate").click()) == "Đã lập lịch trực (bản nháp)."
    grid = wait_text(browser, "#duty-grid")
    assert "D1 06:00–14:00" in grid and "N 22:00–06:00" in grid
    assert browser.find_element(By.ID, "duty-status").get_attribute("data-status") == "draft"
    # Every shift of the week has someone.
    cells = browser.find_elements(By.CSS_SELECTOR, "#duty-grid tbody td")
    assert len(cells) == 7 * 3 and all(c.text.strip() for c in cells)
    check_page(browser, "duty-draft")
    assert confirmed_flash(browser, "duty-publish") == "Đã công bố lịch trực."
    assert browser.find_element(By.ID, "duty-status").get_attribute("data-status") == "published"
