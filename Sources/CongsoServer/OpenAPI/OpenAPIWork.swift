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
            "TaskDetail": object(["task": ref("Task"), "history": ["type": "array", "items": ref("TaskEvent")],
                                  "watchers": ["type": "array", "items": str()], "attachments": ["type": "array", "items": ref("TaskAttachment")]]),
        ]
    }
}
