import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Public services through the API: the catalogue and its CSV import, applying without an
/// account, the desk's steps with the clock (suspension gives the time back), the lookup that
/// shows nothing personal without the phone, rate limits, the subtree, and the figures.
@Suite struct PublicServiceServerTests {
    static let pdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"

    func procedure(_ app: Application, _ token: String, org: String = "HK-W1", code: String = "1.001193", time: String = "3d",
                   level: OnlineLevel = .full, post: Bool = true) async throws -> ProcedureDTO {
        var i = ProcedureService.Input()
        i.org = org; i.code = code; i.name = "Đăng ký khai sinh"; i.processing = time; i.fee = 0; i.onlineLevel = level.rawValue; i.byPost = post
        i.papers = [.init(name: "Tờ khai", scan: true), .init(name: "Giấy chứng sinh", scan: true)]
        let res = try await app.send(.POST, "/api/v1/procedures", headers: app.bearer(token), json: i)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.content.decode(ProcedureDTO.self)
    }

    /// A multipart application body: text fields and one PDF per paper index given.
    func form(_ fields: [String: String], papers: [Int], content: String = PublicServiceServerTests.pdf, name: String = "to-khai.pdf") -> (String, HTTPMediaType) {
        let boundary = "----congso\(UUID().uuidString.prefix(8))"
        var body = ""
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n"
        }
        for i in papers {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"paper\(i)\"; filename=\"\(name)\"\r\nContent-Type: application/pdf\r\n\r\n\(content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return (body, HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
    }

    func apply(_ app: Application, _ p: ProcedureDTO, phone: String = "0912 345 678", papers: [Int] = [0, 1],
               extra: [String: String] = [:], content: String = PublicServiceServerTests.pdf, name: String = "to-khai.pdf") async throws -> TestingHTTPResponse {
        var fields = ["procedureId": p.id.uuidString, "name": "Nguyễn Thị Hoa", "phone": phone, "address": "12 Phố Huế"]
        fields.merge(extra) { _, b in b }
        let (body, type) = form(fields, papers: papers, content: content, name: name)
        return try await app.send(.POST, "/api/v1/public/applications", body: body, contentType: type)
    }

    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    func step(_ app: Application, _ token: String, _ id: UUID, _ s: ApplicationService.Step) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/applications/\(id)/steps", headers: app.bearer(token), json: s)
    }

    @Test func aCitizenAppliesAndTheDeskCarriesItThrough() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let p = try await procedure(app, head, org: "HK")
            // Missing a required scan, a disguised file, a bad phone: refused, nothing written.
            #expect(code(try await apply(app, p, papers: [0])) == "application.paper_missing")
            #expect(code(try await apply(app, p, content: "MZ\u{90}not a pdf")) == "application.file_disguised")
            #expect(code(try await apply(app, p, phone: "12<script>")) == "application.phone_invalid")
            #expect(code(try await apply(app, p, extra: ["name": "  "])) == "application.name_missing")
            #expect(try await ServiceApplication.query(on: app.db).count() == 0)
            #expect(try await ApplicationFile.query(on: app.db).count() == 0)

            let res = try await apply(app, p)
            #expect(res.status == .created, "\(res.body.string)")
            let receipt = try res.content.decode(PublicServiceAPI.Receipt.self)
            #expect(receipt.status == .submitted && receipt.dueAt == nil && TrackingCode.normalize(receipt.code) == receipt.code)
            let a = try #require(try await ServiceApplication.query(on: app.db).first())
            #expect(a.applicantPhone == "0912345678")
            #expect(try await ApplicationFile.query(on: app.db).count() == 2)

            // The desk of another district does not see it; the ward's head does.
            let outsider = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.GET, "/api/v1/applications/\(a.id!)", headers: app.bearer(outsider)).status == .notFound)
            #expect(try await step(app, outsider, a.id!, .init(action: "receive")).status == .notFound)
            let list = try await app.send(.GET, "/api/v1/applications?status=new", headers: app.bearer(outsider))
            #expect(try list.content.decode(ListResponse<ApplicationDTO>.self).total == 0)
            let staff = try await app.token("staff.hk@t.vn")
            #expect(try await step(app, staff, a.id!, .init(action: "receive")).status != .ok)

            // Incomplete → the citizen completes with the phone → received with a promise.
            #expect(code(try await step(app, head, a.id!, .init(action: "request_completion"))) == "application.reason_missing")
            #expect(try await step(app, head, a.id!, .init(action: "request_completion", reason: "Giấy chứng sinh bị mờ")).status == .ok)
            #expect(code(try await step(app, head, a.id!, .init(action: "approve"))) == "application.wrong_state")
            let (wrong, t1) = form(["phone": "0999999999"], papers: [1])
            #expect(code(try await app.send(.POST, "/api/v1/public/applications/\(a.code)/complete", body: wrong, contentType: t1)) == "application.code_or_phone_wrong")
            let (right, t2) = form(["phone": "+84912345678", "note": "Gửi lại bản rõ"], papers: [1])
            #expect(try await app.send(.POST, "/api/v1/public/applications/\(a.code.lowercased())/complete", body: right, contentType: t2).status == .ok)
            #expect(try await step(app, head, a.id!, .init(action: "receive")).status == .ok)
            var d = try await app.send(.GET, "/api/v1/applications/\(a.id!)", headers: app.bearer(head)).content.decode(ApplicationDTO.self)
            #expect(d.status == .received && d.dueAt != nil && d.legalDueAt == d.dueAt)

            // Assign to someone outside the ward's agency: refused; inside the subtree: fine.
            #expect(code(try await step(app, head, a.id!, .init(action: "assign", assigneeStaffId: f.bdPerson.id))) != "200")
            #expect(try await step(app, head, a.id!, .init(action: "assign", assigneeStaffId: f.hkPerson.id)).status == .ok)
            #expect(try await step(app, head, a.id!, .init(action: "suspend", reason: "Chờ công dân xác nhận")).status == .ok)
            d = try await app.send(.GET, "/api/v1/applications/\(a.id!)", headers: app.bearer(head)).content.decode(ApplicationDTO.self)
            #expect(d.status == .suspended && d.remaining != nil)
            #expect(try await step(app, head, a.id!, .init(action: "resume")).status == .ok)
            #expect(try await step(app, head, a.id!, .init(action: "approve")).status == .ok)
            #expect(code(try await step(app, head, a.id!, .init(action: "return", returnMethod: "post", postalTracking: "<b>"))) == "application.tracking_invalid")
            #expect(try await step(app, head, a.id!, .init(action: "return", returnMethod: "post", postalTracking: "EV123456789VN")).status == .ok)

            // The lookup: with the code only, status and dates; with the phone, the personal part.
            let anon = try await app.send(.GET, "/api/v1/public/applications/\(a.code)").content.decode(PublicStatusDTO.self)
            #expect(anon.status == .returned && !anon.verified && anon.applicantName == nil && anon.postalTracking == nil && anon.reason == nil)
            #expect(anon.steps.allSatisfy { $0.note == nil })
            let raw = try await app.send(.GET, "/api/v1/public/applications/\(a.code)?phone=0911111111").body.string
            for secret in ["Nguyễn Thị Hoa", "0912345678", "Phố Huế", "EV123456789VN", "mờ", "Nguyễn Văn An"] { #expect(!raw.contains(secret), "\(secret)") }
            let mine = try await app.send(.GET, "/api/v1/public/applications/\(a.code)?phone=0912345678").content.decode(PublicStatusDTO.self)
            #expect(mine.verified && mine.applicantName == "Nguyễn Thị Hoa" && mine.postalTracking == "EV123456789VN")
            #expect(mine.steps.map(\.kind) == [.submitted, .incomplete, .completed, .received, .assigned, .suspended, .resumed, .approved, .returned])
            // Every step is in the audit log.
            #expect(try await app.auditCount(action: "application.submit") == 1)
            #expect(try await app.auditCount(action: "application.return") == 1)

            // The figures count it: handled 1, on time.
            let figs = try await app.send(.GET, "/api/v1/public/figures?org=HK").content.decode(ServiceFiguresService.Figures.self)
            #expect(figs.total.handled == 1 && figs.total.finishedOnTime == 1 && figs.total.onTimeRate == 1)
            #expect(figs.total.procedures == 1 && figs.total.onlineReceiptShare == 1)
            #expect(figs.children.allSatisfy { $0.handled == 0 })
        }
    }

    /// The clock: a suspension gives back what was left, counted from the resumption; an
    /// apology sets a later working day; a late dossier counts late against its first promise.
    @Test func suspensionAndApologyMoveThePromise() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let actor = try await Actor.load(user: try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()), via: "test", on: app.db)
            let p = try #require(try await ServiceProcedure.find(try await procedure(app, head, org: "HK", time: "10d", level: .partial).id, on: app.db))
            func at(_ day: String, _ h: Int) -> Date { LocalDate(day)!.start.addingTimeInterval(Double(h) * 3600) }
            let who = (name: "Lê Văn Bình", phone: "0987654321", email: "", address: "", post: false, note: "")
            var a = try await ApplicationService.create(p, who: who, files: [], channel: .desk, actor: actor, app: nil, on: app.db, now: at("2026-03-02", 9))
            #expect(LocalDate.of(a.dueAt!).value == "2026-03-16")
            a = try await ApplicationService.act(a.id!, .init(action: "assign", assigneeStaffId: try await StaffMember.query(on: app.db).first()!.id), actor: actor, on: app.db, now: at("2026-03-02", 10))
            a = try await ApplicationService.act(a.id!, .init(action: "suspend", reason: "Chờ bản vẽ"), actor: actor, on: app.db, now: at("2026-03-04", 10))
            #expect(a.remaining == "8d")
            a = try await ApplicationService.act(a.id!, .init(action: "resume"), actor: actor, on: app.db, now: at("2026-03-09", 9))
            #expect(LocalDate.of(a.dueAt!).value == "2026-03-19")
            #expect(LocalDate.of(a.legalDueAt!).value == "2026-03-19")
            // An apology must name a later working day.
            await #expect(throws: AppError.self) { _ = try await ApplicationService.apologize(a.id!, reason: "Chờ ý kiến Sở", newDue: "2026-03-21", actor: actor, on: app.db, now: at("2026-03-20", 9)) }
            let e = try await ApplicationService.apologize(a.id!, reason: "Chờ ý kiến Sở", newDue: "2026-03-23", actor: actor, on: app.db, now: at("2026-03-20", 9))
            #expect(e.kind == .apology && LocalDate.of(e.dueAt!).value == "2026-03-23")
            _ = try await ApplicationService.act(a.id!, .init(action: "approve"), actor: actor, on: app.db, now: at("2026-03-23", 10))
            // Late against the legal promise (19 March, the suspension given back), whatever the apology said.
            let figs = try await ServiceFiguresService.figures(for: try #require(try await Organization.query(on: app.db).filter(\.$code == "HK").first()),
                                                               year: 2026, on: app.db, now: at("2026-03-24", 9))
            #expect(figs.total.finishedLate == 1 && figs.total.onTimeRate == 0)
        }
    }

    @Test func catalogueImportIsAllOrNothingAndSearchIgnoresAccents() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let good = """
            code,name,processing,fee,online_level,by_post,papers
            1.001193,Đăng ký khai sinh,1d,0,4,có,Tờ khai [scan]; Giấy chứng sinh [scan]
            2.000908,Chứng thực bản sao từ bản chính,8h,2.000,,không,Bản chính
            """
            let bad = good + "\n9.9,Thủ tục lỗi,3w,0,3,có,x\n"
            let refused = try await app.send(.POST, "/api/v1/procedures/import?org=HK-W1", headers: app.bearer(head), body: bad, contentType: .plainText)
            #expect(code(refused) == "procedure.import_invalid" && refused.body.string.contains("line 4"))
            #expect(try await ServiceProcedure.query(on: app.db).count() == 0)
            let done = try await app.send(.POST, "/api/v1/procedures/import?org=HK-W1", headers: app.bearer(head), body: good, contentType: .plainText)
            #expect(try done.content.decode(ProcedureService.ImportResult.self).created == 2)
            let again = try await app.send(.POST, "/api/v1/procedures/import?org=HK-W1", headers: app.bearer(head), body: good, contentType: .plainText)
            #expect(try again.content.decode(ProcedureService.ImportResult.self).updated == 2)
            let found = try await app.send(.GET, "/api/v1/public/procedures?q=dang%20ky%20KHAI%20sinh").content.decode(ListResponse<ProcedureDTO>.self)
            #expect(found.total == 1 && found.items[0].onlineLevel == .full && found.items[0].oldLevel == 4 && found.items[0].papers.allSatisfy(\.scan))
            let fee = try await app.send(.GET, "/api/v1/public/procedures?q=chung%20thuc").content.decode(ListResponse<ProcedureDTO>.self)
            #expect(fee.items.first?.fee == 2000 && fee.items.first?.processing == "8h")
            #expect(try await app.send(.GET, "/api/v1/public/procedures?q=%25").content.decode(ListResponse<ProcedureDTO>.self).total == 2)
            // Another district's head cannot import into this ward.
            let outsider = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.POST, "/api/v1/procedures/import?org=HK-W1", headers: app.bearer(outsider), body: good, contentType: .plainText).status == .notFound)
            // Fully online needs every paper as a scan.
            var i = ProcedureService.Input()
            i.org = "HK"; i.code = "X1"; i.name = "Thủ tục"; i.processing = "1d"; i.onlineLevel = "full"; i.papers = [.init(name: "Bản gốc", scan: false)]
            #expect(code(try await app.send(.POST, "/api/v1/procedures", headers: app.bearer(head), json: i)) == "procedure.full_needs_scans")
        }
    }

    /// Guessing owners by phone and flooding applications are cut off.
    @Test func rateLimitsStopGuessingAndFlooding() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let p = try await procedure(app, head)
            let a = try await apply(app, p).content.decode(PublicServiceAPI.Receipt.self)
            // The owner looking often is never counted against the code.
            for _ in 0..<8 { #expect(try await app.send(.GET, "/api/v1/public/applications/\(a.code)?phone=0912345678").status == .ok) }
            var statuses: [UInt] = []
            for n in 0..<7 { statuses.append(try await app.send(.GET, "/api/v1/public/applications/\(a.code)?phone=09000000\(n)\(n)").status.code) }
            #expect(statuses.prefix(5).allSatisfy { $0 == 200 } && statuses.last == 429)
            // Even the right phone is refused once the code's guesses are used up.
            #expect(try await app.send(.GET, "/api/v1/public/applications/\(a.code)?phone=0912345678").status == .tooManyRequests)
            var applied = 1
            while applied < 25, try await apply(app, p).status == .created { applied += 1 }
            #expect(applied == 20)
            #expect(try await apply(app, p).status == .tooManyRequests)
            #expect(try await app.send(.GET, "/api/v1/public/applications/ZZZZZ-ZZZZZ").status == .notFound)
        }
    }

    @Test func workingDaysAreAdjustedByAdminsOnly() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let admin = try await app.token("admin@t.vn")
            let head = try await app.token("head.hk@t.vn")
            struct Input: Content { var kind: String?; var note: String? }
            #expect(try await app.send(.PUT, "/api/v1/working-days/2025-01-27", headers: app.bearer(head), json: Input(kind: "day_off", note: "Tết")).status == .forbidden)
            #expect(code(try await app.send(.PUT, "/api/v1/working-days/2025-01-27", headers: app.bearer(admin), json: Input(kind: "holiday", note: "x"))) == "working_days.kind_invalid")
            #expect(code(try await app.send(.PUT, "/api/v1/working-days/2025-01-26", headers: app.bearer(admin), json: Input(kind: "day_off", note: "x"))) == "working_days.already_off")
            #expect(try await app.send(.PUT, "/api/v1/working-days/2025-01-27", headers: app.bearer(admin), json: Input(kind: "day_off", note: "Thông báo nghỉ Tết")).status == .ok)
            #expect(try await app.send(.PUT, "/api/v1/working-days/2025-02-08", headers: app.bearer(admin), json: Input(kind: "workday", note: "Làm bù")).status == .ok)
            let days = try await app.send(.GET, "/api/v1/working-days?year=2025", headers: app.bearer(head)).content.decode([WorkingDayService.Day].self)
            #expect(days.contains { $0.date == "2025-01-27" && $0.kind == "day_off" && $0.adjusted })
            #expect(days.contains { $0.date == "2025-02-08" && $0.kind == "workday" })
            #expect(days.contains { $0.date == "2025-01-29" && $0.holiday == "tet" })
            let cal = try await WorkingDayService.calendar(on: app.db)
            #expect(!cal.isWorkingDay(LocalDate("2025-01-27")!) && cal.isWorkingDay(LocalDate("2025-02-08")!))
            #expect(try await app.send(.DELETE, "/api/v1/working-days/2025-01-27", headers: app.bearer(admin)).status == .noContent)
            #expect(try await WorkingDayService.calendar(on: app.db).isWorkingDay(LocalDate("2025-01-27")!))
        }
    }

    /// A citizen who gave an e-mail address hears of the receipt, what is missing and an
    /// apology with its new date; a relay that is down only delays it.
    @Test func citizensWithAnAddressAreMailed() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let relay = try #require(try MailRelay.from(environment: ["CONGSO_SMTP_HOST": "127.0.0.1", "CONGSO_SMTP_PORT": "1",
                                                                      "CONGSO_SMTP_FROM": "congso@t.vn", "CONGSO_SMTP_SECURITY": "none"], port: 8080))
            app.mailRelay = relay
            defer { app.mailRelay = nil }
            let head = try await app.token("head.hk@t.vn")
            let p = try await procedure(app, head, org: "HK", time: "3d", level: .full)
            let receipt = try await apply(app, p, extra: ["email": "hoa@example.vn"]).content.decode(PublicServiceAPI.Receipt.self)
            let a = try #require(try await ApplicationService.byCode(receipt.code, on: app.db))
            _ = try await apply(app, p)   // no address, no mail
            #expect(try await CitizenMailEntry.query(on: app.db).count() == 1)
            #expect(try await step(app, head, a.id!, .init(action: "receive")).status == .ok)
            let actor = try await Actor.load(user: try #require(try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()), via: "t", on: app.db)
            let calendar = try await WorkingDayService.calendar(on: app.db)
            let received = try #require(try await ServiceApplication.find(a.id, on: app.db))
            var newDue = LocalDate.of(try #require(received.dueAt)).adding(days: 3)
            while !calendar.isWorkingDay(newDue) { newDue = newDue.adding(days: 1) }
            _ = try await ApplicationService.apologize(a.id!, reason: "Chờ xác minh", newDue: newDue.value, actor: actor, on: app.db)
            let mails = try await CitizenMailEntry.query(on: app.db).sort(\.$createdAt).all()
            #expect(mails.map(\.kind) == ["mail_citizen_receipt", "mail_citizen_receive", "mail_citizen_apology"])
            #expect(CitizenMail.compose(mails[2], relay: relay, texts: app.translations, now: Date()).to == "hoa@example.vn")
            let letter = CitizenMail.content(mails[2], relay: relay, texts: app.translations)
            #expect(letter.subject.contains(a.code) && letter.text.contains("/services/track?code=\(a.code)") && letter.text.contains("Apology"))
            #expect(mails[2].detail.contains(newDue.vietnamese) && mails[2].detail.contains("Chờ xác minh"))
            // The relay is down (port 1): every message waits for a retry.
            let outcome = try await MailDispatcher.tick(app: app)
            #expect(outcome.sent == 0 && outcome.retried == 3)
            let after = try await CitizenMailEntry.query(on: app.db).all()
            #expect(after.allSatisfy { $0.status == .queued && $0.attempts == 1 && $0.claimedBy == nil })
        }
    }
}
