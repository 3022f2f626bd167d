import CongsoCore
import Fluent
import Vapor

enum PermitWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("permits", use: index)
        web.post("permits", use: create)
        web.on(.POST, "permits", "upload", body: .collect(maxSize: "2mb"), use: upload)
        web.post("permits", "approve", use: approve)
        web.get("permits", "print", use: printMany)
        web.get("permits", ":id", use: show)
        web.get("permits", ":id", "print", use: printOne)
        web.post("permits", ":id", "revoke", use: revoke)
        web.get("verify", use: verifyPage)
        web.post("verify", use: verifyForm)
    }

    struct Row: Encodable {
        let id: String
        let number: String
        let holder: String
        let idNumber: String
        let position: String
        let purpose: String
        let from: String
        let to: String
        let plate: String
        let validFrom: String
        let validUntil: String
        let status: String
        let statusLabel: String
        let requested: Bool
        let approved: Bool
        let revokeReason: String
        let org: String
        let qr: String?
    }

    static func rows(_ permits: [Permit], _ req: Request, withQR: Bool = false) async throws -> [Row] {
        let orgs = try await OrgService.names(permits.map(\.orgID), withParent: true, on: req.db)
        return permits.map { p in
            Row(id: p.id!.uuidString, number: p.number, holder: p.holderName, idNumber: p.idNumber, position: p.position, purpose: p.purpose,
                from: p.fromAddress, to: p.toAddress, plate: p.plate, validFrom: LocalDate(p.validFrom)?.vietnamese ?? p.validFrom,
                validUntil: LocalDate(p.validUntil)?.vietnamese ?? p.validUntil, status: p.status.rawValue, statusLabel: req.t("permit_status." + p.status.rawValue),
                requested: p.status == .requested, approved: p.status == .approved, revokeReason: p.revokeReason,
                org: orgs[p.orgID] ?? "", qr: withQR ? p.token.flatMap { QRCodeSVG.svg($0) } : nil)
        }
    }

    struct IndexData: Encodable {
        let rows: [Row]
        let total: Int
        let hasRows: Bool
        let status: String
        let orgRef: String
        let canRequest: Bool
        let canApprove: Bool
        let people: [FormOption]
        let form: PermitService.Input?
        let today: String
        let until: String
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let printHref: String
    }

    static func indexPage(_ req: Request, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let status = req.query[String.self, at: "status"] ?? ""
        let under = try await req.orgFilter(actor)
        let page = try PageRequest(req)
        let paged = try await PermitService.list(under: under, status: status, actor: actor, page: page, on: req.db)
        var people: [FormOption] = []
        if actor.has(.requestPermits) {
            let list = try await StaffService.list(on: req.db, actor: actor, filter: .init(under: under), page: PageRequest(page: 1, per: 200))
            people = list.items.map { FormOption(value: $0.id!.uuidString, label: "\($0.fullName) — \($0.$org.value?.name ?? "")", selected: false) }
        }
        let nav = PageLinks.make(base: ["status": status, "org": under?.code ?? ""], page: page.page, pageCount: paged.pageCount)
        let today = LocalDate.of(Date())
        let data = IndexData(rows: try await rows(paged.items, req), total: paged.total, hasRows: !paged.items.isEmpty, status: status,
                             orgRef: under?.code ?? "", canRequest: actor.has(.requestPermits), canApprove: actor.has(.approvePermits),
                             people: people, form: nil, today: today.value, until: today.adding(days: 14).value, error: error,
                             pages: nav.links, prev: nav.prev, next: nav.next,
                             printHref: "/permits/print?status=approved" + (under.map { "&org=\($0.code)" } ?? ""))
        let response = try await WebPage.render(req, "permits/index", title: req.t("permits_title"), nav: "permits", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await indexPage(req, error: nil) }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(PermitService.Input.self)
        do {
            _ = try await PermitService.request([input], actor: actor, on: req.db)
            WebPage.flash(req, "flash.permit_requested")
            return req.redirect(to: "/permits?status=requested")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            return try await indexPage(req, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct Upload: Content { var file: File? }

    /// CSV with a header: staff_email,id_number,purpose,from,to,plate,valid_from,valid_until.
    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let file = try req.content.decode(Upload.self).file, file.data.readableBytes > 0 else {
            return try await indexPage(req, error: req.t("err.staff.import_empty"))
        }
        do {
            let records = try CSVTable.parse(Array(buffer: file.data))
            guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { throw AppError.invalid("permit.csv_invalid", "") }
            let need = ["staff_email", "id_number", "purpose", "from", "to", "plate", "valid_from", "valid_until"]
            guard need.allSatisfy(header.contains) else { throw AppError.invalid("permit.csv_invalid", need.joined(separator: ",")) }
            var inputs: [PermitService.Input] = []
            for r in records.dropFirst() {
                guard r.fields.count == header.count else { throw AppError.invalid("permit.csv_invalid", "line \(r.line)") }
                func f(_ n: String) -> String { r.fields[header.firstIndex(of: n)!] }
                guard let person = try await StaffMember.query(on: req.db).filter(\.$email == f("staff_email").lowercased()).first() else {
                    throw AppError.invalid("permit.csv_invalid", "line \(r.line): \(f("staff_email"))")
                }
                inputs.append(.init(staffId: person.id, idNumber: f("id_number"), purpose: f("purpose"), from: f("from"), to: f("to"),
                                    plate: f("plate"), validFrom: f("valid_from"), validUntil: f("valid_until")))
            }
            let created = try await PermitService.request(inputs, actor: actor, on: req.db)
            req.session.data["flash"] = req.t("flash.permits_uploaded", detail: String(created.count))
            return req.redirect(to: "/permits?status=requested")
        } catch let e as AppError where [.unprocessableEntity, .conflict, .notFound].contains(e.status) {
            return try await indexPage(req, error: req.t("err." + e.code, detail: e.detail))
        } catch is CSVTable.ParseError {
            return try await indexPage(req, error: req.t("err.permit.csv_invalid", detail: ""))
        }
    }

    struct ApproveForm: Content { var ids: [UUID]? }

    /// The head approves every ticked permit in one action.
    @Sendable static func approve(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let ids = (try? req.content.decode(ApproveForm.self))?.ids ?? []
        guard !ids.isEmpty else {
            WebPage.flashError(req, req.t("err.permit.none_selected"))
            return req.redirect(to: "/permits?status=requested")
        }
        do {
            let done = try await PermitService.approve(ids, actor: actor, dataDirectory: req.application.dataDirectory, on: req.db)
            req.session.data["flash"] = req.t("flash.permits_approved", detail: String(done.count))
            return req.redirect(to: "/permits/print?ids=" + done.map { $0.id!.uuidString }.joined(separator: ","))
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: "/permits?status=requested")
        }
    }

    struct ShowData: Encodable { let row: Row; let token: String?; let canRevoke: Bool }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PermitService.find(try req.idParameter(), actor: actor, on: req.db)
        let data = ShowData(row: try await rows([p], req, withQR: true)[0], token: p.token,
                            canRevoke: p.status == .approved && actor.may(.approvePermits, on: OrgPath(p.orgPath)))
        return try await WebPage.render(req, "permits/show", title: p.number, nav: "permits", data: data)
    }

    @Sendable static func revoke(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PermitService.find(try req.idParameter(), actor: actor, on: req.db)
        do {
            _ = try await PermitService.revoke(p, reason: (try? req.content.decode(RevokeBody.self))?.reason ?? "", actor: actor, on: req.db)
            WebPage.flash(req, "flash.permit_revoked")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: "/permits/\(p.id!)")
    }

    struct PrintData: Encodable { let rows: [Row]; let issuedOn: String }

    static func printPage(_ req: Request, _ permits: [Permit]) async throws -> Response {
        let printable = permits.filter { $0.status == .approved && $0.token != nil }
        guard !printable.isEmpty else { throw AppError.notFound("") }
        let data = PrintData(rows: try await rows(printable, req, withQR: true), issuedOn: LocalDate.of(Date()).vietnamese)
        return try await WebPage.render(req, "permits/print", title: req.t("permits_print_title"), nav: "permits", data: data)
    }

    @Sendable static func printOne(req: Request) async throws -> Response {
        let p = try await PermitService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return try await printPage(req, [p])
    }

    /// A whole approved list in one print run: ?ids=… or ?status=approved&org=…
    @Sendable static func printMany(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        if let raw = req.query[String.self, at: "ids"], !raw.isEmpty {
            let ids = raw.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
            var permits: [Permit] = []
            for id in ids.prefix(500) { permits.append(try await PermitService.find(id, actor: actor, on: req.db)) }
            return try await printPage(req, permits)
        }
        let paged = try await PermitService.list(under: try await req.orgFilter(actor), status: "approved", actor: actor,
                                                 page: PageRequest(page: 1, per: 200), on: req.db)
        return try await printPage(req, paged.items)
    }

    // MARK: - Public verification

    struct VerifyData: Encodable {
        let token: String
        let checked: Bool
        let result: VerifyResultDTO?
        let validFrom: String
        let validUntil: String
    }

    @Sendable static func verifyPage(req: Request) async throws -> Response {
        try await WebPage.render(req, "permits/verify", title: req.t("verify_title"), nav: "verify",
                                 data: VerifyData(token: "", checked: false, result: nil, validFrom: "", validUntil: ""))
    }

    @Sendable static func verifyForm(req: Request) async throws -> Response {
        let token = (try? req.content.decode(VerifyBody.self))?.token ?? ""
        let result = PermitAPI.result(try await PermitService.verify(token, trust: req.application.permitTrust, on: req.db), req)
        let data = VerifyData(token: String(token.prefix(PermitCodec.maxLength)), checked: true, result: result,
                              validFrom: result.permit?.validFrom.vietnamese ?? "", validUntil: result.permit?.validUntil.vietnamese ?? "")
        return try await WebPage.render(req, "permits/verify", title: req.t("verify_title"), nav: "verify", data: data)
    }
}
