import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer


@Suite struct CheckInTests {
    @Test func staffConfirmAndLeadersSeeWhoHasNot() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(staff), json: CheckInService.Input(org: "HK-NV")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(lead),
                                       json: CheckInService.Input(org: "HK-NV", minutes: 2)).status == .unprocessableEntity)
            let sent = try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(lead),
                                          json: CheckInService.Input(org: "HK-NV", message: "Điểm danh trực ban", minutes: 15))
            #expect(sent.status == .created)
            let c = try sent.content.decode(CheckInDTO.self)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.checkin").count() == 1)
            #expect(try await app.send(.POST, "/api/v1/checkins/\(c.id)/answer", headers: app.bearer(staff)).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/checkins/\(c.id)/answer", headers: app.bearer(lead)).status == .notFound)
            let s = try await app.send(.GET, "/api/v1/checkins/\(c.id)", headers: app.bearer(lead)).content.decode(CheckInService.StatusDTO.self)
            #expect(s.asked == 2 && s.answered == 1 && s.unanswered.map(\.name) == ["Trần Thị Bình"] && !s.due)
            let counts = try await CheckInService.counts([c.id], on: app.db)[c.id]
            #expect(counts?.asked == 2 && counts?.answered == 1)
            #expect(try await app.send(.GET, "/api/v1/checkins/\(c.id)", headers: app.bearer(bd)).status == .notFound)
            // When the minutes are up, the sender is told once.
            var r = try await Scheduler.tick(at: c.dueAt.addingTimeInterval(30), on: app.db)
            #expect(r.checkInsDue == 1)
            r = try await Scheduler.tick(at: c.dueAt.addingTimeInterval(60), on: app.db)
            #expect(r.checkInsDue == 0)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.checkin_due").count() == 1)
        }
    }
}
