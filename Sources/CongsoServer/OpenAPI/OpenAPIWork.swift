import CongsoCore
import Vapor

/// The work-management part of the OpenAPI document (SPEC §5): tasks, weekly plans,
/// daily reports, check-ins and monthly ratings.
extension OpenAPIDocument {
    static var workErrors: [String] { ["400", "401", "403", "404", "409", "422"] }

    static func workPaths() -> JSON {
        let taskFilters: [JSON] = paging + [
            query("scope", "mine (assigned to me), unit (my unit's subtree, or org's), assigned (by me)", str(["enum": TaskList.Scope.allCases.map(\.rawValue)])),
            query("status", "Only this status", str(["enum": TaskStatus.allCases.map(\.rawValue)])),
            query("overdue", "Only open tasks past their deadline", ["type": "boolean"]),
            query("week", "Only tasks due this week (Monday–Sunday, Hanoi)", ["type": "boolean"]),
            query("q", "Search title and description, insensitive to Vietnamese diacritics"),
            query("sort", "Order", str(["enum": TaskList.Sort.allCases.map(\.rawValue)])),
            query("org", "Keep to this org's subtree (id or code)"),
        ]
        let fileParam: JSON = ["name": "file", "in": "path", "required": true, "schema": ["type": "string"]]
        return [
            "/api/v1/tasks": [
                "get": op("Tasks: mine, my unit's or those I assigned, filtered, sorted and paged", tag: "tasks", params: taskFilters, schema: list("Task")),
                "post": op("Assign a task to a person (assigneeStaffId) or to a unit (unit) whose lead dispatches it", tag: "tasks",
                           body: "TaskWrite", ok: "201", schema: ref("Task"), errors: workErrors),
            ],
            "/api/v1/tasks/export": ["get": [
                "summary": "The same list as CSV (all pages, at most 50,000 rows)", "tags": ["tasks"], "parameters": Array(taskFilters.dropFirst(2)),
                "responses": ["200": ["description": "CSV", "content": ["text/csv": ["schema": ["type": "string"]]]]] as JSON,
            ] as JSON],
            "/api/v1/tasks/{id}": ["get": op("One task with its history, watchers and attachments", tag: "tasks", params: [idParam], schema: ref("TaskDetail"))],
            "/api/v1/tasks/{id}/dispatch": ["post": op("Give a unit's task (or reassign any task) to a person of the unit", tag: "tasks",
                                                       params: [idParam], body: "TaskDispatch", schema: ref("Task"), errors: workErrors)],
            "/api/v1/tasks/{id}/progress": ["post": op("Report progress (percent), change status, or add a note", tag: "tasks",
                                                       params: [idParam], body: "TaskProgress", schema: ref("Task"), errors: workErrors)],
            "/api/v1/tasks/{id}/comments": ["post": op("Comment; @handle (the part of an e-mail before @) notifies that user", tag: "tasks",
                                                       params: [idParam], body: "TaskComment", ok: "201", schema: ref("TaskEvent"), errors: workErrors)],
            "/api/v1/tasks/{id}/watch": ["post": op("Watch the task (no body: myself; email: someone else, for whoever manages it)", tag: "tasks",
                                                    params: [idParam], body: "TaskWatch", ok: "204", schema: nil, errors: workErrors)],
            "/api/v1/tasks/{id}/unwatch": ["post": op("Stop watching (no body: myself)", tag: "tasks", params: [idParam], body: "TaskWatch",
                                                      ok: "204", schema: nil, errors: workErrors)],
            "/api/v1/tasks/{id}/attachments": ["post": [
                "summary": "Attach a file (multipart field `file`, at most 10 MB, types: \(TaskAttachments.allowedList))", "tags": ["tasks"],
                "parameters": [idParam],
                "requestBody": ["required": true, "content": ["multipart/form-data": ["schema": object(["file": str(["format": "binary"])], required: ["file"])]]],
                "responses": responses("201", ref("TaskAttachment"), errors: ["401", "403", "404", "413", "422"]),
            ] as JSON],
            "/api/v1/tasks/{id}/attachments/{file}": ["get": [
                "summary": "Download an attachment", "tags": ["tasks"], "parameters": [idParam, fileParam],
                "responses": ["200": ["description": "The file"], "404": ["description": "Not found"]] as JSON,
            ] as JSON],
            "/api/v1/reports": [
                "get": op("My reports, newest first", tag: "reports", params: paging, schema: list("DailyReport"), errors: ["400", "401"]),
                "post": op("Hand in a report for a window (default: the one open now) or an ad-hoc request; again edits it", tag: "reports",
                           body: "DailyReportWrite", ok: "201", schema: ref("DailyReport"), errors: workErrors),
            ],
            "/api/v1/reports/rates": ["get": op("Per window of a day: expected, received, on time and rate for an org and each child org (rolled up), and who has not reported",
                                                tag: "reports", params: [query("org", "Org id or code (default: mine)"), query("date", "yyyy-MM-dd (default: today in Hanoi)"),
                                                                         query("window", "Only this window, e.g. 07:00")],
                                                schema: ref("ReportRates"), errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/reports/schedule": [
                "get": op("The report windows that apply to an org (its own or inherited)", tag: "reports",
                          params: [query("org", "Org id or code (default: mine)")], schema: ref("ReportSchedule")),
                "put": op("Set an org's own windows, or inherit: true to use its parent's again", tag: "reports", body: "ReportScheduleWrite",
                          schema: ref("ReportSchedule"), errors: workErrors),
            ],
            "/api/v1/reports/requests": [
                "get": op("Ad-hoc report requests: a leader's subtree, or those reaching me", tag: "reports", params: paging, schema: list("ReportRequest")),
                "post": op("Ask an org's staff for an ad-hoc report by a deadline", tag: "reports", body: "ReportRequestWrite", ok: "201",
                           schema: ref("ReportRequest"), errors: workErrors),
            ],
            "/api/v1/reports/requests/{id}": ["get": op("Rates of one ad-hoc request", tag: "reports", params: [idParam], schema: ref("ReportRates"))],
            "/api/v1/ratings": [
                "get": op("Monthly rating proposals (record, score, proposed level) and confirmed levels for everyone under an org", tag: "ratings",
                          params: paging + [query("org", "Org id or code (default: mine)"), query("month", "yyyy-MM (default: this month)")],
                          schema: list("Rating"), errors: ["400", "401", "403", "404", "422"]),
                "post": op("The head confirms a person's level for a month; a level other than the proposal needs a justification", tag: "ratings",
                           body: "RatingConfirm", ok: "201", schema: ref("Rating"), errors: workErrors),
            ],
            "/api/v1/ratings/export": ["get": [
                "summary": "The month's ratings of everyone under an org as CSV", "tags": ["ratings"],
                "parameters": [query("org", "Org id or code (default: mine)"), query("month", "yyyy-MM (default: this month)")],
                "responses": ["200": ["description": "CSV", "content": ["text/csv": ["schema": ["type": "string"]]]]] as JSON,
            ] as JSON],
            "/api/v1/checkins": [
                "get": op("Check-ins sent in my subtree", tag: "checkins", params: paging, schema: list("CheckIn")),
                "post": op("Send a check-in to everyone available in an org; they confirm with one tap", tag: "checkins", body: "CheckInWrite",
                           ok: "201", schema: ref("CheckIn"), errors: workErrors),
            ],
            "/api/v1/checkins/{id}": ["get": op("Who was asked, who answered, and who has not (with phone numbers)", tag: "checkins",
                                                params: [idParam], schema: ref("CheckInStatus"))],
            "/api/v1/checkins/{id}/answer": ["post": op("I am reachable (one tap)", tag: "checkins", params: [idParam],
                                                        schema: object(["answeredAt": nullable(str(["format": "date-time"]))]))],
        ]
    }

    static func workSchemas() -> JSON {
        let dateTime = nullable(str(["format": "date-time"]))
        return [
            "Task": object(["id": uuid, "title": str(), "description": str(), "orgId": uuid, "orgName": nullable(str()),
                            "assigneeStaffId": nullable(uuid), "assigneeName": nullable(str()), "assigner": str(),
                            "deadline": str(["format": "date"]), "priority": str(["enum": TaskPriority.allCases.map(\.rawValue)]),
                            "status": str(["enum": TaskStatus.allCases.map(\.rawValue)]), "progress": ["type": "integer"],
                            "overdue": ["type": "boolean"], "doneAt": dateTime, "doneOnTime": nullable(["type": "boolean"]),
                            "createdAt": dateTime, "updatedAt": dateTime], required: ["id", "title", "orgId", "deadline", "status", "progress"]),
            "TaskWrite": object(["title": str(), "description": str(), "deadline": str(["format": "date"]),
                                 "priority": str(["enum": TaskPriority.allCases.map(\.rawValue)]), "assigneeStaffId": uuid,
                                 "unit": str(["description": "org id or code"]), "watchers": ["type": "array", "items": str(["format": "email"])]],
                                required: ["title", "deadline"]),
            "TaskDispatch": object(["staffId": uuid], required: ["staffId"]),
            "TaskProgress": object(["percent": ["type": "integer", "minimum": 0, "maximum": 100], "note": str(),
                                    "status": str(["enum": TaskStatus.allCases.map(\.rawValue)])]),
            "TaskComment": object(["text": str()], required: ["text"]),
            "TaskWatch": object(["email": str()]),
            "TaskEvent": object(["kind": str(), "actor": str(), "text": str(), "detail": str(), "at": dateTime]),
            "TaskAttachment": object(["id": uuid, "fileName": str(), "contentType": str(), "size": ["type": "integer"], "uploadedBy": str(), "url": str()]),
            "DailyReport": object(["id": uuid, "staffId": uuid, "date": str(["format": "date"]), "window": nullable(str()), "requestId": nullable(uuid),
                                   "done": str(), "next": str(), "blockers": str(), "location": str(["enum": ["onSite", "remote"]]),
                                   "submittedAt": str(["format": "date-time"]), "onTime": ["type": "boolean"]]),
            "DailyReportWrite": object(["date": str(["format": "date"]), "window": str(["description": "e.g. 07:00"]), "requestId": uuid,
                                        "done": str(), "next": str(), "blockers": str(), "location": str(["enum": ["onSite", "remote"]])],
                                       required: ["done"]),
            "ReportRates": object(["org": ref("OrgRef"), "date": str(["format": "date"]), "windows": ["type": "array", "items": ref("ReportWindowRate")]]),
            "OrgRef": object(["id": uuid, "code": str(), "name": str()]),
            "ReportWindowRate": object(["slot": str(), "title": nullable(str()), "opensAt": dateTime, "closesAt": dateTime,
                                        "expected": ["type": "integer"], "received": ["type": "integer"], "onTime": ["type": "integer"],
                                        "late": ["type": "integer"], "rate": ["type": "number"], "onTimeRate": ["type": "number"],
                                        "missing": ["type": "array", "items": object(["staffId": uuid, "name": str(), "unit": str()])],
                                        "missingTotal": ["type": "integer"],
                                        "children": ["type": "array", "items": object(["org": ref("OrgRef"), "expected": ["type": "integer"],
                                                                                       "received": ["type": "integer"], "onTime": ["type": "integer"],
                                                                                       "rate": ["type": "number"]])]]),
            "ReportSchedule": object(["orgId": uuid, "own": ["type": "boolean"], "times": ["type": "array", "items": str()],
                                      "minutes": ["type": "integer"], "days": ["type": "array", "items": ["type": "integer"]], "inheritedFrom": nullable(uuid)]),
            "ReportScheduleWrite": object(["org": str(), "times": str(["description": "07:00,11:00,17:00"]), "minutes": ["type": "integer"],
                                           "days": str(["description": "ISO weekdays, e.g. 1-5"]), "inherit": ["type": "boolean"]], required: ["org"]),
            "ReportRequest": object(["id": uuid, "orgId": uuid, "title": str(), "deadline": str(["format": "date-time"]), "createdBy": str(),
                                     "createdAt": dateTime]),
            "ReportRequestWrite": object(["org": str(), "title": str(), "deadline": str(["description": "ISO 8601, or yyyy-MM-ddTHH:mm in Hanoi time"])],
                                         required: ["org", "title", "deadline"]),
            "Rating": object(["staffId": uuid, "name": str(), "unit": str(), "month": str(), "tasksDue": ["type": "integer"],
                              "tasksOnTime": ["type": "integer"], "tasksOverdue": ["type": "integer"], "reportsExpected": ["type": "integer"],
                              "reportsReceived": ["type": "integer"], "taskScore": ["type": "number"], "reportScore": ["type": "number"],
                              "score": ["type": "number"], "proposed": str(["enum": RatingLevel.allCases.map(\.rawValue)]), "proposedLabel": str(),
                              "level": nullable(str(["enum": RatingLevel.allCases.map(\.rawValue)])), "levelLabel": nullable(str()),
                              "justification": nullable(str()), "confirmedBy": nullable(str())]),
            "RatingConfirm": object(["staffId": uuid, "month": str(), "level": str(["enum": RatingLevel.allCases.map(\.rawValue)]),
                                     "justification": str()], required: ["staffId", "level"]),
            "CheckIn": object(["id": uuid, "orgId": uuid, "message": str(), "minutes": ["type": "integer"], "sentBy": str(), "sentAt": dateTime,
                               "dueAt": str(["format": "date-time"])]),
            "CheckInWrite": object(["org": str(), "message": str(), "minutes": ["type": "integer", "minimum": 5, "maximum": 1440]], required: ["org"]),
            "CheckInStatus": object(["id": uuid, "orgId": uuid, "message": str(), "sentBy": str(), "sentAt": dateTime, "dueAt": str(["format": "date-time"]),
                                     "due": ["type": "boolean"], "asked": ["type": "integer"], "answered": ["type": "integer"], "answeredLate": ["type": "integer"],
                                     "unanswered": ["type": "array", "items": object(["staffId": uuid, "name": str(), "unit": str(), "phone": str(),
                                                                                      "answeredAt": dateTime])]]),
            "TaskDetail": object(["task": ref("Task"), "history": ["type": "array", "items": ref("TaskEvent")],
                                  "watchers": ["type": "array", "items": str()], "attachments": ["type": "array", "items": ref("TaskAttachment")]]),
        ]
    }
}
