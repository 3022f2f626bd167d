import Foundation

/// The staff CSV format shared by import and export (documented in the README).
public enum StaffCSV {
    public static let columns = ["full_name", "unit_code", "position", "phone", "email", "skills", "status"]

    public struct Row: Equatable, Sendable {
        public let line: Int
        public let unitCode: String
        public let draft: StaffDraft
    }

    public struct RowError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
        public var description: String { "line \(line): \(reason)" }
    }

    public struct Parsed: Sendable {
        public var rows: [Row] = []
        public var errors: [RowError] = []
    }

    /// Reads a whole file. Header problems or an unreadable file fail as one error on
    /// line 1; row problems are collected so that every bad line is reported at once.
    public static func parse(_ data: [UInt8]) -> Parsed {
        var result = Parsed()
        let records: [CSVTable.Record]
        switch Result(catching: { () throws(CSVTable.ParseError) in try CSVTable.parse(data) }) {
        case .success(let r):
            records = r
        case .failure(.notUTF8):
            result.errors.append(RowError(line: 1, reason: "the file is not UTF-8 text"))
            return result
        case .failure(.unterminatedQuote(let line)):
            result.errors.append(RowError(line: line, reason: "a quoted field is never closed"))
            return result
        }
        guard let header = records.first else {
            result.errors.append(RowError(line: 1, reason: "the file is empty; expected a header row: \(columns.joined(separator: ","))"))
            return result
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        let missing = columns.filter { index[$0] == nil && $0 != "skills" && $0 != "status" }
        guard missing.isEmpty else {
            result.errors.append(RowError(line: header.line, reason: "header lacks column(s): \(missing.joined(separator: ", "))"))
            return result
        }
        var seenEmails: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                result.errors.append(RowError(line: record.line, reason: "has \(record.fields.count) fields, the header has \(names.count)"))
                continue
            }
            func field(_ name: String) -> String {
                index[name].map { record.fields[$0] } ?? ""
            }
            let statusText = field("status").trimmingCharacters(in: .whitespaces)
            let status: StaffStatus
            if statusText.isEmpty {
                status = .remote
            } else if let s = StaffStatus(rawValue: statusText) {
                status = s
            } else {
                result.errors.append(RowError(line: record.line, reason: "status \"\(statusText)\" is not one of \(StaffStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            let unitCode = field("unit_code").trimmingCharacters(in: .whitespaces)
            guard !unitCode.isEmpty else {
                result.errors.append(RowError(line: record.line, reason: "unit_code is empty"))
                continue
            }
            let draft = StaffDraft(
                fullName: field("full_name"), position: field("position"), phone: field("phone"),
                email: field("email"), skills: field("skills").split(separator: ";").map(String.init), status: status)
            do {
                let valid = try draft.validated()
                if let first = seenEmails[valid.email] {
                    result.errors.append(RowError(line: record.line, reason: "email \(valid.email) already appears on line \(first)"))
                    continue
                }
                seenEmails[valid.email] = record.line
                result.rows.append(Row(line: record.line, unitCode: unitCode, draft: valid))
            } catch {
                result.errors.append(RowError(line: record.line, reason: error.description))
            }
        }
        return result
    }

    public static func header() -> String { CSVTable.line(columns) }

    public static func line(unitCode: String, _ s: StaffDraft) -> String {
        CSVTable.line([s.fullName, unitCode, s.position, s.phone, s.email, s.skills.joined(separator: ";"), s.status.rawValue])
    }
}
