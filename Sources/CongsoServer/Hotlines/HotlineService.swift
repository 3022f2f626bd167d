import CongsoCore
import Fluent
import Vapor

/// The numbers units publish: added by those who manage the unit's hotlines, listed publicly
/// and found without accents (by unit, label or number).
enum HotlineService {
    struct Input: Content {
        var org: String?
        var label: String?
        var number: String?
        var hours: String?
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> Hotline {
        guard let ref = input.org, !ref.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(ref, actor: actor, on: db)
        try actor.require(.manageHotlines, on: org.orgPath)
        let label = VietnameseText.normalize(input.label ?? "")
        guard !label.isEmpty else { throw AppError.invalid("hotline.label_missing", "") }
        guard label.count <= 200 else { throw AppError.invalid("too_long", "200") }
        let number = VietnameseText.normalize(input.number ?? "")
        let digits = number.filter(\.isNumber)
        // A phone number, or a short service number such as 1022 or 113.
        guard number.allSatisfy({ $0.isNumber || " +-.()".contains($0) }), PhoneNumber.normalize(number) != nil || (3...5).contains(digits.count) else {
            throw AppError.invalid("hotline.number_invalid", number)
        }
        let hours = VietnameseText.normalize(input.hours ?? "24/7")
        guard !hours.isEmpty, hours.count <= 100 else { throw AppError.invalid("hotline.hours_invalid", hours) }
        let h = Hotline()
        h.id = UUID(); h.orgID = org.id!; h.orgPath = org.path; h.label = label; h.number = number; h.hours = hours; h.active = true
        // The names of the orgs above count too: "hoan kiem" finds the district's offices.
        let ancestors = try await Organization.query(on: db).filter(\.$path ~~ org.orgPath.ancestorsAndSelf.map(\.value)).all().map(\.name)
        h.searchFold = VietnameseText.fold((ancestors + [org.code, label, number, digits]).joined(separator: " "))
        return try await db.writeTransaction { tx in
            try await h.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "hotline.create", entityType: "hotline", entityID: h.id,
                                          orgPath: h.orgPath, summary: "\(label): \(number)")
            return h
        }
    }

    static func remove(_ id: UUID, actor: Actor, on db: any Database) async throws {
        guard let h = try await Hotline.find(id, on: db), h.active else { throw AppError.notFound(id.uuidString) }
        try actor.require(.manageHotlines, on: OrgPath(h.orgPath))
        h.active = false
        try await db.writeTransaction { tx in
            try await h.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "hotline.remove", entityType: "hotline", entityID: h.id,
                                          orgPath: h.orgPath, summary: "\(h.label): \(h.number)")
        }
    }

    /// Active numbers matching every word of `q` without accents; anyone may read them.
    static func list(q: String?, under path: String? = nil, page: PageRequest, on db: any Database) async throws -> Paged<Hotline> {
        let query = Hotline.query(on: db).filter(\.$active == true)
        if let path { query.filter(\.$orgPath =~ path) }
        let words = VietnameseText.fold(q ?? "").split(whereSeparator: { !($0.isLetter || $0.isNumber) }).prefix(8)
        for w in words { query.filter(\.$searchFold ~~ String(w)) }
        let total = try await query.count()
        let items = try await query.sort(\.$orgPath).sort(\.$label).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}
