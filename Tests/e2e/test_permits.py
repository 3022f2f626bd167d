"""Real-browser test of travel permits (issue 5): a head approves fifty permits in one
action; each prints with a QR code that an independent decoder (zbar) reads back; the
phone page and the offline command accept them and reject a tampered, an expired, a
revoked and an unknown-key one with the right reason; pycose agrees, given only the JWKS."""
import base64
import datetime
import json
import os
import pathlib
import re
import subprocess
import tempfile
import zlib

import base45
import cbor2
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_onsite import api, token
from test_web import BASE, BIN, ROOT, check_page, shot, sign_in, browser  # noqa: F401  (fixture)

VECTOR = (ROOT / "Tests/interop/vectors/permit-v1.txt").read_text().strip()


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def pycose_verifies(text, jwks):
    msg = Sign1Message.decode(zlib.decompress(base45.b45decode(text[5:])))
    kid = msg.phdr[__import__("pycose.headers", fromlist=["KID"]).KID]
    jwk = next(k for k in jwks["keys"] if b64url(k["kid"]) == kid)
    msg.key = EC2Key(crv=P256, x=b64url(jwk["x"]), y=b64url(jwk["y"]))
    return msg.verify_signature(), cbor2.loads(msg.payload)


def cli_verify(text, *args):
    out = subprocess.run([BIN, "permit", "verify", text, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    return out.returncode, out.stdout + out.stderr


def test_fifty_permits_printed_scanned_and_verified(browser):
    # The head lists fifty people of the district (a different fifty for each screen width).
    lead = token("head.hoangmai@congso.vn")
    status, people = api("GET", "/api/v1/staff?org=Q08&per=150", lead)
    # Nobody isolating or under monitoring gets a permit (the demo has some in Q08-P5).
    status, states = api("GET", "/api/v1/health/states?org=Q08", lead)
    held = {s["staffId"] for s in states}
    free = [p for p in people["items"] if p["id"] not in held]
    start = 0 if browser.name_for_shots == "desktop" else 50
    members = free[start:start + 50]
    assert len(members) == 50
    today = datetime.date.today()
    items = [{"staffId": p["id"], "idNumber": f"0012030{i:05d}", "purpose": "Trực cơ quan, tiếp nhận hồ sơ",
              "from": f"Số {i + 1} ngõ 6 Bùi Huy Bích, Hoàng Mai", "to": "UBND quận Hoàng Mai, 8 Ngõ 6 Bùi Huy Bích",
              "plate": "29B1-123.45" if i % 2 else "", "validFrom": today.isoformat(),
              "validUntil": (today + datetime.timedelta(days=14)).isoformat()} for i, p in enumerate(members)]
    status, created = api("POST", "/api/v1/permits", lead, {"items": items})
    assert status == 201, created
    ids = {p["id"] for p in created["items"]}

    # One action approves all fifty and opens the print run.
    sign_in(browser, "head.hoangmai@congso.vn")
    browser.get(BASE + "/permits?status=requested&org=Q08&per=100")
    check_page(browser, "30-permits-requested")
    browser.find_element(By.ID, "approve-selected").click()
    WebDriverWait(browser, 30).until(EC.url_contains("/permits/print?ids="))
    html = browser.page_source
    assert html.count("GIẤY ĐI ĐƯỜNG") >= 50
    shot(browser, "31-permits-print")
    head = token("head.hoangmai@congso.vn")
    status, issued = api("GET", "/api/v1/permits?org=Q08&status=approved&per=200", head)
    mine = [p for p in issued["items"] if p["id"] in ids]
    assert len(mine) == 50 and all(p["token"].startswith("VNP1:") for p in mine)

    # An independent decoder reads the printed QR code back to the very string.
    first = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    tmp = pathlib.Path(tempfile.mkdtemp())
    (tmp / "qr.svg").write_text(first)
    subprocess.run(["rsvg-convert", "-w", "600", "-o", str(tmp / "qr.png"), str(tmp / "qr.svg")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp / "qr.png")], capture_output=True, text=True, check=True).stdout.strip()
    assert decoded in {p["token"] for p in mine}

    # pycose, given only the published JWKS, agrees.
    status, jwks = api("GET", "/api/v1/permits/trust-list")
    ok, claims = pycose_verifies(decoded, jwks)
    assert ok and claims[-65537]["idNumber"].startswith("*******")
    (tmp / "jwks.json").write_text(json.dumps(jwks))

    # The phone page: valid, then tampered.
    browser.get(BASE + "/verify")
    browser.find_element(By.ID, "token").send_keys(decoded)
    browser.find_element(By.CSS_SELECTOR, "#verify-form button[type=submit]").click()
    verdict = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "verdict"))).text
    assert "Giấy hợp lệ" in verdict, verdict
    check_page(browser, "32-verify-valid")
    chars = list(decoded)
    chars[len(chars) // 2] = "A" if chars[len(chars) // 2] != "A" else "B"
    browser.get(BASE + "/verify")
    browser.find_element(By.ID, "token").send_keys("".join(chars))
    browser.find_element(By.CSS_SELECTOR, "#verify-form button[type=submit]").click()
    reason = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "verdict-reason"))).text
    assert "Chữ ký không hợp lệ" in reason or "không đúng định dạng" in reason, reason
    check_page(browser, "33-verify-tampered")

    # The offline command: valid; expired at a later time; unknown key; revoked.
    code, out = cli_verify(decoded, "--trust-list", str(tmp / "jwks.json"))
    assert code == 0 and "VALID" in out, out
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out = cli_verify(decoded, "--trust-list", str(tmp / "jwks.json"), "--at", later)
    assert code == 1 and "expired" in out, out
    code, out = cli_verify(VECTOR, "--trust-list", str(tmp / "jwks.json"))
    assert code == 1 and "unknown_key" in out, out
    victim = next(p for p in mine if p["token"] == decoded)
    status, body = api("POST", f"/api/v1/permits/{victim['id']}/revoke", head, {"reason": "Thay đổi nhiệm vụ"})
    assert status == 200, body
    with urllib_get("/api/v1/permits/revocations") as raw:
        (tmp / "revoked.json").write_bytes(raw)
    code, out = cli_verify(decoded, "--trust-list", str(tmp / "jwks.json"), "--revocations", str(tmp / "revoked.json"))
    assert code == 1 and "revoked" in out, out
    code, out = cli_verify(decoded, "--trust-list", str(tmp / "missing.json"))
    assert code == 2, out
    browser.get(BASE + "/verify")
    browser.find_element(By.ID, "token").send_keys(decoded)
    browser.find_element(By.CSS_SELECTOR, "#verify-form button[type=submit]").click()
    assert "bị thu hồi" in WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "verdict-reason"))).text


class urllib_get:
    def __init__(self, path):
        import urllib.request
        self.res = urllib.request.urlopen(BASE + path)

    def __enter__(self):
        return self.res.read()

    def __exit__(self, *a):
        self.res.close()
