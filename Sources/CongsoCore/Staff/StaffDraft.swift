import Foundation

/// A staff record as typed by a person (form, API or CSV), before it is stored.
/// `validated()` normalises it and says, in a stable code, what is wrong.
public struct StaffDraft: Equatable, Sendable {
    public var fullName: String
    public var position: String
    public var phone: String
    public var email: String
    public var skills: [String]
    public var status: StaffStatus

    public init(fullName: String, position: String, phone: String, email: String, skills: [String], status: StaffStatus) {
        self.fullName = fullName
        self.position = position
        self.phone = phone
        self.email = email
        self.skills = skills
        self.status = status
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case nameMissing, nameTooLong, positionTooLong, phoneInvalid(String), emailInvalid(String), skillInvalid(String)

        public var code: String {
            switch self {
            case .nameMissing: "staff.name_missing"
            case .nameTooLong: "staff.name_too_long"
            case .positionTooLong: "staff.position_too_long"
            case .phoneInvalid: "staff.phone_invalid"
            case .emailInvalid: "staff.email_invalid"
            case .skillInvalid: "staff.skill_invalid"
            }
        }

        public var description: String {
            switch self {
            case .nameMissing: "full name is empty"
            case .nameTooLong: "full name is longer than 120 characters"
            case .positionTooLong: "position is longer than 120 characters"
            case .phoneInvalid(let p): "phone \"\(p)\" is not a Vietnamese phone number (10 digits starting with 0, or +84)"
            case .emailInvalid(let e): "email \"\(e)\" is not a valid address"
            case .skillInvalid(let s): "skill \"\(s)\" may only use letters, digits, '-' and '_' (max 40)"
            }
        }
    }

    /// Normalised copy, or the first problem found.
    public func validated() throws(Problem) -> StaffDraft {
        var d = self
        d.fullName = VietnameseText.normalize(fullName)
        d.position = VietnameseText.normalize(position)
        d.email = email.trimmingCharacters(in: .whitespaces).lowercased()
        d.phone = try Self.normalizePhone(phone)
        guard !d.fullName.isEmpty else { throw .nameMissing }
        guard d.fullName.count <= 120 else { throw .nameTooLong }
        guard d.position.count <= 120 else { throw .positionTooLong }
        guard Self.isValidEmail(d.email) else { throw .emailInvalid(email) }
        var seen = Set<String>()
        d.skills = []
        for raw in skills {
            let skill = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if skill.isEmpty { continue }
            guard skill.count <= 40, skill.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw .skillInvalid(raw)
            }
            if seen.insert(skill).inserted { d.skills.append(skill) }
        }
        return d
    }

    /// Accepts "0912 345 678", "0912.345.678", "+84 912345678"; stores "0912345678".
    /// An empty phone is allowed (not everyone publishes one).
    public static func normalizePhone(_ raw: String) throws(Problem) -> String {
        var digits = raw.filter { !" .-()".contains($0) }
        if digits.isEmpty { return "" }
        if digits.hasPrefix("+84") { digits = "0" + digits.dropFirst(3) }
        guard digits.count == 10, digits.hasPrefix("0"), digits.allSatisfy(\.isASCIIDigit) else {
            throw .phoneInvalid(raw)
        }
        return digits
    }

    public static func isValidEmail(_ e: String) -> Bool {
        guard e.count <= 254, !e.contains(where: { $0.isWhitespace || !$0.isASCII || $0.asciiValue.map { $0 < 32 || $0 == 127 } == true }) else { return false }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return true
    }

    /// What search looks in, folded: name, position, email and phone.
    public var searchText: String {
        VietnameseText.searchable([fullName, position, email, phone].joined(separator: " "))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
