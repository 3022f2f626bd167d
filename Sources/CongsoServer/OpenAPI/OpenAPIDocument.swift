import CongsoCore
import Vapor

/// The OpenAPI 3.1 description of every /api/v1 route, built as plain data. A test
/// compares it with the router so that no route goes undocumented.
enum OpenAPIDocument {
    typealias JSON = [String: Any]

    static func ref(_ name: String) -> JSON { ["$ref": "#/components/schemas/\(name)"] }
    static func str(_ extra: JSON = [:]) -> JSON { ["type": "string"].merging(extra) { $1 } }
    static var uuid: JSON { ["type": "string", "format": "uuid"] }
    static func nullable(_ s: JSON) -> JSON { ["oneOf": [s, ["type": "null"]]] }
    static func object(_ props: [String: JSON], required: [String] = []) -> JSON {
        var o: JSON = ["type": "object", "properties": props]
        if !required.isEmpty { o["required"] = required }
        return o
    }
    static func list(_ item: String) -> JSON {
        object(["items": ["type": "array", "items": ref(item)], "total": ["type": "integer"],
                "page": ["type": "integer"], "per": ["type": "integer"]], required: ["items", "total", "page", "per"])
    }

    static func sourced(_ value: JSON) -> JSON { object(["value": value, "source": ref("Source")], required: ["value", "source"]) }

    static func query(_ name: String, _ description: String, _ schema: JSON = ["type": "string"]) -> JSON {
        ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
    }
    static var idParam: JSON { ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]] }
    static var paging: [JSON] { [
        query("page", "Page number, from 1", ["type": "integer", "minimum": 1]),
        query("per", "Items per page (1–200, default 25)", ["type": "integer", "minimum": 1, "maximum": 200]),
    ] }
    static var listParams: [JSON] { paging + [
        query("q", "Search, insensitive to case and Vietnamese diacritics"),
        query("org", "Keep to this org's subtree (id or code)"),
    ] }

    static func responses(_ okStatus: String, _ schema: JSON?, errors: [String]) -> JSON {
        var r: JSON = [:]
        if let schema {
            r[okStatus] = ["description": "Success", "content": ["application/json": ["schema": schema]]]
        } else {
            r[okStatus] = ["description": "Success"]
        }
        for e in errors {
            r[e] = ["description": errorDescriptions[e] ?? "Error", "content": ["application/json": ["schema": ref("Error")]]]
        }
        return r
    }
    static let errorDescriptions = [
        "400": "Malformed request", "401": "Not signed in", "403": "Not allowed", "404": "Not found or outside your subtree",
        "409": "Conflicts with existing data", "413": "Body too large", "415": "The body is not of a type this operation reads",
        "422": "Invalid data", "429": "Too many attempts; try again later",
        "502": "The video engine could not be reached or refused the call",
    ]

    /// The answers every operation can give whatever its own errors, added where a path's
    /// entry does not list them: 401 (credentials sent and not valid — public routes too),
    /// 400 and 422 wherever a parameter or body is read, 413 and 415 wherever a body is.
    static func completed(_ paths: JSON) -> JSON {
        var out = paths
        for (path, entry) in paths {
            guard var methods = entry as? JSON else { continue }
            for (method, value) in methods {
                guard var operation = value as? JSON, var answers = operation["responses"] as? JSON else { continue }
                var common = ["401"]
                let hasBody = operation["requestBody"] != nil
                if hasBody || !((operation["parameters"] as? [JSON]) ?? []).isEmpty { common += ["400", "422"] }
                if hasBody { common += ["413", "415"] }
                for code in common where answers[code] == nil {
                    answers[code] = responses("200", nil, errors: [code])[code]
                }
                operation["responses"] = answers
                methods[method] = operation
            }
            out[path] = methods
        }
        return out
    }

    static func op(_ summary: String, tag: String, params: [JSON] = [], body: String? = nil, ok: String = "200",
                   schema: JSON?, errors: [String] = ["400", "401", "403", "404"], secured: Bool = true) -> JSON {
        var o: JSON = ["summary": summary, "tags": [tag], "parameters": params, "responses": responses(ok, schema, errors: errors)]
        if let body {
            o["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
        }
        if !secured { o["security"] = [JSON]() }
        return o
    }

    static func build() -> JSON {
        let writeErrors = ["400", "401", "403", "404", "409", "422"]
        let corePaths: JSON = [
            "/api/v1/auth/token": ["post": op("Exchange e-mail and password for a personal API token", tag: "auth", body: "TokenRequest", ok: "201",
                                               schema: ref("TokenResponse"), errors: ["400", "401", "429"], secured: false)],
            "/api/v1/me": ["get": op("The signed-in user", tag: "auth", schema: ref("Me"), errors: ["401"])],
            "/api/v1/tokens": ["get": op("My API tokens", tag: "auth", schema: list("Token"), errors: ["401"])],
            "/api/v1/tokens/{id}": ["delete": op("Revoke one of my tokens", tag: "auth", params: [idParam], ok: "204", schema: nil, errors: ["401", "404"])],
            "/api/v1/orgs": [
                "get": op("List orgs in my subtree", tag: "orgs",
                          params: listParams + [query("kind", "Only this kind", ["type": "string", "enum": OrgKind.allCases.map(\.rawValue)])],
                          schema: list("Org")),
                "post": op("Create an org under a parent", tag: "orgs", body: "OrgWrite", ok: "201", schema: ref("Org"), errors: writeErrors),
            ],
            "/api/v1/orgs/{id}": [
                "get": op("One org (id or code)", tag: "orgs", params: [idParam], schema: ref("Org")),
                "patch": op("Rename, set head/contact, or move (parentId) an org", tag: "orgs", params: [idParam], body: "OrgWrite",
                            schema: ref("Org"), errors: writeErrors),
            ],
            "/api/v1/orgs/{id}/children": ["get": op("Direct children of an org", tag: "orgs", params: [idParam], schema: list("Org"))],
            "/api/v1/staff": [
                "get": op("List staff in my subtree", tag: "staff",
                          params: listParams + [query("status", "Only this status", ["type": "string", "enum": StaffStatus.allCases.map(\.rawValue)])],
                          schema: list("Staff")),
                "post": op("Create a staff record", tag: "staff", body: "StaffWrite", ok: "201", schema: ref("Staff"), errors: writeErrors),
            ],
            "/api/v1/staff/import": [
                "post": ["summary": "Import staff from CSV (the body; columns as in the README). Nothing is written if a row is bad, unless skipInvalid=true.",
                         "tags": ["staff"], "parameters": [query("skipInvalid", "Import the good rows and report the bad ones", ["type": "boolean"])],
                         "requestBody": ["required": true, "content": ["text/csv": ["schema": ["type": "string"]]]],
                         "responses": responses("200", ref("ImportReport"), errors: ["401", "403"])
                            .merging(["422": ["description": "Nothing imported: the report lists the bad rows (or the error says why)",
                                              "content": ["application/json": ["schema": ref("ImportReport")]]]]) { $1 }] as JSON,
            ],
            "/api/v1/staff/{id}": [
                "get": op("One staff record", tag: "staff", params: [idParam], schema: ref("Staff")),
                "patch": op("Edit or move (orgId) a staff record", tag: "staff", params: [idParam], body: "StaffWrite",
                            schema: ref("Staff"), errors: writeErrors),
            ],
            "/api/v1/users": [
                "get": op("List users in my subtree", tag: "users", params: listParams, schema: list("User")),
                "post": op("Create a user", tag: "users", body: "UserWrite", ok: "201", schema: ref("User"), errors: writeErrors),
            ],
            "/api/v1/users/{id}": [
                "get": op("One user", tag: "users", params: [idParam], schema: ref("User")),
                "patch": op("Change a user's role, scope, password or activity", tag: "users", params: [idParam], body: "UserWrite",
                            schema: ref("User"), errors: writeErrors),
            ],
            "/api/v1/lockouts": ["get": op("Sign-in locks in force that I may lift (accounts I manage; addresses for administrators)", tag: "users",
                                           schema: list("Lockout"), errors: ["401", "403"])],
            "/api/v1/lockouts/lift": ["post": op("Lift a sign-in lock and forget its failures", tag: "users", body: "LockoutLift", ok: "204",
                                                 schema: nil, errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/directives": [
                "get": op("Directives that cover or lie inside my subtree", tag: "directives", params: listParams, schema: list("Directive")),
                "post": op("Create a directive (admin, steering)", tag: "directives", body: "DirectiveWrite", ok: "201", schema: ref("Directive"), errors: writeErrors),
            ],
            "/api/v1/directives/{id}": [
                "get": op("One directive", tag: "directives", params: [idParam], schema: ref("Directive")),
                "patch": op("Edit a directive; the earlier version is kept", tag: "directives", params: [idParam], body: "DirectiveWrite",
                            schema: ref("Directive"), errors: writeErrors),
            ],
            "/api/v1/directives/{id}/versions": ["get": op("Every version of a directive, newest first", tag: "directives", params: [idParam], schema: list("DirectiveVersion"))],
            "/api/v1/policy": ["get": op("The rules in force over an org on a day, each with its source, and the on-site cap", tag: "directives",
                                         params: [query("org", "Org id or code (required)"), query("date", "yyyy-MM-dd, default today in Hanoi", ["type": "string", "format": "date"])],
                                         schema: ref("Policy"), errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/onsite-requests": [
                "get": op("On-site requests in my subtree (or mine=true: my own)", tag: "onsite",
                          params: paging + [query("org", "Keep to this org's subtree"), query("date", "yyyy-MM-dd"),
                                            query("status", "pending, approved or rejected"), query("mine", "true: only my own requests", ["type": "boolean"])],
                          schema: list("OnSiteRequest"), errors: ["400", "401", "403", "404", "422"]),
                "post": op("Ask to work on site for a day and shift", tag: "onsite", body: "OnSiteWrite", ok: "201", schema: ref("OnSiteRequest"), errors: writeErrors),
            ],
            "/api/v1/onsite-requests/{id}": ["get": op("One on-site request", tag: "onsite", params: [idParam], schema: ref("OnSiteRequest"))],
            "/api/v1/onsite-requests/{id}/approve": ["post": op("Approve; refused with the reason when it would break the cap or the test rule", tag: "onsite",
                                                                params: [idParam], body: "Decision", schema: ref("OnSiteRequest"), errors: writeErrors)],
            "/api/v1/onsite-requests/{id}/reject": ["post": op("Reject with a comment", tag: "onsite", params: [idParam], body: "Decision",
                                                               schema: ref("OnSiteRequest"), errors: writeErrors)],
            "/api/v1/presence": ["get": op("Who is checked in per unit and shift on a day", tag: "presence",
                                           params: [query("org", "Keep to this org's subtree"), query("date", "yyyy-MM-dd")], schema: list("PresenceUnit"),
                                           errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/presence/breaches": ["get": op("Breaches in the subtree: on site without approval, over the cap, without a valid test", tag: "presence",
                                                    params: [query("org", "Keep to this org's subtree"), query("date", "yyyy-MM-dd")], schema: list("Breach"),
                                                    errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/presence/check-in": ["post": op("Check in at the office (myself, or staffId for a lead)", tag: "presence", body: "PresenceWrite", ok: "201",
                                                     schema: ref("Presence"), errors: writeErrors)],
            "/api/v1/presence/check-out": ["post": op("Check out", tag: "presence", body: "PresenceWrite", schema: ref("Presence"), errors: writeErrors)],
            "/api/v1/exceptions": [
                "get": op("Cap exceptions in my subtree", tag: "exceptions", params: paging + [query("status", "submitted, forwarded, approved, rejected")],
                          schema: list("Exception"), errors: ["400", "401", "403", "422"]),
                "post": op("A unit asks for a higher cap", tag: "exceptions", body: "ExceptionWrite", ok: "201", schema: ref("Exception"), errors: writeErrors),
            ],
            "/api/v1/exceptions/{id}": ["get": op("One exception", tag: "exceptions", params: [idParam], schema: ref("Exception"))],
            "/api/v1/exceptions/{id}/forward": ["post": op("Home Affairs adds its opinion and forwards to the steering committee", tag: "exceptions",
                                                           params: [idParam], body: "Forward", schema: ref("Exception"), errors: writeErrors)],
            "/api/v1/exceptions/{id}/decide": ["post": op("The steering committee approves or rejects", tag: "exceptions",
                                                          params: [idParam], body: "Decide", schema: ref("Exception"), errors: writeErrors)],
            "/api/v1/notifications": ["get": op("My notifications, newest first", tag: "notifications",
                                                params: paging + [query("unread", "true: unread only", ["type": "boolean"])], schema: list("Notification"), errors: ["400", "401"])],
            "/api/v1/notifications/{id}/read": ["post": op("Mark one notification read", tag: "notifications", params: [idParam], ok: "204", schema: nil, errors: ["401", "404"])],
            "/api/v1/notifications/read-all": ["post": op("Mark all my notifications read", tag: "notifications", ok: "204", schema: nil, errors: ["401"])],
            "/api/v1/permits": [
                "get": op("Travel permits in my subtree", tag: "permits", params: paging + [query("org", "Keep to this org's subtree"),
                          query("status", Permit.Status.allCases.map(\.rawValue).joined(separator: ", "))], schema: list("Permit"), errors: ["400", "401", "403", "404", "422"]),
                "post": op("List someone who must travel (one object), or many as {\"items\": [...]}", tag: "permits", body: "PermitWrite", ok: "201",
                           schema: ["oneOf": [ref("Permit"), list("Permit")]] as JSON, errors: writeErrors),
            ],
            "/api/v1/permits/approve": ["post": op("The head approves and issues many permits in one action", tag: "permits", body: "PermitIDs",
                                                   schema: list("Permit"), errors: writeErrors)],
            "/api/v1/permits/{id}": ["get": op("One permit, with its VNP1 string once issued", tag: "permits", params: [idParam], schema: ref("Permit"))],
            "/api/v1/permits/{id}/approve": ["post": op("Approve and issue one permit", tag: "permits", params: [idParam], schema: ref("Permit"), errors: writeErrors)],
            "/api/v1/permits/{id}/revoke": ["post": op("Revoke with a reason", tag: "permits", params: [idParam], body: "Revoke", schema: ref("Permit"), errors: writeErrors)],
            "/api/v1/permits/trust-list": ["get": op("The public keys that verify permits, as a JWKS (RFC 7517)", tag: "permits", schema: ref("JWKS"), errors: [], secured: false)],
            "/api/v1/permits/revocations": ["get": op("SHA-256 of revoked permit ids, signed (COSE_Sign1) with a trust-list key", tag: "permits",
                                                      schema: ref("Revocations"), errors: [], secured: false)],
            "/api/v1/permits/verify": ["post": op("Verify a VNP1 string as a checkpoint would", tag: "permits", body: "VerifyRequest",
                                                  schema: ref("VerifyResult"), errors: ["400"], secured: false)],
            "/api/v1/rosters/solve": ["post": op("Solve a roster problem in format v1 or v2 (docs/roster-format.md); at most 8 MB and 20,000 staff. 422 answers {\"infeasible\": [...]}",
                                                 tag: "rosters", body: "RosterProblem", schema: ref("RosterSolution"), errors: ["400", "401", "413", "422"])],
            "/api/v1/rosters": [
                "get": op("Rosters in my subtree, newest first", tag: "rosters", params: paging + [query("org", "Keep to this org's subtree (id or code)")],
                          schema: list("Roster")),
                "post": op("Generate a draft roster for an org (a unit or a whole agency) from the rules in force", tag: "rosters",
                           body: "RosterCreate", ok: "201", schema: ref("Roster"), errors: writeErrors),
            ],
            "/api/v1/rosters/{id}": ["get": op("One roster with its cells", tag: "rosters", params: [idParam], schema: ref("Roster"))],
            "/api/v1/rosters/{id}/publish": ["post": op("Publish; refused while a rule is broken. Notifies only staff whose shifts changed", tag: "rosters",
                                                        params: [idParam], schema: ref("RosterPublished"), errors: writeErrors)],
            "/api/v1/rosters/{id}/swap": ["post": op("Hand edit: in one shift, `out` leaves and `in` comes. 409 with the broken rule when refused",
                                                     tag: "rosters", params: [idParam], body: "RosterSwap", schema: ref("Roster"), errors: writeErrors)],
            "/api/v1/me/schedule": ["get": op("My on-site shifts (published rosters and approved requests) for the next two months", tag: "rosters",
                                              params: [query("from", "First day (yyyy-MM-dd), default today")], schema: ref("Schedule"),
                                              errors: ["400", "401", "422"])],
            "/api/v1/absences": [
                "get": op("Coming absences: a planner's subtree, or my own", tag: "rosters",
                          params: paging + [query("org", "Keep to this org's subtree (id or code)")], schema: list("Absence")),
                "post": op("Report an absence (mine, or a planner's for their staff); rosters generated later keep the person off those shifts",
                           tag: "rosters", body: "AbsenceWrite", ok: "201", schema: ref("Absence"), errors: writeErrors),
            ],
            "/api/v1/absences/{id}": ["delete": op("Remove an absence", tag: "rosters", params: [idParam], ok: "204", schema: nil,
                                                   errors: ["401", "403", "404"])],
            "/api/v1/audit": [
                "get": op("Audit log entries in my subtree, newest first", tag: "audit",
                          params: paging + [query("org", "Keep to this org's subtree (id or code)"),
                                            query("entity", "Only entries about this record id"), query("action", "Only this action, e.g. staff.update")],
                          schema: list("AuditEntry")),
            ],
        ]
        let person = object(["id": uuid, "fullName": str(), "position": str(), "phone": str(), "email": str()])
        let paths = corePaths.merging(workPaths()) { a, _ in a }.merging(meetingPaths()) { a, _ in a }.merging(documentPaths()) { a, _ in a }.merging(publicServicePaths()) { a, _ in a }.merging(healthPaths()) { a, _ in a }.merging(oversightPaths()) { a, _ in a }
        let coreSchemas: JSON = [
            "Error": object(["error": object(["code": str(), "message": str()], required: ["code", "message"])], required: ["error"]),
            "Lockout": object(["key": str(), "kind": str(["enum": ["account", "address"]]), "subject": str(), "failures": ["type": "integer"],
                               "lockedUntil": nullable(str(["format": "date-time"]))], required: ["key", "kind", "subject", "failures"]),
            "LockoutLift": object(["key": str(["description": "account:<e-mail> or address:<address>, as listed"])], required: ["key"]),
            "TokenRequest": object(["email": str(), "password": str(), "name": str()], required: ["email", "password"]),
            "TokenResponse": object(["token": str()], required: ["token"]),
            "Token": object(["id": uuid, "name": str(), "createdAt": nullable(str(["format": "date-time"])),
                             "lastUsedAt": nullable(str(["format": "date-time"]))]),
            "Me": object(["id": nullable(uuid), "email": str(), "displayName": str(), "role": str(), "orgId": nullable(uuid)]),
            "Person": person,
            "Org": object(["id": uuid, "code": str(), "name": str(), "kind": str(["enum": OrgKind.allCases.map(\.rawValue)]),
                           "parentId": nullable(uuid), "head": nullable(ref("Person")), "contact": nullable(ref("Person"))],
                          required: ["id", "code", "name", "kind"]),
            "OrgWrite": object(["code": str(), "name": str(), "kind": str(["enum": OrgKind.allCases.map(\.rawValue)]),
                                "parentId": uuid, "headStaffId": uuid, "contactStaffId": uuid]),
            "Staff": object(["id": uuid, "fullName": str(), "orgId": uuid, "orgCode": nullable(str()), "orgName": nullable(str()),
                             "position": str(), "phone": str(), "email": str(), "skills": ["type": "array", "items": str()],
                             "status": str(["enum": StaffStatus.allCases.map(\.rawValue)])],
                            required: ["id", "fullName", "orgId", "email", "status"]),
            "StaffWrite": object(["fullName": str(), "orgId": uuid, "position": str(), "phone": str(), "email": str(),
                                  "skills": ["type": "array", "items": str()], "status": str(["enum": StaffStatus.allCases.map(\.rawValue)])]),
            "ImportReport": object(["committed": ["type": "boolean"], "created": ["type": "integer"], "updated": ["type": "integer"],
                                    "errors": ["type": "array", "items": object(["line": ["type": "integer"], "reason": str()])],
                                    "error": object(["code": str(), "message": str()], required: ["code", "message"])]),
            "Source": object(["type": str(["enum": ["directive", "exception", "default"]]), "directiveId": nullable(uuid), "number": nullable(str()),
                              "title": nullable(str()), "exceptionId": nullable(uuid), "until": nullable(str())]),
            "Rules": object(["maxOnSiteShare": str(["description": "a share such as 1/2"]), "minOnDutyPerShift": ["type": "integer", "minimum": 1],
                             "allowedReasons": ["type": "array", "items": str(["enum": ExemptionReason.allCases.map(\.rawValue)])],
                             "negativeTestRequired": ["type": "boolean"], "testValidityHours": ["type": "integer"],
                             "meetingMaxInPerson": ["type": "integer"], "meetingSpacingMeters": ["type": "number"],
                             "leaveCityNeedsApproval": ["type": "boolean"], "healthDeclarationWithinHours": ["type": "integer"],
                             "monitoringDays": ["type": "integer"], "isolationDays": ["type": "integer"], "feverThreshold": ["type": "number"],
                             "declarationFields": ["type": "array", "items": str(["enum": DeclarationField.allCases.map(\.rawValue)])]]),
            "Directive": object(["id": uuid, "number": str(), "issuer": str(), "title": str(), "scopeOrgId": uuid, "effectiveFrom": str(["format": "date"]),
                                 "effectiveTo": nullable(str(["format": "date"])), "rules": ref("Rules"), "version": ["type": "integer"],
                                 "updatedAt": nullable(str(["format": "date-time"]))], required: ["id", "number", "rules", "version"]),
            "DirectiveWrite": object(["number": str(), "issuer": str(), "title": str(), "scopeOrg": str(), "effectiveFrom": str(["format": "date"]),
                                      "effectiveTo": str(), "rules": ref("Rules")]),
            "DirectiveVersion": object(["version": ["type": "integer"], "editedBy": str(), "editedAt": str(["format": "date-time"]),
                                        "snapshot": ["type": "object", "additionalProperties": str()]]),
            "Policy": object(["org": ref("Org"), "date": str(), "staffCount": ["type": "integer"], "cap": sourced(["type": "integer"]),
                              "maxOnSiteShare": nullable(sourced(str())), "minOnDuty": sourced(["type": "integer"]),
                              "allowedReasons": nullable(sourced(["type": "array", "items": str()])), "negativeTestRequired": nullable(sourced(["type": "boolean"])),
                              "testValidityHours": nullable(sourced(["type": "integer"])), "meetingMaxInPerson": nullable(sourced(["type": "integer"])),
                              "meetingSpacingMeters": nullable(sourced(["type": "number"])), "leaveCityNeedsApproval": nullable(sourced(["type": "boolean"])),
                              "healthDeclarationWithinHours": nullable(sourced(["type": "integer"])), "summary": str(),
                              "monitoringDays": nullable(sourced(["type": "integer"])), "isolationDays": nullable(sourced(["type": "integer"])),
                              "feverThreshold": nullable(sourced(["type": "number"])),
                              "declarationFields": nullable(sourced(["type": "array", "items": str()]))],
                             required: ["org", "date", "staffCount", "cap", "minOnDuty", "summary"]),
            "OnSiteRequest": object(["id": uuid, "staffId": uuid, "staffName": nullable(str()), "orgId": uuid, "date": str(), "shift": str(["enum": ["morning", "afternoon"]]),
                                     "reason": str(), "justification": str(), "test": nullable(object(["takenOn": str(), "kind": str(), "outcome": str()])),
                                     "status": str(["enum": ["pending", "approved", "rejected", "withdrawn"]]), "decidedBy": nullable(str()),
                                     "decidedAt": nullable(str(["format": "date-time"])), "decisionComment": str()]),
            "OnSiteWrite": object(["staffId": uuid, "date": str(["format": "date"]), "shift": str(["enum": ["morning", "afternoon"]]),
                                   "reason": str(["enum": ExemptionReason.allCases.map(\.rawValue)]), "justification": str(),
                                   "test": object(["takenOn": str(["format": "date"]), "kind": str(["enum": ["pcr", "rapidAntigen"]]),
                                                   "result": str(["enum": ["negative", "positive"]])])], required: ["date", "shift", "reason"]),
            "Decision": object(["comment": str()]),
            "Presence": object(["id": uuid, "staffId": uuid, "staffName": nullable(str()), "orgId": uuid, "date": str(), "shift": str(),
                                "checkedInAt": str(["format": "date-time"]), "checkedOutAt": nullable(str(["format": "date-time"]))]),
            "PresenceWrite": object(["staffId": uuid, "shift": str(["enum": ["morning", "afternoon"]])]),
            "PresenceUnit": object(["org": ref("Org"), "shift": str(), "present": ["type": "integer"], "onSiteNow": ["type": "integer"],
                                    "cap": ["type": "integer"], "people": ["type": "array", "items": ref("Presence")]]),
            "Breach": object(["kind": str(["enum": ["noApproval", "overCap", "noValidTest"]]), "orgId": uuid, "orgName": str(), "date": str(),
                              "shift": str(), "staffId": nullable(uuid), "staffName": nullable(str()), "count": ["type": "integer"], "cap": ["type": "integer"]]),
            "Exception": object(["id": uuid, "orgId": uuid, "requestedMax": ["type": "integer"], "justification": str(), "validFrom": str(),
                                 "validUntil": str(), "status": str(["enum": ["submitted", "forwarded", "approved", "rejected"]]),
                                 "homeAffairsOpinion": str(), "forwardedBy": nullable(str()), "decidedBy": nullable(str()), "decisionComment": str()]),
            "ExceptionWrite": object(["org": str(), "requestedMax": ["type": "integer"], "justification": str(),
                                      "validFrom": str(["format": "date"]), "validUntil": str(["format": "date"])],
                                     required: ["requestedMax", "justification", "validFrom", "validUntil"]),
            "Forward": object(["opinion": str()], required: ["opinion"]),
            "Decide": object(["approve": ["type": "boolean"], "comment": str()], required: ["approve"]),
            "Notification": object(["id": uuid, "kind": str(), "text": str(), "link": str(), "createdAt": nullable(str(["format": "date-time"])),
                                    "read": ["type": "boolean"]]),
            "Permit": object(["id": uuid, "number": str(), "staffId": uuid, "holderName": str(), "idNumber": str(), "purpose": str(), "from": str(),
                              "to": str(), "plate": str(), "validFrom": str(), "validUntil": str(), "status": str(["enum": Permit.Status.allCases.map(\.rawValue)]),
                              "token": nullable(str()), "kid": nullable(str()), "approvedBy": nullable(str()), "revokeReason": str()]),
            "PermitWrite": object(["staffId": uuid, "idNumber": str(), "purpose": str(), "from": str(), "to": str(), "plate": str(),
                                   "validFrom": str(["format": "date"]), "validUntil": str(["format": "date"]),
                                   "items": ["type": "array", "items": ["type": "object"]]]),
            "PermitIDs": object(["ids": ["type": "array", "items": uuid]], required: ["ids"]),
            "Revoke": object(["reason": str()], required: ["reason"]),
            "JWKS": object(["keys": ["type": "array", "items": object(["kty": str(), "crv": str(), "x": str(), "y": str(), "kid": str(), "alg": str()])]]),
            "Revocations": object(["issuedAt": str(["format": "date-time"]), "revoked": ["type": "array", "items": str()], "signed": str()]),
            "VerifyRequest": object(["token": str()], required: ["token"]),
            "VerifyResult": object(["valid": ["type": "boolean"], "reason": nullable(str()), "message": str(), "issuer": nullable(str()),
                                    "permit": nullable(["type": "object"]), "notBefore": nullable(str(["format": "date-time"])),
                                    "expires": nullable(str(["format": "date-time"]))]),
            "RosterProblem": object(["start": str(["format": "date"]), "days": ["type": "integer"], "shifts": ["type": "array", "items": str()],
                                     "maxConsecutiveOnSiteDays": ["type": "integer"], "units": ["type": "array", "items": ["type": "object"]],
                                     "staff": ["type": "array", "items": ["type": "object"]]], required: ["start", "days", "shifts", "units", "staff"]),
            "RosterSolution": object(["assignments": ["type": "array", "items": object(["staff": str(), "date": str(), "shift": str()])],
                                      "cohorts": ["type": "object", "additionalProperties": ["type": "integer"]],
                                      "units": ["type": "array", "items": object(["id": str(), "spread": ["type": "integer"]])],
                                      "stats": ["type": "object"]]),
            "RosterCreate": object(["org": str(), "start": str(["format": "date"]), "days": ["type": "integer", "minimum": 1, "maximum": 31],
                                    "cohorts": ["type": "integer", "minimum": 1, "maximum": 4], "maxConsecutiveOnSiteDays": ["type": "integer"],
                                    "requiredSkill": str()], required: ["org", "start"]),
            "RosterSwap": object(["date": str(["format": "date"]), "shift": str(["enum": ["morning", "afternoon"]]), "out": uuid, "in": uuid],
                                 required: ["date", "shift", "out", "in"]),
            "Roster": object(["id": uuid, "orgId": uuid, "start": str(["format": "date"]), "end": str(["format": "date"]), "days": ["type": "integer"],
                              "status": str(["enum": ["draft", "published"]]), "version": ["type": "integer"], "unpublishedChanges": ["type": "boolean"],
                              "units": ["type": "array", "items": object(["id": str(), "spread": ["type": "integer"], "optimal": ["type": "boolean"],
                                                                           "partial": ["type": "boolean"]])],
                              "infeasible": ["type": "array", "items": object(["unit": str(), "date": nullable(str()), "shift": nullable(str()), "reason": str()])],
                              "cohorts": ["type": "object", "additionalProperties": ["type": "integer"]],
                              "cells": ["type": "array", "items": object(["staffId": uuid, "unitId": uuid, "date": str(), "shift": str()])]]),
            "RosterPublished": object(["roster": ref("Roster"), "changedStaff": ["type": "integer"], "notified": ["type": "integer"]]),
            "Schedule": object(["items": ["type": "array", "items": object(["date": str(), "shift": str(), "unitId": uuid,
                                                                            "source": str(["enum": ["roster", "request"]])])]]),
            "Absence": object(["id": uuid, "staffId": uuid, "from": str(["format": "date"]), "to": str(["format": "date"]),
                               "shift": nullable(str(["enum": ["morning", "afternoon"]])), "reason": str(), "createdBy": str()]),
            "AbsenceWrite": object(["staffId": uuid, "from": str(["format": "date"]), "to": str(["format": "date"]),
                                    "shift": str(["enum": ["morning", "afternoon"]]), "reason": str()], required: ["from", "reason"]),
            "User": object(["id": uuid, "email": str(), "displayName": str(), "role": str(["enum": Role.allCases.map(\.rawValue)]),
                            "orgId": nullable(uuid), "staffId": nullable(uuid), "active": ["type": "boolean"],
                            "lastLoginAt": nullable(str(["format": "date-time"]))], required: ["id", "email", "role", "active"]),
            "UserWrite": object(["email": str(), "displayName": str(), "password": str(), "role": str(["enum": Role.allCases.map(\.rawValue)]),
                                 "org": str(), "staffId": uuid, "active": ["type": "boolean"]]),
            "AuditEntry": object(["id": uuid, "at": str(["format": "date-time"]), "actor": str(), "via": str(), "action": str(),
                                  "entityType": str(), "entityId": str(), "summary": str(),
                                  "before": nullable(["type": "object", "additionalProperties": str()]),
                                  "after": nullable(["type": "object", "additionalProperties": str()])]),
        ]
        let schemas = coreSchemas.merging(workSchemas()) { a, _ in a }.merging(meetingSchemas()) { a, _ in a }.merging(documentSchemas()) { a, _ in a }.merging(publicServiceSchemas()) { a, _ in a }.merging(healthSchemas()) { a, _ in a }.merging(oversightSchemas()) { a, _ in a }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Congso API", "version": "1.0.0",
                     "description": "Công sở số: the digital public office. Errors are {\"error\":{\"code\",\"message\"}}."],
            "servers": [["url": "/"]],
            "security": [["bearer": [String]()]],
            "paths": completed(paths),
            "components": ["schemas": schemas,
                           "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
    }

    static func json(for app: Application) -> Data {
        (try? JSONSerialization.data(withJSONObject: build(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
