import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Hotlines through the API: numbers found without accents, a 24/7 duty rota planned by the
/// solver with rest after each shift and published (who is on duty now, the calendar feed),
/// tickets with deadlines on the duty calendar, escalation once, and the public lookup.
@Suite struct HotlineServerTests {
    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    /// Six people in Hoàn Kiếm's home affairs office, four of them with the skill "hotline".
    func team(_ app: Application, _ f: Fixture) async throws -> [StaffMember] {
        var people: [StaffMember] = []
        for i in 0..<6 {
            let p = StaffMember(orgID: f.hkUnit.id!, draft: try StaffDraft(fullName: "Trực Viên \(i)", position: "Chuyên viên", phone: "091200022\(i)",
                                                                          email: "truc\(i)@hk.vn", skills: i < 4 ? ["hotline"] : [], status: .onSite).validated())
            try await p.create(on: app.db)
            people.append(p)
        }
        return people
    }

    @Test func hotlinesAreFoundWithoutAccentsAndKeptToTheSubtree() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn"), outsider = try await app.token("head.bd@t.vn")
            let input = HotlineService.Input(org: "HK-NV", label: "Đường dây nóng phòng, chống dịch", number: "0243 825 3536", hours: "24/7")
            #expect(try await app.send(.POST, "/api/v1/hotlines", headers: app.bearer(head), json: input).status == .created)
            #expect(try await app.send(.POST, "/api/v1/hotlines", headers: app.bearer(outsider), json: input).status == .notFound)
            for bad in ["abc", "12", "0243<script>"] {
                #expect(code(try await app.send(.POST, "/api/v1/hotlines", headers: app.bearer(head),
                                                json: HotlineService.Input(org: "HK", label: "x", number: bad))) == "hotline.number_invalid")
            }
            #expect(try await app.send(.POST, "/api/v1/hotlines", headers: app.bearer(head), json: HotlineService.Input(org: "HK", label: "Cấp cứu", number: "115")).status == .created)
            for q in ["phong chong dich", "HOÀN KIẾM", "noi vu", "8253536", "0243"] {
                let found = try await app.send(.GET, "/api/v1/public/hotlines?q=\(q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)")
                    .content.decode(ListResponse<HotlineDTO>.self)
                #expect(found.items.contains { $0.number == "0243 825 3536" }, "\(q)")
            }
            #expect(try await app.send(.GET, "/api/v1/public/hotlines?q=ba%20dinh").content.decode(ListResponse<HotlineDTO>.self).total == 0)
        }
    }

    @Test func aDutyRotaCoversTheDayWithRestAndIsPublished() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let people = try await team(app, f)
            let head = try await app.token("head.hk@t.vn")
            let today = LocalDate.of(Date())
            var input = DutyRotaService.GenerateInput(org: "HK-NV", start: today.adding(days: -1).value, days: 7, pattern: "3x8", perShift: 1,
                                                      skill: "hotline", dutyPhone: "0243 825 3536")
            #expect(try await app.send(.POST, "/api/v1/duty-rotas", headers: app.bearer(try await app.token("head.bd@t.vn")), json: input).status == .notFound)
            input.pattern = "4x6"
            #expect(code(try await app.send(.POST, "/api/v1/duty-rotas", headers: app.bearer(head), json: input)) == "duty.pattern_invalid")
            input.pattern = "3x8"
            let res = try await app.send(.POST, "/api/v1/duty-rotas", headers: app.bearer(head), json: input)
            #expect(res.status == .created, "\(res.body.string)")
            let rota = try res.content.decode(DutyRotaDTO.self)
            #expect(rota.report.unstaffed.isEmpty && rota.status == .draft)
            let cells = try #require(rota.cells)
            // Every shift of every day has exactly one person, who holds the skill.
            #expect(cells.count == 7 * 3)
            let holders = Set(people.prefix(4).map(\.id!))
            #expect(cells.allSatisfy { holders.contains($0.staffId) })
            // Nobody works a shift right after another, and a night is followed by a day off.
            let byPerson = Dictionary(grouping: cells, by: \.staffId)
            for (_, list) in byPerson {
                let sorted = list.sorted { $0.startsAt < $1.startsAt }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    let gap = b.startsAt.timeIntervalSince(a.endsAt)
                    #expect(gap >= 8 * 3600, "\(a.shift) \(a.date) → \(b.shift) \(b.date)")
                    if a.shift == "N" { #expect(gap >= 16 * 3600) }
                }
            }
            // The whole day is covered: the shifts run back to back from 06:00.
            let todayHours: [Double] = cells.filter { $0.date == today.value }.map { $0.endsAt.timeIntervalSince($0.startsAt) }
            #expect(todayHours.reduce(0, +) == 24 * 3600)
            // Not on duty until published; then the public sees the name and the duty phone, and nothing else.
            #expect(try await app.send(.GET, "/api/v1/public/on-duty").content.decode([DutyRotaService.OnDuty].self).isEmpty)
            let staff = try await app.token("staff.hk@t.vn")
            #expect(try await app.send(.POST, "/api/v1/duty-rotas/\(rota.id)/publish", headers: app.bearer(staff)).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/duty-rotas/\(rota.id)/publish", headers: app.bearer(head)).status == .ok)
            #expect(code(try await app.send(.POST, "/api/v1/duty-rotas/\(rota.id)/publish", headers: app.bearer(head))) == "duty.not_draft")
            let dutyRes = try await app.send(.GET, "/api/v1/public/on-duty")
            let raw = dutyRes.body.string
            let now = try dutyRes.content.decode([DutyRotaService.OnDuty].self)
            #expect(now.count == 1)
            #expect(now.first?.dutyPhone == "0243 825 3536")
            #expect(now.first?.name.hasPrefix("Trực Viên") == true)
            #expect(!raw.contains("091200022"))
            // A second published rota over the same days replaces the first.
            let again = try await app.send(.POST, "/api/v1/duty-rotas", headers: app.bearer(head), json: input).content.decode(DutyRotaDTO.self)
            #expect(try await app.send(.POST, "/api/v1/duty-rotas/\(again.id)/publish", headers: app.bearer(head)).status == .ok)
            #expect(try await DutyRota.find(rota.id, on: app.db)?.status == .superseded)
            #expect(try await DutyRotaService.onDuty(on: app.db).count == 1)
            // The person's calendar feed carries their duty shifts with their own hours.
            let onDuty = try #require(try await DutyCell.query(on: app.db).filter(\.$rotaID == again.id).first())
            let user = User(email: "truc@hk.vn", displayName: "Trực", passwordHash: try app.password.hash(Fixture.password), role: .staff,
                            orgID: f.hkUnit.id, staffID: onDuty.staffID)
            try await user.create(on: app.db)
            let actor = try await Actor.load(user: user, via: "test", on: app.db)
            let token = try await CalendarService.createFeed(actor: actor, on: app.db)
            let ics = try #require(try await CalendarService.feed(token: token, on: app.db))
            #expect(ics.contains("Trực đường dây nóng (ca ") && ics.contains("DTSTART:" + ICalendar.utc(onDuty.startsAt)))
        }
    }

    @Test func tooFewHoldersLeaveTheRotaUnpublishable() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            _ = try await team(app, f)
            let head = try await app.token("head.hk@t.vn")
            // Four at once from six people who must rest after each shift: not every shift can be staffed.
            let input = DutyRotaService.GenerateInput(org: "HK-NV", start: LocalDate.of(Date()).value, days: 3, pattern: "3x8", perShift: 4,
                                                      skill: "hotline", dutyPhone: "1022")
            let rota = try await app.send(.POST, "/api/v1/duty-rotas", headers: app.bearer(head), json: input).content.decode(DutyRotaDTO.self)
            #expect(!rota.report.unstaffed.isEmpty)
            #expect(code(try await app.send(.POST, "/api/v1/duty-rotas/\(rota.id)/publish", headers: app.bearer(head))) == "duty.unstaffed")
        }
    }

    @Test func ticketsHaveDeadlinesOnTheDutyCalendarAndEscalateOnce() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            _ = try await team(app, f)
            let head = try await app.token("head.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            // Without duty: office hours. A call on Friday 16:00 with 4 hours → Monday 12:00.
            let hkUnit = try #require(try await Organization.query(on: app.db).filter(\.$code == "HK-NV").first())
            let friday = LocalDate("2026-03-06")!.start.addingTimeInterval(16 * 3600)
            let officeDue = try await TicketService.due(hkUnit, received: friday, hours: 4, on: app.db)
            #expect(officeDue == LocalDate("2026-03-09")!.start.addingTimeInterval(12 * 3600))
            // The officer on the line logs a call; bad input is refused.
            #expect(code(try await app.send(.POST, "/api/v1/tickets", headers: app.bearer(staff),
                                            json: TicketService.Input(org: "HK-NV", channel: "fax", subject: "x"))) == "ticket.channel_invalid")
            #expect(code(try await app.send(.POST, "/api/v1/tickets", headers: app.bearer(staff),
                                            json: TicketService.Input(org: "HK-NV", subject: " "))) == "ticket.subject_missing")
            #expect(try await app.send(.POST, "/api/v1/tickets", headers: app.bearer(try await app.token("head.bd@t.vn")),
                                       json: TicketService.Input(org: "HK-NV", subject: "x")).status == .notFound)
            let logged = try await app.send(.POST, "/api/v1/tickets", headers: app.bearer(staff),
                                            json: TicketService.Input(org: "HK-NV", channel: "call", subject: "Hỏi về Giấy đi đường", citizenPhone: "0988 000 111",
                                                                      responseHours: 2))
            #expect(logged.status == .created)
            let t = try logged.content.decode(TicketDTO.self)
            // With 24/7 duty published, the hours run on the clock.
            let rota = try await DutyRotaService.generate(.init(org: "HK-NV", start: LocalDate.of(Date()).adding(days: -1).value, days: 3, dutyPhone: "1022"),
                                                          actor: try await Actor.load(user: try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()), via: "t", on: app.db),
                                                          on: app.db)
            _ = try await DutyRotaService.publish(rota.id!, actor: try await Actor.load(user: try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()), via: "t", on: app.db), on: app.db)
            let now = Date()
            let dutyDue = try await TicketService.due(hkUnit, received: now, hours: 3, on: app.db)
            #expect(abs(dutyDue.timeIntervalSince(now) - 3 * 3600) < 1)
            // Past due: the head is told once, however many ticks run, and across the answer.
            var r = Scheduler.Report()
            try await TicketEscalation.run(at: t.dueAt.addingTimeInterval(60), on: app.db, into: &r)
            try await TicketEscalation.run(at: t.dueAt.addingTimeInterval(120), on: app.db, into: &r)
            #expect(r.ticketsEscalated == 1)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.ticket_late").count() >= 1)
            #expect(try await Ticket.find(t.id, on: app.db)?.escalatedAt != nil)
            struct Answer: Content { var answer: String? }
            #expect(code(try await app.send(.POST, "/api/v1/tickets/\(t.id)/answer", headers: app.bearer(staff), json: Answer(answer: ""))) == "ticket.answer_missing")
            #expect(try await app.send(.POST, "/api/v1/tickets/\(t.id)/answer", headers: app.bearer(staff), json: Answer(answer: "Đã hướng dẫn qua điện thoại")).status == .ok)
            #expect(code(try await app.send(.POST, "/api/v1/tickets/\(t.id)/answer", headers: app.bearer(head), json: Answer(answer: "Lần hai"))) == "ticket.answered")
            let late = try await app.send(.GET, "/api/v1/tickets?status=answered", headers: app.bearer(head)).content.decode(ListResponse<TicketDTO>.self)
            #expect(late.total == 1)
            // The caller follows it by code; the answer only with their phone.
            let anon = try await app.send(.GET, "/api/v1/public/tickets/\(t.code)").content.decode(PublicTicketDTO.self)
            #expect(anon.status == .answered && anon.answer == nil && anon.subject == nil)
            let mine = try await app.send(.GET, "/api/v1/public/tickets/\(t.code)?phone=0988000111").content.decode(PublicTicketDTO.self)
            #expect(mine.verified && mine.answer == "Đã hướng dẫn qua điện thoại")
        }
    }

    @Test func citizensWriteInWithoutAnAccount() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            struct Body: Content { var org: String?; var subject: String?; var body: String?; var citizenPhone: String? }
            #expect(code(try await app.send(.POST, "/api/v1/public/tickets", json: Body(org: "NOPE", subject: "x", body: "y"))) == "ticket.org_missing")
            #expect(code(try await app.send(.POST, "/api/v1/public/tickets", json: Body(org: "HK", subject: "Góp ý", body: " "))) == "ticket.body_missing")
            let res = try await app.send(.POST, "/api/v1/public/tickets", json: Body(org: "hk", subject: "Góp ý <script>", body: "Xin bố trí thêm điểm tiêm", citizenPhone: "0911 222 333"))
            #expect(res.status == .created)
            let receipt = try res.content.decode(HotlineAPI.Receipt.self)
            let t = try #require(try await TicketService.byCode(receipt.code, on: app.db))
            #expect(t.channel == .written && t.loggedBy.isEmpty && t.subject == "Góp ý <script>")
            #expect(try await app.auditCount(action: "ticket.submit") == 1)
        }
    }
}
