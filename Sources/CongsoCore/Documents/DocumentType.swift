/// The 29 types of administrative document of Decree 30/2020/NĐ-CP (art. 7) with the
/// abbreviations of its Appendix III. A công văn and a thư công have none: their symbol is
/// the issuing body's own. Names are in the translation files (`doc_type_<raw value>`).
public enum DocumentType: String, CaseIterable, Codable, Sendable {
    case resolution = "nghi_quyet", decision = "quyet_dinh", directive = "chi_thi", rules = "quy_che", regulation = "quy_dinh"
    case communique = "thong_cao", notice = "thong_bao", guidance = "huong_dan", programme = "chuong_trinh", plan = "ke_hoach"
    case scheme = "phuong_an", proposal = "de_an", project = "du_an", report = "bao_cao", minutes = "bien_ban"
    case submission = "to_trinh", contract = "hop_dong", officialLetter = "cong_van", telegram = "cong_dien"
    case memorandum = "ban_ghi_nho", agreement = "ban_thoa_thuan", authorization = "giay_uy_quyen", invitation = "giay_moi"
    case introduction = "giay_gioi_thieu", leave = "giay_nghi_phep", dispatchSlip = "phieu_gui", transferSlip = "phieu_chuyen"
    case noticeSlip = "phieu_bao", letter = "thu_cong"

    /// Appendix III's abbreviation, nil for công văn and thư công.
    public var abbreviation: String? {
        switch self {
        case .resolution: "NQ"
        case .decision: "QĐ"
        case .directive: "CT"
        case .rules: "QC"
        case .regulation: "QyĐ"
        case .communique: "TC"
        case .notice: "TB"
        case .guidance: "HD"
        case .programme: "CTr"
        case .plan: "KH"
        case .scheme: "PA"
        case .proposal: "ĐA"
        case .project: "DA"
        case .report: "BC"
        case .minutes: "BB"
        case .submission: "TTr"
        case .contract: "HĐ"
        case .officialLetter: nil
        case .telegram: "CĐ"
        case .memorandum: "BGN"
        case .agreement: "BTT"
        case .authorization: "GUQ"
        case .invitation: "GM"
        case .introduction: "GGT"
        case .leave: "GNP"
        case .dispatchSlip: "PG"
        case .transferSlip: "PC"
        case .noticeSlip: "PB"
        case .letter: nil
        }
    }

    /// The type an abbreviation stands for ("QĐ" → quyết định), for reading incoming numbers.
    public static func forAbbreviation(_ s: String) -> DocumentType? {
        allCases.first { $0.abbreviation == s }
    }
}

/// Độ khẩn (Decree 30/2020 art. 22): how fast a document must be handled.
public enum DocumentUrgency: String, CaseIterable, Codable, Sendable {
    case normal = "thuong", urgent = "khan", veryUrgent = "thuong_khan", flash = "hoa_toc"
}

/// Độ mật under the Law on Protection of State Secrets 2018: Mật, Tối mật, Tuyệt mật.
public enum Classification: String, CaseIterable, Codable, Sendable {
    case confidential = "mat", secret = "toi_mat", topSecret = "tuyet_mat"
}

/// The three registers an org keeps, each with its own yearly number series.
public enum DocumentRegister: String, CaseIterable, Codable, Sendable {
    case incoming, outgoing, classified

    /// A register is written only in its own year; a past year's register is closed.
    public static func isClosed(year: Int, today: LocalDate) -> Bool { year < today.year }
}

/// The staff skill that clears a person to see classified documents' metadata.
public enum Clearance {
    public static let skill = "mat"
}
