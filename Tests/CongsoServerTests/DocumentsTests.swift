import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Official documents through the API: the registers and their numbers under concurrent
/// clerks, the duplicate warning, bad input, routing into tasks, files, classified entries,
/// and the accent-free search kept to what each reader may see.
@Suite struct DocumentServerTests {
    struct Setup {
        let f: Fixture
        let clerk: String
        let cleared: String
        let head: String
        let lead: String
        let outsider: String
        let clerkPerson: StaffMember
    }

    /// A clerk of Hoàn Kiếm without clearance and one with it.
    func setup(_ app: Application) async throws -> Setup {
        let f = try await Fixture.make(app)
        let hash = try app.password.hash(Fixture.password)
        var people: [StaffMember] = []
        for (name, email, skills) in [("Lê Thị Văn Thư", "vt@hk.vn", [String]()), ("Phạm Mật Vụ", "mat@hk.vn", [Clearance.skill])] {
            let p = StaffMember(orgID: f.hk.id!, draft: try StaffDraft(fullName: name, position: "Văn thư", phone: "0912000111",
                                                                     email: email, skills: skills, status: .onSite).validated())
            try await p.create(on: app.db)
            try await User(email: "c." + email, displayName: name, passwordHash: hash, role: .clerk, orgID: f.hk.id, staffID: p.id).create(on: app.db)
            people.append(p)
        }
        return Setup(f: f, clerk: try await app.token("c.vt@hk.vn"), cleared: try await app.token("c.mat@hk.vn"),
                     head: try await app.token("head.hk@t.vn"), lead: try await app.token("lead.hk@t.vn"),
                     outsider: try await app.token("head.bd@t.vn"), clerkPerson: people[1])
    }

    static let yesterday = LocalDate.of(Date()).adding(days: -1)

    func incoming(_ number: String = "05/UBND-VP", issuer: String = "UBND thành phố Hà Nội", summary: String = "Giấy đi đường Đống Đa",
                  confirm: Bool? = nil) -> DocumentService.Input {
        var i = DocumentService.Input()
        i.org = "HK"; i.numberSymbol = number; i.documentDate = Self.yesterday.value; i.issuer = issuer
        i.type = DocumentType.officialLetter.rawValue; i.summary = summary; i.urgency = "khan"; i.confirmDuplicate = confirm
        return i
    }

    func register(_ app: Application, _ token: String, _ kind: DocumentRegister, _ input: DocumentService.Input) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/documents/\(kind.rawValue)", headers: app.bearer(token), json: input)
    }

    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    @Test func incomingNumbersDuplicatesAndBadInput() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let first = try await register(app, s.clerk, .incoming, incoming())
            #expect(first.status == .created)
            let d = try first.content.decode(DocumentDTO.self)
            #expect(d.serial == 1 && d.numberSymbol == "05/UBND-VP" && d.year == LocalDate.of(Date()).year)
            // The same number typed differently, from the same issuer without accents, is warned.
            let dup = try await register(app, s.clerk, .incoming, incoming("5/ubnd-vp", issuer: "ubnd thanh pho ha noi"))
            #expect(dup.status == .conflict && code(dup) == "document.duplicate")
            #expect(try await OfficialDocument.query(on: app.db).count() == 1)
            let again = try await register(app, s.clerk, .incoming, incoming("5/ubnd-vp", issuer: "ubnd thanh pho ha noi", confirm: true))
            #expect(try again.content.decode(DocumentDTO.self).serial == 2)
            // Bad input: each answered with its own code and nothing written.
            func refused(_ edit: (inout DocumentService.Input) -> Void) async throws -> String {
                var i = incoming("77/QĐ-UBND"); edit(&i)
                return code(try await register(app, s.clerk, .incoming, i))
            }
            #expect(try await refused { $0.numberSymbol = "05-UBND/VP/x/y" } == "document.number_invalid")
            #expect(try await refused { $0.numberSymbol = "abc/UBND" } == "document.number_invalid")
            #expect(try await refused { $0.numberSymbol = "" } == "document.number_missing")
            #expect(try await refused { $0.documentDate = LocalDate.of(Date()).adding(days: 2).value } == "document.date_future")
            #expect(try await refused { $0.registeredOn = LocalDate.of(Date()).adding(days: 1).value } == "document.date_future")
            #expect(try await refused { $0.type = "sac_lenh" } == "document.type_invalid")
            #expect(try await refused { $0.urgency = "rat_gap" } == "document.urgency_invalid")
            #expect(try await refused { $0.summary = "  " } == "document.summary_missing")
            #expect(try await refused { $0.documentDate = "2026-02-30" } == "date_invalid")
            // A closed year's register takes nothing.
            let lastYear = LocalDate(String(format: "%04d-12-30", LocalDate.of(Date()).year - 1))!
            #expect(try await refused { $0.registeredOn = lastYear.value; $0.documentDate = lastYear.value } == "document.year_closed")
            #expect(try await OfficialDocument.query(on: app.db).count() == 2)
            // Staff and other districts cannot register here.
            #expect(try await register(app, s.outsider, .incoming, incoming("9/UBND")).status == .notFound)
            var own = incoming("9/UBND"); own.org = "HK-NV"
            #expect(try await register(app, try await app.token("staff.hk@t.vn"), .incoming, own).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(s.outsider)).status == .notFound)
            #expect(try await app.auditCount(action: "document.register_incoming") == 2)
        }
    }

    /// Clerks registering at once never share a number; the series is per register and year.
    @Test func concurrentRegistrationsNeverShareANumber() async throws {
        try await withApp(sqliteFile: true) { app in
            let s = try await setup(app)
            let n = 24
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<n {
                    let token = i % 2 == 0 ? s.clerk : s.cleared
                    group.addTask { try await register(app, token, .incoming, incoming("\(i + 1)/UBND-VP")).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created })
            let serials = try await OfficialDocument.query(on: app.db).all().map(\.serial).sorted()
            #expect(serials == Array(1...n))
            var out = DocumentService.Input()
            out.org = "HK"; out.type = "quyet_dinh"; out.summary = "Quyết định"; out.signer = "Chủ tịch"; out.outsideRecipients = "Sở Nội vụ"
            let o = try await register(app, s.clerk, .outgoing, out).content.decode(DocumentDTO.self)
            #expect(o.serial == 1 && o.numberSymbol == "01/QĐ-HK")
        }
    }

    @Test func routingMakesTasksAndTheReplyLinksBack() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let d = try await register(app, s.clerk, .incoming, incoming()).content.decode(DocumentDTO.self)
            var route = DocumentRouting.Input()
            route.leadOrg = "HK-NV"; route.cooperateOrgs = ["HK-W1"]; route.deadline = LocalDate.of(Date()).adding(days: 5).value
            route.instruction = "Tham mưu trả lời"
            // A clerk does not route; a leader of another district cannot see it.
            #expect(try await app.send(.POST, "/api/v1/documents/\(d.id)/route", headers: app.bearer(s.clerk), json: route).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/documents/\(d.id)/route", headers: app.bearer(s.outsider), json: route).status == .notFound)
            let routed = try await app.send(.POST, "/api/v1/documents/\(d.id)/route", headers: app.bearer(s.head), json: route)
            #expect(routed.status == .created)
            let after = try routed.content.decode(DocumentDTO.self)
            #expect(after.routes.count == 2 && after.routes.map(\.role) == [.lead, .cooperate] && after.transferDate != nil)
            let tasks = try await WorkTask.query(on: app.db).all()
            #expect(tasks.count == 2 && tasks.allSatisfy { $0.deadline == route.deadline && $0.priority == .high })
            // The lead unit's leader now reads it and answers with an outgoing document.
            #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(s.lead)).status == .ok)
            var reply = DocumentService.Input()
            reply.org = "HK"; reply.type = "cong_van"; reply.summary = "Trả lời"; reply.signer = "Chủ tịch"; reply.recipientOrgs = ["HK-NV"]
            reply.replyToId = d.id
            let r = try await register(app, s.clerk, .outgoing, reply).content.decode(DocumentDTO.self)
            #expect(r.numberSymbol == "01/HK" && r.replyToId == d.id)
            let shown = try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(s.head)).content.decode(DocumentDTO.self)
            #expect(shown.replies.map(\.numberSymbol) == ["01/HK"])
            // Sending the reply records its transfer date; an incoming one needs a recipient first.
            let sent = try await app.send(.POST, "/api/v1/documents/\(r.id)/transfer", headers: app.bearer(s.clerk), json: DocumentAPI.TransferInput())
            #expect(try sent.content.decode(DocumentDTO.self).transferDate == LocalDate.of(Date()).value)
            let other = try await register(app, s.clerk, .incoming, incoming("88/BC-SYT")).content.decode(DocumentDTO.self)
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(other.id)/transfer", headers: app.bearer(s.clerk), json: DocumentAPI.TransferInput())) == "document.recipient_missing")
            var to = DocumentAPI.TransferInput(); to.recipientStaffId = s.f.hkPerson2.id
            #expect(try await app.send(.POST, "/api/v1/documents/\(other.id)/transfer", headers: app.bearer(s.clerk), json: to).status == .ok)
            // Only the person signs for it: the clerk who handed it on cannot, the lead does not even see it.
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(other.id)/acknowledge", headers: app.bearer(s.clerk))) == "document.not_recipient")
            #expect(try await app.send(.POST, "/api/v1/documents/\(other.id)/acknowledge", headers: app.bearer(s.lead)).status == .notFound)
            try await s.f.link(app, "staff.hk@t.vn", to: s.f.hkPerson2)
            let signed = try await app.send(.POST, "/api/v1/documents/\(other.id)/acknowledge", headers: app.bearer(try await app.token("staff.hk@t.vn")))
            #expect(try signed.content.decode(DocumentDTO.self).acknowledgedAt != nil)
            // Outgoing ones are not routed.
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(r.id)/route", headers: app.bearer(s.head), json: route)) == "document.route_outgoing")
        }
    }

    func multipart(_ name: String, _ content: String) -> (String, HTTPMediaType) {
        let boundary = "----congso\(UUID().uuidString.prefix(8))"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        return (body, HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
    }

    @Test func filesAreCheckedByContentStoredOnceAndEveryReadRecorded() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let d = try await register(app, s.clerk, .incoming, incoming()).content.decode(DocumentDTO.self)
            let pdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
            for name in ["cong-van.pdf", "ban-sao.pdf"] {
                let (body, type) = multipart(name, pdf)
                #expect(try await app.send(.POST, "/api/v1/documents/\(d.id)/files", headers: app.bearer(s.clerk), body: body, contentType: type).status == .created)
            }
            // Two rows, one stored file.
            let files = try await DocumentFile.query(on: app.db).all()
            #expect(files.count == 2 && Set(files.map(\.sha256)).count == 1)
            let stored = try FileManager.default.subpathsOfDirectory(atPath: app.dataDirectory + "/documents").filter { !$0.hasSuffix("/") && $0.count > 3 }
            #expect(stored.count == 1)
            // A program named .pdf, and a type not allowed.
            let (fake, t1) = multipart("virus.pdf", "MZ\u{90}\u{0}this is not a pdf")
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(d.id)/files", headers: app.bearer(s.clerk), body: fake, contentType: t1)) == "document.file_disguised")
            let (exe, t2) = multipart("setup.exe", "MZ")
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(d.id)/files", headers: app.bearer(s.clerk), body: exe, contentType: t2)) == "document.file_type")
            #expect(try await DocumentFile.query(on: app.db).count() == 2)
            // Reading: recorded; outsiders see nothing.
            let got = try await app.send(.GET, "/api/v1/documents/\(d.id)/files/\(files[0].id!)", headers: app.bearer(s.head))
            #expect(got.status == .ok && got.body.string == pdf && got.headers.contentType == .pdf)
            #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)/files/\(files[0].id!)", headers: app.bearer(s.outsider)).status == .notFound)
            let history = try await app.send(.GET, "/api/v1/documents/\(d.id)/access", headers: app.bearer(s.clerk)).content.decode([DocumentAPI.AccessDTO].self)
            #expect(history.count == 1 && history[0].action == .download && history[0].actor == "head.hk@t.vn")
        }
    }

    @Test func classifiedEntriesHoldMetadataOnlyForTheClearedAndTheHead() async throws {
        try await withApp { app in
            let s = try await setup(app)
            var c = incoming("12/2021/QĐ-UBND", issuer: "Bộ Công an", summary: "")
            c.type = nil; c.classification = "toi_mat"; c.holderStaffId = s.clerkPerson.id; c.storageLocation = "Tủ sắt phòng Văn thư"
            // An uncleared clerk cannot even register one; content is refused.
            #expect(code(try await register(app, s.clerk, .classified, c)) == "document.not_cleared")
            var withContent = c; withContent.summary = "Nội dung mật"
            #expect(code(try await register(app, s.cleared, .classified, withContent)) == "document.classified_content")
            let res = try await register(app, s.cleared, .classified, c)
            #expect(res.status == .created)
            let d = try res.content.decode(DocumentDTO.self)
            #expect(d.serial == 1 && d.classification == .secret && d.summary.isEmpty)
            // Its own series: the incoming register starts at 1 too.
            #expect(try await register(app, s.clerk, .incoming, incoming()).content.decode(DocumentDTO.self).serial == 1)
            // No file, whatever it is.
            let (body, type) = multipart("scan.pdf", "%PDF-1.4\n")
            let upload = try await app.send(.POST, "/api/v1/documents/\(d.id)/files", headers: app.bearer(s.cleared), body: body, contentType: type)
            #expect(code(upload) == "document.classified_no_files")
            #expect(try await DocumentFile.query(on: app.db).count() == 0)
            // Seen by the head and the cleared; not by the uncleared clerk, the lead, or another district.
            #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(s.head)).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(s.cleared)).status == .ok)
            for t in [s.clerk, s.lead, s.outsider] {
                #expect(try await app.send(.GET, "/api/v1/documents/\(d.id)", headers: app.bearer(t)).status == .notFound)
            }
            #expect(code(try await app.send(.GET, "/api/v1/documents?register=classified", headers: app.bearer(s.clerk))) == "document.not_cleared")
            #expect(try await app.auditCount(action: "document.classified_view") == 2)
            // Routed to named people only.
            var route = DocumentRouting.Input()
            route.leadOrg = "HK-NV"; route.deadline = LocalDate.of(Date()).adding(days: 3).value
            #expect(code(try await app.send(.POST, "/api/v1/documents/\(d.id)/route", headers: app.bearer(s.head), json: route)) == "document.classified_people_only")
            route.leadOrg = nil; route.leadStaffId = s.f.hkPerson.id
            let routed = try await app.send(.POST, "/api/v1/documents/\(d.id)/route", headers: app.bearer(s.head), json: route)
            #expect(routed.status == .created)
            #expect(try await WorkTask.query(on: app.db).first()?.title.contains("12/2021/QĐ-UBND") == true)
            // Search: the number for the cleared, nothing for others.
            let hits = try await app.send(.GET, "/api/v1/search?q=bo%20cong%20an", headers: app.bearer(s.cleared)).content.decode(ListResponse<SearchService.Hit>.self)
            #expect(hits.items.map(\.id) == [d.id] && hits.items[0].level == .secret)
            #expect(try await app.send(.GET, "/api/v1/search?q=bo%20cong%20an", headers: app.bearer(s.clerk)).content.decode(ListResponse<SearchService.Hit>.self).total == 0)
        }
    }

    @Test func oneSearchWithoutAccentsKeptToTheReadersScope() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let d = try await register(app, s.clerk, .incoming, incoming()).content.decode(DocumentDTO.self)
            func search(_ q: String, _ token: String, kind: String = "") async throws -> ListResponse<SearchService.Hit> {
                let query = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await app.send(.GET, "/api/v1/search?q=\(query)&kind=\(kind)", headers: app.bearer(token)).content.decode(ListResponse<SearchService.Hit>.self)
            }
            #expect(try await search("giay di duong dong da", s.clerk).items.map(\.id) == [d.id])
            #expect(try await search("GIẤY ĐI ĐƯỜNG", s.head).items.map(\.id) == [d.id])
            #expect(try await search("05/UBND-VP", s.head).items.map(\.id) == [d.id])
            #expect(try await search("giay di duong dong da", s.outsider).total == 0)
            // Staff by name without accents, and only inside the subtree.
            #expect(try await search("nguyen van an", s.head, kind: "staff").items.map(\.id) == [s.f.hkPerson.id!])
            #expect(try await search("nguyen van cuong", s.head, kind: "staff").total == 0)
            #expect(try await search("nguyen van cuong", s.outsider, kind: "staff").items.map(\.id) == [s.f.bdPerson.id!])
            // Hostile strings are just words.
            for q in ["\"", "*", "a OR b", "NEAR(", "'; DROP TABLE search_entries; --", "%_", "đ", String(repeating: "x", count: 200)] {
                #expect(try await app.send(.GET, "/api/v1/search?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                           headers: app.bearer(s.head)).status == .ok)
            }
            // A renamed person is found by the new name only.
            s.f.hkPerson.fullName = "Đặng Đức Dũng"
            try await s.f.hkPerson.save(on: app.db)
            #expect(try await search("dang duc dung", s.head, kind: "staff").total == 1)
            #expect(try await search("nguyen van an", s.head, kind: "staff").total == 0)
        }
    }

    @Test func theRegisterPrintsWithTheDecreesColumns() async throws {
        try await withApp { app in
            let s = try await setup(app)
            _ = try await register(app, s.clerk, .incoming, incoming(summary: "=HYPERLINK(\"x\")"))
            let csv = try await app.send(.GET, "/api/v1/documents/registers/incoming?org=HK", headers: app.bearer(s.clerk))
            #expect(csv.status == .ok)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("Ngày đến,Số đến,Tác giả,\"Số, ký hiệu\""))
            #expect(lines[0].contains("Số đến") && lines[1].contains("05/UBND-VP") && !lines[1].contains(",=HYPERLINK"))
            #expect(try await app.send(.GET, "/api/v1/documents/registers/incoming?org=HK", headers: app.bearer(s.outsider)).status == .notFound)
            #expect(code(try await app.send(.GET, "/api/v1/documents/registers/classified?org=HK", headers: app.bearer(s.clerk))) == "document.not_cleared")
        }
    }
}
