import CongsoCore
@testable import CongsoServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The moments when many people act at once — a check-in call, the 07:00 reports, a
/// morning of on-site requests — stormed through the API on the SQLite file the server
/// uses (WAL, two connections) and on PostgreSQL: no 5xx, no duplicate row, and every
/// answered write stored.
@Suite struct WriteStormTests {
    static let storm = 50

    /// Everyone's answer to `count` requests sent at once: status and error code.
    func storm(_ count: Int, _ send: @escaping @Sendable (Int) async throws -> TestingHTTPResponse) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for i in 0..<count {
                group.addTask {
                    let res = try await send(i)
                    let code = res.status.code >= 400 ? (try? res.content.decode(ErrorBody.self).error.code) : nil
                    return Outcome(index: i, status: res.status, code: code)
                }
            }
            var all: [Outcome] = []
            for try await o in group { all.append(o) }
            return all.sorted { $0.index < $1.index }
        }
    }

    struct Outcome: Sendable {
        let index: Int
        let status: HTTPResponseStatus
        let code: String?
        var ok: Bool { (200..<300).contains(status.code) }
    }

    func expectNoServerError(_ outcomes: [Outcome], _ what: String) {
        let failed = outcomes.filter { $0.status.code >= 500 }
        #expect(failed.count == 0, "\(what): \(failed.count) × 5xx, first codes \(failed.prefix(3).map { $0.code ?? "-" })")
    }

    /// `count` staff of the unit, each with a sign-in of their own, and their bearer tokens.
    func crowdWithTokens(_ app: Application, _ f: Fixture, count: Int) async throws -> [(StaffMember, String)] {
        let people = try await f.crowd(app, in: f.hkUnit, count: count, prefix: "storm")
        let hash = try app.password.hash(Fixture.password)
        for p in people {
            try await User(email: "u.\(p.email)", displayName: p.fullName, passwordHash: hash, role: .staff, orgID: f.hkUnit.id,
                           staffID: p.id).create(on: app.db)
        }
        var out: [(StaffMember, String)] = []
        for p in people { out.append((p, try await app.token("u.\(p.email)"))) }
        return out
    }

    @Test func checkInsAndOnSiteRequestsAtOnce() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let crowd = try await crowdWithTokens(app, f, count: Self.storm)
            let head = try await app.token("head.hk@t.vn")

            // Everyone checks in at the same moment.
            let checkIns = try await storm(crowd.count) { i in
                try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(crowd[i].1), json: ["shift": "afternoon"])
            }
            expectNoServerError(checkIns, "check-in")
            #expect(checkIns.allSatisfy { $0.status == .created })
            let stored = try await PresenceEntry.query(on: app.db).filter(\.$shift == .afternoon).all()
            #expect(stored.count == crowd.count)
            #expect(Set(stored.map(\.staffID)) == Set(crowd.map { $0.0.id! }))

            // One person checked in twenty times at once: one entry, the others told so.
            let target = crowd[0].0.id!
            let same = try await storm(20) { _ in
                try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(head),
                                   json: PresenceBody(staffId: target, shift: "morning"))
            }
            expectNoServerError(same, "same check-in")
            #expect(same.filter(\.ok).count == 1)
            #expect(same.filter { $0.status == .conflict && $0.code == "presence.already_in" }.count == 19)
            #expect(try await PresenceEntry.query(on: app.db).filter(\.$staffID == target).filter(\.$shift == .morning).count() == 1)

            // Fifty on-site requests for one day and shift, each for someone else.
            let requests = try await storm(crowd.count) { i in
                try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(head),
                                   json: OnSiteWriteBody(staffId: crowd[i].0.id, date: futureDay.value, shift: "morning", reason: "officeDuty"))
            }
            expectNoServerError(requests, "on-site request")
            #expect(requests.allSatisfy { $0.status == .created })
            #expect(try await OnSiteRequest.query(on: app.db).filter(\.$date == futureDay.value).count() == crowd.count)

            // The same request twenty times at once: one stored, nineteen duplicates refused as in turn.
            let twice = try await storm(20) { _ in
                try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(head),
                                   json: OnSiteWriteBody(staffId: target, date: futureDay.value, shift: "afternoon", reason: "officeDuty"))
            }
            expectNoServerError(twice, "same on-site request")
            #expect(twice.filter { $0.status == .created }.count == 1)
            #expect(twice.filter { $0.status == .conflict && $0.code == "onsite.duplicate" }.count == 19)
            #expect(try await OnSiteRequest.query(on: app.db).filter(\.$staffID == target).filter(\.$date == futureDay.value)
                .filter(\.$shift == .afternoon).count() == 1)

            // Approving one request twenty times at once decides it once.
            let pending = try await OnSiteRequest.query(on: app.db).filter(\.$staffID == target).filter(\.$shift == .afternoon).first()!
            let approvals = try await storm(20) { _ in
                try await app.send(.POST, "/api/v1/onsite-requests/\(pending.id!)/approve", headers: app.bearer(head))
            }
            expectNoServerError(approvals, "same approval")
            #expect(approvals.filter(\.ok).count == 1)
            #expect(try await OnSiteSlot.query(on: app.db).filter(\.$requestID == pending.id!).count() == 1)
            #expect(try await app.auditCount(action: "onsite.approve") == 1)
        }
    }

    @Test func reportsAnswersProgressAndPermitsAtOnce() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let crowd = try await crowdWithTokens(app, f, count: Self.storm)
            let head = try await app.token("head.hk@t.vn")

            // An ad-hoc report asked of the unit (open whatever the hour), handed in by everyone at once.
            let deadline = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 3600))
            let asked = try await app.send(.POST, "/api/v1/reports/requests", headers: app.bearer(head),
                                           json: ["org": "HK-NV", "title": "Báo cáo nhanh", "deadline": deadline])
            #expect(asked.status == .created)
            let requestID = try asked.content.decode(IDOnly.self).id
            let reports = try await storm(crowd.count) { i in
                try await app.send(.POST, "/api/v1/reports", headers: app.bearer(crowd[i].1),
                                   json: ReportBody(requestId: requestID, done: "Đã xử lý hồ sơ \(i)"))
            }
            expectNoServerError(reports, "report")
            #expect(reports.allSatisfy { $0.ok })
            #expect(try await DailyReport.query(on: app.db).count() == crowd.count)
            // One person handing in twenty times at once edits one report.
            let again = try await storm(20) { i in
                try await app.send(.POST, "/api/v1/reports", headers: app.bearer(crowd[1].1),
                                   json: ReportBody(requestId: requestID, done: "Bản sửa \(i)"))
            }
            expectNoServerError(again, "same report")
            #expect(again.allSatisfy { $0.ok })
            #expect(try await DailyReport.query(on: app.db).filter(\.$staffID == crowd[1].0.id!).count() == 1)

            // A check-in call answered by everyone at once; one person tapping twenty times keeps the first time.
            let call = try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(head), json: ["org": "HK-NV"])
            #expect(call.status == .created)
            let callID = try call.content.decode(IDOnly.self).id
            let answers = try await storm(crowd.count) { i in
                try await app.send(.POST, "/api/v1/checkins/\(callID)/answer", headers: app.bearer(crowd[i].1))
            }
            expectNoServerError(answers, "check-in answer")
            #expect(answers.allSatisfy { $0.ok })
            let answered = try await CheckInAnswer.query(on: app.db).filter(\.$checkInID == callID).filter(\.$answeredAt != nil).all()
            #expect(Set(answered.map(\.staffID)).isSuperset(of: crowd.map { $0.0.id! }))
            let first = answered.first { $0.staffID == crowd[2].0.id }!.answeredAt!
            let taps = try await storm(20) { _ in try await app.send(.POST, "/api/v1/checkins/\(callID)/answer", headers: app.bearer(crowd[2].1)) }
            expectNoServerError(taps, "same answer")
            #expect(try await CheckInAnswer.query(on: app.db).filter(\.$checkInID == callID).filter(\.$staffID == crowd[2].0.id!).first()!.answeredAt == first)

            // The assignee reports progress fifty times at once: every report is in the history.
            let made = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: TaskBody(title: "Tổng hợp số liệu", deadline: futureDay.value, assigneeStaffId: crowd[3].0.id))
            #expect(made.status == .created)
            let taskID = try made.content.decode(IDOnly.self).id
            let progress = try await storm(crowd.count) { i in
                try await app.send(.POST, "/api/v1/tasks/\(taskID)/progress", headers: app.bearer(crowd[3].1),
                                   json: ProgressBody(percent: 1 + i % 98, note: "Bước \(i)"))
            }
            expectNoServerError(progress, "progress")
            #expect(progress.allSatisfy { $0.ok })
            let steps = try await TaskEvent.query(on: app.db).filter(\.$taskID == taskID).filter(\.$kind ~~ [TaskEvent.Kind.progress, .status]).count()
            #expect(steps == crowd.count)
            // Twenty "done" at once: the task is finished once; the others change nothing.
            let done = try await storm(20) { _ in
                try await app.send(.POST, "/api/v1/tasks/\(taskID)/progress", headers: app.bearer(crowd[3].1), json: ProgressBody(status: "done"))
            }
            expectNoServerError(done, "done")
            #expect(done.filter(\.ok).count == 1)
            #expect(done.filter { !$0.ok }.allSatisfy { $0.code == "task.nothing_changed" })
            let moves = try await TaskEvent.query(on: app.db).filter(\.$taskID == taskID).filter(\.$kind == .status).all()
            #expect(moves.filter { $0.fromStatus == .inProgress && $0.toStatus == .done }.count == 1)

            // Fifty permits approved one by one, all at once; then one permit approved twenty times at once.
            // One permit each, and one more for the approval stormed on a single permit.
            let items = (crowd + [crowd[0]]).map { p in
                PermitService.Input(staffId: p.0.id, idNumber: "001090012345", purpose: "Trực cơ quan", from: "Hoàn Kiếm", to: "Trụ sở UBND",
                                    plate: nil, validFrom: futureDay.value, validUntil: futureDay.adding(days: 7).value)
            }
            let listed = try await app.send(.POST, "/api/v1/permits", headers: app.bearer(head), json: PermitBatch(items: items))
            #expect(listed.status == .created)
            let permits = try await Permit.query(on: app.db).all()
            #expect(permits.count == crowd.count + 1)
            let approved = try await storm(permits.count - 1) { i in
                try await app.send(.POST, "/api/v1/permits/\(permits[i].id!)/approve", headers: app.bearer(head))
            }
            expectNoServerError(approved, "permit approval")
            #expect(approved.allSatisfy { $0.ok })
            let last = permits[permits.count - 1].id!
            let same = try await storm(20) { _ in try await app.send(.POST, "/api/v1/permits/\(last)/approve", headers: app.bearer(head)) }
            expectNoServerError(same, "same permit approval")
            #expect(same.filter(\.ok).count == 1)
            #expect(same.filter { !$0.ok }.allSatisfy { $0.status == .conflict && $0.code == "permit.not_requested" })
            let issued = try await Permit.query(on: app.db).filter(\.$status == .approved).all()
            #expect(issued.count == permits.count && issued.allSatisfy { ($0.token ?? "").isEmpty == false })
            #expect(try await app.auditCount(action: "permit.approve") == permits.count)
        }
    }

    struct IDOnly: Decodable { let id: UUID }
    struct ReportBody: Content { var requestId: UUID; var done: String }
    struct TaskBody: Content { var title: String; var deadline: String; var assigneeStaffId: UUID? }
    struct ProgressBody: Content { var percent: Int?; var note: String?; var status: String? }
}

@Suite struct DuplicateMigrationTests {
    /// A database written before the unique index may hold duplicates: the migration keeps
    /// the approved (else the earliest) request, withdraws the rest with an audit line and
    /// frees their places, and from then on the index refuses a second live request.
    @Test func duplicatesStoredEarlierAreWithdrawnThenRefused() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await UniqueOnSiteRequests().revert(on: app.db)
            func stored(_ status: OnSiteRequest.Status, minutesAgo: Double) async throws -> OnSiteRequest {
                let r = OnSiteRequest()
                r.id = UUID(); r.staffID = f.hkPerson.id!; r.orgID = f.hkUnit.id!; r.orgPath = f.hkUnit.path
                r.date = futureDay.value; r.shift = .morning; r.reason = .officeDuty; r.justification = ""
                r.status = status; r.decisionComment = ""
                try await r.create(on: app.db)
                r.createdAt = Date().addingTimeInterval(-minutesAgo * 60)
                try await r.save(on: app.db)
                return r
            }
            let earliest = try await stored(.pending, minutesAgo: 30)
            let approved = try await stored(.approved, minutesAgo: 20)
            try await OnSiteSlot(orgID: f.hkUnit.id!, date: futureDay.value, shift: .morning, slot: 1, requestID: approved.id!).create(on: app.db)
            let third = try await stored(.pending, minutesAgo: 10)
            let rejected = try await stored(.rejected, minutesAgo: 5)
            try await UniqueOnSiteRequests().prepare(on: app.db)

            let after = Dictionary(uniqueKeysWithValues: try await OnSiteRequest.query(on: app.db).all().map { ($0.id!, $0.status) })
            #expect(after[approved.id!] == .approved)
            #expect(after[earliest.id!] == .withdrawn && after[third.id!] == .withdrawn)
            #expect(after[rejected.id!] == .rejected)
            #expect(try await app.auditCount(action: "onsite.withdraw_duplicate") == 2)
            #expect(try await OnSiteSlot.query(on: app.db).count() == 1)

            // Now the database itself refuses a second live request for the same slot of time.
            let again = OnSiteRequest()
            again.id = UUID(); again.staffID = f.hkPerson.id!; again.orgID = f.hkUnit.id!; again.orgPath = f.hkUnit.path
            again.date = futureDay.value; again.shift = .morning; again.reason = .officeDuty; again.justification = ""
            again.status = .pending; again.decisionComment = ""
            do {
                try await again.create(on: app.db)
                Issue.record("a second live request was stored")
            } catch {
                #expect(DatabaseFailure.isUniqueViolation(error))
            }
        }
    }

    @Test func theEarliestStaysWhenNoneIsApproved() {
        func request(_ status: OnSiteRequest.Status, _ minutesAgo: Double) -> OnSiteRequest {
            let r = OnSiteRequest(); r.id = UUID(); r.status = status; r.createdAt = Date().addingTimeInterval(-minutesAgo * 60); return r
        }
        let rows = [request(.pending, 5), request(.pending, 50), request(.pending, 20)]
        #expect(UniqueOnSiteRequests.survivor(of: rows).id == rows[1].id)
        let withApproval = rows + [request(.approved, 1)]
        #expect(UniqueOnSiteRequests.survivor(of: withApproval).id == withApproval[3].id)
    }
}

@Suite struct WriteTransactionRuleTests {
    /// The one way to write a transaction: a service that opened Fluent's own transaction
    /// would skip the write gate on SQLite and meet "database is locked" under load.
    @Test func noServiceOpensATransactionOfItsOwn() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources/CongsoServer")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" && !$0.path.contains("/Database/") }
        #expect(files.count > 50)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            if text.range(of: #"\.transaction\s*\{"#, options: .regularExpression) != nil { offenders.append(file.lastPathComponent) }
        }
        #expect(offenders.isEmpty, "use db.writeTransaction in \(offenders)")
    }
}
