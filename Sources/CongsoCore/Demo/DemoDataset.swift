import Foundation

/// A realistic Hanoi-like administration for demos and load tests, generated
/// deterministically so every machine gets the same people and the same printout.
public struct DemoDataset: Sendable {
    public struct Org: Sendable {
        public let code: String
        public let name: String
        public let kind: OrgKind
        public let parentCode: String?
        /// Indexes into `staff` of the node's head and published contact point.
        public var head: Int?
        public var contact: Int?
    }
    public struct Person: Sendable {
        public let unitCode: String
        public let draft: StaffDraft
    }
    public struct User: Sendable {
        public let email: String
        public let role: Role
        public let orgCode: String?
        public let staff: Int?
        public let note: String
    }

    public static let password = "congso2021"

    public private(set) var orgs: [Org] = []
    public private(set) var staff: [Person] = []
    public private(set) var users: [User] = []

    private var rng: SeededRandom
    private var usedEmails = Set<String>()
    private var usedPhones = Set<String>()

    public init(seed: UInt64 = 2021) {
        rng = SeededRandom(seed: seed)
        build()
    }

    private mutating func build() {
        let city = addOrg("HN", "Ủy ban nhân dân thành phố Hà Nội", .city, parent: nil)
        _ = city
        // Departments, each with its units; the city's own office holds the chairman.
        for (i, dept) in HanoiNames.departments.enumerated() {
            addOrg(dept.code, dept.name, .department, parent: "HN")
            let unitCount = 4 + i % 4
            var firstUnit = ""
            for (u, unitName) in HanoiNames.departmentUnits.prefix(unitCount).enumerated() {
                let code = "\(dept.code)-P\(u + 1)"
                if u == 0 { firstUnit = code }
                addOrg(code, unitName, .unit, parent: dept.code)
                staffUnit(code, count: Int.random(in: 8...14, using: &rng), headTitle: u == 0 ? "Chánh Văn phòng" : "Trưởng phòng")
            }
            let head = addPerson(firstUnit, position: i == 0 ? "Phó Chủ tịch UBND Thành phố" : "Giám đốc Sở")
            let contact = addPerson(firstUnit, position: "Phó Giám đốc Sở")
            setHead(dept.code, head: head, contact: contact)
            if i == 0 {
                let chairman = addPerson(firstUnit, position: "Chủ tịch UBND Thành phố")
                setHead("HN", head: chairman, contact: contact)
            }
        }
        // Districts with their own offices and wards (urban: phường; rural: xã, thị trấn).
        let districts = HanoiNames.urbanDistricts.map { ("Quận " + $0, $0, true) }
            + HanoiNames.ruralDistricts.map { ("Huyện " + $0, $0, false) }
            + [("Thị xã " + HanoiNames.town, HanoiNames.town, false)]
        for (d, (districtName, shortName, urban)) in districts.enumerated() {
            let dcode = "Q" + String(format: "%02d", d + 1)
            addOrg(dcode, "UBND " + districtName, .district, parent: "HN")
            var firstUnit = ""
            for (u, unitName) in HanoiNames.districtUnits.enumerated() {
                let name = (!urban && unitName == "Phòng Quản lý đô thị") ? "Phòng Kinh tế" : unitName
                let code = "\(dcode)-P\(u + 1)"
                if u == 0 { firstUnit = code }
                addOrg(code, name, .unit, parent: dcode)
                staffUnit(code, count: Int.random(in: 6...11, using: &rng), headTitle: u == 0 ? "Chánh Văn phòng" : "Trưởng phòng")
            }
            let head = addPerson(firstUnit, position: "Chủ tịch UBND " + (urban ? "quận" : "huyện"))
            let contact = addPerson(firstUnit, position: "Phó Chủ tịch UBND " + (urban ? "quận" : "huyện"))
            setHead(dcode, head: head, contact: contact)

            let wardNames = HanoiNames.wardsByDistrict[shortName] ?? {
                let count = Int.random(in: 6...9, using: &rng)
                let offset = Int.random(in: 0..<HanoiNames.placeNames.count, using: &rng)
                return (0..<count).map { HanoiNames.placeNames[(offset + $0 * 7) % HanoiNames.placeNames.count] }
            }()
            for (w, wardName) in wardNames.enumerated() {
                let wcode = "\(dcode)-W\(String(format: "%02d", w + 1))"
                let prefix = urban ? "Phường" : (w == 0 ? "Thị trấn" : "Xã")
                addOrg(wcode, "UBND \(prefix) \(wardName)", .ward, parent: dcode)
                var wardFirst = ""
                for (u, unitName) in HanoiNames.wardUnits.enumerated() {
                    let code = "\(wcode)-B\(u + 1)"
                    if u == 0 { wardFirst = code }
                    addOrg(code, unitName, .unit, parent: wcode)
                    staffUnit(code, count: Int.random(in: 3...5, using: &rng), headTitle: "Công chức phụ trách")
                }
                let whead = addPerson(wardFirst, position: "Chủ tịch UBND " + prefix.lowercased())
                setHead(wcode, head: whead, contact: whead + 0)
            }
        }
        for ent in HanoiNames.enterprises {
            addOrg(ent.code, ent.name, .enterprise, parent: "HN")
            var firstUnit = ""
            for (u, unitName) in HanoiNames.enterpriseUnits.enumerated() {
                let code = "\(ent.code)-P\(u + 1)"
                if u == 0 { firstUnit = code }
                addOrg(code, unitName, .unit, parent: ent.code)
                staffUnit(code, count: Int.random(in: 12...20, using: &rng), headTitle: u < 2 ? "Trưởng phòng" : "Giám đốc Xí nghiệp")
            }
            let head = addPerson(firstUnit, position: "Tổng Giám đốc")
            setHead(ent.code, head: head, contact: head)
        }
        addUsers()
    }

    @discardableResult
    private mutating func addOrg(_ code: String, _ name: String, _ kind: OrgKind, parent: String?) -> Int {
        orgs.append(Org(code: code, name: name, kind: kind, parentCode: parent, head: nil, contact: nil))
        return orgs.count - 1
    }

    private mutating func setHead(_ code: String, head: Int, contact: Int) {
        guard let i = orgs.lastIndex(where: { $0.code == code }) else { return }
        orgs[i].head = head
        orgs[i].contact = contact
    }

    /// Fills a unit: its head, a deputy who is the contact point, then staff.
    private mutating func staffUnit(_ code: String, count: Int, headTitle: String) {
        let head = addPerson(code, position: headTitle)
        let deputy = addPerson(code, position: headTitle.hasPrefix("Công chức") ? "Chuyên viên" : "Phó " + headTitle.prefix(1).lowercased() + headTitle.dropFirst())
        for _ in 0..<max(0, count - 2) { addPerson(code, position: rng.weighted(HanoiNames.positions)) }
        setHead(code, head: head, contact: deputy)
    }

    @discardableResult
    private mutating func addPerson(_ unitCode: String, position: String) -> Int {
        let female = Bool.random(using: &rng)
        let family = rng.weighted(HanoiNames.familyNames)
        let middle = (female ? HanoiNames.femaleMiddle : HanoiNames.maleMiddle).randomElement(using: &rng)!
        let given = (female ? HanoiNames.femaleGiven : HanoiNames.maleGiven).randomElement(using: &rng)!
        let name = "\(family) \(middle) \(given)"
        // Vietnamese work e-mails: given name + initials of family and middle names.
        let base = VietnameseText.fold(given) + VietnameseText.fold(String(family.prefix(1))) + VietnameseText.fold(String(middle.prefix(1)))
        var email = base + "@hanoi.gov.vn"
        var n = 1
        while usedEmails.contains(email) { n += 1; email = "\(base)\(n)@hanoi.gov.vn" }
        usedEmails.insert(email)
        var phone: String
        repeat {
            phone = HanoiNames.mobilePrefixes.randomElement(using: &rng)! + String(format: "%07d", Int.random(in: 0..<10_000_000, using: &rng))
        } while usedPhones.contains(phone)
        usedPhones.insert(phone)
        var skills: [String] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let s = rng.weighted(HanoiNames.skills)
            if !skills.contains(s) { skills.append(s) }
        }
        let status: StaffStatus = rng.weighted([(.remote, 60), (.onSite, 30), (.onLeave, 5), (.isolating, 5)])
        staff.append(Person(unitCode: unitCode, draft: StaffDraft(
            fullName: name, position: position, phone: phone, email: email, skills: skills, status: status)))
        return staff.count - 1
    }

    private mutating func addUsers() {
        func headOf(_ code: String) -> Int? { orgs.first { $0.code == code }?.head }
        users = [
            User(email: "admin@congso.vn", role: .admin, orgCode: nil, staff: nil, note: "Quản trị hệ thống"),
            User(email: "bcd@congso.vn", role: .steering, orgCode: "HN", staff: headOf("HN"), note: "Ban chỉ đạo thành phố"),
            User(email: "noivu@congso.vn", role: .homeAffairs, orgCode: "HN", staff: headOf("SNV"), note: "Sở Nội vụ (toàn thành phố)"),
            User(email: "head.hoankiem@congso.vn", role: .head, orgCode: "Q02", staff: headOf("Q02"), note: "Chủ tịch UBND quận Hoàn Kiếm"),
            User(email: "head.badinh@congso.vn", role: .head, orgCode: "Q01", staff: headOf("Q01"), note: "Chủ tịch UBND quận Ba Đình"),
            User(email: "lead.hoankiem@congso.vn", role: .unitLead, orgCode: "Q02-P2", staff: headOf("Q02-P2"), note: "Trưởng phòng Nội vụ quận Hoàn Kiếm"),
            User(email: "staff.hoankiem@congso.vn", role: .staff, orgCode: "Q02-P2", staff: staff.firstIndex { $0.unitCode == "Q02-P2" }.map { $0 + 2 }, note: "Chuyên viên phòng Nội vụ quận Hoàn Kiếm"),
            User(email: "thanhtra@congso.vn", role: .inspector, orgCode: "HN", staff: nil, note: "Thanh tra thành phố"),
            User(email: "chot@congso.vn", role: .checkpoint, orgCode: "HN", staff: nil, note: "Chốt kiểm soát"),
        ]
    }
}
