import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

@Suite struct RatingServerTests {
    @Test func proposalsFollowTheRecordAndTheHeadConfirms() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            // July 2021: An handed in every window of Monday 26th, Bình none; An finished a task on time, Bình left one overdue.
            let at = hanoi("2021-07-26", "18:00")
            for p in [f.hkPerson, f.hkPerson2] {
                p.createdAt = hanoi("2021-07-26", "06:00")
                try await p.save(on: app.db)
            }
            for (slot, time) in [("07:00", "07:10"), ("11:00", "11:10"), ("17:00", "17:10")] {
                _ = try await ReportService.submit(.init(window: slot, done: "x"), actor: staffActor(f.hkPerson, f.hkUnit), on: app.db,
                                                   now: hanoi("2021-07-26", time))
            }
            func task(_ person: StaffMember, status: TaskStatus, onTime: Bool?) async throws {
                let t = WorkTask()
                t.id = UUID(); t.title = "Việc"; t.details = ""; t.orgID = f.hkUnit.id!; t.orgPath = f.hkUnit.path; t.assigneeStaffID = person.id
                t.assignerLabel = "x"; t.deadline = "2021-07-20"; t.priority = .normal; t.priorityRank = 2; t.status = status
                t.progress = status == .done ? 100 : 10; t.doneOnTime = onTime; t.searchText = ""
                try await t.create(on: app.db)
            }
            try await task(f.hkPerson, status: .done, onTime: true)
            try await task(f.hkPerson2, status: .inProgress, onTime: nil)
            let records = try await RatingService.records([f.hkPerson, f.hkPerson2], month: "2021-07", now: at, on: app.db)
            let an = records[f.hkPerson.id!]!, binh = records[f.hkPerson2.id!]!
            #expect(an.reportsExpected == 3 && an.reportsReceived == 3 && an.tasksDue == 1 && an.tasksOnTime == 1)
            #expect(an.proposed == .excellent)
            #expect(binh.reportsExpected == 3 && binh.reportsReceived == 0 && binh.tasksOverdue == 1)
            #expect(binh.score == 0 && binh.proposed == .notDone)
            // Someone added the next day is still expected from the day the unit first reported.
            f.hkPerson2.createdAt = hanoi("2021-07-27", "06:00")
            try await f.hkPerson2.save(on: app.db)
            let later = try await RatingService.records([f.hkPerson2], month: "2021-07", now: hanoi("2021-07-27", "18:00"), on: app.db)
            #expect(later[f.hkPerson2.id!]!.reportsExpected == 6)

            // The head confirms; changing the level needs a reason; a lead may not confirm; another district cannot.
            let head = try await app.token("head.hk@t.vn"), lead = try await app.token("lead.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            let month = String(LocalDate.of(Date()).value.prefix(7))
            let ok = try await app.send(.POST, "/api/v1/ratings", headers: app.bearer(head),
                                        json: RatingService.ConfirmInput(staffId: f.hkPerson.id, month: month, level: "good", justification: "Còn chậm báo cáo tuần"))
            #expect(ok.status == .created)
            #expect(try ok.content.decode(RatingService.Row.self).level == "good")
            let noWhy = try await app.send(.POST, "/api/v1/ratings", headers: app.bearer(head),
                                           json: RatingService.ConfirmInput(staffId: f.hkPerson2.id, month: month, level: "excellent"))
            #expect(try noWhy.content.decode(ErrorBody.self).error.code == "rating.justification_missing")
            #expect(try await app.send(.POST, "/api/v1/ratings", headers: app.bearer(lead),
                                       json: RatingService.ConfirmInput(staffId: f.hkPerson.id, month: month, level: "good", justification: "x")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/ratings", headers: app.bearer(bd),
                                       json: RatingService.ConfirmInput(staffId: f.hkPerson.id, month: month, level: "good")).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/ratings?org=HK&month=2999-01", headers: app.bearer(head)).status == .unprocessableEntity)
            let list = try await app.send(.GET, "/api/v1/ratings?org=HK-NV&month=\(month)", headers: app.bearer(head)).content.decode(ListResponse<RatingService.Row>.self)
            #expect(list.total == 2 && list.items.contains { $0.level == "good" })
            let csv = try await app.send(.GET, "/api/v1/ratings/export?org=HK-NV&month=\(month)", headers: app.bearer(head)).body.string
            #expect(csv.contains("Nguyễn Văn An") && csv.contains("Còn chậm báo cáo tuần"))
            #expect(try await app.auditCount(action: "rating.confirm") == 1)
        }
    }
}
