import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor

@Suite struct CSVTests {
    let header = "full_name,unit_code,position,phone,email,skills,status\n"

    @Test func aBrokenFileImportsNothingAndNamesItsBadLines() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let csv = header
                + "Đỗ Thị Mai,HK-NV,Chuyên viên,0901234567,mai@hk.vn,it,remote\n"
                + "Bùi Văn Nam,NO-SUCH-UNIT,Chuyên viên,,nam@hk.vn,,remote\n"
                + "Vũ Thị Oanh,HK-NV,Chuyên viên,123,oanh@hk.vn,,remote\n"
                + "Ngô Văn Phúc,HK-W1,Chuyên viên,,phuc@hk.vn,,onSite\n"
            let before = try await StaffMember.query(on: app.db).count()
            let audits = try await app.auditCount()
            let report = try await StaffCSVService.importCSV(Array(csv.utf8), skipInvalid: false, actor: .commandLine(), on: app.db)
            #expect(!report.committed)
            #expect(report.errors.map(\.line) == [3, 4])
            #expect(report.errors[0].reason.contains("NO-SUCH-UNIT"))
            #expect(report.errors[1].reason.contains("phone"))
            #expect(try await StaffMember.query(on: app.db).count() == before)
            #expect(try await app.auditCount() == audits)

            let partial = try await StaffCSVService.importCSV(Array(csv.utf8), skipInvalid: true, actor: .commandLine(), on: app.db)
            #expect(partial.committed && partial.created == 2 && partial.errors.count == 2)
            #expect(try await StaffMember.query(on: app.db).count() == before + 2)
            #expect(try await app.auditCount(action: "staff.import.create") == 2)
        }
    }

    @Test func aHeadCannotImportIntoAnotherDistrict() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()!
            let actor = try await Actor.load(user: head, via: "web", on: app.db)
            let csv = header + "Lê Văn Sơn,BD-NV,Chuyên viên,,son@bd.vn,,remote\n"
            let report = try await StaffCSVService.importCSV(Array(csv.utf8), skipInvalid: true, actor: actor, on: app.db)
            #expect(report.created == 0 && report.errors.map(\.line) == [2])
            _ = f
        }
    }

    @Test func exportThenImportRoundTrips() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await StaffMember(orgID: f.hkUnit.id!, draft: try StaffDraft(
                fullName: "Nguyễn Thị \"Bé\", Hà", position: "Văn thư, lưu trữ", phone: "", email: "ha@hk.vn",
                skills: ["classified", "it"], status: .onLeave).validated()).create(on: app.db)
            let exported = try await StaffCSVService.exportCSV(actor: .commandLine(), under: nil, on: app.db)
            #expect(exported.hasPrefix("full_name,unit_code,position,phone,email,skills,status"))
            // Into the same database: nothing changes.
            let again = try await StaffCSVService.importCSV(Array(exported.utf8), skipInvalid: false, actor: .commandLine(), on: app.db)
            #expect(again.committed && again.created == 0 && again.updated == 0)
            // Into an empty copy of the tree: the same people come back.
            try await StaffMember.query(on: app.db).delete()
            let fresh = try await StaffCSVService.importCSV(Array(exported.utf8), skipInvalid: false, actor: .commandLine(), on: app.db)
            #expect(fresh.committed && fresh.created == 4)
            #expect(try await StaffCSVService.exportCSV(actor: .commandLine(), under: nil, on: app.db) == exported)
        }
    }

    @Test func theCommandsReadAndWriteFiles() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("congso-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let out = dir.appendingPathComponent("staff.csv").path
            try await app.console.run(ExportStaffCommand(), with: ["export-staff", out], app: app)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains("Nguyễn Văn An") && text.split(separator: "\r\n").count == 4)
            let bad = dir.appendingPathComponent("bad.csv").path
            try (header + "X,HK-NV,,,not-an-email,,remote\n").write(toFile: bad, atomically: true, encoding: .utf8)
            await #expect(throws: ExitCode.self) {
                try await app.console.run(ImportStaffCommand(), with: ["import-staff", bad], app: app)
            }
        }
    }
}

extension Console {
    /// Runs one command the way the executable does, with `args` as its command line.
    func run(_ command: any AnyAsyncCommand, with args: [String], app: Application) async throws {
        var context = CommandContext(console: self, input: CommandInput(arguments: args))
        context.application = app
        try await command.run(using: &context)
    }
}

@Suite struct CSVUploadTests {
    static let header = "full_name,unit_code,position,phone,email,skills,status\n"

    @Test func aHeadImportsThroughTheBrowserAndTheAPI() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            #expect(try await s.get("/staff/import").status == .ok)
            let boundary = "----congso\(UUID().uuidString.prefix(8))"
            func multipart(_ csv: String, skip: Bool, csrf: String) -> String {
                var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                if skip { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"skipInvalid\"\r\n\r\ntrue\r\n" }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
                return body
            }
            let csv = Self.header + "Đinh Văn Quý,HK-W1,Chuyên viên,,quy@hk.vn,,remote\nLỗi,BD-NV,,,loi@bd.vn,,remote\n"
            let type = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
            let refused = try await app.send(.POST, "/staff/import", headers: s.headers(), body: multipart(csv, skip: false, csrf: s.csrf), contentType: type)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("BD-NV"))
            #expect(try await StaffMember.query(on: app.db).filter(\.$email == "quy@hk.vn").count() == 0)
            let forged = try await app.send(.POST, "/staff/import", headers: s.headers(), body: multipart(csv, skip: true, csrf: "forged"), contentType: type)
            #expect(forged.status == .forbidden)
            let partial = try await app.send(.POST, "/staff/import", headers: s.headers(), body: multipart(csv, skip: true, csrf: s.csrf), contentType: type)
            #expect(partial.status == .ok)
            #expect(try await StaffMember.query(on: app.db).filter(\.$email == "quy@hk.vn").count() == 1)

            let token = try await app.token("head.hk@t.vn")
            let api = try await app.send(.POST, "/api/v1/staff/import", headers: app.bearer(token),
                                         body: Self.header + "X,HK-NV,,,bad-email,,remote\n", contentType: HTTPMediaType(type: "text", subType: "csv"))
            #expect(api.status == .unprocessableEntity)
            let report = try api.content.decode(StaffImportWeb.APIReport.self)
            #expect(!report.committed && report.errors.map(\.line) == [2])
            let staffToken = try await app.token("staff.hk@t.vn")
            #expect(try await app.send(.POST, "/api/v1/staff/import", headers: app.bearer(staffToken), body: Self.header,
                                       contentType: HTTPMediaType(type: "text", subType: "csv")).status == .forbidden)
            _ = s.csrf
            s.cookie = s.cookie
        }
    }
}
