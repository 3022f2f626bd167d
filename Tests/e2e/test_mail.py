"""E-mail over a real SMTP server (issue 13): aiosmtpd on loopback with STARTTLS (a
self-signed certificate the Congso server trusts through CONGSO_SMTP_CA_FILE) and AUTH.
An invitation mail arrives with a Vietnamese subject as RFC 2047 words, text, HTML and the
.ics part (METHOD:REQUEST) and a one-click unsubscribe link (RFC 8058) that works without
signing in; with the SMTP server stopped the action still succeeds at once, and the mail is
delivered once when it is back. Needs the server started as .ci/run starts it (CONGSO_SMTP_*,
SMTP_TEST_KEY for the certificate's key, CONGSO_MAIL_RETRY_SECONDS small)."""
import datetime
import email
import email.policy
import os
import secrets
import ssl
import threading
import time
import urllib.request

import icalendar
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from test_onsite import api, token
from test_web import BASE

HOST = os.environ.get("CONGSO_SMTP_HOST", "")
PORT = int(os.environ.get("CONGSO_SMTP_PORT", "0") or 0)
USER, PASSWORD = os.environ.get("CONGSO_SMTP_USER", ""), os.environ.get("CONGSO_SMTP_PASSWORD", "")


class Inbox:
    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append({"to": envelope.rcpt_tos, "tls": session.ssl is not None, "raw": envelope.content,
                                  "auth": session.authenticated, "msg": email.message_from_bytes(envelope.content, policy=email.policy.default)})
        return "250 OK"

    def to(self, address, subject_part):
        with self.lock:
            return [m for m in self.messages if address in m["to"] and subject_part in str(m["msg"]["Subject"])]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok)


def start(inbox):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.environ["CONGSO_SMTP_CA_FILE"], os.environ["SMTP_TEST_KEY"])
    c = Controller(inbox, hostname="127.0.0.1", port=PORT, tls_context=context, require_starttls=True,
                   authenticator=authenticate, auth_required=True, auth_require_tls=True)
    c.start()
    return c


@pytest.fixture(scope="module")
def inbox():
    if not HOST:
        pytest.fail("the server under test needs an SMTP relay (CONGSO_SMTP_HOST and the rest, as .ci/run sets them)")
    box = Inbox()
    running = {"controller": start(box)}
    yield box, running
    if running["controller"]:
        running["controller"].stop()


def wait_for(check, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    return check()


def meeting(lead, title, invitees):
    _, me = api("GET", "/api/v1/me", lead)
    _, people = api("GET", "/api/v1/staff?org=Q02-P2&per=200", lead)
    chair = next(p["id"] for p in people["items"] if p["fullName"] == me["displayName"])
    day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    status, m = api("POST", "/api/v1/meetings", lead, {"org": "Q02-P2", "title": title, "date": day, "start": "10:00", "end": "11:00",
                                                      "chairStaffId": chair, **invitees})
    assert status == 201, m
    return m


def test_an_invitation_arrives_over_starttls_and_auth_and_one_click_unsubscribes(inbox):
    box, _ = inbox
    suffix = secrets.token_hex(3)
    lead = token("lead.hoankiem@congso.vn")
    title = f"Giao ban tuần {suffix}"
    meeting(lead, title, {"inviteeOrgs": ["Q02-P2"]})
    got = wait_for(lambda: box.to("staff.hoankiem@congso.vn", suffix))
    assert len(got) == 1, [str(m["msg"]["Subject"]) for m in box.messages]
    m = got[0]
    assert m["tls"] and m["auth"]
    msg = m["msg"]
    assert str(msg["Subject"]).startswith(f"Giấy mời họp: {title} · "), str(msg["Subject"])
    head = m["raw"].split(b"\r\n\r\n", 1)[0]
    assert b"Subject: =?UTF-8?B?" in head and all(b < 128 for b in head), "headers must be 7-bit with RFC 2047 words"
    assert msg.get_content_type() == "multipart/alternative"
    types = [p.get_content_type() for p in msg.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"], types
    cal_part = list(msg.iter_parts())[2]
    assert cal_part.get_param("method") == "REQUEST"
    cal = icalendar.Calendar.from_ical(cal_part.get_content())
    assert str(cal["METHOD"]) == "REQUEST" and str(cal.walk("VEVENT")[0]["SUMMARY"]) == title
    assert title in list(msg.iter_parts())[0].get_content()
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = msg["List-Unsubscribe"].strip("<>")
    assert link.startswith(BASE + "/mail/unsubscribe?u=")
    # One click, no session, no CSRF token (RFC 8058).
    req = urllib.request.Request(link, method="POST", data=b"List-Unsubscribe=One-Click",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req) as res:
        assert res.status == 200
    forged = urllib.request.Request(link[:-3] + "AAA", method="POST", data=b"List-Unsubscribe=One-Click")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(forged)
    assert e.value.code == 404
    # Unsubscribed: the next invitation reaches the lead's unit but not this person.
    meeting(lead, f"Họp lần hai {suffix}", {"inviteeOrgs": ["Q02-P2"]})
    time.sleep(25)
    assert box.to("staff.hoankiem@congso.vn", f"Họp lần hai {suffix}") == []


def test_a_dead_smtp_server_never_blocks_and_the_mail_comes_once_it_is_back(inbox):
    box, running = inbox
    running["controller"].stop()
    running["controller"] = None
    suffix = secrets.token_hex(3)
    head = token("head.hoankiem@congso.vn")
    lead = token("lead.hoankiem@congso.vn")
    _, me = api("GET", "/api/v1/me", lead)
    _, people = api("GET", "/api/v1/staff?org=Q02-P2&per=200", lead)
    lead_staff = next(p["id"] for p in people["items"] if p["fullName"] == me["displayName"])
    other = next(p["id"] for p in people["items"] if p["id"] != lead_staff)
    started = time.time()
    day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    status, m = api("POST", "/api/v1/meetings", head, {"org": "Q02-P2", "title": f"Họp khi thư hỏng {suffix}", "date": day,
                                                      "start": "15:00", "end": "16:00", "chairStaffId": other,
                                                      "inviteeStaffIds": [lead_staff]})
    assert status == 201 and time.time() - started < 3, (status, m)
    time.sleep(12)  # at least one attempt fails meanwhile
    running["controller"] = start(box)
    got = wait_for(lambda: box.to("lead.hoankiem@congso.vn", suffix), seconds=90)
    assert len(got) == 1
    time.sleep(15)
    assert len(box.to("lead.hoankiem@congso.vn", suffix)) == 1
