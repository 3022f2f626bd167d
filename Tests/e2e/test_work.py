"""Real-browser test of work management (issue 6). The head of Hoàn Kiếm sets up a small
task force of five people, assigns it a task; its lead dispatches the task, the assignee
reports progress and finishes. A 07:00 report window opens (the scheduler is run by the
command line as of that morning), reminders arrive, two of the five hand in their reports,
and the unit's page shows 40% with the three names missing. The monthly rating page then
proposes a level for each person from that record, and the head confirms one with a
reason. Needs a running server with fresh demo data (BASE_URL) and the `congso` binary on
the same database (CONGSO_BIN, CONGSO_DATA_DIR / DATABASE_URL as the server's)."""
import datetime
import os
import pathlib
import re
import subprocess
import zoneinfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_onsite import api, token
from test_web import BASE, BIN, ROOT, PASSWORD, after_navigation, check_page, sign_in, submit, wait_text, browser  # noqa: F401  (fixture)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NAMES = ["Lê Thị Hồng Nhung", "Phạm Quốc Việt", "Đỗ Minh Châu", "Vũ Thị Ánh", "Hoàng Đức Thắng"]


def past_weekday(skip):
    """A weekday before today in Hanoi; `skip` of them are passed over first."""
    d = datetime.datetime.now(HANOI).date()
    found = -1
    while True:
        d -= datetime.timedelta(days=1)
        if d.weekday() < 5:
            found += 1
            if found == skip:
                return d


def setup_unit(suffix):
    """A unit of five under Hoàn Kiếm, each with an account; the first one leads it."""
    head = token("head.hoankiem@congso.vn")
    status, district = api("GET", "/api/v1/orgs/Q02", head)
    assert status == 200, district
    code = f"Q02-TCT{suffix}"
    status, unit = api("POST", "/api/v1/orgs", head, {"code": code, "name": f"Tổ công tác phòng dịch {suffix}",
                                                      "kind": "unit", "parentId": district["id"]})
    assert status == 201, unit
    people = []
    for i, name in enumerate(NAMES):
        email = f"tct{suffix.lower()}{i}@congso.vn"
        status, person = api("POST", "/api/v1/staff", head, {"fullName": name, "orgId": unit["id"], "position": "Chuyên viên",
                                                             "phone": f"09123450{i}{len(suffix)}", "email": email, "status": "remote"})
        assert status == 201, person
        status, user = api("POST", "/api/v1/users", head, {"email": email, "displayName": name, "password": PASSWORD,
                                                           "role": "unitLead" if i == 0 else "staff", "org": code, "staffId": person["id"]})
        assert status == 201, user
        people.append({"name": name, "email": email, "id": person["id"]})
    return code, people


def test_task_report_and_rating(browser):
    suffix = "D" if browser.name_for_shots == "desktop" else "P"
    code, people = setup_unit(suffix)
    lead, assignee = people[0], people[2]

    # 1. The head assigns a task to the unit, due today.
    sign_in(browser, "head.hoankiem@congso.vn")
    browser.get(BASE + "/tasks/new")
    title = f"Rà soát danh sách F1 của tổ {suffix}"
    browser.find_element(By.ID, "ttitle").send_keys(title)
    browser.find_element(By.ID, "tdesc").send_keys("Tổng hợp, gửi Ban chỉ đạo trước 17:00.")
    today = datetime.datetime.now(HANOI).date().isoformat()
    browser.execute_script("document.getElementById('tdeadline').value = arguments[0]", today)
    Select(browser.find_element(By.ID, "tprio")).select_by_value("high")
    Select(browser.find_element(By.ID, "tunit")).select_by_value(code)
    check_page(browser, "work-1-assign")
    submit(browser, "task-submit")
    WebDriverWait(browser, 10).until(EC.url_matches(r"/tasks/[0-9A-Fa-f-]{36}$"))
    task_url = browser.current_url
    assert "Chờ lãnh đạo đơn vị phân công" in browser.find_element(By.ID, "task-assignee").text

    # 2. The unit's lead is told, and dispatches it to one of the five.
    sign_in(browser, lead["email"])
    browser.get(BASE + "/notifications")
    assert title in browser.find_element(By.TAG_NAME, "main").text
    browser.get(task_url)
    Select(browser.find_element(By.ID, "dstaff")).select_by_value(assignee["id"])
    check_page(browser, "work-2-dispatch")
    submit(browser, "dispatch-submit")
    assert "Đã phân công" in wait_text(browser, ".flash")
    assert browser.find_element(By.ID, "task-assignee").text == assignee["name"]

    # 3. The assignee reports half way, then finishes.
    sign_in(browser, assignee["email"])
    browser.get(BASE + "/tasks?scope=mine")
    browser.find_element(By.LINK_TEXT, title).click()
    pct = browser.find_element(By.ID, "ppercent")
    pct.clear()
    pct.send_keys("50")
    browser.find_element(By.ID, "pnote").send_keys("Đã rà soát 3/6 khu phố")
    submit(browser, "progress-submit")
    assert "Đã cập nhật tiến độ" in wait_text(browser, ".flash")
    assert browser.find_element(By.ID, "task-progress").text == "50%"
    Select(browser.find_element(By.ID, "pstatus")).select_by_value("done")
    submit(browser, "progress-submit")
    wait_text(browser, ".flash")
    assert browser.find_element(By.ID, "task-status").text == "Hoàn thành"
    assert "Đã rà soát 3/6 khu phố" in browser.find_element(By.ID, "task-history").text
    check_page(browser, "work-3-done")

    # 4. A 07:00 window opens: the scheduler runs as of that morning and reminds everyone.
    day = past_weekday(0 if suffix == "D" else 1)
    out = subprocess.run([BIN, "scheduler", "run", "--at", f"{day.isoformat()}T07:01"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"windows opened [1-9]", out.stdout), out.stdout
    label = day.strftime("%d/%m/%Y")
    for person in people[1:3]:
        sign_in(browser, person["email"])
        browser.get(BASE + "/notifications")
        assert f"Đến giờ báo cáo 07:00 {label}" in browser.find_element(By.TAG_NAME, "main").text
        browser.get(BASE + "/reports")
        Select(browser.find_element(By.ID, "rtarget")).select_by_value(f"win:{day.isoformat()}|07:00")
        browser.find_element(By.ID, "rdone").send_keys("Trực đường dây nóng, tổng hợp số liệu F1")
        browser.find_element(By.ID, "rnext").send_keys("Gửi báo cáo Ban chỉ đạo")
        if person is people[1]:
            check_page(browser, "work-4-report")
        submit(browser, "report-submit")
        assert "Đã gửi báo cáo" in wait_text(browser, ".flash")

    # 5. Two of five: the unit's page shows 40% and the three who have not reported.
    sign_in(browser, "head.hoankiem@congso.vn")
    browser.get(BASE + f"/reports/rates?org={code}&date={day.isoformat()}&window=07:00")
    assert browser.find_element(By.ID, "expected").text == "5"
    assert browser.find_element(By.ID, "received").text == "2"
    assert browser.find_element(By.ID, "rate").text == "40%"
    missing = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#missing li")]
    assert len(missing) == 3
    for person in (people[0], people[3], people[4]):
        assert any(m.startswith(person["name"]) for m in missing), missing
    check_page(browser, "work-5-rates")
    # The district's page rolls the unit up with the others.
    browser.get(BASE + f"/reports/rates?org=Q02&date={day.isoformat()}&window=07:00")
    assert f"Tổ công tác phòng dịch {suffix}" in browser.find_element(By.ID, "rate-units").text

    # 6. The monthly rating proposes a level for each of the five from the record.
    month = datetime.datetime.now(HANOI).strftime("%Y-%m")
    browser.get(BASE + f"/ratings?org={code}&month={month}")
    assert "60% × điểm công việc" in browser.find_element(By.ID, "formula").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#ratings tbody tr")
    assert len(rows) == 5
    levels = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")
    for row in rows:
        assert any(level in row.text for level in levels), row.text
    done_row = next(r for r in rows if assignee["name"] in r.text)
    assert "1/1" in done_row.text   # the task, finished on time
    check_page(browser, "work-6-ratings")
    form = done_row.find_element(By.CSS_SELECTOR, "form")
    Select(form.find_element(By.NAME, "level")).select_by_value("good")
    form.find_element(By.NAME, "justification").send_keys("Hoàn thành đúng hạn nhưng báo cáo chưa đều")
    after_navigation(browser, form.find_element(By.CSS_SELECTOR, "button").click)
    assert "Đã xác nhận xếp loại" in wait_text(browser, ".flash")
    assert "báo cáo chưa đều" in browser.find_element(By.ID, "ratings").text
