"""Real-browser test of meetings (issue 13). The head of Hoàn Kiếm schedules an online
meeting for a unit; an invitee finds it without accents and joins: the server sends them to
the configured Jitsi address with a token that PyJWT verifies with the shared secret. A room
too small at the directive's 2 m spacing gets an in-person request refused, with the
directive named. BigBlueButton: a second server signs its calls, and a stand-in BigBlueButton
server checks each checksum with the bigbluebutton_api_python client from PyPI.

Needs a running server with fresh demo data (BASE_URL) started with CONGSO_VIDEO_ENGINE=jitsi,
CONGSO_JITSI_URL=http://127.0.0.1:8765 and CONGSO_JITSI_APP_ID / CONGSO_JITSI_SECRET (.ci/run
does this), and the `congso` binary (CONGSO_BIN) for the BigBlueButton server."""
import datetime
import http.server
import os
import pathlib
import re
import secrets
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import jwt
import pytest
from bigbluebutton_api_python.util.urlbuilder import UrlBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_onsite import api, token
from test_web import BASE, BIN, after_navigation, check_page, sign_in, submit, wait_text, browser  # noqa: F401  (fixture)

JITSI_PORT = 8765
SECRET = os.environ.get("CONGSO_JITSI_SECRET", "")
APP_ID = os.environ.get("CONGSO_JITSI_APP_ID", "")


class Recorder(http.server.BaseHTTPRequestHandler):
    """A stand-in for the video engine: answers every GET and remembers what was asked."""
    seen = []
    answer = b"<html lang='en'><head><title>Engine</title></head><body><main><h1>Video engine (test)</h1></main></body></html>"

    def do_GET(self):
        type(self).seen.append(self.path)
        body = self.respond(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8" if body.startswith(b"<html") else "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def respond(self, path):
        return self.answer

    def log_message(self, *args):
        pass


def serve(handler, port):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def jitsi():
    if not SECRET:
        pytest.fail("the server under test needs a Jitsi configuration (CONGSO_JITSI_SECRET and the rest, as .ci/run sets them)")
    server = serve(Recorder, JITSI_PORT)
    yield Recorder
    server.shutdown()


def choose(select_el, text):
    """Selects the option whose label starts with `text`."""
    for o in select_el.find_elements(By.TAG_NAME, "option"):
        if o.text.startswith(text):
            Select(select_el).select_by_value(o.get_attribute("value"))
            return
    raise AssertionError(f"no option starting with {text!r}")


def schedule(driver, title, *, unit="Q02-P2", chair, in_person_room=None, day=None):
    day = day or (datetime.date.today() + datetime.timedelta(days=1))
    after_navigation(driver, lambda: driver.get(BASE + "/meetings/new?org=" + unit))
    driver.find_element(By.ID, "mtitle").send_keys(title)
    driver.execute_script("document.getElementById('mdate').value = arguments[0]", day.isoformat())
    driver.execute_script("document.getElementById('mstart').value = '08:00'; document.getElementById('mend').value = '09:00'")
    choose(driver.find_element(By.ID, "mchair"), chair)
    Select(driver.find_element(By.ID, "munits")).select_by_value(unit)
    driver.find_element(By.ID, "at1").send_keys("Tình hình thực hiện Chỉ thị 17")
    driver.find_element(By.ID, "am1").send_keys("30")
    if in_person_room:
        driver.find_element(By.ID, "mode-inperson").click()
        choose(driver.find_element(By.ID, "mroom"), in_person_room)
    submit(driver, "meeting-create")


def test_online_meeting_then_joining_with_a_verified_token(browser, jitsi):
    suffix = secrets.token_hex(3)
    lead = token("lead.hoankiem@congso.vn")
    _, me = api("GET", "/api/v1/me", lead)
    sign_in(browser, "head.hoankiem@congso.vn")
    title = f"Giao ban trực tuyến {suffix}"
    schedule(browser, title, chair=me["displayName"])
    assert wait_text(browser, "#meeting-status") == "Đã lên lịch"
    assert "Tình hình thực hiện Chỉ thị 17" in wait_text(browser, "#meeting-agenda")
    check_page(browser, "meeting-scheduled")
    # An invitee finds it without accents, then joins.
    sign_in(browser, "staff.hoankiem@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/meetings?q=" + urllib.parse.quote(f"giao ban truc tuyen {suffix}")))
    assert wait_text(browser, "#meeting-count").endswith("1")
    check_page(browser, "meeting-list")
    after_navigation(browser, lambda: browser.find_element(By.LINK_TEXT, title).click())
    check_page(browser, "meeting-invitee")
    submit(browser, "meeting-join")
    WebDriverWait(browser, 15).until(lambda d: d.current_url.startswith(f"http://127.0.0.1:{JITSI_PORT}/"))
    url = urllib.parse.urlparse(browser.current_url)
    room = url.path.lstrip("/")
    assert re.fullmatch(r"congso-[a-z2-7]{26}", room), room
    claims = jwt.decode(urllib.parse.parse_qs(url.query)["jwt"][0], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["iss"] == APP_ID and claims["sub"] == "127.0.0.1" and claims["room"] == room
    assert claims["moderator"] is False
    assert claims["context"]["user"]["email"] == "staff.hoankiem@congso.vn" and claims["context"]["user"]["name"]
    assert 0 < claims["exp"] - time.time() <= 300 and claims["nbf"] <= time.time()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(urllib.parse.parse_qs(url.query)["jwt"][0], SECRET + "x", algorithms=["HS256"], audience="jitsi")
    # The chair is the moderator.
    status, join = api("GET", "/api/v1/meetings?q=" + urllib.parse.quote(suffix), lead)
    meeting = join["items"][0]["id"]
    status, join = api("GET", f"/api/v1/meetings/{meeting}/join", lead)
    assert status == 200 and join["moderator"] is True
    chair_claims = jwt.decode(join["url"].split("?jwt=")[1], SECRET, algorithms=["HS256"], audience="jitsi")
    assert chair_claims["moderator"] is True and chair_claims["room"] == room


def test_an_in_person_request_over_the_room_is_refused_with_the_directive(browser):
    suffix = secrets.token_hex(3)
    lead = token("lead.hoankiem@congso.vn")
    _, me = api("GET", "/api/v1/me", lead)
    sign_in(browser, "head.hoankiem@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + "/meetings/rooms?org=Q02-P2"))
    room = f"Phòng họp nhỏ {suffix}"
    browser.find_element(By.ID, "rname").send_keys(room)
    browser.find_element(By.ID, "rrows").send_keys("2")
    browser.find_element(By.ID, "rcols").send_keys("3")
    browser.find_element(By.ID, "rpitch").send_keys("1")
    submit(browser, "room-add")
    assert "2 m" in wait_text(browser, "#room-spacing")
    assert room in wait_text(browser, "#rooms")
    check_page(browser, "meeting-rooms")
    schedule(browser, f"Họp trực tiếp {suffix}", chair=me["displayName"], in_person_room=room)
    error = wait_text(browser, "#meeting-error")
    assert "1557/UBND-KGVX" in error and "2 m" in error, error
    check_page(browser, "meeting-refused")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bigbluebutton_calls_are_signed_as_its_client_library_signs_them():
    """A second server, configured for BigBlueButton (SHA-1, so the PyPI client can sign the
    same call), joins a person; the stand-in server checks every checksum the way
    BigBlueButton does and compares it with the client library's."""
    secret = secrets.token_hex(16)
    bbb_port, port = free_port(), free_port()
    api_base = f"http://127.0.0.1:{bbb_port}/bigbluebutton/api/"
    checked = []

    class FakeBBB(Recorder):
        seen = []

        def respond(self, path):
            call, _, query = path.split("/api/")[1].partition("?")
            signed, _, checksum = query.rpartition("&checksum=")
            params = urllib.parse.parse_qsl(signed, keep_blank_values=True)
            # The client library signs the same parameters: its URL must carry the same checksum.
            library = UrlBuilder(api_base, secret).buildUrl(call, dict(params))
            assert library.endswith("checksum=" + checksum), (library, path)
            checked.append((call, dict(params)))
            return b"<response><returncode>SUCCESS</returncode></response>"

    fake = serve(FakeBBB, bbb_port)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",) and not k.startswith("CONGSO_JITSI")}
    data = tempfile.mkdtemp(prefix="congso-bbb-")
    env.update(CONGSO_DATA_DIR=data, CONGSO_VIDEO_ENGINE="bigbluebutton", CONGSO_BBB_URL=api_base.removesuffix("api/"),
               CONGSO_BBB_SECRET=secret, CONGSO_BBB_CHECKSUM="sha1", LOG_FORMAT="text")
    proc = subprocess.Popen([BIN, "serve", "--demo", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.5)
        def call(method, path, tok=None, body=None):
            req = urllib.request.Request(base + path, method=method, data=None if body is None else __import__("json").dumps(body).encode())
            req.add_header("Content-Type", "application/json")
            if tok:
                req.add_header("Authorization", "Bearer " + tok)
            with urllib.request.urlopen(req) as res:
                return __import__("json").loads(res.read())
        lead = call("POST", "/api/v1/auth/token", body={"email": "lead.hoankiem@congso.vn", "password": "congso2021"})["token"]
        staff = call("POST", "/api/v1/auth/token", body={"email": "staff.hoankiem@congso.vn", "password": "congso2021"})["token"]
        people = call("GET", "/api/v1/staff?org=Q02-P2&per=200", lead)["items"]
        me = call("GET", "/api/v1/me", lead)
        chair = next(p["id"] for p in people if p["fullName"] == me["displayName"])
        day = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
        m = call("POST", "/api/v1/meetings", lead, {"org": "Q02-P2", "title": "Họp trực tuyến BBB", "date": day, "start": "14:00",
                                                   "end": "15:00", "chairStaffId": chair, "inviteeOrgs": ["Q02-P2"]})
        viewer = call("GET", f"/api/v1/meetings/{m['id']}/join", staff)
        moderator = call("GET", f"/api/v1/meetings/{m['id']}/join", lead)
        assert [c for c, _ in checked] == ["create", "create"]
        create = checked[0][1]
        assert create["meetingID"].startswith("congso-") and create["name"] == "Họp trực tuyến BBB"
        for join, role in ((viewer, "VIEWER"), (moderator, "MODERATOR")):
            url = urllib.parse.urlparse(join["url"])
            assert join["url"].startswith(api_base + "join?")
            signed, _, checksum = url.query.rpartition("&checksum=")
            params = dict(urllib.parse.parse_qsl(signed))
            assert params["role"] == role and params["meetingID"] == create["meetingID"]
            assert UrlBuilder(api_base, secret).buildUrl("join", params).endswith("checksum=" + checksum)
            # The meeting's own passwords never reach the person.
            assert create["attendeePW"] not in join["url"] and create["moderatorPW"] not in join["url"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        fake.shutdown()


def test_attendance_minutes_to_locked_and_a_decision_becomes_a_task(browser):
    """The chair marks who came, drafts the minutes with a decision, circulates them; an
    attendee comments; the chair locks them and turns the decision into a task from the
    printable page. The invitation is an iCalendar REQUEST that the icalendar package reads,
    with SEQUENCE rising on a change, and a CANCEL once cancelled."""
    import icalendar
    import zoneinfo
    suffix = secrets.token_hex(3)
    lead, staff = token("lead.hoankiem@congso.vn"), token("staff.hoankiem@congso.vn")
    _, me = api("GET", "/api/v1/me", lead)
    _, mate = api("GET", "/api/v1/me", staff)
    _, people = api("GET", "/api/v1/staff?org=Q02-P2&per=200", lead)
    ids = {p["fullName"]: p["id"] for p in people["items"]}
    emails = {p["fullName"]: p["email"] for p in people["items"]}
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    if now.hour == 23 and now.minute > 50:
        time.sleep(11 * 60)  # a meeting must start and end on one day
        now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    end = min(now + datetime.timedelta(minutes=60), now.replace(hour=23, minute=59))
    status, m = api("POST", "/api/v1/meetings", lead, {
        "org": "Q02-P2", "title": f"Họp rút kinh nghiệm {suffix}", "date": now.date().isoformat(), "start": now.strftime("%H:%M"),
        "end": end.strftime("%H:%M"), "chairStaffId": ids[me["displayName"]], "inviteeOrgs": ["Q02-P2"]})
    assert status == 201, m
    # The invitation, read by an independent iCalendar parser.
    req = urllib.request.Request(BASE + f"/api/v1/meetings/{m['id']}/invitation.ics", headers={"Authorization": "Bearer " + staff})
    cal = icalendar.Calendar.from_ical(urllib.request.urlopen(req).read())
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0 and str(event["SUMMARY"]) == m["title"]
    assert str(event["ATTENDEE"]).lower() == "mailto:" + emails[mate["displayName"]].lower() and event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert event["DTSTART"].dt.astimezone(datetime.timezone.utc) == datetime.datetime.fromisoformat(m["startsAt"].replace("Z", "+00:00"))

    sign_in(browser, "lead.hoankiem@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + f"/meetings/{m['id']}"))
    for name in (me["displayName"], mate["displayName"]):
        browser.find_element(By.ID, "present-" + ids[name].upper()).click()
    submit(browser, "attendance-save")
    browser.find_element(By.ID, "msummary").send_keys("Đơn vị thống nhất lịch trực và việc rà soát danh sách.")
    browser.find_element(By.ID, "dtext1").send_keys(f"Rà soát danh sách F1 {suffix}")
    choose(browser.find_element(By.ID, "downer1"), mate["displayName"])
    deadline = (now.date() + datetime.timedelta(days=3)).isoformat()
    browser.execute_script("document.getElementById('ddeadline1').value = arguments[0]", deadline)
    submit(browser, "minutes-save")
    assert wait_text(browser, "#minutes-status") == "Dự thảo"
    check_page(browser, "meeting-minutes-draft")
    submit(browser, "minutes-circulate")
    assert wait_text(browser, "#minutes-status") == "Đang lấy ý kiến"
    # An attendee comments.
    sign_in(browser, "staff.hoankiem@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + f"/meetings/{m['id']}"))
    assert "rà soát danh sách" in wait_text(browser, "#minutes-summary")
    browser.find_element(By.ID, "mcomment").send_keys("Đề nghị ghi rõ hạn báo cáo.")
    submit(browser, "minutes-comment")
    assert "Đề nghị ghi rõ hạn báo cáo." in wait_text(browser, "#minutes-comments")
    # Locked and printed; the decision becomes a task.
    sign_in(browser, "lead.hoankiem@congso.vn")
    after_navigation(browser, lambda: browser.get(BASE + f"/meetings/{m['id']}"))
    browser.execute_script("window.confirm = () => true")
    submit(browser, "minutes-lock")
    assert wait_text(browser, "#minutes-status") == "Đã khóa và công bố"
    after_navigation(browser, lambda: browser.get(BASE + f"/meetings/{m['id']}/minutes"))
    assert me["displayName"] in wait_text(browser, "#minutes-present") and mate["displayName"] in wait_text(browser, "#minutes-present")
    check_page(browser, "meeting-minutes-print")
    after_navigation(browser, browser.find_element(By.CSS_SELECTOR, "#minutes-print-decisions button").click)
    assert "/tasks/" in browser.current_url
    assert f"Rà soát danh sách F1 {suffix}" in wait_text(browser, "h1")
    # A change raises the sequence; a cancellation is a CANCEL.
    status, _ = api("PATCH", f"/api/v1/meetings/{m['id']}", lead, {"title": m["title"] + " (đổi)"})
    assert status == 200
    event = icalendar.Calendar.from_ical(urllib.request.urlopen(req).read()).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and str(event["SUMMARY"]).endswith("(đổi)")
    status, _ = api("POST", f"/api/v1/meetings/{m['id']}/cancel", lead)
    assert status == 200
    cal = icalendar.Calendar.from_ical(urllib.request.urlopen(req).read())
    assert str(cal["METHOD"]) == "CANCEL" and int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 2
