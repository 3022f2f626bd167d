import Foundation

/// Số, ký hiệu of a document (Decree 30/2020, Appendix I): a number, for legal normative
/// documents the year, then the symbol ("05/UBND-VP", "15/QĐ-BNV", "12/2021/QĐ-UBND").
public struct DocumentNumber: Hashable, Sendable, CustomStringConvertible {
    public let number: Int
    public let year: Int?
    /// Hyphen-separated parts of the symbol ("QĐ", "UBND").
    public let symbol: [String]

    public enum Problem: Error, Equatable, Sendable {
        case empty, shape, number, year, symbol, tooLong
    }

    public init(number: Int, year: Int? = nil, symbol: [String]) {
        self.number = number; self.year = year; self.symbol = symbol
    }

    /// Reads what a clerk types: spaces around "/" and "-" are forgiven, nothing else is.
    public static func parse(_ raw: String) -> Result<DocumentNumber, Problem> {
        let text = raw.precomposedStringWithCanonicalMapping.filter { !$0.isWhitespace }
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.count <= 60 else { return .failure(.tooLong) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { return .failure(.shape) }
        guard (1...6).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(parts[0]), n >= 1 else { return .failure(.number) }
        var year: Int?
        if parts.count == 3 {
            guard parts[1].count == 4, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(parts[1]), (1945...2100).contains(y) else {
                return .failure(.year)
            }
            year = y
        }
        // A symbol typed all in lower case ("ubnd-vp") is read in capitals; mixed case such as
        // "TTr" or "QyĐ" is the decree's own and kept.
        var symbolText = parts[parts.count - 1]
        if !symbolText.contains(where: \.isUppercase) { symbolText = symbolText.uppercased() }
        let segments = symbolText.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...6).contains(segments.count) else { return .failure(.symbol) }
        for s in segments {
            guard let first = s.first, first.isLetter, s.count <= 15,
                  s.allSatisfy({ $0.isLetter || ($0.isASCII && $0.isNumber) || $0 == "&" || $0 == "." }) else { return .failure(.symbol) }
        }
        guard segments.contains(where: { $0.contains(where: \.isUppercase) }) else { return .failure(.symbol) }
        return .success(DocumentNumber(number: n, year: year, symbol: segments))
    }

    /// Numbers below 10 take a leading zero (Appendix I).
    public var description: String {
        let n = number < 10 ? "0\(number)" : String(number)
        return ([n] + (year.map { [String($0)] } ?? []) + [symbol.joined(separator: "-")]).joined(separator: "/")
    }

    /// What makes two registrations the same document: the number as a value, the year, and
    /// the symbol without case or accents ("5/qd-ubnd" is "05/QĐ-UBND").
    public var duplicateKey: String {
        "\(number)/\(year.map(String.init) ?? "")/" + VietnameseText.fold(symbol.joined(separator: "-")).uppercased()
    }

    /// The next outgoing number: "15/QĐ-UBND" for a type with an abbreviation; a công văn
    /// or thư công carries the issuer's abbreviation alone ("05/UBND-VP").
    public static func outgoing(serial: Int, type: DocumentType, issuer: String) -> DocumentNumber {
        let issuerParts = issuer.split(separator: "-").map(String.init)
        return DocumentNumber(number: serial, symbol: (type.abbreviation.map { [$0] } ?? []) + issuerParts)
    }
}
