"""Official documents in a real browser, as a clerk, a head and a unit lead would use them:
an incoming document is registered, the same one again is warned as a duplicate, the head
routes it with a deadline, the lead unit answers with an outgoing document linked to it,
the classified register refuses a file, and the search finds it without accents."""
import datetime
import secrets
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_onsite import api, token
from test_web import BASE, after_navigation, check_page, flash_after, sign_in, submit, wait_text, browser  # noqa: F401  (fixture)


def fill_incoming(driver, number, issuer, summary):
    after_navigation(driver, lambda: driver.get(BASE + "/documents/new?register=incoming"))
    driver.find_element(By.ID, "dnumber").send_keys(number)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    driver.execute_script("document.getElementById('ddate').value = arguments[0]", yesterday)
    driver.find_element(By.ID, "dissuer").send_keys(issuer)
    Select(driver.find_element(By.ID, "dtype")).select_by_value("cong_van")
    driver.find_element(By.ID, "dsummary").send_keys(summary)
    Select(driver.find_element(By.ID, "durgency")).select_by_value("khan")


def test_register_route_reply_classified_and_search(browser):
    suffix = secrets.token_hex(3)
    number = f"{secrets.randbelow(8000) + 1000}/UBND-VP"
    summary = f"Giấy đi đường Đống Đa đợt {suffix}"
    sign_in(browser, "vanthu.hoangmai@congso.vn")
    fill_incoming(browser, number, "Sở Y tế Hà Nội", summary)
    check_page(browser, "document-new")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "document-register").click()) == "Đã vào sổ văn bản."
    facts = wait_text(browser, "#document-facts")
    assert number in facts and summary in facts and "Khẩn" in facts
    doc_url = browser.current_url
    check_page(browser, "document-registered")
    # The same document again, typed in lower case and without accents: warned, not registered.
    fill_incoming(browser, number.lower(), "so y te ha noi", summary)
    submit(browser, "document-register")
    assert number in wait_text(browser, "#document-duplicate")
    check_page(browser, "document-duplicate")
    clerk = token("vanthu.hoangmai@congso.vn")
    _, found = api("GET", "/api/v1/search?kind=document&q=" + urllib.parse.quote(suffix), clerk)
    assert found["total"] == 1

    # The head routes it to the Home Affairs office with a deadline.
    sign_in(browser, "head.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(doc_url))
    browser.find_element(By.CSS_SELECTOR, "#document-route summary").click()
    Select(browser.find_element(By.ID, "rlead")).select_by_value("Q08-P2")
    deadline = datetime.date.today() + datetime.timedelta(days=5)
    browser.execute_script("document.getElementById('rdeadline').value = arguments[0]", deadline.isoformat())
    browser.find_element(By.ID, "rinstr").send_keys("Phòng Nội vụ chủ trì, trả lời trước hạn.")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "document-route-button").click()).startswith("Đã giao xử lý")
    routes = wait_text(browser, "#document-routes")
    assert "Phòng Nội vụ" in routes and deadline.strftime("%d/%m/%Y") in routes
    check_page(browser, "document-routed")

    # The lead of that office reads it, sees the task, and answers it.
    sign_in(browser, "lead.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(doc_url))
    after_navigation(browser, lambda: browser.find_element(By.ID, "document-reply").click())
    assert number in wait_text(browser, "#reply-to")
    Select(browser.find_element(By.ID, "dtype")).select_by_value("cong_van")
    browser.find_element(By.ID, "dsummary").send_keys(f"Trả lời về Giấy đi đường đợt {suffix}")
    browser.find_element(By.ID, "dsigner").send_keys("Trưởng phòng Nội vụ")
    browser.find_element(By.ID, "doutside").send_keys("Sở Y tế Hà Nội")
    check_page(browser, "document-reply-form")
    assert flash_after(browser, lambda: browser.find_element(By.ID, "document-register").click()) == "Đã vào sổ văn bản."
    reply_facts = wait_text(browser, "#document-facts")
    assert number in reply_facts and "/Q08-P2" in reply_facts
    after_navigation(browser, lambda: browser.get(doc_url))
    assert "/Q08-P2" in wait_text(browser, "#document-replies")
    after_navigation(browser, lambda: browser.get(BASE + "/documents?tab=followup"))
    assert number in wait_text(browser, "#documents") and deadline.strftime("%d/%m/%Y") in wait_text(browser, "#documents")
    check_page(browser, "document-followup")
    lead = token("lead.hoangmai@congso.vn")
    _, tasks = api("GET", "/api/v1/tasks?q=" + urllib.parse.quote(suffix), lead)
    assert tasks["total"] == 1 and tasks["items"][0]["deadline"] == deadline.isoformat()

    # The classified register shows its rule and takes no file, whatever the channel.
    sign_in(browser, "vanthu.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/documents?tab=classified"))
    after_navigation(browser, lambda: browser.find_element(By.PARTIAL_LINK_TEXT, "12/CAHN-PV01").click())
    assert "chỉ được xử lý tại cơ quan" in wait_text(browser, "#classified-no-files")
    assert not browser.find_elements(By.ID, "document-upload")
    check_page(browser, "document-classified")
    secret_id = browser.current_url.rstrip("/").split("/")[-1]
    boundary = "congso" + suffix
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\r\n--{boundary}--\r\n").encode()
    req = urllib.request.Request(f"{BASE}/api/v1/documents/{secret_id}/files", data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    req.add_header("Authorization", "Bearer " + clerk)
    try:
        urllib.request.urlopen(req)
        raise AssertionError("a file was accepted for a classified document")
    except urllib.error.HTTPError as e:
        assert e.code == 422 and b"document.classified_no_files" in e.read()

    # One search, no accents, đ typed as d.
    after_navigation(browser, lambda: browser.get(BASE + "/search?q=" + urllib.parse.quote(f"giay di duong dong da dot {suffix}")))
    results = wait_text(browser, "#search-results")
    assert number in results
    check_page(browser, "search")


def test_the_register_prints_with_the_decrees_columns(browser):
    sign_in(browser, "vanthu.hoangmai@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/documents"))
    assert "1557/UBND-KGVX" in wait_text(browser, "#documents")
    check_page(browser, "document-register-list")
    after_navigation(browser, lambda: browser.find_element(By.ID, "document-print").click())
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#register-table th")]
    assert heads[:4] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu"], heads
    assert "1557/UBND-KGVX" in wait_text(browser, "#register-table")
    check_page(browser, "document-register-print")
    csv_link = browser.find_element(By.ID, "register-csv").get_attribute("href")
    assert "format=csv" in csv_link
