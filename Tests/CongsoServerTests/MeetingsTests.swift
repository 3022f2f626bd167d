import CongsoCore
import Fluent
import Foundation
import JWTKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Meetings through the API: scheduling, lists and search, permissions by subtree, the
/// directive's in-person rules with the head's approval, answers, and joining.
@Suite struct MeetingServerTests {
    func schedule(_ app: Application, _ token: String, _ input: MeetingService.Input) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/meetings", headers: app.bearer(token), json: input)
    }

    func online(_ f: Fixture, title: String = "Giao ban tuần", orgs: [String] = ["HK-NV"]) -> MeetingService.Input {
        .init(org: "HK-NV", title: title, date: futureDay.value, start: "08:00", end: "09:30", chairStaffId: f.hkPerson.id,
              inviteeOrgs: orgs, agenda: [.init(title: "Tình hình tuần", minutes: 30), .init(title: "Nhiệm vụ tới", minutes: 45)])
    }

    @Test func aLeadSchedulesForTheUnitAndInviteesFindItWithoutAccents() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            let res = try await schedule(app, lead, online(f))
            #expect(res.status == .created)
            let m = try res.content.decode(MeetingDTO.self)
            #expect(m.status == .scheduled && m.mode == .online && m.agenda.count == 2)
            // The unit is expanded to its staff, the chair among them and accepted.
            #expect(Set(m.invitees.map(\.staffId)) == [f.hkPerson.id!, f.hkPerson2.id!])
            #expect(m.invitees.first { $0.staffId == f.hkPerson.id }?.answer == .accepted)
            // 08:00 in Hanoi is 01:00 UTC.
            #expect(Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: m.startsAt).hour == 1)
            // No engine configured: no join link.
            #expect(m.joinPath == nil)
            let mine = try await app.send(.GET, "/api/v1/meetings?q=giao%20ban", headers: app.bearer(staff)).content.decode(ListResponse<MeetingDTO>.self)
            #expect(mine.total == 1 && mine.items[0].id == m.id)
            #expect(try await app.send(.GET, "/api/v1/meetings?q=tuan%20le", headers: app.bearer(staff)).content.decode(ListResponse<MeetingDTO>.self).total == 0)
            #expect(try await app.send(.GET, "/api/v1/meetings?when=past", headers: app.bearer(staff)).content.decode(ListResponse<MeetingDTO>.self).total == 0)
            // Another district sees nothing of it.
            #expect(try await app.send(.GET, "/api/v1/meetings/\(m.id)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/meetings?scope=unit", headers: app.bearer(bd)).content.decode(ListResponse<MeetingDTO>.self).total == 0)
            #expect(try await app.auditCount(action: "meeting.create") == 1)
            // The invitee was told.
            let told = try await AppNotification.query(on: app.db).filter(\.$kind == "notif.meeting_invited").count()
            #expect(told == 1)
        }
    }

    @Test func badInputAndOutsidersAreRefused() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            func code(_ token: String, _ edit: (inout MeetingService.Input) -> Void) async throws -> String {
                var input = online(f)
                edit(&input)
                let res = try await schedule(app, token, input)
                return (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)"
            }
            #expect(try await code(lead) { $0.title = "   " } == "meeting.title_missing")
            #expect(try await code(lead) { $0.end = "07:00" } == "meeting.end_before_start")
            #expect(try await code(lead) { $0.start = "25:00" } == "meeting.time_invalid")
            #expect(try await code(lead) { $0.start = "8h" } == "meeting.time_invalid")
            #expect(try await code(lead) { $0.date = "2021-02-30" } == "date_invalid")
            #expect(try await code(lead) { $0.date = "2021-07-26" } == "meeting.in_past")
            #expect(try await code(lead) { $0.agenda = [.init(title: "Dài", minutes: 200)] } == "meeting.agenda_too_long")
            #expect(try await code(lead) { $0.agenda = [.init(title: "Không phút", minutes: nil)] } == "meeting.agenda_minutes")
            #expect(try await code(lead) { $0.chairStaffId = nil } == "meeting.chair_missing")
            #expect(try await code(lead) { $0.inviteeOrgs = [] } == "meeting.no_invitees")
            #expect(try await code(lead) { $0.title = String(repeating: "Họp ", count: 100) } == "too_long")
            // Staff do not schedule; a lead cannot invite another district's staff or units.
            #expect(try await code(staff) { _ in } == "forbidden")
            #expect(try await code(lead) { $0.inviteeStaffIds = [f.bdPerson.id!] } == "not_found")
            #expect(try await code(lead) { $0.inviteeOrgs = ["BD-NV"] } == "not_found")
            #expect(try await code(bd) { _ in } == "not_found")
            #expect(try await app.auditCount(action: "meeting.create") == 0)
        }
    }

    @Test func inPersonRequestsFollowTheDirectiveAndTheHead() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let steering = try await app.token("steering@t.vn"), lead = try await app.token("lead.hk@t.vn"), head = try await app.token("head.hk@t.vn")
            // 2 m spacing, at most 10 in person, from the directive over the city.
            let directive = DirectiveWriteBody(number: "1557/UBND-KGVX", issuer: "UBND TP", title: "Hạn chế họp trực tiếp", scopeOrg: "C",
                                               effectiveFrom: "2021-05-25", rules: DirectiveRules(meetingMaxInPerson: 10, meetingSpacingMeters: 2))
            #expect(try await app.send(.POST, "/api/v1/directives", headers: app.bearer(steering), json: directive).status == .created)
            // A room of 2 rows × 2 seats at 1 m holds one person at 2 m.
            let small = try await app.send(.POST, "/api/v1/meeting-rooms", headers: app.bearer(lead),
                                           json: MeetingRoomService.Input(org: "HK-NV", name: "Phòng nhỏ", rows: 2, columns: 2, pitchMeters: 1))
                .content.decode(MeetingRoomService.DTO.self)
            let hall = try await app.send(.POST, "/api/v1/meeting-rooms", headers: app.bearer(head),
                                          json: MeetingRoomService.Input(org: "HK", name: "Hội trường", areaSquareMeters: 200))
                .content.decode(MeetingRoomService.DTO.self)
            let rooms = try await app.send(.GET, "/api/v1/meeting-rooms?org=HK-NV", headers: app.bearer(lead)).content.decode([MeetingRoomService.DTO].self)
            #expect(rooms.map(\.name).sorted() == ["Hội trường", "Phòng nhỏ"] && rooms.first { $0.name == "Phòng nhỏ" }?.capacityAtSpacing == 1)
            #expect(try await app.send(.POST, "/api/v1/meeting-rooms", headers: app.bearer(lead),
                                       json: MeetingRoomService.Input(org: "HK-NV", name: "Phòng nhỏ", areaSquareMeters: 20)).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/meeting-rooms", headers: app.bearer(lead),
                                       json: MeetingRoomService.Input(org: "HK-NV", name: "Lỗi", rows: 0, columns: 2, pitchMeters: 1)).status == .unprocessableEntity)
            var input = online(f)
            input.mode = .inPerson
            input.roomId = small.id
            let refused = try await schedule(app, lead, input)
            let error = try refused.content.decode(ErrorBody.self).error
            #expect(refused.status == .unprocessableEntity && error.code == "meeting.in_person_refused")
            #expect(error.message.contains("1557/UBND-KGVX") && error.message.contains("2 m"), "\(error.message)")
            // In the hall it waits for the head, who alone approves.
            input.roomId = hall.id
            let pending = try await schedule(app, lead, input).content.decode(MeetingDTO.self)
            #expect(pending.status == .pending && pending.joinPath == nil)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(pending.id)/approve", headers: app.bearer(lead)).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(pending.id)/refuse", headers: app.bearer(head)).status == .unprocessableEntity)
            let approved = try await app.send(.POST, "/api/v1/meetings/\(pending.id)/approve", headers: app.bearer(head))
            #expect(try approved.content.decode(MeetingDTO.self).status == .scheduled)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(pending.id)/approve", headers: app.bearer(head)).status == .conflict)
            // A directive that forbids in-person meetings forbids them, whatever the room.
            let ban = DirectiveWriteBody(number: "12/CT-UBND", issuer: "UBND quận", title: "Dừng họp trực tiếp", scopeOrg: "HK",
                                         effectiveFrom: "2021-05-11", rules: DirectiveRules(meetingMaxInPerson: 0))
            #expect(try await app.send(.POST, "/api/v1/directives", headers: app.bearer(steering), json: ban).status == .created)
            let banned = try await schedule(app, head, input).content.decode(ErrorBody.self).error
            #expect(banned.code == "meeting.in_person_refused" && banned.message.contains("12/CT-UBND"))
            #expect(try await app.auditCount(action: "meeting.approve") == 1)
        }
    }

    @Test func inviteesAnswerAndDelegateWithinTheirUnit() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            let m = try await schedule(app, lead, online(f)).content.decode(MeetingDTO.self)
            func answer(_ body: MeetingAPI.AnswerInput) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/meetings/\(m.id)/answer", headers: app.bearer(staff), json: body)
            }
            #expect(try await answer(.init(answer: .declined)).status == .ok)
            #expect(try await answer(.init(answer: .delegated, delegateStaffId: f.bdPerson.id)).status == .unprocessableEntity)
            #expect(try await answer(.init(answer: .delegated)).status == .unprocessableEntity)
            let after = try await answer(.init(answer: .delegated, delegateStaffId: f.hkPerson.id)).content.decode(MeetingDTO.self)
            #expect(after.invitees.first { $0.staffId == f.hkPerson2.id }?.answer == .delegated)
            // Cancelled: invitees are told, answers are closed.
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/cancel", headers: app.bearer(staff)).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/cancel", headers: app.bearer(lead)).status == .ok)
            #expect(try await answer(.init(answer: .accepted)).status == .conflict)
        }
    }

    @Test func joiningMintsAJitsiTokenWithModeratorForTheChairOnly() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            try await f.link(app, "lead.hk@t.vn", to: f.hkPerson)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), head = try await app.token("head.hk@t.vn")
            let m = try await schedule(app, lead, online(f)).content.decode(MeetingDTO.self)
            let none = try await app.send(.GET, "/api/v1/meetings/\(m.id)/join", headers: app.bearer(staff))
            #expect(try none.content.decode(ErrorBody.self).error.code == "meeting.no_video_engine")
            app.videoEngine = .jitsi(.init(base: "https://meet.example.org", appID: "congso", secret: "a-shared-secret-of-at-least-32-bytes",
                                           audience: "jitsi", domain: "meet.example.org", tokenMinutes: 5))
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: "a-shared-secret-of-at-least-32-bytes"), digestAlgorithm: .sha256)
            for (token, moderator) in [(staff, false), (lead, true)] {
                let join = try await app.send(.GET, "/api/v1/meetings/\(m.id)/join", headers: app.bearer(token)).content.decode(MeetingAPI.JoinDTO.self)
                let parts = join.url.components(separatedBy: "?jwt=")
                #expect(parts[0].hasPrefix("https://meet.example.org/congso-") && parts[0].count == "https://meet.example.org/".count + 33)
                let claims = try await keys.verify(parts[1], as: MeetingVideo.JitsiClaims.self)
                #expect(claims.moderator == moderator && join.moderator == moderator)
                #expect(claims.room == String(parts[0].dropFirst("https://meet.example.org/".count)) && claims.sub.value == "meet.example.org")
                #expect(claims.iss.value == "congso" && claims.aud.value == ["jitsi"])
                #expect(claims.exp.value.timeIntervalSinceNow <= 300 && claims.exp.value.timeIntervalSinceNow > 200)
            }
            // A head who may read the unit but is not invited does not get in.
            #expect(try await app.send(.GET, "/api/v1/meetings/\(m.id)/join", headers: app.bearer(head)).status == .unprocessableEntity)
            // A wrong secret does not verify.
            let other = JWTKeyCollection()
            await other.add(hmac: HMACKey(from: "another-secret-of-at-least-32-bytes!"), digestAlgorithm: .sha256)
            let join = try await app.send(.GET, "/api/v1/meetings/\(m.id)/join", headers: app.bearer(staff)).content.decode(MeetingAPI.JoinDTO.self)
            await #expect(throws: (any Error).self) { try await other.verify(join.url.components(separatedBy: "?jwt=")[1], as: MeetingVideo.JitsiClaims.self) }
            #expect(try await app.auditCount(action: "meeting.join") == 3)
        }
    }

    @Test func theChairKeepsAttendanceAndMinutesToLockedWithDecisionsAsTasks() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            let m = try await schedule(app, lead, online(f)).content.decode(MeetingDTO.self)
            // Not begun: no attendance yet.
            let early = try await app.send(.POST, "/api/v1/meetings/\(m.id)/attendance", headers: app.bearer(lead),
                                           json: MeetingAPI.Attendance(present: [f.hkPerson.id!]))
            #expect(try early.content.decode(ErrorBody.self).error.code == "meeting.not_started")
            // The meeting took place an hour ago.
            let row = try #require(try await Meeting.find(m.id, on: app.db))
            row.startsAt = Date().addingTimeInterval(-3600); row.endsAt = Date().addingTimeInterval(-600)
            try await row.save(on: app.db)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/attendance", headers: app.bearer(staff),
                                       json: MeetingAPI.Attendance(present: [f.hkPerson2.id!])).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/attendance", headers: app.bearer(lead),
                                       json: MeetingAPI.Attendance(present: [f.bdPerson.id!])).status == .unprocessableEntity)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/attendance", headers: app.bearer(lead),
                                       json: MeetingAPI.Attendance(present: [f.hkPerson.id!])).status == .ok)
            // Draft: the keepers see it, the attendees do not.
            let draft = MeetingMinutesService.DraftInput(summary: "Thống nhất lịch trực tuần tới.", decisions: [
                .init(text: "Rà soát danh sách F1", ownerStaffId: f.hkPerson2.id, deadline: futureDay.adding(days: 3).value),
                .init(text: "Báo cáo Ban chỉ đạo"),
            ])
            #expect(try await app.send(.PUT, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(staff), json: draft).status == .forbidden)
            let bad = MeetingMinutesService.DraftInput(summary: "x", decisions: [.init(text: "Sai hạn", deadline: "2021-01-01")])
            #expect(try await app.send(.PUT, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(lead), json: bad).status == .unprocessableEntity)
            var record = try await app.send(.PUT, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(lead), json: draft).content.decode(MinutesDTO.self)
            #expect(record.status == .draft && record.decisions.count == 2 && record.present.map(\.staffId) == [f.hkPerson.id!])
            #expect(record.absent.map(\.staffId) == [f.hkPerson2.id!])
            #expect(try await app.send(.GET, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(staff)).content.decode(MinutesDTO.self).status == nil)
            // Comments only once circulated; then locked, nothing changes any more.
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/minutes/comments", headers: app.bearer(staff),
                                       json: MeetingAPI.CommentInput(text: "Đề nghị bổ sung")).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/minutes/lock", headers: app.bearer(lead)).status == .conflict)
            record = try await app.send(.POST, "/api/v1/meetings/\(m.id)/minutes/circulate", headers: app.bearer(lead)).content.decode(MinutesDTO.self)
            #expect(record.status == .circulated)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/minutes/comments", headers: app.bearer(staff),
                                       json: MeetingAPI.CommentInput(text: "Đề nghị bổ sung hạn báo cáo")).status == .created)
            #expect(try await app.send(.PUT, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(lead), json: draft).status == .conflict)
            record = try await app.send(.POST, "/api/v1/meetings/\(m.id)/minutes/lock", headers: app.bearer(lead)).content.decode(MinutesDTO.self)
            #expect(record.status == .locked && record.comments.count == 1)
            #expect(try await app.send(.GET, "/api/v1/meetings/\(m.id)/minutes", headers: app.bearer(staff)).content.decode(MinutesDTO.self).summary
                    == "Thống nhất lịch trực tuần tới.")
            // A decision with owner and deadline becomes a task, once; one without cannot.
            let complete = record.decisions[0], incomplete = record.decisions[1]
            let task = try await app.send(.POST, "/api/v1/meetings/\(m.id)/decisions/\(complete.id)/task", headers: app.bearer(lead))
            #expect(task.status == .created)
            let made = try task.content.decode(TaskDTO.self)
            #expect(made.title == "Rà soát danh sách F1" && made.assigneeStaffId == f.hkPerson2.id)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/decisions/\(complete.id)/task", headers: app.bearer(lead)).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/decisions/\(incomplete.id)/task", headers: app.bearer(lead)).status == .unprocessableEntity)
            for action in ["meeting.attendance", "meeting.minutes_draft", "meeting.minutes_circulate", "meeting.minutes_comment", "meeting.minutes_lock",
                           "meeting.decision_task"] {
                #expect(try await app.auditCount(action: action) == 1, "\(action)")
            }
        }
    }

    @Test func invitationsAreRequestsWithASequenceThenACancellation() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            let m = try await schedule(app, lead, online(f, title: "Họp; giao ban, tuần \"45\"")).content.decode(MeetingDTO.self)
            func ics() async throws -> String {
                let res = try await app.send(.GET, "/api/v1/meetings/\(m.id)/invitation.ics", headers: app.bearer(staff))
                #expect(res.headers.contentType?.type == "text" && res.headers.contentType?.subType == "calendar")
                return res.body.string
            }
            var text = try await ics()
            #expect(text.contains("METHOD:REQUEST\r\n") && text.contains("SEQUENCE:0\r\n") && text.contains("STATUS:CONFIRMED"))
            #expect(text.contains("SUMMARY:Họp\\; giao ban\\, tuần \"45\""))
            #expect(text.replacingOccurrences(of: "\r\n ", with: "").contains("ATTENDEE;CN=\"Trần Thị Bình\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:binh@hk.vn"))
            #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            let moved = try await app.send(.PATCH, "/api/v1/meetings/\(m.id)", headers: app.bearer(lead),
                                           json: MeetingService.Change(date: futureDay.adding(days: 1).value, start: "14:00", end: "15:30"))
            #expect(try moved.content.decode(MeetingDTO.self).sequence == 1)
            text = try await ics()
            #expect(text.contains("SEQUENCE:1\r\n") && text.contains("DTSTART:" + ICalendar.utc(futureDay.adding(days: 1), (14, 0))))
            #expect(try await app.send(.PATCH, "/api/v1/meetings/\(m.id)", headers: app.bearer(lead),
                                       json: MeetingService.Change(start: "16:00", end: "15:00")).status == .unprocessableEntity)
            #expect(try await app.send(.POST, "/api/v1/meetings/\(m.id)/cancel", headers: app.bearer(lead)).status == .ok)
            text = try await ics()
            #expect(text.contains("METHOD:CANCEL\r\n") && text.contains("SEQUENCE:2\r\n") && text.contains("STATUS:CANCELLED"))
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.meeting_changed").count() == 1)
        }
    }
}

/// Mail through the outbox: queued in the same transaction as the notification, by each
/// person's choice, composed with the invitation, and unsubscribed by a signed link.
@Suite(.serialized) struct MailOutboxTests {
    @Test func invitationsAreQueuedByChoiceAndComposedWithTheirCalendar() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            let relay = try #require(try MailRelay.from(environment: ["CONGSO_SMTP_HOST": "127.0.0.1", "CONGSO_SMTP_PORT": "1",
                                                                      "CONGSO_SMTP_FROM": "congso@t.vn", "CONGSO_SMTP_SECURITY": "none"], port: 8080))
            app.mailRelay = relay
            defer { app.mailRelay = nil }
            let lead = try await app.token("lead.hk@t.vn")
            let staffUser = try #require(try await User.query(on: app.db).filter(\.$email == "staff.hk@t.vn").first())
            let input = MeetingService.Input(org: "HK-NV", title: "Giao ban tuần", date: futureDay.value, start: "08:00", end: "09:00",
                                             chairStaffId: f.hkPerson.id, inviteeOrgs: ["HK-NV"])
            #expect(try await app.send(.POST, "/api/v1/meetings", headers: app.bearer(lead), json: input).status == .created)
            let queued = try await MailOutboxEntry.query(on: app.db).filter(\.$userID == staffUser.id!).all()
            #expect(queued.count == 1 && queued[0].route == "now" && queued[0].meetingID != nil)
            let composed = try #require(try await MailDispatcher.compose(queued[0], relay: relay, texts: app.translations, on: app.db, now: Date()))
            #expect(composed.to == "staff.hk@t.vn")
            #expect(composed.text.contains("method=REQUEST") && composed.text.contains("List-Unsubscribe: <http://127.0.0.1:8080/mail/unsubscribe?u="))
            // The relay is down (port 1): the entry waits for a retry, nothing is lost.
            let outcome = try await MailDispatcher.tick(app: app)
            #expect(outcome.sent == 0 && outcome.retried >= 1)
            let after = try #require(try await MailOutboxEntry.find(queued[0].id, on: app.db))
            #expect(after.status == .queued && after.attempts == 1 && after.nextAttemptAt > Date() && after.claimedBy == nil)
            // Daily digest only: the next invitation waits for 17:30.
            try await MailUnsubscribe.set(staffUser.id!, to: .dailyDigestOnly, on: app.db)
            var second = input
            second.title = "Họp chuyên đề"
            #expect(try await app.send(.POST, "/api/v1/meetings", headers: app.bearer(lead), json: second).status == .created)
            #expect(try await MailOutboxEntry.query(on: app.db).filter(\.$userID == staffUser.id!).filter(\.$route == "digest").count() == 1)
            // A signed link unsubscribes without signing in; a forged one does not.
            let key = try await MailUnsubscribe.key(on: app.db)
            let token = MailUnsubscribe.token(for: staffUser.id!, key: key)
            #expect(MailUnsubscribe.user(from: token, key: key) == staffUser.id)
            #expect(MailUnsubscribe.user(from: String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A"), key: key) == nil)
            #expect(MailUnsubscribe.user(from: UUID().uuidString.lowercased() + "." + token.split(separator: ".")[1], key: key) == nil)
            #expect(try await app.send(.POST, "/mail/unsubscribe?u=\(token)").status == .ok)
            #expect(try await MailSetting.query(on: app.db).filter(\.$userID == staffUser.id!).first()?.preference == MailPreference.none)
            #expect(try await app.send(.POST, "/mail/unsubscribe?u=x.y").status == .notFound)
            var third = input
            third.title = "Họp lần ba"
            #expect(try await app.send(.POST, "/api/v1/meetings", headers: app.bearer(lead), json: third).status == .created)
            #expect(try await MailOutboxEntry.query(on: app.db).filter(\.$userID == staffUser.id!).count() == 2)
        }
    }

    @Test func theDigestGathersTheDaysRestIntoOneMessageOncePerDay() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson2)
            app.mailRelay = try MailRelay.from(environment: ["CONGSO_SMTP_HOST": "127.0.0.1", "CONGSO_SMTP_FROM": "congso@t.vn",
                                                             "CONGSO_SMTP_SECURITY": "none"], port: 8080)
            defer { app.mailRelay = nil }
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "staff.hk@t.vn").first())
            // Not actions: for the digest.
            try await NotificationService.notify([user.id!], kind: "notif.plan_approved", detail: "01/12/2026", link: "/plans", on: app.db)
            try await NotificationService.notify([user.id!], kind: "notif.task_done", detail: "Rà soát", link: "/tasks", on: app.db)
            let today = LocalDate.of(Date())
            try await MailDispatcher.digest(at: today.start.addingTimeInterval(17 * 3600), on: app.db)
            #expect(try await MailOutboxEntry.query(on: app.db).filter(\.$kind == "mail.digest").count() == 0)
            let evening = today.start.addingTimeInterval(17.5 * 3600 + 60)
            try await MailDispatcher.digest(at: max(evening, Date()), on: app.db)
            try await MailDispatcher.digest(at: max(evening, Date()).addingTimeInterval(60), on: app.db)
            let digests = try await MailOutboxEntry.query(on: app.db).filter(\.$kind == "mail.digest").all()
            #expect(digests.count == 1 && digests[0].userID == user.id && digests[0].route == "now")
            #expect(try await MailOutboxEntry.query(on: app.db).filter(\.$status == .digested).count() == 2)
            let composed = try #require(try await MailDispatcher.compose(digests[0], relay: app.mailRelay!, texts: app.translations, on: app.db, now: Date()))
            #expect(composed.text.contains("Subject: =?UTF-8?B?"))
            // The account page offers the choice.
            var web = try await WebSession.signIn(app, "staff.hk@t.vn")
            let page = try await web.get("/account")
            #expect(page.body.string.contains("mail-dailyDigestOnly"))
            web.absorb(page)
            let saved = try await web.post("/account/mail", ["preference": "everythingNow"])
            #expect(saved.status == .seeOther)
            #expect(try await MailSetting.query(on: app.db).filter(\.$userID == user.id!).first()?.preference == .everythingNow)
        }
    }
}
