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

    /// A directive of the demo, with the values its source gives (docs/sources.md).
    public struct DirectiveSeed: Sendable {
        public let number: String
        public let issuer: String
        public let title: String
        public let scopeCode: String
        public let from: String
        public let to: String?
        public let rules: DirectiveRules
    }

    public static let password = "congso2021"

    public private(set) var orgs: [Org] = []
    public private(set) var staff: [Person] = []
    public private(set) var users: [User] = []
    public private(set) var directives: [DirectiveSeed] = []

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
        buildHoChiMinhCity()
        addUsers()
        addDirectives()
    }

    /// A smaller Ho Chi Minh City, so that its own directives have somewhere to apply.
    private mutating func buildHoChiMinhCity() {
        addOrg("HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh", .city, parent: nil)
        for (code, name) in [("HCM-SNV", "Sở Nội vụ TP.HCM"), ("HCM-SYT", "Sở Y tế TP.HCM"), ("HCM-STTTT", "Sở Thông tin và Truyền thông TP.HCM")] {
            addOrg(code, name, .department, parent: "HCM")
            for (u, unitName) in HanoiNames.departmentUnits.prefix(4).enumerated() {
                let unit = "\(code)-P\(u + 1)"
                addOrg(unit, unitName, .unit, parent: code)
                staffUnit(unit, count: Int.random(in: 8...12, using: &rng), headTitle: u == 0 ? "Chánh Văn phòng" : "Trưởng phòng")
            }
            let head = addPerson("\(code)-P1", position: "Giám đốc Sở")
            setHead(code, head: head, contact: head)
        }
        for (code, name, wards) in [("HCM-Q1", "UBND Quận 1", ["Bến Nghé", "Bến Thành", "Đa Kao", "Nguyễn Thái Bình"]),
                                    ("HCM-TD", "UBND Thành phố Thủ Đức", ["An Khánh", "Thảo Điền", "Linh Trung", "Hiệp Bình Chánh"])] {
            addOrg(code, name, .district, parent: "HCM")
            for (u, unitName) in HanoiNames.districtUnits.prefix(5).enumerated() {
                let unit = "\(code)-P\(u + 1)"
                addOrg(unit, unitName, .unit, parent: code)
                staffUnit(unit, count: Int.random(in: 6...10, using: &rng), headTitle: u == 0 ? "Chánh Văn phòng" : "Trưởng phòng")
            }
            let head = addPerson("\(code)-P1", position: "Chủ tịch UBND")
            setHead(code, head: head, contact: head)
            for (w, ward) in wards.enumerated() {
                let wcode = "\(code)-W\(w + 1)"
                addOrg(wcode, "UBND Phường \(ward)", .ward, parent: code)
                addOrg(wcode + "-B1", "Bộ phận Một cửa", .unit, parent: wcode)
                staffUnit(wcode + "-B1", count: Int.random(in: 4...6, using: &rng), headTitle: "Công chức phụ trách")
            }
        }
        let chairman = addPerson("HCM-SNV-P1", position: "Chủ tịch UBND Thành phố")
        setHead("HCM", head: chairman, contact: chairman)
    }

    /// The directives of the sources in docs/sources.md. Where one gives no end date the
    /// directive stays open, so that the demo has rules in force on any day.
    private mutating func addDirectives() {
        directives = [
            DirectiveSeed(
                number: "17/CT-UBND", issuer: "Chủ tịch UBND thành phố Hà Nội",
                title: "Về thực hiện giãn cách xã hội trên địa bàn thành phố để phòng, chống dịch Covid-19", scopeCode: "HN",
                from: "2021-07-24", to: nil,
                rules: DirectiveRules(minOnDutyPerShift: 1, allowedReasons: ExemptionReason.allCases, leaveCityNeedsApproval: true)),
            DirectiveSeed(
                number: "1557/UBND-KGVX", issuer: "UBND thành phố Hà Nội",
                title: "Về việc tăng cường trách nhiệm người đứng đầu, quyết liệt thực hiện các biện pháp phòng, chống dịch bệnh Covid-19",
                scopeCode: "HN", from: "2021-05-25", to: nil,
                rules: DirectiveRules(meetingSpacingMeters: 2, leaveCityNeedsApproval: true, healthDeclarationWithinHours: 24)),
            DirectiveSeed(
                number: "17/CT-UBND (Sở Nội vụ)", issuer: "Sở Nội vụ Hà Nội",
                title: "Luân phiên 50% công chức, viên chức làm việc trực tuyến theo Chỉ thị 17/CT-UBND", scopeCode: "SNV",
                from: "2021-07-24", to: nil, rules: DirectiveRules(maxOnSiteShare: Fraction(1, 2))),
            DirectiveSeed(
                number: "17/CT-UBND (Hoàng Mai)", issuer: "UBND quận Hoàng Mai",
                title: "Bố trí luân phiên để chỉ 50% số người làm việc tại cơ quan", scopeCode: "Q08",
                from: "2021-07-24", to: nil, rules: DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1)),
            DirectiveSeed(
                number: "16/CT-TTg", issuer: "Thủ tướng Chính phủ (áp dụng tại TP.HCM)",
                title: "Về thực hiện các biện pháp cấp bách phòng, chống dịch Covid-19: cơ quan nhà nước không quá 1/3 quân số tại đơn vị",
                scopeCode: "HCM", from: "2020-04-01", to: "2020-04-15",
                rules: DirectiveRules(maxOnSiteShare: Fraction(1, 3), minOnDutyPerShift: 1, meetingMaxInPerson: 2, meetingSpacingMeters: 2)),
            DirectiveSeed(
                number: "Công văn khẩn 3/6/2021", issuer: "Chủ tịch UBND TP.HCM",
                title: "Thay đổi phương thức làm việc của cơ quan, đơn vị Nhà nước trong đợt cao điểm phòng, chống dịch Covid-19",
                scopeCode: "HCM", from: "2021-06-03", to: nil,
                rules: DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1, negativeTestRequired: true)),
        ]
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
        let clerk = clearClerk()
        func headOf(_ code: String) -> Int? { orgs.first { $0.code == code }?.head }
        users = [
            User(email: "admin@congso.vn", role: .admin, orgCode: nil, staff: nil, note: "Quản trị hệ thống"),
            User(email: "bcd@congso.vn", role: .steering, orgCode: "HN", staff: headOf("HN"), note: "Ban chỉ đạo thành phố"),
            User(email: "noivu@congso.vn", role: .homeAffairs, orgCode: "HN", staff: headOf("SNV"), note: "Sở Nội vụ (toàn thành phố)"),
            User(email: "head.hoankiem@congso.vn", role: .head, orgCode: "Q02", staff: headOf("Q02"), note: "Chủ tịch UBND quận Hoàn Kiếm"),
            User(email: "head.badinh@congso.vn", role: .head, orgCode: "Q01", staff: headOf("Q01"), note: "Chủ tịch UBND quận Ba Đình"),
            User(email: "head.hoangmai@congso.vn", role: .head, orgCode: "Q08", staff: headOf("Q08"), note: "Chủ tịch UBND quận Hoàng Mai"),
            User(email: "lead.hoangmai@congso.vn", role: .unitLead, orgCode: "Q08-P2", staff: headOf("Q08-P2"), note: "Trưởng phòng Nội vụ quận Hoàng Mai"),
            User(email: "staff.hoangmai@congso.vn", role: .staff, orgCode: "Q08-P2", staff: staff.firstIndex { $0.unitCode == "Q08-P2" }.map { $0 + 2 }, note: "Chuyên viên phòng Nội vụ quận Hoàng Mai"),
            User(email: "head.quan1@congso.vn", role: .head, orgCode: "HCM-Q1", staff: headOf("HCM-Q1"), note: "Chủ tịch UBND Quận 1, TP.HCM"),
            User(email: "lead.hoankiem@congso.vn", role: .unitLead, orgCode: "Q02-P2", staff: headOf("Q02-P2"), note: "Trưởng phòng Nội vụ quận Hoàn Kiếm"),
            User(email: "staff.hoankiem@congso.vn", role: .staff, orgCode: "Q02-P2", staff: staff.firstIndex { $0.unitCode == "Q02-P2" }.map { $0 + 2 }, note: "Chuyên viên phòng Nội vụ quận Hoàn Kiếm"),
            User(email: "thanhtra@congso.vn", role: .inspector, orgCode: "HN", staff: nil, note: "Thanh tra thành phố"),
            User(email: "chot@congso.vn", role: .checkpoint, orgCode: "HN", staff: nil, note: "Chốt kiểm soát"),
            User(email: "vanthu.hoangmai@congso.vn", role: .clerk, orgCode: "Q08", staff: clerk, note: "Văn thư UBND quận Hoàng Mai (được tiếp cận tài liệu mật)"),
        ]
    }

    /// The district office's clerk of Hoàng Mai, cleared for classified documents.
    private mutating func clearClerk() -> Int? {
        guard let first = staff.firstIndex(where: { $0.unitCode == "Q08-P1" }), staff.indices.contains(first + 3),
              staff[first + 3].unitCode == "Q08-P1" else { return nil }
        let i = first + 3, d = staff[i].draft
        staff[i] = Person(unitCode: staff[i].unitCode, draft: StaffDraft(
            fullName: d.fullName, position: "Văn thư", phone: d.phone, email: d.email, skills: d.skills + [Clearance.skill], status: d.status))
        return i
    }
}
