import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

@Suite struct TaskTests {
    func notifications(_ app: Application, _ email: String, kind: String) async throws -> Int {
        let u = try await User.query(on: app.db).filter(\.$email == email).first()!
        return try await AppNotification.query(on: app.db).filter(\.$userID == u.id!).filter(\.$kind == kind).count()
    }

    @Test func unitTaskIsDispatchedWorkedAndFinished() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let head = try await app.token("head.hk@t.vn"), lead = try await app.token("lead.hk@t.vn")
            let staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            let created = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                             json: TaskService.Input(title: "Tổng hợp báo cáo phòng dịch", description: "Gửi Sở Y tế",
                                                                     deadline: futureDay.value, priority: "high", unit: "HK-NV"))
            #expect(created.status == .created)
            let task = try created.content.decode(TaskDTO.self)
            #expect(task.assigneeStaffId == nil && task.status.rawValue == "new")
            #expect(try await notifications(app, "lead.hk@t.vn", kind: "notif.task_unit") == 1)

            // Nobody works on it before the lead dispatches it; another district does not see it.
            let early = try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(lead), json: TaskService.Progress(percent: 10))
            #expect(try early.content.decode(ErrorBody.self).error.code == "task.not_dispatched")
            #expect(try await app.send(.GET, "/api/v1/tasks/\(task.id)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/tasks/\(task.id)/dispatch", headers: app.bearer(bd),
                                       json: TaskAPI.DispatchInput(staffId: f.hkPerson.id)).status == .notFound)
            // Staff may read their unit's task but not dispatch it.
            #expect(try await app.send(.POST, "/api/v1/tasks/\(task.id)/dispatch", headers: app.bearer(staff),
                                       json: TaskAPI.DispatchInput(staffId: f.hkPerson.id)).status == .forbidden)
            // The lead cannot hand it to someone the lead cannot see.
            #expect(try await app.send(.POST, "/api/v1/tasks/\(task.id)/dispatch", headers: app.bearer(lead),
                                       json: TaskAPI.DispatchInput(staffId: f.bdPerson.id)).status == .notFound)
            let dispatched = try await app.send(.POST, "/api/v1/tasks/\(task.id)/dispatch", headers: app.bearer(lead),
                                                json: TaskAPI.DispatchInput(staffId: f.hkPerson.id))
            #expect(try dispatched.content.decode(TaskDTO.self).assigneeName == "Nguyễn Văn An")
            #expect(try await notifications(app, "staff.hk@t.vn", kind: "notif.task_assigned") == 1)

            // Progress, then done: the assigner hears of both; the assignee may not cancel.
            let half = try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(staff),
                                          json: TaskService.Progress(percent: 50, note: "Đã có số liệu 3 phường"))
            #expect(try half.content.decode(TaskDTO.self).status.rawValue == "inProgress")
            #expect(try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(staff),
                                       json: TaskService.Progress(status: "cancelled")).status == .forbidden)
            let bad = try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(staff), json: TaskService.Progress(percent: 130))
            #expect(try bad.content.decode(ErrorBody.self).error.code == "task.percent_invalid")
            let done = try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(staff),
                                          json: TaskService.Progress(note: "Đã gửi", status: "done")).content.decode(TaskDTO.self)
            #expect(done.status == .done && done.progress == 100 && done.doneOnTime == true)
            #expect(try await notifications(app, "head.hk@t.vn", kind: "notif.task_progress") == 1)
            #expect(try await notifications(app, "head.hk@t.vn", kind: "notif.task_done") == 1)
            let closed = try await app.send(.POST, "/api/v1/tasks/\(task.id)/progress", headers: app.bearer(staff), json: TaskService.Progress(status: "blocked"))
            #expect(try closed.content.decode(ErrorBody.self).error.code == "task.move_invalid")

            // A comment mentioning the lead reaches the lead; the history holds every step.
            #expect(try await app.send(.POST, "/api/v1/tasks/\(task.id)/comments", headers: app.bearer(staff),
                                       json: TaskAPI.CommentInput(text: "@lead.hk xin ý kiến")).status == .created)
            #expect(try await notifications(app, "lead.hk@t.vn", kind: "notif.task_mention") == 1)
            let detail = try await app.send(.GET, "/api/v1/tasks/\(task.id)", headers: app.bearer(head)).content.decode(TaskDetailDTO.self)
            #expect(detail.history.map(\.kind.rawValue) == ["created", "dispatched", "status", "status", "comment"])
            #expect(try await app.auditCount(action: "task.progress") == 2)
        }
    }

    @Test func badInputIsNamed() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            func code(_ input: TaskService.Input, _ token: String) async throws -> String {
                try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(token), json: input).content.decode(ErrorBody.self).error.code
            }
            #expect(try await code(.init(title: " ", deadline: futureDay.value, unit: "HK-NV"), head) == "task.title_missing")
            #expect(try await code(.init(title: "A", deadline: "2020-01-01", unit: "HK-NV"), head) == "task.deadline_past")
            #expect(try await code(.init(title: "A", deadline: "31/12/2030", unit: "HK-NV"), head) == "date_invalid")
            #expect(try await code(.init(title: "A", deadline: futureDay.value, priority: "asap", unit: "HK-NV"), head) == "task.priority_invalid")
            #expect(try await code(.init(title: "A", deadline: futureDay.value), head) == "task.assignee_missing")
            #expect(try await code(.init(title: "A", deadline: futureDay.value, unit: "HK-NV", watchers: ["head.bd@t.vn"]), head) == "task.watcher_unknown")
            // Staff do not assign; a head does not assign outside the district.
            #expect(try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(staff),
                                       json: TaskService.Input(title: "A", deadline: futureDay.value, unit: "HK-NV")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                       json: TaskService.Input(title: "A", deadline: futureDay.value, assigneeStaffId: f.bdPerson.id)).status == .notFound)
            #expect(try await app.auditCount(action: "task.create") == 0)
        }
    }

    @Test func listsFilterSortPageAndExport() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let head = try await app.token("head.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            for (i, title) in ["Rà soát hồ sơ", "Kiểm tra giấy đi đường", "Cập nhật danh sách F1"].enumerated() {
                _ = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                       json: TaskService.Input(title: title, deadline: futureDay.adding(days: i).value,
                                                               priority: i == 2 ? "urgent" : "normal", assigneeStaffId: i == 0 ? f.hkPerson2.id : f.hkPerson.id))
            }
            // One overdue task, as if it had been given last week.
            let old = try await WorkTask.query(on: app.db).filter(\.$title == "Rà soát hồ sơ").first()!
            old.deadline = LocalDate.of(Date()).adding(days: -2).value
            try await old.save(on: app.db)

            func list(_ token: String, _ q: String) async throws -> ListResponse<TaskDTO> {
                try await app.send(.GET, "/api/v1/tasks?\(q)", headers: app.bearer(token)).content.decode(ListResponse<TaskDTO>.self)
            }
            #expect(try await list(head, "").total == 3)
            #expect(try await list(staff, "").total == 2)            // staff default to their own
            #expect(try await list(staff, "scope=unit").total == 3)
            #expect(try await list(bd, "scope=unit").total == 0)
            #expect(try await list(head, "overdue=1").items.map(\.title) == ["Rà soát hồ sơ"])
            #expect(try await list(head, "q=giay%20di%20duong").items.map(\.title) == ["Kiểm tra giấy đi đường"])
            #expect(try await list(head, "sort=priority").items.first?.title == "Cập nhật danh sách F1")
            let paged = try await list(head, "per=2&page=2")
            #expect(paged.items.count == 1 && paged.total == 3)
            #expect(try await app.send(.GET, "/api/v1/tasks?scope=everything", headers: app.bearer(head)).status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/tasks?scope=mine", headers: app.bearer(head)).status == .unprocessableEntity)
            let csv = try await app.send(.GET, "/api/v1/tasks/export?overdue=1", headers: app.bearer(head))
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.contains("Rà soát hồ sơ") && !csv.body.string.contains("Kiểm tra"))
        }
    }

    @Test func attachmentsAreLimitedAndServedBack() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            let task = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: TaskService.Input(title: "Công văn", deadline: futureDay.value, assigneeStaffId: f.hkPerson.id))
                .content.decode(TaskDTO.self)
            func upload(_ name: String, _ content: String, _ token: String) async throws -> TestingHTTPResponse {
                let boundary = "XyZ123"
                let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
                return try await app.send(.POST, "/api/v1/tasks/\(task.id)/attachments", headers: app.bearer(token), body: body,
                                          contentType: HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
            }
            let ok = try await upload("bao-cao.txt", "Số liệu ngày 23", head)
            #expect(ok.status == .created)
            let a = try ok.content.decode(TaskAttachmentDTO.self)
            let bad = try await upload("virus.exe", "MZ", head)
            #expect(try bad.content.decode(ErrorBody.self).error.code == "task.file_type")
            #expect(try await upload("x.txt", "a", bd).status == .notFound)
            let back = try await app.send(.GET, a.url, headers: app.bearer(head))
            #expect(back.body.string == "Số liệu ngày 23")
            #expect(back.headers.contentType?.subType == "plain")
            #expect(try await app.send(.GET, a.url, headers: app.bearer(bd)).status == .notFound)
        }
    }
}
