import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct RosterServerTests {
    /// HK-NV with 6 staff under a 1/2 directive (cap 3); Bình is on leave; staff.hk is An, who
    /// has an approved request to be on site on futureDay's morning.
    func setUp(_ app: Application) async throws -> Fixture {
        let f = try await Fixture.make(app)
        try await f.directive(app, number: "1/2", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1))
        _ = try await f.crowd(app, in: f.hkUnit, count: 4, prefix: "r")
        f.hkPerson2.status = StaffStatus.onLeave
        try await f.hkPerson2.save(on: app.db)
        try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
        let request = try await OnSiteService.create(.init(staffID: f.hkPerson.id, date: futureDay.value, shift: "morning", reason: "officeDuty"),
                                                     actor: .commandLine(), on: app.db)
        _ = try await OnSiteService.approve(request, comment: "", actor: .commandLine(), on: app.db)
        return f
    }

    func generate(_ app: Application, _ token: String, org: String = "HK-NV", start: LocalDate = futureDay, days: Int = 7) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(token),
                           json: RosterService.GenerateInput(org: org, start: start.value, days: days))
    }

    @Test func generateEditAndPublishFollowTheRules() async throws {
        try await withApp { app in
            let f = try await setUp(app)
            let lead = try await app.token("lead.hk@t.vn")
            let res = try await generate(app, lead)
            #expect(res.status == .created)
            let roster = try res.content.decode(RosterDTO.self)
            #expect(roster.status.rawValue == "draft")
            let cells = roster.cells ?? []
            #expect(cells.count == 3 * 2 * 7)   // cap 3 in every shift
            #expect(!cells.contains { $0.staffId == f.hkPerson2.id })   // on leave
            #expect(cells.contains { $0.staffId == f.hkPerson.id && $0.date == futureDay.value && $0.shift.rawValue == "morning" })   // approved request
            // 42 shifts over the 5 present: 8 or 9 each, so the optimum spread is 1.
            #expect(roster.units.count == 1 && roster.units[0].optimal && roster.units[0].spread == 1)

            // Taking An off the morning she must work is refused with the rule and her name.
            let mustCell = cells.first { (c: RosterDTO.Cell) -> Bool in c.staffId == f.hkPerson.id && c.date == futureDay.value && c.shift == Shift.morning }!
            let comer = Set(cells.map(\.staffId)).subtracting(cells.filter { $0.date == mustCell.date && $0.shift == .morning }.map(\.staffId)).first!
            let refused = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/swap", headers: app.bearer(lead),
                                             json: RosterService.SwapInput(date: mustCell.date, shift: "morning", out: f.hkPerson.id, in: comer))
            #expect(refused.status == .conflict)
            let refusal = try refused.content.decode(ErrorBody.self).error
            #expect(refusal.code == "roster.rule.must" && refusal.message.contains("Nguyễn Văn An"))
            // The person on leave is not in the roster; someone already there cannot come twice; nor a stranger.
            let first = cells.first { $0.staffId != f.hkPerson.id }!
            let away = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/swap", headers: app.bearer(lead),
                                          json: RosterService.SwapInput(date: first.date, shift: first.shift.rawValue, out: first.staffId, in: f.hkPerson2.id))
            #expect(try away.content.decode(ErrorBody.self).error.code == "roster.not_available")
            let twin = cells.first { $0.date == first.date && $0.shift == first.shift && $0.staffId != first.staffId }!
            let twice = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/swap", headers: app.bearer(lead),
                                           json: RosterService.SwapInput(date: first.date, shift: first.shift.rawValue, out: first.staffId, in: twin.staffId))
            #expect(try twice.content.decode(ErrorBody.self).error.code == "roster.already_on_site")
            let stranger = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/swap", headers: app.bearer(lead),
                                              json: RosterService.SwapInput(date: first.date, shift: first.shift.rawValue, out: first.staffId, in: f.bdPerson.id))
            #expect(try stranger.content.decode(ErrorBody.self).error.code == "roster.other_unit")

            // First publication: everyone on the roster is told (only An has an account).
            let published = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(lead))
            #expect(published.status == .ok)
            let p1 = try published.content.decode(PublishDTO.self)
            #expect(p1.roster.status == .published && p1.notified == 1 && p1.changedStaff == 5)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(lead)).status == .conflict)

            // An edit between two others: republishing tells nobody with an account.
            let anID = f.hkPerson.id!
            let (date, shift, out, other) = try #require(swapCandidate(cells, avoiding: anID, onLeave: f.hkPerson2.id!))
            let edited = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/swap", headers: app.bearer(lead),
                                            json: RosterService.SwapInput(date: date, shift: shift, out: out, in: other))
            #expect(edited.status == .ok)
            #expect(try edited.content.decode(RosterDTO.self).unpublishedChanges)
            let p2 = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(lead)).content.decode(PublishDTO.self)
            #expect(p2.changedStaff == 2 && p2.notified == 0 && p2.roster.version == 2)
            let an = try await User.query(on: app.db).filter(\.$email == "staff.hk@t.vn").first()!
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == an.id!).filter(\.$kind == "notif.roster_published").count() == 1)

            // An sees the published shifts.
            let staff = try await app.token("staff.hk@t.vn")
            let mine = try await app.send(.GET, "/api/v1/me/schedule?from=\(futureDay.value)", headers: app.bearer(staff)).content.decode(ScheduleDTO.self)
            let anCells = try await RosterPublishedCell.query(on: app.db).filter(\.$staffID == anID).count()
            #expect(mine.items.count == anCells && anCells > 0 && mine.items.allSatisfy { $0.source == "roster" })
            #expect(try await app.auditCount(action: "roster.publish") == 2)
            #expect(try await app.auditCount(action: "roster.edit") == 1)
        }
    }

    /// A shift where someone other than `avoiding` is on site and an available person other than `avoiding` is not.
    func swapCandidate(_ cells: [RosterDTO.Cell], avoiding: UUID, onLeave: UUID) -> (String, String, UUID, UUID)? {
        let people = Set(cells.map(\.staffId)).subtracting([avoiding])
        for c in cells where c.staffId != avoiding {
            let here = Set(cells.filter { $0.date == c.date && $0.shift == c.shift }.map(\.staffId))
            if let comer = people.subtracting(here).subtracting([onLeave]).first { return (c.date, c.shift.rawValue, c.staffId, comer) }
        }
        return nil
    }

    @Test func nobodyPlansOutsideTheirSubtree() async throws {
        try await withApp { app in
            _ = try await setUp(app)
            let lead = try await app.token("lead.hk@t.vn")
            let id = try await generate(app, lead).content.decode(RosterDTO.self).id
            let bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.GET, "/api/v1/rosters/\(id)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(id)/publish", headers: app.bearer(bd)).status == .notFound)
            #expect(try await generate(app, bd).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/rosters", headers: app.bearer(bd)).content.decode(ListResponse<RosterDTO>.self).total == 0)
            let staff = try await app.token("staff.hk@t.vn")
            #expect(try await generate(app, staff).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(id)/publish", headers: app.bearer(staff)).status == .forbidden)
            // Bad input is named.
            let badDays = try await generate(app, lead, days: 40)
            #expect(try badDays.content.decode(ErrorBody.self).error.code == "roster.days_invalid")
            let two = try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(lead),
                                         json: RosterService.GenerateInput(org: "HK-NV", start: futureDay.value, days: 2, perShift: 2))
            #expect(try two.content.decode(RosterDTO.self).cells?.count == 2 * 2 * 2)
            let badOrg = try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(lead), json: ["start": futureDay.value])
            #expect(try badOrg.content.decode(ErrorBody.self).error.code == "roster.org_missing")
            #expect(try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(lead), json: ["org": "HK-NV", "start": "26/07/2021"]).status
                    == .unprocessableEntity)
        }
    }

    @Test func solveAnswersRosterInfeasibleOrBadInput() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let token = try await app.token("lead.hk@t.vn")
            let ok = """
            {"start":"2021-07-26","days":2,"shifts":["AM","PM"],"units":[{"id":"u1","maxOnSiteShare":0.5,"minOnDuty":1}],
             "staff":[{"id":"a","unit":"u1"},{"id":"b","unit":"u1"}]}
            """
            let solved = try await app.send(.POST, "/api/v1/rosters/solve", headers: app.bearer(token), body: ok)
            #expect(solved.status == .ok)
            let doc = try JSONSerialization.jsonObject(with: Data(solved.body.string.utf8)) as! [String: Any]
            #expect((doc["assignments"] as! [Any]).count == 4)
            #expect(((doc["units"] as! [[String: Any]])[0]["spread"] as! Int) == 0)
            let stuck = """
            {"start":"2021-07-26","days":1,"shifts":["AM"],"units":[{"id":"u1","maxOnSiteShare":0.5,"minOnDuty":1}],
             "staff":[{"id":"a","unit":"u1","unavailable":[{"date":"2021-07-26"}]},{"id":"b","unit":"u1","unavailable":[{"date":"2021-07-26"}]}]}
            """
            let infeasible = try await app.send(.POST, "/api/v1/rosters/solve", headers: app.bearer(token), body: stuck)
            #expect(infeasible.status == .unprocessableEntity)
            #expect(infeasible.body.string.contains("\"infeasible\""))
            let wrongDemand = ok.replacingOccurrences(of: "\"minOnDuty\":1}", with: "\"minOnDuty\":1,\"demand\":2}")
            let bad = try await app.send(.POST, "/api/v1/rosters/solve", headers: app.bearer(token), body: wrongDemand)
            #expect(try bad.content.decode(ErrorBody.self).error.code == "roster.input_invalid")
            #expect(try await app.send(.POST, "/api/v1/rosters/solve", headers: app.bearer(token), body: "{\"start\":").status == .unprocessableEntity)
            #expect(try await app.send(.POST, "/api/v1/rosters/solve", body: ok).status == .unauthorized)
        }
    }

    @Test func aPublishedRosterIsApprovalAndTakesPlacesUnderTheCap() async throws {
        try await withApp { app in
            let f = try await setUp(app)
            let lead = try await app.token("lead.hk@t.vn")
            let today = LocalDate.of(Date())
            let roster = try await generate(app, lead, start: today, days: 4).content.decode(RosterDTO.self)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(lead)).status == .ok)
            // Checked in as rostered: no breach. Checked in without a place: a breach.
            let shift = PresenceService.currentShift()
            let cells = (roster.cells ?? []).filter { $0.date == today.value && $0.shift.rawValue == shift.rawValue }
            let rostered = cells[0].staffId
            let ids = try await StaffMember.query(on: app.db).filter(\.$org.$id == f.hkUnit.id!).all().compactMap(\.id)
            let stray = try #require(ids.first { id in !cells.contains { $0.staffId == id } && id != f.hkPerson2.id })
            let actor = Actor.commandLine()
            _ = try await PresenceService.checkIn(staffID: rostered, shift: shift, actor: actor, on: app.db)
            _ = try await PresenceService.checkIn(staffID: stray, shift: shift, actor: actor, on: app.db)
            let register = try await PresenceService.register(under: f.hk, date: today, actor: actor, on: app.db)
            let noApproval = register.breaches.filter { $0.kind == .noApproval }.map(\.staffID)
            #expect(noApproval == [stray])
            // The roster fills the cap: a request for the same shift cannot be approved.
            let day = today.adding(days: 2)
            let free = try #require(ids.first { id in id != f.hkPerson2.id && !(roster.cells ?? []).contains { $0.staffId == id && $0.date == day.value && $0.shift.rawValue == "morning" } })
            let request = try await OnSiteService.create(.init(staffID: free, date: day.value, shift: "morning", reason: "officeDuty"), actor: actor, on: app.db)
            await #expect(throws: AppError.self) { try await OnSiteService.approve(request, comment: "", actor: actor, on: app.db) }
        }
    }

    @Test func theCalendarFeedIsSecretAndRevocable() async throws {
        try await withApp { app in
            let f = try await setUp(app)
            let lead = try await app.token("lead.hk@t.vn")
            let roster = try await generate(app, lead, start: LocalDate.of(Date()), days: 7).content.decode(RosterDTO.self)
            _ = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(lead))
            var web = try await WebSession.signIn(app, "staff.hk@t.vn")
            let page = try await web.post("/schedule/feed", [:])
            #expect(page.status == .ok)
            let text = page.body.string
            let range = try #require(text.range(of: #"/calendar/[A-Za-z0-9_-]+\.ics"#, options: .regularExpression))
            let path = String(text[range])
            let feed = try await app.send(.GET, path)
            #expect(feed.status == .ok)
            #expect(feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let ics = feed.body.string
            #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
            #expect(ics.components(separatedBy: "BEGIN:VEVENT").count - 1 > 0)
            #expect(ics.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            // Event ids are person, day and shift: the same after a republish.
            #expect(ics.contains("UID:\(f.hkPerson.id!.uuidString.lowercased())-"))
            #expect(try await app.send(.GET, "/calendar/nope.ics").status == .notFound)
            _ = try await web.post("/schedule/feed/revoke", [:])
            #expect(try await app.send(.GET, path).status == .notFound)
        }
    }

    @Test func thePagesShowTheGridAndExplainARefusal() async throws {
        try await withApp { app in
            let f = try await setUp(app)
            var web = try await WebSession.signIn(app, "lead.hk@t.vn")
            #expect(try await web.get("/rosters").body.string.contains("id=\"roster-form\""))
            let made = try await web.post("/rosters", ["org": "HK-NV", "start": futureDay.value, "days": "5", "cohorts": "", "maxConsecutiveOnSiteDays": ""])
            #expect(made.status == .seeOther)
            let location = try #require(made.headers.first(name: .location))
            let grid = try await web.get(location).body.string
            #expect(grid.contains("id=\"grid\"") && grid.contains("Nguyễn Văn An"))
            let roster = try #require(try await Roster.query(on: app.db).first())
            let cell = try #require(try await RosterCell.query(on: app.db).filter(\.$rosterID == roster.id!).first())
            let form = try await web.get("/rosters/\(roster.id!)/shift?unit=\(f.hkUnit.id!)&date=\(cell.date)&shift=\(cell.shift)")
            #expect(form.status == .ok && form.body.string.contains("id=\"swap-form\""))
            let refused = try await web.post("/rosters/\(roster.id!)/swap", ["date": cell.date, "shift": cell.shift.rawValue, "unit": f.hkUnit.id!.uuidString,
                                                                             "out": cell.staffID.uuidString, "in": f.hkPerson2.id!.uuidString])
            #expect(refused.status == .seeOther)
            let explained = try await web.get(try #require(refused.headers.first(name: .location))).body.string
            #expect(explained.contains("role=\"alert\"") && explained.contains("Trần Thị Bình"))
            let published = try await web.post("/rosters/\(roster.id!)/publish", [:])
            #expect(published.status == .seeOther)
            #expect(try await Roster.find(roster.id, on: app.db)?.status == .published)
        }
    }

    @Test func anImpossibleUnitIsExplainedWithPeoplesNamesAndItsDays() async throws {
        try await withApp { app in
            let f = try await setUp(app)
            var web = try await WebSession.signIn(app, "lead.hk@t.vn")
            let made = try await web.post("/rosters", ["org": "HK-NV", "start": futureDay.value, "days": "5", "cohorts": "", "maxConsecutiveOnSiteDays": ""])
            let location = try #require(made.headers.first(name: .location))
            // The solver's explanation names staff by id, as `roster solve` writes it.
            let roster = try #require(try await Roster.query(on: app.db).first())
            var report = try JSONDecoder().decode(RosterReport.self, from: Data(roster.report.utf8))
            let id = f.hkPerson.id!.uuidString
            report.infeasible.append(.init(unit: f.hkUnit.id!.uuidString, date: futureDay.value, shift: nil,
                                           reason: "impossible: these rules cannot all hold — 2 on site per shift; at most 1 day in a row on site (\(id))",
                                           dateTo: futureDay.adding(days: 1).value, staff: [id]))
            // A report from now on carries the rules as data too: the page words them in Vietnamese.
            var clash = RosterClash()
            clash.demand = 2
            clash.runLimit = 1
            clash.runners = [id]
            clash.away = [f.hkPerson2.id!.uuidString]
            report.infeasible.append(.init(unit: f.hkUnit.id!.uuidString, date: futureDay.value, shift: nil, reason: clash.reason,
                                           dateTo: futureDay.adding(days: 2).value, staff: [id, f.hkPerson2.id!.uuidString], clash: clash))
            roster.report = try RosterService.encode(report)
            try await roster.save(on: app.db)
            let page = try await web.get(location + "?unit=\(f.hkUnit.id!)").body.string
            let problems = try #require(page.range(of: "id=\"problems\"").map { String(page[$0.lowerBound...].prefix(3_000)) })
            #expect(problems.contains("at most 1 day in a row on site (Nguyễn Văn An)"), "\(problems)")
            #expect(!problems.contains(id))
            #expect(problems.contains(futureDay.vietnamese) && problems.contains(futureDay.adding(days: 1).vietnamese))
            #expect(problems.contains("Không thể lập lịch: các quy định sau không thể cùng được đáp ứng — 2 người tại trụ sở mỗi ca; "
                                      + "tối đa 1 ngày liên tiếp tại trụ sở (Nguyễn Văn An); thời gian vắng mặt của Trần Thị Bình"), "\(problems)")
            #expect(problems.contains(futureDay.adding(days: 2).vietnamese))
        }
    }
}
