#!/usr/bin/env python3
"""The role × route matrix: every role, every operation of /openapi.json, three ways.

For every role the script makes a user scoped to one district (A) and, for each operation,
sends a request
  - with no credentials (every operation that is not public must refuse it),
  - aimed at a sibling district (B): its ids in the path, `org=B` in the query, B's org,
    units and staff in the body,
  - aimed at the user's own district (A), the same way.
Ids come from the administrator's own lists, filtered by `org=A` and `org=B`.

A leak is any answer that is not an error for a request without credentials, or any 2xx
answer, to a user scoped to A, that mentions an id of B's subtree (its orgs, staff, tasks,
documents …) — read or written. Public operations (`security: []`) are left out of the
content check: they publish every district's data on purpose. The script prints the matrix
(per role: requests, 2xx in own subtree, refusals, leaks) and exits 1 on any leak.
"""
import argparse
import datetime
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "congso2021"


def call(base, method, path, token=None, body=None, raw_body=None, content_type="application/json"):
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = content_type
    elif raw_body is not None:
        data = raw_body.encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def token_for(base, email, password=PASSWORD):
    status, text = call(base, "POST", "/api/v1/auth/token", body={"email": email, "password": password})
    if status != 201:
        sys.exit(f"cannot sign in {email}: {status} {text[:200]}")
    return json.loads(text)["token"]


def collection_of(path):
    """/api/v1/tasks/{id}/comments → /api/v1/tasks (the list whose ids fill {id})."""
    head = path.split("/{", 1)[0]
    return head if "{" in path else None


def ids_in(text):
    return set(re.findall(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", text))


class Matrix:
    def __init__(self, base, own, other):
        self.base = base
        self.spec = json.loads(call(base, "GET", "/openapi.json")[1])
        self.admin = token_for(base, "admin@congso.vn")
        self.today = datetime.date.today().isoformat()
        self.org = {}
        for code in (own, other):
            status, text = call(base, "GET", f"/api/v1/orgs/{code}", self.admin)
            if status != 200:
                sys.exit(f"no org {code}: {status}")
            self.org[code] = json.loads(text)
        self.own, self.other = own, other
        # Every id the administrator sees under each district, per list.
        self.ids = {own: {}, other: {}}
        self.subtree_ids = {own: set(), other: set()}
        for code in (own, other):
            self.subtree_ids[code].add(self.org[code]["id"].upper())
            page = 1
            while True:
                status, text = call(base, "GET", f"/api/v1/orgs?org={code}&per=200&page={page}", self.admin)
                items = json.loads(text)["items"] if status == 200 else []
                for o in items:
                    self.subtree_ids[code].add(o["id"].upper())
                if len(items) < 200:
                    break
                page += 1
        for path, ops in self.spec["paths"].items():
            get = ops.get("get")
            if "{" in path or not get or not any(p["name"] == "org" for p in get.get("parameters", [])):
                continue
            for code in (own, other):
                status, text = call(base, "GET", f"{path}?org={code}&per=50", self.admin)
                if status != 200:
                    continue
                items = json.loads(text).get("items") if text.startswith("{") else None
                if isinstance(items, list):
                    found = [str(i["id"]).upper() for i in items if isinstance(i, dict) and "id" in i]
                    self.ids[code][path] = found
                    self.subtree_ids[code].update(found)
        # Ids that belong to both (a city-wide directive listed under each) are not B's own.
        shared = self.subtree_ids[own] & self.subtree_ids[other]
        self.subtree_ids[other] -= shared
        staff = self.ids[other].get("/api/v1/staff", [])
        print(f"{other}: {len(self.subtree_ids[other])} ids in its subtree ({len(staff)} staff), "
              f"{sum(len(v) for v in self.ids[other].values())} from {len(self.ids[other])} lists", flush=True)

    def schema(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node or {}

    def value(self, name, node, code):
        """A plausible value for a body field, aimed at district `code`."""
        node = self.schema(node)
        if "oneOf" in node:
            node = self.schema(node["oneOf"][0])
        kind = node.get("type")
        lname = name.lower()
        org = self.org[code]
        if lname in ("org", "orgcode", "unit", "unitcode"):
            return org["code"]
        if lname in ("orgid", "unitid", "parentid"):
            return org["id"]
        if lname in ("staffid", "assigneestaffid", "in", "out", "personid"):
            staff = self.ids[code].get("/api/v1/staff") or [org["id"]]
            return staff[0]
        if "enum" in node:
            return node["enum"][0]
        fmt = node.get("format")
        if kind == "string":
            if fmt == "uuid":
                return org["id"]
            if fmt == "date":
                return self.today
            if fmt == "date-time":
                return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
            if "email" in lname:
                return f"matrix.{code.lower()}@congso.vn"
            return "Kiểm tra ma trận quyền"
        if kind == "integer" or kind == "number":
            return node.get("minimum", 1)
        if kind == "boolean":
            return True
        if kind == "array":
            item = self.value(name.rstrip("s"), node.get("items", {}), code)
            return [item] if lname.endswith("ids") or lname in ("staff", "invitees", "members") else []
        if kind == "object" or "properties" in node:
            return {k: self.value(k, v, code) for k, v in node.get("properties", {}).items()}
        return None

    def request(self, path, method, op, code):
        """The path, query and body of one call aimed at district `code`."""
        ids = self.ids[code].get(collection_of(path) or "", [])
        concrete = path
        for name in re.findall(r"\{(\w+)\}", path):
            if name == "id":
                if not ids:
                    return None
                concrete = concrete.replace("{id}", ids[0])
            elif name == "code":
                concrete = concrete.replace("{code}", self.org[code]["code"])
            elif name == "day":
                concrete = concrete.replace("{day}", self.today)
            else:
                return None
        query = {}
        for p in op.get("parameters", []):
            if p.get("in") == "query" and p["name"] == "org":
                query["org"] = self.org[code]["code"]
        body = None
        raw = None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = self.value("body", content["application/json"]["schema"], code)
        elif content:
            raw = "a,b\n"
        url = concrete + ("?" + urllib.parse.urlencode(query) if query else "")
        return url, body, raw, next(iter(content), "application/json")

    def leaks_in(self, text):
        return {i.upper() for i in ids_in(text)} & self.subtree_ids[self.other]

    verbose = False

    def run(self, roles, phases=("none", "other", "own")):
        rows = []
        total_leaks = []
        ops = [(path, method, op) for path, item in sorted(self.spec["paths"].items()) for method, op in sorted(item.items())]
        # Destructive own-subtree calls last, so every role meets the same data in the first two columns.
        for phase in phases:
            for role in roles:
                token = None if phase == "none" else role["token"]
                if phase == "none" and role is not roles[0]:
                    continue
                stats = {"calls": 0, "2xx": 0, "refused": 0, "leaks": 0}
                for path, method, op in ops:
                    public = op.get("security") == []
                    if path in ("/api/v1/auth/token",) or (path.startswith("/api/v1/tokens") and method == "delete"):
                        continue
                    target = self.other if phase in ("none", "other") else self.own
                    built = self.request(path, method.upper(), op, target)
                    if built is None:
                        continue
                    url, body, raw, ctype = built
                    status, text = call(self.base, method.upper(), url, token, body=body, raw_body=raw, content_type=ctype)
                    stats["calls"] += 1
                    ok = 200 <= status < 300
                    stats["2xx" if ok else "refused"] += 1
                    leak = None
                    if phase == "none" and ok and not public:
                        leak = "answered without credentials"
                    elif phase != "none" and ok and not public:
                        found = self.leaks_in(text)
                        if found:
                            leak = f"mentions {len(found)} id(s) of {self.other}: {sorted(found)[:2]}"
                    if self.verbose and ok and phase == "other":
                        print(f"    2xx {role['name']} {method.upper()} {url}", flush=True)
                    if leak:
                        stats["leaks"] += 1
                        total_leaks.append(f"{role['name'] if token else 'anonymous'} {method.upper()} {url} → {status}: {leak}")
                rows.append((phase, role["name"] if token else "anonymous", stats))
                print(f"  {phase:5} {rows[-1][1]:12} calls {stats['calls']:4}  2xx {stats['2xx']:4}  refused {stats['refused']:4}  leaks {stats['leaks']}", flush=True)
        return rows, total_leaks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8080")
    ap.add_argument("--own", default="Q03", help="The district every test user is scoped to")
    ap.add_argument("--other", default="Q08", help="A sibling district none of them may reach")
    ap.add_argument("--verbose", action="store_true", help="List the 2xx answers to requests aimed at the other district")
    args = ap.parse_args()
    m = Matrix(args.base, args.own, args.other)
    role_names = m.schema(m.spec["components"]["schemas"]["User"])["properties"]["role"]["enum"]
    roles = []
    stamp = datetime.datetime.now().strftime("%H%M%S")
    for name in role_names:
        if name == "admin":
            continue  # the whole city is an administrator's subtree: no "other" to test
        email = f"matrix.{name.lower()}.{stamp}@congso.vn"
        status, text = call(args.base, "POST", "/api/v1/users", m.admin,
                            body={"email": email, "password": PASSWORD, "role": name, "org": args.own, "displayName": f"Ma trận {name}"})
        if status != 201:
            sys.exit(f"cannot create a {name} in {args.own}: {status} {text[:200]}")
        roles.append({"name": name, "token": token_for(args.base, email)})
    print(f"The role × route matrix: {len(roles)} roles scoped to {args.own}, {sum(len(v) for v in m.spec['paths'].values())} operations, "
          f"against {args.other}:", flush=True)
    m.verbose = args.verbose
    rows, leaks = m.run(roles)
    # The check must be able to fail: the administrator may read the other district, so
    # the same requests from an administrator must show its ids.
    m.verbose = False
    _, seen = m.run([{"name": "admin", "token": m.admin}], phases=("other",))
    print(f"Sensitivity: the administrator's requests into {args.other} were seen as {len(seen)} reads or writes outside {args.own}")
    if not seen:
        print("The matrix saw nothing of the other district even for the administrator: it cannot detect a leak")
        sys.exit(1)
    own_ok = sum(s["2xx"] for phase, _, s in rows if phase == "own")
    print(f"\n{sum(s['calls'] for _, _, s in rows)} calls; {own_ok} answered 2xx in the roles' own subtree; "
          f"reads or writes outside the subtree: {len(leaks)}")
    for line in leaks:
        print("  LEAK", line)
    sys.exit(1 if leaks else 0)


if __name__ == "__main__":
    main()
