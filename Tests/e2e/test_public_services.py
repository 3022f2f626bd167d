"""Public services in a real browser, as a citizen (no account, no JavaScript needed) and the
one-stop desk would use them: the citizen finds a procedure without accents, applies with
uploads and gets a code; the desk marks it incomplete; the citizen completes it by code and
phone; the desk receives, assigns, suspends and resumes it (the promise moves), approves it
and returns it by post; the lookup shows nothing personal without the phone; the public
figures count it."""
import datetime
import secrets
import struct
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_onsite import api, token
from test_web import BASE, after_navigation, check_page, flash_after, sign_in, submit, wait_text, browser  # noqa: F401  (fixture)


def png(path):
    """A real 2×2 PNG, so the server's content check accepts it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return str(path)


def handled(org):
    status, body = api("GET", f"/api/v1/public/figures?org={org}")
    assert status == 200, body
    return body["total"]["handled"]


def as_citizen(driver, path):
    driver.delete_all_cookies()
    after_navigation(driver, lambda: driver.get(BASE + path))


def due_of(text):
    return datetime.datetime.strptime(text.strip(), "%d/%m/%Y %H:%M")


def desk_step(driver, button, flash="Đã cập nhật hồ sơ."):
    assert flash_after(driver, lambda: driver.find_element(By.ID, button).click()) == flash


def test_citizen_applies_and_the_desk_carries_it_through(browser, tmp_path):
    before = handled("Q08-W01")
    phone = "09" + "".join(secrets.choice("0123456789") for _ in range(8))
    name = "Trần Thị Mai " + secrets.token_hex(2)

    # The citizen finds the procedure typing without accents, and applies.
    as_citizen(browser, "/services?q=dang+ky+khai+sinh")
    assert "Đăng ký khai sinh" in wait_text(browser, "#procedures")
    check_page(browser, "services-catalogue")
    after_navigation(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Đăng ký khai sinh").click)
    assert "1 ngày làm việc" in wait_text(browser, "#procedure-time")
    check_page(browser, "services-procedure")
    browser.find_element(By.ID, "aname").send_keys(name)
    browser.find_element(By.ID, "aphone").send_keys(phone)
    browser.find_element(By.ID, "aaddress").send_keys("Số 5 ngõ 12 Tam Trinh")
    browser.find_element(By.ID, "apost").click()
    browser.find_element(By.ID, "paper0").send_keys(png(tmp_path / "to-khai.png"))
    browser.find_element(By.ID, "paper1").send_keys(png(tmp_path / "giay-chung-sinh.png"))
    submit(browser, "apply-submit")
    code = wait_text(browser, "#receipt-code")
    assert len(code) == 11 and code[5] == "-"
    assert "Đã nộp" in wait_text(browser, "#receipt-status")
    check_page(browser, "services-receipt")

    # The desk asks for what is missing.
    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/desk?tab=new"))
    check_page(browser, "desk-new")
    after_navigation(browser, browser.find_element(By.LINK_TEXT, code).click)
    check_page(browser, "desk-dossier")
    browser.find_element(By.ID, "missing").send_keys("Giấy chứng sinh chụp bị mờ, xin gửi lại bản rõ")
    desk_step(browser, "step-incomplete")
    assert browser.find_element(By.ID, "dossier-status").get_attribute("data-status") == "incomplete"
    dossier = browser.current_url

    # With the code alone: the state and dates, nothing personal. With the phone: the reason, and a form to complete it.
    as_citizen(browser, f"/services/track?code={code}")
    assert browser.find_element(By.ID, "track-status").get_attribute("data-status") == "incomplete"
    assert name not in browser.page_source and "mờ" not in browser.page_source
    as_citizen(browser, f"/services/track?code={code.lower()}&phone={phone}")
    assert "mờ" in wait_text(browser, "#track-reason") and name in wait_text(browser, "#track-name")
    check_page(browser, "services-track-incomplete")
    browser.find_element(By.ID, "cpaper1").send_keys(png(tmp_path / "giay-chung-sinh-ro.png"))
    browser.find_element(By.ID, "cnote").send_keys("Đã gửi lại bản rõ.")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "complete-submit").click()) == "Đã gửi bổ sung hồ sơ."
    assert browser.find_element(By.ID, "track-status").get_attribute("data-status") == "submitted"

    # The desk receives it (a promise is set), assigns, suspends and resumes it.
    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(dossier))
    desk_step(browser, "step-receive")
    promised = due_of(wait_text(browser, "#dossier-due"))
    assert promised > datetime.datetime.now() - datetime.timedelta(hours=8)
    Select(browser.find_element(By.ID, "assignee")).select_by_index(1)
    desk_step(browser, "step-assign")
    browser.find_element(By.ID, "suspension").send_keys("Chờ công dân xác nhận tên cha mẹ")
    desk_step(browser, "step-suspend")
    assert browser.find_element(By.ID, "dossier-status").get_attribute("data-status") == "suspended"
    assert "ngày làm việc" in wait_text(browser, "#dossier-remaining")
    check_page(browser, "desk-suspended")
    desk_step(browser, "step-resume")
    assert due_of(wait_text(browser, "#dossier-due")) >= promised
    desk_step(browser, "step-approve")
    Select(browser.find_element(By.ID, "method")).select_by_value("post")
    browser.find_element(By.ID, "postal").send_keys("EV" + str(secrets.randbelow(10**9)).zfill(9) + "VN")
    desk_step(browser, "step-return")
    assert browser.find_element(By.ID, "dossier-status").get_attribute("data-status") == "returned"
    steps = wait_text(browser, "#dossier-steps")
    for label in ("Nộp hồ sơ", "Yêu cầu bổ sung", "Công dân bổ sung", "Tiếp nhận", "Tạm dừng", "Tiếp tục xử lý", "Trả kết quả"):
        assert label in steps, label
    check_page(browser, "desk-returned")

    # The citizen sees the postal number with the phone; the public figures count the dossier.
    as_citizen(browser, f"/services/track?code={code}&phone={phone}")
    assert browser.find_element(By.ID, "track-status").get_attribute("data-status") == "returned"
    assert wait_text(browser, "#track-postal").startswith("EV")
    check_page(browser, "services-track-returned")
    assert handled("Q08-W01") == before + 1
    as_citizen(browser, "/services/figures?org=Q08")
    assert "%" in wait_text(browser, "#fig-ontime")
    assert browser.find_elements(By.CSS_SELECTOR, "#figures-chart rect.bar")
    check_page(browser, "services-figures")


def test_resuming_a_long_suspension_moves_the_promise():
    """The demo holds a dossier suspended days ago: resumed now, what was left is counted from today."""
    head = token("head.hoangmai@congso.vn")
    status, page = api("GET", "/api/v1/applications?status=suspended", head)
    assert status == 200 and page["items"], page
    dossier = page["items"][0]
    status, after = api("POST", f"/api/v1/applications/{dossier['id']}/steps", head, {"action": "resume"})
    assert status == 200, after
    assert after["status"] == "processing" and after["dueAt"] > dossier["dueAt"]
    assert after["steps"][-1]["kind"] == "resumed"


def test_bad_public_input_is_answered_clearly(browser):
    as_citizen(browser, "/services/track?code=ABCDE-00000")
    assert "Không tìm thấy" in wait_text(browser, "#track-error")
    status, body = api("POST", "/api/v1/public/applications", body={"procedureId": "x"})
    assert status == 422 and body["error"]["code"] == "application.procedure_missing"


def test_the_desk_takes_a_dossier_in_person(browser):
    """A procedure offered only at the desk: the clerk records it and the promise is set at once."""
    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/desk/new"))
    Select(browser.find_element(By.ID, "iproc")).select_by_visible_text(
        next(o.text for o in Select(browser.find_element(By.ID, "iproc")).options if o.text.startswith("Chứng thực bản sao")))
    submit(browser, "intake-choose")
    browser.find_element(By.ID, "iname").send_keys("Lê Văn Tâm")
    browser.find_element(By.ID, "iphone").send_keys("0983 456 789")
    check_page(browser, "desk-intake")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "intake-submit").click()) == "Đã tiếp nhận hồ sơ, đã hẹn ngày trả kết quả."
    assert browser.find_element(By.ID, "dossier-status").get_attribute("data-status") == "received"
    assert due_of(wait_text(browser, "#dossier-due")) > datetime.datetime.now() - datetime.timedelta(hours=8)


def test_admin_adjusts_the_working_day_calendar(browser):
    """Tết 2027 is computed (6 February); the admin records the rest of the break, and removes it."""
    from test_rosters import confirmed_flash
    sign_in(browser, "admin@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/working-days?year=2027"))
    table = wait_text(browser, "#working-days")
    assert "06/02/2027" in table and "Tết Âm lịch" in table and "Giỗ Tổ Hùng Vương" in table
    # Tết's Saturday and Sunday are given back on Wednesday 10 and Thursday 11 February.
    assert "nghỉ bù" in next(r.text for r in browser.find_elements(By.CSS_SELECTOR, "#working-days tbody tr") if "10/02/2027" in r.text)
    day = "2027-02-12" if browser.name_for_shots == "desktop" else "2027-02-15"
    browser.execute_script("document.getElementById('wday').value = arguments[0]", day)
    Select(browser.find_element(By.ID, "wkind")).select_by_value("day_off")
    browser.find_element(By.ID, "wnote").send_keys("Thông báo nghỉ Tết năm 2027")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "working-day-save").click()) == "Đã lưu ngày điều chỉnh."
    shown = day[8:10] + "/02/2027"
    assert "Thông báo nghỉ Tết năm 2027" in wait_text(browser, "#working-days")
    check_page(browser, "working-days")
    # The same day again as a day off is refused with its reason; removing asks first.
    browser.execute_script("document.getElementById('wday').value = '2027-02-06'")
    browser.find_element(By.ID, "wnote").send_keys("x")
    assert "vốn đã là ngày nghỉ" in flash_after(browser, lambda: browser.find_element(By.ID, "working-day-save").click(), ".flash.error")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#working-days tbody tr") if shown in r.text)
    button = row.find_element(By.CSS_SELECTOR, "button")
    browser.execute_script("arguments[0].id = 'wd-remove'", button)
    assert confirmed_flash(browser, "wd-remove") == "Đã bỏ điều chỉnh."
    assert "Thông báo nghỉ Tết năm 2027" not in wait_text(browser, "#working-days")
