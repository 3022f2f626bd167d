import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// The task lists read rows by SQL (`TaskRow`); whatever the filter, they must hold exactly
/// the tasks the rules select, in the filter's order, page after page.
@Suite struct TaskListTests {
    @Test func anyFilterListsExactlyTheTasksItsRulesSelectInOrder() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let head = try await app.token("head.hk@t.vn"), lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            var rng = SystemRandomNumberGenerator()
            let words = ["Rà soát", "hồ sơ", "giấy đi đường", "danh sách F1", "Kiểm tra", "báo cáo", "Đường dây nóng", "100%", "a_b"]
            let today = LocalDate.of(Date())
            for i in 0..<45 {
                let title = (0..<Int.random(in: 1...3, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") + " \(i)"
                let res = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(Bool.random(using: &rng) ? head : lead),
                                             json: TaskService.Input(title: title, deadline: today.adding(days: Int.random(in: 1...12, using: &rng)).value,
                                                                     priority: TaskPriority.allCases.randomElement(using: &rng)!.rawValue,
                                                                     assigneeStaffId: Bool.random(using: &rng) ? f.hkPerson.id : f.hkPerson2.id))
                #expect(res.status == .created)
            }
            // Deadlines and statuses anywhere, as if the tasks had lived a while.
            for t in try await WorkTask.query(on: app.db).all() {
                t.deadline = today.adding(days: Int.random(in: -10...10, using: &rng)).value
                t.status = TaskStatus.allCases.randomElement(using: &rng)!
                try await t.save(on: app.db)
            }
            let all = try await WorkTask.query(on: app.db).all()
            let users = try await User.query(on: app.db).all()
            let headID = users.first { $0.email == "head.hk@t.vn" }!.id!, leadID = users.first { $0.email == "lead.hk@t.vn" }!.id!
            let (mon, sun) = TaskList.week(of: today)
            for round in 0..<60 {
                let who = [("head", head, headID), ("lead", lead, leadID), ("staff", staff, UUID())].randomElement(using: &rng)!
                let scope = who.0 == "staff" ? "mine" : ["unit", "assigned"].randomElement(using: &rng)!
                let overdue = Bool.random(using: &rng), week = Int.random(in: 0..<4, using: &rng) == 0
                let status = Bool.random(using: &rng) ? TaskStatus.allCases.randomElement(using: &rng) : nil
                let q = Int.random(in: 0..<3, using: &rng) == 0 ? ["giay", "HO SO", "duong", "100%", "a_b", "zzz"].randomElement(using: &rng)! : ""
                let sort = ["deadline", "priority"].randomElement(using: &rng)!
                let terms = VietnameseText.searchTerms(q)
                let expected = all.filter { t in
                    switch scope {
                    case "mine": guard t.assigneeStaffID == f.hkPerson.id else { return false }
                    case "assigned": guard t.assignerUserID == who.2 else { return false }
                    default: guard t.orgPath.hasPrefix(who.0 == "head" ? f.hk.path : f.hkUnit.path) else { return false }
                    }
                    if overdue && !(t.status.isOpen && t.deadline < today.value) { return false }
                    if week && !(t.deadline >= mon.value && t.deadline <= sun.value) { return false }
                    if let status, t.status != status { return false }
                    return terms.allSatisfy { t.searchText.contains($0) }
                }.sorted { a, b in
                    let ka = sort == "deadline" ? (a.deadline, a.priorityRank) : ("\(a.priorityRank)", 0), kb = sort == "deadline" ? (b.deadline, b.priorityRank) : ("\(b.priorityRank)", 0)
                    if ka.0 != kb.0 { return ka.0 < kb.0 }
                    if sort == "priority" && a.deadline != b.deadline { return a.deadline < b.deadline }
                    if ka.1 != kb.1 { return ka.1 < kb.1 }
                    return a.id!.uuidString < b.id!.uuidString
                }.map(\.id!)
                var query = "scope=\(scope)&sort=\(sort)&per=7"
                if overdue { query += "&overdue=1" }
                if week { query += "&week=1" }
                if let status { query += "&status=\(status.rawValue)" }
                if !q.isEmpty { query += "&q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                var listed: [UUID] = []
                var page = 1
                while true {
                    let res = try await app.send(.GET, "/api/v1/tasks?\(query)&page=\(page)", headers: app.bearer(who.1))
                    let body = try res.content.decode(ListResponse<TaskDTO>.self)
                    #expect(body.total == expected.count, "round \(round): \(query)")
                    listed += body.items.map(\.id)
                    if body.items.count < 7 { break }
                    page += 1
                }
                #expect(listed == expected, "round \(round) as \(who.0): \(query)")
            }
        }
    }
}
