import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct AbsenceTests {
    @Test func absencesKeepPeopleOffTheRosterAndStayInTheSubtree() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1/2", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1))
            _ = try await f.crowd(app, in: f.hkUnit, count: 2, prefix: "a")
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let staff = try await app.token("staff.hk@t.vn")
            let lead = try await app.token("lead.hk@t.vn")
            // An reports two days away; the lead records Bình's afternoon.
            let mine = try await app.send(.POST, "/api/v1/absences", headers: app.bearer(staff),
                                          json: AbsenceService.Input(from: futureDay.value, to: futureDay.adding(days: 1).value, reason: "Nghỉ phép năm"))
            #expect(mine.status == .created)
            let theirs = try await app.send(.POST, "/api/v1/absences", headers: app.bearer(lead),
                                            json: AbsenceService.Input(staffId: f.hkPerson2.id, from: futureDay.value, shift: "afternoon", reason: "Khám bệnh"))
            #expect(theirs.status == .created)
            // Staff cannot record for others; another district does not see the person; bad input is named.
            #expect(try await app.send(.POST, "/api/v1/absences", headers: app.bearer(staff),
                                       json: AbsenceService.Input(staffId: f.hkPerson2.id, from: futureDay.value, reason: "x")).status == .forbidden)
            let bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.POST, "/api/v1/absences", headers: app.bearer(bd),
                                       json: AbsenceService.Input(staffId: f.hkPerson2.id, from: futureDay.value, reason: "x")).status == .notFound)
            let backwards = try await app.send(.POST, "/api/v1/absences", headers: app.bearer(staff),
                                               json: AbsenceService.Input(from: futureDay.value, to: futureDay.adding(days: -1).value, reason: "x"))
            #expect(try backwards.content.decode(ErrorBody.self).error.code == "absence.range_invalid")
            let noReason = try await app.send(.POST, "/api/v1/absences", headers: app.bearer(staff), json: AbsenceService.Input(from: futureDay.value))
            #expect(try noReason.content.decode(ErrorBody.self).error.code == "absence.reason_missing")
            #expect(try await app.send(.GET, "/api/v1/absences", headers: app.bearer(bd)).content.decode(ListResponse<AbsenceDTO>.self).total == 0)
            #expect(try await app.send(.GET, "/api/v1/absences", headers: app.bearer(staff)).content.decode(ListResponse<AbsenceDTO>.self).total == 1)

            // The roster keeps both off their absent shifts.
            let roster = try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(lead),
                                            json: RosterService.GenerateInput(org: "HK-NV", start: futureDay.value, days: 3)).content.decode(RosterDTO.self)
            let cells = roster.cells ?? []
            #expect(!cells.contains { $0.staffId == f.hkPerson.id && $0.date <= futureDay.adding(days: 1).value })
            #expect(!cells.contains { $0.staffId == f.hkPerson2.id && $0.date == futureDay.value && $0.shift.rawValue == "afternoon" })
            #expect(cells.count == 2 * 2 * 3)

            // Removed by the lead, who may; the other district may not even find it.
            let id = try theirs.content.decode(AbsenceDTO.self).id
            #expect(try await app.send(.DELETE, "/api/v1/absences/\(id)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/v1/absences/\(id)", headers: app.bearer(lead)).status == .noContent)
            #expect(try await app.auditCount(action: "absence.create") == 2)
            #expect(try await app.auditCount(action: "absence.delete") == 1)
        }
    }
}
