import CongsoCore
import Fluent
import Vapor

/// The front desk's visitor log (a tablet-sized page: big fields, the verdict in large type)
/// and the announced outbreak places (list, one by one, CSV import).
enum HealthDeskWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("health", "visitors", use: visitors)
        web.post("health", "visitors", use: visit)
        web.post("health", "visitors", ":id", "leave", use: leave)
        web.get("health", "outbreaks", use: outbreaks)
        web.post("health", "outbreaks", use: announce)
        web.post("health", "outbreaks", "import", use: importCSV)
    }

    struct VisitRow: Encodable {
        let id: String; let name: String; let phone: String; let host: String; let temperature: String; let admitted: Bool
        let refusal: String?; let arrived: String; let left: String?
    }
    struct VisitorsData: Encodable {
        let org: String
        let orgName: String
        let orgs: [FormOption]
        let hosts: [FormOption]
        let symptoms: [FormOption]
        let threshold: String
        let rows: [VisitRow]
        let hasRows: Bool
        let total: Int
        let last: VisitRow?
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func row(_ v: VisitorVisit, _ req: Request) -> VisitRow {
        VisitRow(id: v.id!.uuidString, name: v.name, phone: v.phone, host: v.hostName, temperature: String(format: "%.1f °C", v.temperature),
                 admitted: v.admitted, refusal: v.refusal.isEmpty ? nil : req.t("visitor_refused." + v.refusal),
                 arrived: DisplayDate.time(v.arrivedAt), left: v.leftAt.map(DisplayDate.time))
    }

    @Sendable static func visitors(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let page = try PageRequest(req)
        let paged = try await VisitorService.list(org: org, date: day, actor: actor, page: page, on: req.db)
        let policy = try await PolicyService.effective(for: org, on: day, db: req.db).policy
        var last: VisitRow?
        if let id = req.query[String.self, at: "last"].flatMap(UUID.init(uuidString:)), let v = try await VisitorVisit.find(id, on: req.db), v.orgID == org.id {
            last = row(v, req)
        }
        let bar = PageLinks.make(base: ["org": org.code], page: page.page, pageCount: paged.pageCount)
        let data = VisitorsData(org: org.code, orgName: org.name, orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db),
                                hosts: try await PeopleOptions.under(org.path, selected: nil, on: req.db),
                                symptoms: Symptom.allCases.map { FormOption(value: $0.rawValue, label: req.t("symptom." + $0.rawValue), selected: false) },
                                threshold: String(format: "%.1f", HealthRules.feverThreshold(policy)),
                                rows: paged.items.map { row($0, req) }, hasRows: !paged.items.isEmpty, total: paged.total, last: last,
                                pages: bar.links, prev: bar.prev, next: bar.next)
        return try await WebPage.render(req, "health/visitors", title: req.t("visitor_title"), nav: "health-unit", data: data)
    }

    struct VisitForm: Content {
        var org: String?; var name: String?; var phone: String?; var hostStaffId: String?; var hostName: String?
        var temperature: String?; var symptoms: [String]?; var contact: String?
    }

    @Sendable static func visit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(VisitForm.self)
        let code = (f.org ?? "").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        var lastID: UUID?
        let temp = f.temperature.flatMap { Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")) }
        _ = try await FormAction.run(req, back: "", flash: "flash.visitor_recorded") {
            let symptoms = (f.symptoms ?? []).filter { !$0.isEmpty }
            let v = try await VisitorService.record(.init(org: f.org, name: f.name, phone: f.phone, hostStaffId: f.hostStaffId.flatMap(UUID.init(uuidString:)),
                                                          hostName: f.hostName, temperature: temp, symptoms: symptoms, noSymptoms: symptoms.isEmpty,
                                                          contactWithCase: f.contact == "yes"), actor: actor, on: req.db)
            lastID = v.id
        }
        return req.redirect(to: "/health/visitors?org=\(code)" + (lastID.map { "&last=\($0)" } ?? ""))
    }

    @Sendable static func leave(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: "/health/visitors?org=\(req.orgCodeForRedirect)", flash: "flash.visitor_left") {
            _ = try await VisitorService.leave(id, actor: actor, on: req.db)
        }
    }

    struct PlaceRow: Encodable { let place: String; let address: String; let when: String; let source: String }
    struct OutbreaksData: Encodable {
        let rows: [PlaceRow]
        let hasRows: Bool
        let total: Int
        let canAnnounce: Bool
        let orgs: [FormOption]
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func outbreaks(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let paged = try await OutbreakService.list(under: "/", page: page, on: req.db)
        let rows = paged.items.map {
            PlaceRow(place: $0.place, address: $0.address, when: "\(DisplayDate.format($0.fromAt)) → \(DisplayDate.format($0.toAt))", source: $0.source)
        }
        let bar = PageLinks.make(base: [:], page: page.page, pageCount: paged.pageCount)
        let canAnnounce = actor.has(.announceOutbreaks)
        let data = OutbreaksData(rows: rows, hasRows: !rows.isEmpty, total: paged.total, canAnnounce: canAnnounce,
                                 orgs: canAnnounce ? try await OrgOptions.tree(actor: actor, selected: nil, on: req.db) : [],
                                 pages: bar.links, prev: bar.prev, next: bar.next)
        return try await WebPage.render(req, "health/outbreaks", title: req.t("outbreak_title"), nav: "health", data: data)
    }

    @Sendable static func announce(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(OutbreakService.Input.self)
        var monitored = 0
        let response = try await FormAction.run(req, back: "/health/outbreaks", flash: "flash.outbreak_announced") {
            monitored = try await OutbreakService.create(input, actor: actor, on: req.db).1
        }
        if monitored > 0 { WebPage.flash(req, "flash.outbreak_monitored", detail: String(monitored)) }
        return response
    }

    struct ImportForm: Content { var org: String?; var csv: String? }

    @Sendable static func importCSV(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(ImportForm.self)
        var result: OutbreakService.Announced?
        let response = try await FormAction.run(req, back: "/health/outbreaks", flash: "flash.outbreak_announced") {
            result = try await OutbreakService.importCSV(form.csv ?? "", org: form.org ?? "", actor: actor, on: req.db)
        }
        if let result { WebPage.flash(req, "flash.outbreak_imported", detail: "\(result.created) / \(result.monitored)") }
        return response
    }
}
