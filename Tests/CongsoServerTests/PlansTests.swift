import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

@Suite struct PlanTests {
    @Test func membersDraftTheLeadApproves() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let staff = try await app.token("staff.hk@t.vn"), lead = try await app.token("lead.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            let head = try await app.token("head.hk@t.vn")
            let task = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: TaskService.Input(title: "Rà soát F1", deadline: futureDay.value, assigneeStaffId: f.hkPerson.id))
                .content.decode(TaskDTO.self)
            let next = LocalDate.of(Date()).monday.adding(days: 7)
            let added = try await app.send(.POST, "/api/v1/plans/items", headers: app.bearer(staff),
                                           json: PlanService.ItemInput(org: "HK-NV", week: next.value, title: "Họp giao ban trực tuyến",
                                                                       day: next.value, ownerStaffId: f.hkPerson.id))
            #expect(added.status == .created)
            _ = try await app.send(.POST, "/api/v1/plans/items", headers: app.bearer(staff),
                                   json: PlanService.ItemInput(org: "HK-NV", week: next.value, title: "Rà soát F1", taskId: task.id))
            var plan = try await app.send(.GET, "/api/v1/plans?org=HK-NV&week=\(next.adding(days: 3).value)", headers: app.bearer(lead))
                .content.decode(PlanService.PlanDTO.self)
            #expect(plan.items.count == 2 && plan.status.rawValue == "draft" && plan.items.contains { $0.taskTitle == "Rà soát F1" })
            // Bad days and other districts are refused; staff do not approve.
            let outside = try await app.send(.POST, "/api/v1/plans/items", headers: app.bearer(staff),
                                             json: PlanService.ItemInput(org: "HK-NV", week: next.value, title: "x", day: next.adding(days: 9).value))
            #expect(try outside.content.decode(ErrorBody.self).error.code == "plan.day_outside")
            #expect(try await app.send(.GET, "/api/v1/plans?org=HK-NV", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/plans/\(plan.id!)/approve", headers: app.bearer(staff)).status == .forbidden)
            plan = try await app.send(.POST, "/api/v1/plans/\(plan.id!)/approve", headers: app.bearer(lead)).content.decode(PlanService.PlanDTO.self)
            #expect(plan.status == .approved)
            // An approved plan holds until reopened.
            let late = try await app.send(.POST, "/api/v1/plans/items", headers: app.bearer(staff),
                                          json: PlanService.ItemInput(org: "HK-NV", week: next.value, title: "Thêm"))
            #expect(late.status == .conflict)
            #expect(try await app.send(.DELETE, "/api/v1/plans/items/\(plan.items[0].id)", headers: app.bearer(staff)).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/plans/\(plan.id!)/reopen", headers: app.bearer(lead)).status == .ok)
            #expect(try await app.send(.DELETE, "/api/v1/plans/items/\(plan.items[0].id)", headers: app.bearer(staff)).status == .noContent)
            #expect(try await app.auditCount(action: "plan.approve") == 1)
        }
    }
}
