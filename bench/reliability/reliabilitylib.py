"""What the reliability scripts share: writers that create uniquely titled tasks through the
API and remember what each request got, and the count that judges them."""
import dataclasses
import os
import signal
import subprocess
import datetime
import http.client
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid


def wait_up(base, seconds):
    for _ in range(int(seconds * 4)):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except Exception:
            time.sleep(0.25)
    raise SystemExit(f"{base} did not answer within {seconds} s")


def stop_cluster(cluster):
    """SIGTERM to deploy/local-cluster.sh (its servers drain, nginx quits); its whole process
    group is killed if it has not finished within 90 s."""
    cluster.send_signal(signal.SIGTERM)
    try:
        cluster.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()


@dataclasses.dataclass
class Outcome:
    title: str
    sent: float
    done: float
    status: int  # 0: no answer (refused, reset, timed out)
    error: str = ""


@dataclasses.dataclass
class Verdict:
    sent: int
    acknowledged: int
    refused: int
    lost: int
    doubled: int
    unacknowledged_landed: int
    problems: list

    def line(self):
        return (f"sent {self.sent:>6}  acknowledged {self.acknowledged:>6}  refused {self.refused:>5}  "
                f"lost {self.lost}  doubled {self.doubled}  landed without answer {self.unacknowledged_landed}")


class Writers:
    """`count` threads, each creating tasks one after another (a new title for every attempt:
    no retry can double a write) until stopped."""

    def __init__(self, base, token, staff, count, tag):
        self.url = urllib.parse.urlparse(base)
        self.token = token
        self.staff = staff
        self.count = count
        self.prefix = f"bench-{tag}-{uuid.uuid4().hex[:8]}"
        self.outcomes = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(count)]
        self.deadline = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(timeout=60)

    def run(self, n):
        conn = None
        i = 0
        while self.running:
            title = f"{self.prefix}-{n}-{i}"
            i += 1
            body = json.dumps({"title": title, "deadline": self.deadline, "assigneeStaffId": self.staff[i % len(self.staff)], "priority": "normal"})
            sent = time.time()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
                conn.request("POST", "/api/v1/tasks", body=body, headers={"Content-Type": "application/json", "Authorization": "Bearer " + self.token})
                res = conn.getresponse()
                res.read()
                outcome = Outcome(title, sent, time.time(), res.status)
                if res.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except Exception as e:  # refused, reset, closed while idle: no answer
                outcome = Outcome(title, sent, time.time(), 0, type(e).__name__)
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            with self.lock:
                self.outcomes.append(outcome)

    RACE = 0.05

    def judge(self, rows, signalled, back, graceful, outages=None):
        """`rows`: title → how many tasks carry it. `signalled`: when the server was stopped;
        `back`: when it answered again. A graceful stop finishes what was sent before it.
        `outages`, if given, lists every (start, end) during which errors are allowed instead."""
        problems = []
        acked = [o for o in self.outcomes if 200 <= o.status < 300]
        lost = [o for o in acked if rows.get(o.title, 0) == 0]
        doubled = [t for t, n in rows.items() if n > 1]
        landed = sum(1 for o in self.outcomes if not 200 <= o.status < 300 and rows.get(o.title, 0) > 0)
        for o in lost:
            problems.append(f"lost: {o.title} answered {o.status}")
        for t in doubled:
            problems.append(f"doubled: {t} × {rows[t]}")
        refused = [o for o in self.outcomes if not 200 <= o.status < 300]
        for o in refused:
            if outages is not None:
                if not any(o.done >= start and o.sent <= end for start, end in outages):
                    problems.append(f"error outside the outages: {o.title} {o.status or o.error} at {o.sent:.2f}")
                continue
            # A graceful stop answers everything sent before it; a kill may cut what was in flight.
            # One race is HTTP's own: a request written onto an idle keep-alive connection in
            # the same instant the stopping server closes it is reset unread (never stored,
            # never acknowledged). So a connection error — not an HTTP answer — on a request
            # sent at most RACE seconds before the signal belongs to the outage.
            race = self.RACE if o.status == 0 else 0
            earliest = signalled - race if graceful else signalled - 30
            if not (o.sent >= earliest and o.done >= signalled and o.sent <= back):
                problems.append(f"error outside the outage: {o.title} {o.status or o.error} sent {o.sent - signalled:+.2f} s from the signal")
        return Verdict(len(self.outcomes), len(acked), len(refused), len(lost), len(doubled), landed, problems)
