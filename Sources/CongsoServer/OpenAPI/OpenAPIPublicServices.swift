import CongsoCore
import Vapor

/// The citizens' part of the OpenAPI document: the procedure catalogue, applying and the
/// lookup without an account, the one-stop desk, the public figures and the working-day calendar.
extension OpenAPIDocument {
    static func publicServicePaths() -> JSON {
        let errors = workErrors
        let publicErrors = ["400", "404", "413", "422", "429"]
        let codeParam: JSON = ["name": "code", "in": "path", "required": true, "description": "Mã hồ sơ, e.g. 7K3M9-QX2AB (case, spaces and the dash do not matter)",
                               "schema": ["type": "string"]]
        let dayParam: JSON = ["name": "day", "in": "path", "required": true, "schema": str(["format": "date"])]
        let fileParam: JSON = ["name": "file", "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
        func multipart(_ summary: String, tag: String, params: [JSON] = [], fields: [String: JSON], required: [String], ok: String, schema: JSON,
                       errors: [String], secured: Bool) -> JSON {
            var props = fields
            for i in 0..<4 { props["paper\(i)"] = str(["format": "binary", "description": "The procedure's paper number \(i) (and so on for further papers): PDF, DOCX, PNG or JPEG by content, at most 20 MB"]) }
            var o: JSON = ["summary": summary, "tags": [tag], "parameters": params,
                           "requestBody": ["required": true, "content": ["multipart/form-data": ["schema": object(props, required: required)]]],
                           "responses": responses(ok, schema, errors: errors)]
            if !secured { o["security"] = [JSON]() }
            return o
        }
        let applicant: [String: JSON] = ["procedureId": uuid, "name": str(), "phone": str(), "email": str(), "address": str(),
                                         "wantsPost": str(["enum": ["true", "false", "on"]]), "note": str()]
        return [
            "/api/v1/public/procedures": ["get": op("The procedure catalogue, searchable without accents (no sign-in)", tag: "public-services",
                                                    params: paging + [query("q", "Words of the name, with or without accents"),
                                                                      query("org", "Keep to this agency's subtree (code)")],
                                                    schema: list("Procedure"), errors: ["400", "404"], secured: false)],
            "/api/v1/public/procedures/{id}": ["get": op("One active procedure (no sign-in)", tag: "public-services", params: [idParam],
                                                         schema: ref("Procedure"), errors: ["404"], secured: false)],
            "/api/v1/public/applications": ["post": multipart(
                "Apply online without an account: every paper that may be sent as a scan must be. Answers the dossier code; rate-limited per address",
                tag: "public-services", fields: applicant, required: ["procedureId", "name", "phone"], ok: "201",
                schema: object(["code": str(), "status": str(["enum": ApplicationStatus.allCases.map(\.rawValue)]),
                                "submittedAt": str(["format": "date-time"]), "dueAt": nullable(str(["format": "date-time"]))]),
                errors: publicErrors, secured: false)],
            "/api/v1/public/applications/{code}": ["get": op(
                "A dossier's status and dates by its code. With the phone given when applying, also the name, reasons and postal number; wrong phones are limited per code",
                tag: "public-services", params: [codeParam, query("phone", "The applicant's phone number")], schema: ref("PublicStatus"),
                errors: ["404", "429"], secured: false)],
            "/api/v1/public/applications/{code}/complete": ["post": multipart(
                "The citizen sends what the desk asked for (code and phone needed); the dossier goes back to the desk",
                tag: "public-services", params: [codeParam], fields: ["phone": str(), "note": str()], required: ["phone"], ok: "200",
                schema: ref("PublicStatus"), errors: ["409"] + publicErrors, secured: false)],
            "/api/v1/public/figures": ["get": op(
                "Decision 766/QĐ-TTg figures for an agency and each unit below it, rolled up: on-time rate, average working days, share of procedures online, share of dossiers received online (no sign-in)",
                tag: "public-services", params: [query("org", "Agency code (default: the top of the tree)"), query("year", "Default: this year", ["type": "integer"])],
                schema: ref("ServiceFigures"), errors: ["400", "404", "422"], secured: false)],
            "/api/v1/procedures": ["post": op("Add a procedure to an agency's catalogue", tag: "public-services", body: "ProcedureWrite", ok: "201",
                                              schema: ref("Procedure"), errors: errors)],
            "/api/v1/procedures/{id}": ["put": op("Change a procedure", tag: "public-services", params: [idParam], body: "ProcedureWrite",
                                                  schema: ref("Procedure"), errors: errors)],
            "/api/v1/procedures/import": ["post": [
                "summary": "Import an agency's catalogue from CSV (columns code,name,processing,fee,online_level,by_post,papers); all rows or none; an existing code is updated",
                "tags": ["public-services"], "parameters": [query("org", "The agency (code)")],
                "requestBody": ["required": true, "content": ["text/csv": ["schema": ["type": "string"]], "text/plain": ["schema": ["type": "string"]]]],
                "responses": responses("200", object(["created": ["type": "integer"], "updated": ["type": "integer"]]), errors: errors),
            ] as JSON],
            "/api/v1/applications": [
                "get": op("Dossiers of my subtree (or assigned to me) by list", tag: "public-services",
                          params: paging + [query("org", "Keep to this org's subtree (id or code)"),
                                            query("status", "The desk's list", str(["enum": ApplicationList.Tab.allCases.map(\.rawValue)]))],
                          schema: list("Application"), errors: ["400", "401", "403", "404"]),
                "post": multipart("The desk takes a dossier in person or by post: received at once, with its promised date", tag: "public-services",
                                  fields: applicant.merging(["channel": str(["enum": ["desk", "post"]])]) { a, _ in a }, required: ["procedureId", "name", "phone"],
                                  ok: "201", schema: ref("Application"), errors: errors + ["413"], secured: true),
            ],
            "/api/v1/applications/{id}": ["get": op("One dossier with its files and steps", tag: "public-services", params: [idParam], schema: ref("Application"))],
            "/api/v1/applications/{id}/steps": ["post": op(
                "The desk's next step: receive, request_completion (reason), refuse (reason), assign (assigneeStaffId), suspend (reason; the clock stops), resume (the time left counts from now), approve, return (returnMethod; post needs postalTracking)",
                tag: "public-services", params: [idParam], body: "ApplicationStep", schema: ref("Application"), errors: errors)],
            "/api/v1/applications/{id}/apology": ["post": op(
                "Phiếu xin lỗi: the reason for the delay and a new promised date (a later working day); the citizen sees it in the lookup",
                tag: "public-services", params: [idParam], body: "ApplicationApology", schema: ref("Application"), errors: errors)],
            "/api/v1/applications/{id}/files/{file}": ["get": [
                "summary": "Download a paper of a dossier", "tags": ["public-services"], "parameters": [idParam, fileParam],
                "responses": ["200": ["description": "The file"], "401": ["description": "Not signed in"], "404": ["description": "Not found"]] as JSON,
            ] as JSON],
            "/api/v1/working-days": ["get": op("A year's holidays (Labor Code 2019 art. 112, Tết and Hùng Kings' day by the lunar calendar), days in lieu (art. 111) and admins' adjustments",
                                               tag: "working-days", params: [query("year", "Default: this year", ["type": "integer"])],
                                               schema: ["type": "array", "items": ref("WorkingDay")], errors: ["400", "401", "422"])],
            "/api/v1/working-days/{day}": [
                "put": op("Adjust a day (admins): day_off (the Tết break, a bridge day) or workday (a day worked back)", tag: "working-days",
                          params: [dayParam], body: "WorkingDayWrite", schema: ref("WorkingDay"), errors: ["400", "401", "403", "422"]),
                "delete": op("Remove a day's adjustment (admins)", tag: "working-days", params: [dayParam], ok: "204", schema: nil,
                             errors: ["401", "403", "404", "422"]),
            ],
        ]
    }

    static func publicServiceSchemas() -> JSON {
        let integer: JSON = ["type": "integer"], time = str(["format": "date-time"]), number: JSON = ["type": "number"]
        let status = str(["enum": ApplicationStatus.allCases.map(\.rawValue)])
        let step = object(["kind": str(["enum": ApplicationEvent.Kind.allCases.map(\.rawValue)]), "status": status, "at": time,
                           "dueAt": nullable(time), "note": nullable(str())])
        let paper = object(["name": str(), "scan": ["type": "boolean"]], required: ["name", "scan"])
        let part = object(["org": uuid, "code": str(), "name": str(), "handled": integer, "finishedOnTime": integer, "finishedLate": integer,
                           "openWithinTime": integer, "openLate": integer, "onTimeRate": nullable(number), "averageWorkingDays": nullable(number),
                           "procedures": integer, "onlineProcedureShare": nullable(number), "onlineReceiptShare": nullable(number)])
        return [
            "Procedure": object(["id": uuid, "org": str(), "orgName": str(), "code": str(), "name": str(),
                                 "processing": str(["description": "Working days (15d) or working hours (8h)"]), "fee": integer,
                                 "onlineLevel": str(["enum": OnlineLevel.allCases.map(\.rawValue)]), "oldLevel": nullable(integer), "byPost": ["type": "boolean"],
                                 "papers": ["type": "array", "items": paper], "active": ["type": "boolean"]]),
            "ProcedureWrite": object(["org": str(), "code": str(), "name": str(), "processing": str(), "fee": integer,
                                      "onlineLevel": str(["enum": OnlineLevel.allCases.map(\.rawValue)]), "byPost": ["type": "boolean"],
                                      "papers": ["type": "array", "items": paper], "active": ["type": "boolean"]], required: ["code", "name", "processing"]),
            "PublicStatus": object(["code": str(), "procedure": str(), "agency": str(), "status": status, "submittedAt": time, "receivedAt": nullable(time),
                                    "dueAt": nullable(time), "finishedAt": nullable(time), "returnedAt": nullable(time),
                                    "returnMethod": nullable(str(["enum": ReturnMethod.allCases.map(\.rawValue)])), "late": ["type": "boolean"],
                                    "verified": ["type": "boolean"], "applicantName": nullable(str()), "reason": nullable(str()),
                                    "postalTracking": nullable(str()), "steps": ["type": "array", "items": step]]),
            "Application": object(["id": uuid, "code": str(), "procedure": nullable(ref("Procedure")), "channel": str(["enum": ApplicationChannel.allCases.map(\.rawValue)]),
                                   "status": status, "applicantName": str(), "applicantPhone": str(), "applicantEmail": str(), "applicantAddress": str(),
                                   "wantsPost": ["type": "boolean"], "note": str(), "submittedAt": time, "receivedAt": nullable(time), "dueAt": nullable(time),
                                   "firstDueAt": nullable(time), "remaining": nullable(str()), "finishedAt": nullable(time), "returnedAt": nullable(time),
                                   "returnMethod": nullable(str(["enum": ReturnMethod.allCases.map(\.rawValue)])), "postalTracking": nullable(str()),
                                   "assigneeStaffId": nullable(uuid), "reason": str(), "late": ["type": "boolean"],
                                   "files": nullable(["type": "array", "items": object(["id": uuid, "paper": integer, "name": str(), "size": integer])]),
                                   "steps": nullable(["type": "array", "items": step])]),
            "ApplicationStep": object(["action": str(["enum": ApplicationStatus.Action.allCases.filter { $0 != .complete }.map(\.rawValue)]), "reason": str(),
                                       "assigneeStaffId": uuid, "returnMethod": str(["enum": ReturnMethod.allCases.map(\.rawValue)]), "postalTracking": str()],
                                      required: ["action"]),
            "ApplicationApology": object(["reason": str(), "newDue": str(["format": "date"])], required: ["reason", "newDue"]),
            "ServiceFigures": object(["year": integer, "total": part, "children": ["type": "array", "items": part]]),
            "WorkingDay": object(["date": str(["format": "date"]), "kind": str(["enum": ["holiday", "in_lieu", "day_off", "workday"]]),
                                  "holiday": nullable(str(["enum": WorkingCalendar.Holiday.allCases.map(\.rawValue)])), "note": nullable(str()),
                                  "adjusted": ["type": "boolean"]]),
            "WorkingDayWrite": object(["kind": str(["enum": WorkingCalendar.Adjustment.allCases.map(\.rawValue)]), "note": str()], required: ["kind", "note"]),
        ]
    }
}
