import Foundation

/// A small RFC 4180 reader and writer. Written here rather than taken from a package
/// because import must report the *line number* where each record starts, including
/// records whose quoted fields span lines, which the listed CSV packages do not expose.
public enum CSVTable {
    public struct Record: Equatable, Sendable {
        public let line: Int
        public let fields: [String]
    }

    public enum ParseError: Error, Equatable, Sendable {
        case unterminatedQuote(line: Int)
        case notUTF8
    }

    public static func parse(_ data: [UInt8]) throws(ParseError) -> [Record] {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // Excel's BOM
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(ParseError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var chars = Array(text.unicodeScalars)
        chars.append("\n")  // a sentinel so the last record closes like the others
        var i = 0
        func endRecord() {
            fields.append(field)
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty:
                    inQuotes = true
                    fieldWasQuoted = true
                case ",":
                    fields.append(field)
                    field = ""
                case "\r":
                    break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        return records
    }

    public static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ") {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    /// A line for a report opened in a spreadsheet: a cell that would start a formula
    /// (=, +, -, @, tab, carriage return) is kept as text with a leading apostrophe, so a
    /// name typed as "=HYPERLINK(…)" never runs. (Files meant for import back use `line`.)
    public static func reportLine(_ fields: [String]) -> String {
        line(fields.map { f in
            guard let c = f.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(c) else { return f }
            return "'" + f
        })
    }
}
