import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Health through the API: one isolation shows up in on-site requests, check-in, permits
/// (revocation list), rosters and notifications at once; contact tracing from the register;
/// privacy of declarations; outbreak places; trips out of the city; the visitor log.
@Suite struct HealthServerTests {
    init() { _ = permitKeyDir }

    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    func declare(_ app: Application, _ token: String, _ body: [String: any Sendable]) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/health/declarations", headers: app.bearer(token),
                           body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// An approved permit for `person`, issued by the head of HK.
    func permit(_ app: Application, for person: StaffMember) async throws -> PermitDTO {
        let today = LocalDate.of(Date())
        let lead = try await app.token("lead.hk@t.vn"), head = try await app.token("head.hk@t.vn")
        let input = PermitService.Input(staffId: person.id, idNumber: "001203004512", purpose: "Trực cơ quan", from: "Số 1 Trương Định",
                                        to: "UBND quận Hoàn Kiếm", plate: nil, validFrom: today.value, validUntil: today.adding(days: 10).value)
        let requested = try await app.send(.POST, "/api/v1/permits", headers: app.bearer(lead), json: PermitBatch(items: [input]))
            .content.decode(ListResponse<PermitDTO>.self).items
        let approved = try await app.send(.POST, "/api/v1/permits/approve", headers: app.bearer(head), json: PermitIDs(ids: requested.map(\.id)))
        #expect(approved.status == .ok, "\(approved.body.string)")
        return try approved.content.decode(ListResponse<PermitDTO>.self).items[0]
    }

    func verify(_ app: Application, _ token: String) async throws -> String? {
        try await app.send(.POST, "/api/v1/permits/verify", json: ["token": token]).content.decode(VerifyResultDTO.self).reason
    }

    @Test func oneIsolationTakesEffectEverywhereAtOnce() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn"), head = try await app.token("head.hk@t.vn")
            let issued = try await permit(app, for: f.hkPerson)
            #expect(try await verify(app, issued.token!) == nil)
            // An approved on-site day, and a published roster that has the person on site.
            let day = futureDay
            let req = try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(me),
                                         json: OnSiteWriteBody(date: day.value, shift: "morning", reason: "officeDuty"))
            #expect(req.status == .created, "\(req.body.string)")
            let reqID = try req.content.decode(OnSiteRequestDTO.self).id
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(reqID)/approve", headers: app.bearer(head), json: DecisionBody()).status == .ok)
            _ = try await f.crowd(app, in: f.hkUnit, count: 4, prefix: "ro")
            let gen = try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(head),
                                         json: RosterService.GenerateInput(org: "HK-NV", start: day.value, days: 3, perShift: 2))
            #expect(gen.status == .created, "\(gen.body.string)")
            let roster = try gen.content.decode(RosterDTO.self)
            #expect(roster.cells?.contains { $0.staffId == f.hkPerson.id! && $0.date == day.value } == true)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(head)).status == .ok)

            // Symptoms: isolation starts now.
            let res = try await declare(app, me, ["symptoms": ["fever", "cough"], "contactWithCase": false])
            #expect(res.status == .created, "\(res.body.string)")
            let result = try res.content.decode(HealthAPI.DeclareResult.self)
            #expect(result.state?.kind == .isolating && result.state?.basis == .symptoms)

            // On site: the approved day is withdrawn, a new request and check-in are refused with the reason.
            let withdrawn = try await OnSiteRequest.find(reqID, on: app.db)
            #expect(withdrawn?.status == .withdrawn)
            #expect(try await OnSiteSlot.query(on: app.db).filter(\.$requestID == reqID).count() == 0)
            let again = try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(me),
                                           json: OnSiteWriteBody(date: day.value, shift: "afternoon", reason: "officeDuty"))
            #expect(code(again) == "health.restricted.isolating")
            #expect(code(try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(me), json: PresenceBody())) == "health.restricted.isolating")
            // Permits: suspended, on the signed revocation list, and no new one is issued.
            #expect(try await verify(app, issued.token!) == "permit.revoked")
            #expect(try await Permit.find(issued.id, on: app.db)?.status == .suspended)
            let list = try await app.send(.GET, "/api/v1/permits/revocations").content.decode(RevocationList.Document.self)
            let ids = try #require(try? RevocationList.verify(list, trust: JWKS.trust(try await PermitKeys.trustList(on: app.db))).get())
            #expect(ids.contains(PermitCodec.idHash(issued.number)))
            // Rosters: the published one shows the conflict and is marked; publishing a draft with the person is refused; replanning removes them.
            let conflicts = try await app.send(.GET, "/api/v1/rosters/\(roster.id)/conflicts", headers: app.bearer(head))
                .content.decode([RosterService.HealthConflict].self)
            #expect(conflicts.contains { $0.staffId == f.hkPerson.id! && $0.kind == .isolating })
            #expect(try await Roster.find(roster.id, on: app.db)?.replanNote?.contains(f.hkPerson.fullName) == true)
            let page = try await WebSession.signIn(app, "head.hk@t.vn").get("/rosters/\(roster.id)").body.string
            #expect(page.contains("id=\"health-conflicts\"") && page.contains("id=\"roster-replan\"") && page.contains(f.hkPerson.fullName))
            // A hand edit that brings nothing new cannot republish the isolated person either.
            let stale = try #require(try await Roster.find(roster.id, on: app.db))
            stale.dirty = true
            try await stale.save(on: app.db)
            #expect(code(try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(head))) == "roster.health_conflict")
            let replanned = try await app.send(.POST, "/api/v1/rosters/\(roster.id)/replan", headers: app.bearer(head))
            #expect(replanned.status == .ok, "\(replanned.body.string)")
            #expect(try replanned.content.decode(RosterDTO.self).cells?.contains { $0.staffId == f.hkPerson.id! } == false)
            #expect(try await app.send(.POST, "/api/v1/rosters/\(roster.id)/publish", headers: app.bearer(head)).status == .ok)
            let newRoster = try await app.send(.POST, "/api/v1/rosters", headers: app.bearer(head),
                                               json: RosterService.GenerateInput(org: "HK-NV", start: day.value, days: 2, perShift: 2))
            #expect(try newRoster.content.decode(RosterDTO.self).cells?.contains { $0.staffId == f.hkPerson.id! } == false)
            // The lead and the head were told; the unit's page lists the state.
            let lead = try #require(try await User.query(on: app.db).filter(\.$email == "lead.hk@t.vn").first())
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == lead.id!).filter(\.$kind == "notif.health_isolating").count() == 1)
            let states = try await app.send(.GET, "/api/v1/health/states?org=HK", headers: app.bearer(head)).content.decode([HealthStateDTO].self)
            #expect(states.map(\.staffId) == [f.hkPerson.id!])
            // A negative test taken today ends it: the permit verifies again and the person may come.
            let neg = try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "testTakenOn": LocalDate.of(Date()).value,
                                                  "testKind": "pcr", "testOutcome": "negative"])
            #expect(try neg.content.decode(HealthAPI.DeclareResult.self).isolationEnded)
            #expect(try await verify(app, issued.token!) == nil)
            #expect(try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(me),
                                       json: OnSiteWriteBody(date: day.value, shift: "afternoon", reason: "officeDuty")).status == .created)
        }
    }

    @Test func contactTracingFindsTheSameUnitAndShiftAndActsInOneStep() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let others = try await f.crowd(app, in: f.hkUnit, count: 3, prefix: "ct")
            let elsewhere = try await f.crowd(app, in: f.hkWard, count: 1, prefix: "cw")
            let today = LocalDate.of(Date()), yesterday = today.adding(days: -1), old = today.adding(days: -10)
            func stay(_ p: StaffMember, _ org: Organization, _ d: LocalDate, _ s: Shift, _ from: Double, _ to: Double?) async throws {
                let e = PresenceEntry()
                e.id = UUID(); e.staffID = p.id!; e.orgID = org.id!; e.orgPath = org.path; e.date = d.value; e.shift = s
                e.checkedInAt = d.start.addingTimeInterval(from * 3600); e.checkedOutAt = to.map { d.start.addingTimeInterval($0 * 3600) }
                try await e.create(on: app.db)
            }
            try await stay(f.hkPerson, f.hkUnit, yesterday, .morning, 8, 11)
            try await stay(others[0], f.hkUnit, yesterday, .morning, 9, 10)          // contact, 60 min
            try await stay(others[1], f.hkUnit, yesterday, .afternoon, 13, 17)       // another shift
            try await stay(others[2], f.hkUnit, old, .morning, 8, 11)                // too long ago
            try await stay(f.hkPerson, f.hkUnit, old, .morning, 8, 11)
            try await stay(elsewhere[0], f.hkWard, yesterday, .morning, 8, 11)       // another unit
            let visit = VisitorVisit()
            visit.id = UUID(); visit.orgID = f.hkUnit.id!; visit.orgPath = f.hkUnit.path; visit.name = "Khách Lê Văn Dũng"; visit.phone = "0912000111"
            visit.hostName = "Nguyễn Văn An"; visit.temperature = 36.5; visit.admitted = true; visit.refusal = ""; visit.date = yesterday.value
            visit.shift = .morning; visit.arrivedAt = yesterday.start.addingTimeInterval(9.5 * 3600); visit.recordedBy = "t"
            try await visit.create(on: app.db)
            let issued = try await permit(app, for: others[0])
            let head = try await app.token("head.hk@t.vn")
            #expect(try await app.send(.GET, "/api/v1/health/trace?staff=\(f.hkPerson.id!)&days=4", headers: app.bearer(try await app.token("lead.hk@t.vn"))).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/health/trace?staff=\(f.hkPerson.id!)&days=4", headers: app.bearer(try await app.token("head.bd@t.vn"))).status == .notFound)
            #expect(code(try await app.send(.GET, "/api/v1/health/trace?staff=\(f.hkPerson.id!)&days=99", headers: app.bearer(head))) == "health.trace_days_invalid")
            let preview = try await app.send(.GET, "/api/v1/health/trace?staff=\(f.hkPerson.id!)&days=4", headers: app.bearer(head))
                .content.decode(TracingService.Result.self)
            #expect(preview.contacts.map(\.staffId) == [others[0].id!])
            #expect(preview.contacts[0].overlapMinutes == 60)
            #expect(preview.visitors.map(\.phone) == ["0912000111"])
            #expect(preview.monitored == nil)
            #expect(try await HealthState.query(on: app.db).count() == 0)
            let applied = try await app.send(.POST, "/api/v1/health/trace", headers: app.bearer(head), json: HealthAPI.TraceInput(staffId: f.hkPerson.id, days: 4))
                .content.decode(TracingService.Result.self)
            #expect(applied.monitored == 1)
            let states = try await HealthState.query(on: app.db).all()
            #expect(Set(states.map(\.staffID)) == [f.hkPerson.id!, others[0].id!])
            #expect(states.first { $0.staffID == others[0].id! }?.kind == .monitoring)
            #expect(states.first { $0.staffID == others[0].id! }?.startsOn == yesterday.value)
            #expect(states.first { $0.staffID == f.hkPerson.id! }?.kind == .isolating)
            #expect(try await verify(app, issued.token!) == "permit.revoked")
            // Tracing again changes nothing: nobody is put under monitoring twice.
            let again = try await app.send(.POST, "/api/v1/health/trace", headers: app.bearer(head), json: HealthAPI.TraceInput(staffId: f.hkPerson.id, days: 4))
                .content.decode(TracingService.Result.self)
            #expect(again.monitored == 0)
            #expect(try await HealthState.query(on: app.db).count() == 2)
        }
    }

    @Test func declarationsAreReadOnlyByThePersonTheHeadAndDelegatesAndEveryReadIsAudited() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn")
            let made = try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "temperature": 36.6])
            #expect(made.status == .created, "\(made.body.string)")
            let id = try made.content.decode(HealthAPI.DeclareResult.self).declaration.id
            let before = try await app.auditCount(action: "health.read")
            // The person reads their own without an audit line.
            #expect(try await app.send(.GET, "/api/v1/health/declarations/\(id)", headers: app.bearer(me)).status == .ok)
            #expect(try await app.auditCount(action: "health.read") == before)
            // The head of HK reads it (audited); the head of BD, Home Affairs and the lead do not.
            let head = try await app.token("head.hk@t.vn")
            #expect(try await app.send(.GET, "/api/v1/health/declarations/\(id)", headers: app.bearer(head)).status == .ok)
            #expect(try await app.auditCount(action: "health.read") == before + 1)
            for other in ["head.bd@t.vn", "noivu@t.vn", "lead.hk@t.vn", "steering@t.vn", "inspector@t.vn"] {
                #expect(try await app.send(.GET, "/api/v1/health/declarations/\(id)", headers: app.bearer(try await app.token(other))).status == .notFound, "\(other)")
                let list = try await app.send(.GET, "/api/v1/health/declarations?org=HK", headers: app.bearer(try await app.token(other)))
                #expect(list.status == .forbidden || list.status == .notFound, "\(other)")
            }
            let listed = try await app.send(.GET, "/api/v1/health/declarations?org=HK", headers: app.bearer(head)).content.decode(ListResponse<DeclarationDTO>.self)
            #expect(listed.total == 1)
            #expect(try await app.auditCount(action: "health.read") == before + 2)
            // Home Affairs reads counts only.
            let counts = try await app.send(.GET, "/api/v1/health/counts?org=C", headers: app.bearer(try await app.token("noivu@t.vn")))
            #expect(counts.status == .ok)
            #expect(try await app.send(.GET, "/api/v1/health/counts?org=HK-NV", headers: app.bearer(try await app.token("staff.hk@t.vn"))).status == .forbidden)
            // A delegate of the head reads; taking it back closes it again.
            let leadUser = try #require(try await User.query(on: app.db).filter(\.$email == "lead.hk@t.vn").first())
            #expect(try await app.send(.POST, "/api/v1/health/delegates", headers: app.bearer(try await app.token("head.bd@t.vn")),
                                       json: HealthDelegates.Input(org: "HK", userId: leadUser.id)).status == .notFound)
            let grant = try await app.send(.POST, "/api/v1/health/delegates", headers: app.bearer(head), json: HealthDelegates.Input(org: "HK-NV", userId: leadUser.id))
            #expect(grant.status == .created, "\(grant.body.string)")
            let lead = try await app.token("lead.hk@t.vn")
            #expect(try await app.send(.GET, "/api/v1/health/declarations/\(id)", headers: app.bearer(lead)).status == .ok)
            let gid = try grant.content.decode(HealthAPI.DelegateDTO.self).id
            #expect(try await app.send(.DELETE, "/api/v1/health/delegates/\(gid)", headers: app.bearer(head)).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/health/declarations/\(id)", headers: app.bearer(lead)).status == .notFound)
        }
    }

    @Test func theDirectiveSaysWhatIsRequiredAndBadInputIsNamed() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "17/CT", over: f.hk, DirectiveRules(isolationDays: 7, feverThreshold: 37.5, declarationFields: [.places, .temperature]))
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn")
            #expect(code(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false])) == "health.field_missing.places")
            #expect(code(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "noPlaces": true])) == "health.field_missing.temperature")
            #expect(code(try await declare(app, me, ["contactWithCase": false, "noPlaces": true, "temperature": 36.5])) == "health.field_missing.symptoms")
            #expect(code(try await declare(app, me, ["noSymptoms": true, "noPlaces": true, "temperature": 36.5])) == "health.field_missing.contact")
            #expect(code(try await declare(app, me, ["symptoms": ["<script>"], "contactWithCase": false, "noPlaces": true, "temperature": 36.5])) == "health.symptom_invalid")
            #expect(code(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "noPlaces": true, "temperature": 99])) == "health.temperature_invalid")
            #expect(code(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "noPlaces": true, "temperature": 36.5,
                                                     "testTakenOn": "2026-02-30", "testKind": "pcr", "testOutcome": "negative"])) == "health.test_invalid")
            #expect(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "noPlaces": true, "temperature": "abc"]).status == .badRequest)
            #expect(code(try await declare(app, try await app.token("head.hk@t.vn"), ["noSymptoms": true, "contactWithCase": false])) == "health.no_staff_record")
            // A fever at the directive's threshold isolates for the directive's days.
            let hot = try await declare(app, me, ["noSymptoms": true, "contactWithCase": false, "noPlaces": true, "temperature": 37.5])
            let state = try #require(try hot.content.decode(HealthAPI.DeclareResult.self).state)
            #expect(state.lastDay == LocalDate.of(Date()).adding(days: 6).value)
        }
    }

    @Test func announcedPlacesMonitorWhoeverDeclaredAVisit() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn")
            let morning = LocalDate.of(Date()).adding(days: -1).start.addingTimeInterval(7 * 3600)
            let iso = ISO8601DateFormatter()
            let made = try await declare(app, me, ["noSymptoms": true, "contactWithCase": false,
                                                   "places": [["place": "cho long bien", "address": "", "from": iso.string(from: morning), "to": iso.string(from: morning + 3600)]]])
            #expect(try made.content.decode(HealthAPI.DeclareResult.self).state == nil)
            let steering = try await app.token("steering@t.vn")
            let bad = "place,address,from,to,source\nChợ Long Biên,,2021-13-01 06:00,2021-07-20 09:00,CDC\n"
            #expect(code(try await app.send(.POST, "/api/v1/health/outbreaks/import?org=C", headers: app.bearer(steering), body: bad, contentType: .plainText)) == "health.import_invalid")
            #expect(try await OutbreakPlaceRecord.query(on: app.db).count() == 0)
            #expect([.forbidden, .notFound].contains(try await app.send(.POST, "/api/v1/health/outbreaks/import?org=C", headers: app.bearer(me), body: bad, contentType: .plainText).status))
            let good = "place,address,from,to,source\n\"Chợ Long Biên\",\"Ba Đình, Hà Nội\",\(iso.string(from: morning - 1800)),\(iso.string(from: morning + 1800)),CDC Hà Nội\n"
                + "Quán Phở Thìn,,2021-07-20 06:00,2021-07-20 09:00,CDC\n"
            let imported = try await app.send(.POST, "/api/v1/health/outbreaks/import?org=C", headers: app.bearer(steering), body: good, contentType: .plainText)
            #expect(imported.status == .ok, "\(imported.body.string)")
            #expect(try imported.content.decode(OutbreakService.Announced.self).monitored == 1)
            let state = try #require(try await HealthState.query(on: app.db).filter(\.$staffID == f.hkPerson.id!).first())
            #expect(state.kind == .monitoring && state.basis == .outbreakPlace && state.detail.contains("Chợ Long Biên"))
            // A later declaration of the same visit names the match.
            try await HealthState.query(on: app.db).delete()
            let again = try await declare(app, me, ["noSymptoms": true, "contactWithCase": false,
                                                    "places": [["place": "CHỢ LONG BIÊN", "address": "", "from": iso.string(from: morning), "to": iso.string(from: morning + 600)]]])
            #expect(try again.content.decode(HealthAPI.DeclareResult.self).matches == ["Chợ Long Biên"])
        }
    }

    @Test func tripsAreApprovedReportedAndLateOnesFlaggedToTheHead() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1557/UBND", over: f.hk, DirectiveRules(leaveCityNeedsApproval: true, healthDeclarationWithinHours: 24))
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn"), head = try await app.token("head.hk@t.vn")
            let today = LocalDate.of(Date())
            #expect(code(try await app.send(.POST, "/api/v1/health/trips", headers: app.bearer(me),
                                            json: TripService.Input(leaveOn: today.adding(days: -2).value, returnOn: today.value, destination: "Nam Định"))) == "health.trip_past")
            #expect(code(try await app.send(.POST, "/api/v1/health/trips", headers: app.bearer(me),
                                            json: TripService.Input(leaveOn: today.value, returnOn: today.adding(days: 1).value, destination: "  "))) == "health.trip_destination_missing")
            let res = try await app.send(.POST, "/api/v1/health/trips", headers: app.bearer(me),
                                         json: TripService.Input(leaveOn: today.value, returnOn: today.adding(days: 1).value, destination: "Nam Định", purpose: "Thăm gia đình"))
            let trip = try res.content.decode(TripDTO.self)
            #expect(trip.status == .requested)
            #expect(code(try await app.send(.POST, "/api/v1/health/trips/\(trip.id)/return", headers: app.bearer(me))) == "health.trip_not_approved")
            #expect(try await app.send(.POST, "/api/v1/health/trips/\(trip.id)/decision", headers: app.bearer(try await app.token("head.bd@t.vn")),
                                       json: TripService.Decision(approve: true)).status == .notFound)
            #expect(code(try await app.send(.POST, "/api/v1/health/trips/\(trip.id)/decision", headers: app.bearer(head), json: TripService.Decision(approve: false))) == "health.trip_reason_missing")
            #expect(try await app.send(.POST, "/api/v1/health/trips/\(trip.id)/decision", headers: app.bearer(head), json: TripService.Decision(approve: true)).status == .ok)
            let back = try await app.send(.POST, "/api/v1/health/trips/\(trip.id)/return", headers: app.bearer(me)).content.decode(TripDTO.self)
            #expect(back.status == .returned && back.declarationDueAt != nil && !back.declared)
            // The deadline passes without a declaration: the head is told once, the counts show it up the tree.
            let row = try #require(try await CityTrip.find(trip.id, on: app.db))
            row.declarationDueAt = Date().addingTimeInterval(-60)
            try await row.save(on: app.db)
            let r1 = try await Scheduler.tick(at: Date(), on: app.db)
            let r2 = try await Scheduler.tick(at: Date(), on: app.db)
            #expect(r1.tripsFlagged == 1 && r2.tripsFlagged == 0)
            let headUser = try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first())
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == headUser.id!).filter(\.$kind == "notif.trip_declaration_late").count() == 1)
            let counts = try await app.send(.GET, "/api/v1/health/counts?org=C", headers: app.bearer(try await app.token("noivu@t.vn"))).content.decode(HealthCounts.Result.self)
            #expect(counts.total.lateDeclarations == 1)
            #expect(counts.rows.first { $0.code == "HK" }?.lateDeclarations == 1 && counts.rows.first { $0.code == "BD" }?.lateDeclarations == 0)
            // Declaring links the trip and clears it.
            #expect(try await declare(app, me, ["noSymptoms": true, "contactWithCase": false]).status == .created)
            #expect(try await CityTrip.find(trip.id, on: app.db)?.declarationID != nil)
        }
    }

    @Test func theFrontDeskRefusesAFeverAndKeepsTheRefusal() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let lead = try await app.token("lead.hk@t.vn")
            func visit(_ t: Double, name: String = "Lê Thị Hoa") async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/health/visits", headers: app.bearer(lead),
                                   json: VisitorService.Input(org: "HK-NV", name: name, phone: "0912 000 222", hostStaffId: f.hkPerson.id, temperature: t, noSymptoms: true, contactWithCase: false))
            }
            let ok = try await visit(36.6).content.decode(VisitDTO.self)
            #expect(ok.admitted && ok.hostName == "Nguyễn Văn An")
            let hot = try await visit(37.5).content.decode(VisitDTO.self)
            #expect(!hot.admitted && hot.refusal == "fever")
            #expect(code(try await visit(99)) == "health.temperature_invalid")
            #expect(try await app.send(.POST, "/api/v1/health/visits", headers: app.bearer(lead),
                                       body: #"{"org":"HK-NV","name":"A","phone":"0912000222","hostName":"B","temperature":"NaN","contactWithCase":false}"#).status == .badRequest)
            #expect(code(try await visit(36.5, name: "  ")) == "health.visitor_name_missing")
            #expect(try await app.send(.POST, "/api/v1/health/visits", headers: app.bearer(try await app.token("head.bd@t.vn")),
                                       json: VisitorService.Input(org: "HK-NV", name: "X", phone: "0912000222", hostName: "Y", temperature: 36, contactWithCase: false)).status == .notFound)
            #expect(code(try await app.send(.POST, "/api/v1/health/visits", headers: app.bearer(lead),
                                            json: VisitorService.Input(org: "HK-NV", name: "X", phone: "0912000222", hostName: "Y", temperature: 36, noSymptoms: true))) == "health.field_missing.contact")
            #expect(code(try await app.send(.POST, "/api/v1/health/visits/\(hot.id)/leave", headers: app.bearer(lead))) == "health.visitor_not_in")
            #expect(try await app.send(.POST, "/api/v1/health/visits/\(ok.id)/leave", headers: app.bearer(lead)).status == .ok)
            let list = try await app.send(.GET, "/api/v1/health/visits?org=HK-NV", headers: app.bearer(lead)).content.decode(ListResponse<VisitDTO>.self)
            #expect(list.total == 2)
            #expect(try await HealthDeclaration.query(on: app.db).filter(\.$visitID != nil).count() == 2)
        }
    }

    @Test func theEndDateEndsItOnceAndGivesThePermitBack() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let issued = try await permit(app, for: f.hkPerson)
            let head = try await app.token("head.hk@t.vn")
            let today = LocalDate.of(Date())
            #expect(try await app.send(.POST, "/api/v1/health/states", headers: app.bearer(try await app.token("head.bd@t.vn")),
                                       json: HealthService.DecisionInput(staffId: f.hkPerson.id, kind: "isolating")).status == .notFound)
            #expect(code(try await app.send(.POST, "/api/v1/health/states", headers: app.bearer(head),
                                            json: HealthService.DecisionInput(staffId: f.hkPerson.id, kind: "quarantined"))) == "health.kind_invalid")
            let made = try await app.send(.POST, "/api/v1/health/states", headers: app.bearer(head),
                                          json: HealthService.DecisionInput(staffId: f.hkPerson.id, kind: "isolating", from: today.value, lastDay: today.value))
            #expect(made.status == .created, "\(made.body.string)")
            #expect(code(try await app.send(.POST, "/api/v1/health/states", headers: app.bearer(head),
                                            json: HealthService.DecisionInput(staffId: f.hkPerson.id, kind: "monitoring"))) == "health.already_monitoring")
            #expect(try await StaffMember.find(f.hkPerson.id, on: app.db)?.status == .isolating)
            #expect(try await verify(app, issued.token!) == "permit.revoked")
            // Tomorrow the scheduler ends it, once.
            let tomorrow = today.adding(days: 1).start.addingTimeInterval(9 * 3600)
            let r1 = try await Scheduler.tick(at: tomorrow, on: app.db), r2 = try await Scheduler.tick(at: tomorrow, on: app.db)
            #expect(r1.healthEnded == 1 && r2.healthEnded == 0)
            #expect(try await verify(app, issued.token!) == nil)
            #expect(try await StaffMember.find(f.hkPerson.id, on: app.db)?.status == f.hkPerson.status)
        }
    }

    /// Many declarations with symptoms from one person at once: one state in force, never two.
    @Test func aStormOfDeclarationsStartsOneIsolation() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let me = try await app.token("staff.hk@t.vn")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let actor = try await Actor.load(user: try await User.query(on: app.db).filter(\.$email == "staff.hk@t.vn").first()!, via: "test", on: app.db)
                        _ = try await DeclarationService.declare(.init(symptoms: ["fever"], contactWithCase: false), actor: actor, on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            _ = me
            let active = try await HealthState.query(on: app.db).filter(\.$endedOn == nil).count()
            #expect(active == 1)
            #expect(try await HealthDeclaration.query(on: app.db).count() == 12)
        }
    }

    /// The pages as a browser uses them: a declaration posted as a form, the unit's page and
    /// the CSV carry only what each reader may see, and a bad form is answered on the page.
    @Test func pagesAndTheCSVKeepToWhatTheReaderMaySee() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            try await f.link(app, "lead.hk@t.vn", to: f.hkPerson2)
            var me = try await WebSession.signIn(app, "staff.hk@t.vn")
            #expect(try await me.get("/health").status == .ok)
            var res = try await me.post("/health/declarations", ["noSymptoms": "true", "contact": "no", "temperature": "36,6"])
            #expect(res.status == .seeOther)
            var lead = try await WebSession.signIn(app, "lead.hk@t.vn")
            res = try await lead.post("/health/declarations", ["symptoms[]": "cough", "contact": "no"])
            #expect(res.status == .seeOther)
            #expect(try await HealthState.query(on: app.db).filter(\.$staffID == f.hkPerson2.id!).count() == 1)
            // A contradiction is refused on the page and nothing is kept.
            res = try await me.post("/health/declarations", ["symptoms[]": "cough", "noSymptoms": "true", "contact": "no"])
            #expect(res.status == .seeOther)
            let page = try await me.get("/health").body.string
            #expect(page.contains("Không có triệu chứng”") || page.contains("flash error"))
            #expect(try await HealthDeclaration.query(on: app.db).count() == 2)
            // The CSV: the staff member gets their own row; the head both; the lead (no health rights) only their own.
            let own = try await me.get("/health/declarations.csv").body.string
            #expect(own.contains(f.hkPerson.fullName) && !own.contains(f.hkPerson2.fullName))
            let head = try await WebSession.signIn(app, "head.hk@t.vn")
            let all = try await head.get("/health/declarations.csv").body.string
            #expect(all.contains(f.hkPerson.fullName) && all.contains(f.hkPerson2.fullName))
            let leads = try await lead.get("/health/declarations.csv").body.string
            #expect(leads.contains(f.hkPerson2.fullName) && !leads.contains(f.hkPerson.fullName))
            let outsider = try await WebSession.signIn(app, "head.bd@t.vn")
            #expect(!(try await outsider.get("/health/declarations.csv").body.string.contains(f.hkPerson.fullName)))
            #expect(try await outsider.get("/health/unit?org=HK").status == .notFound)
            // The head's pages render, and the unit lead is told who is isolating without the symptoms.
            for path in ["/health/unit?org=HK", "/health/counts?org=HK", "/health/visitors?org=HK-NV", "/health/outbreaks", "/health/trace"] {
                #expect(try await head.get(path).status == .ok, "\(path)")
            }
            #expect(try await lead.get("/health/unit?org=HK-NV").status == .forbidden)
        }
    }

    /// Two cases who met each other, traced by several heads at once: every tracing ends, and
    /// each person has one state in force (no deadlock, no double state).
    @Test func concurrentTracingsOfCasesWhoMetEachOther() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let others = try await f.crowd(app, in: f.hkUnit, count: 4, prefix: "cc")
            let yesterday = LocalDate.of(Date()).adding(days: -1)
            for p in [f.hkPerson, f.hkPerson2] + others {
                let e = PresenceEntry()
                e.id = UUID(); e.staffID = p.id!; e.orgID = f.hkUnit.id!; e.orgPath = f.hkUnit.path; e.date = yesterday.value; e.shift = .morning
                e.checkedInAt = yesterday.start.addingTimeInterval(8 * 3600); e.checkedOutAt = yesterday.start.addingTimeInterval(11 * 3600)
                try await e.create(on: app.db)
            }
            let headUser = try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first())
            let head = try await Actor.load(user: headUser, via: "test", on: app.db)
            let cases = [f.hkPerson.id!, f.hkPerson2.id!]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 {
                    group.addTask { _ = try await TracingService.apply(cases[i % 2], days: 2, actor: head, on: app.db) }
                }
                try await group.waitForAll()
            }
            let states = try await HealthState.query(on: app.db).filter(\.$endedOn == nil).all()
            #expect(Dictionary(grouping: states, by: \.staffID).values.allSatisfy { $0.count == 1 })
            #expect(Set(states.map(\.staffID)) == Set(cases + others.map { $0.id! }))
            #expect(states.filter { cases.contains($0.staffID) }.allSatisfy { $0.kind == .isolating })
        }
    }
}
