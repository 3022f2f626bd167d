import Foundation

/// An e-mail as the outbox sends it (RFC 5322 with MIME): UTF-8 text and HTML parts, an
/// optional iCalendar part, Vietnamese headers as RFC 2047 encoded words, bodies in base64.
public struct MailMessage: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        public var name: String
        public var email: String
        public init(name: String, email: String) { self.name = name; self.email = email }

        /// `"Name" <a@b>` with the name encoded when it is not plain ASCII.
        public var header: String {
            guard !name.isEmpty else { return "<\(email)>" }
            if name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "." || $0 == "-") }) {
                return "\"\(name)\" <\(email)>"
            }
            return MailMessage.encodedWords(name) + " <\(email)>"
        }
    }

    /// An iCalendar invitation, sent as a text/calendar part with its METHOD.
    public struct Calendar: Sendable, Equatable {
        public var method: String
        public var text: String
        public init(method: String, text: String) { self.method = method; self.text = text }
    }

    public var from: Address
    public var to: Address
    public var subject: String
    public var text: String
    public var html: String
    public var calendar: Calendar?
    /// Extra headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
    public var headers: [(String, String)]
    public var messageID: String
    public var date: Date

    public init(from: Address, to: Address, subject: String, text: String, html: String, calendar: Calendar? = nil,
                headers: [(String, String)] = [], messageID: String, date: Date) {
        self.from = from; self.to = to; self.subject = subject; self.text = text; self.html = html
        self.calendar = calendar; self.headers = headers; self.messageID = messageID; self.date = date
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool { a.render(boundary: "b") == b.render(boundary: "b") }

    /// RFC 2047 "B" encoded words of at most 75 characters each, never splitting a
    /// character's UTF-8 bytes; ASCII text without specials stays as it is.
    public static func encodedWords(_ s: String) -> String {
        if s.allSatisfy({ $0.isASCII && !$0.isNewline }) && !s.contains("=?") { return s }
        var words: [String] = [], chunk = Data()
        // "=?UTF-8?B?" + base64 + "?=" ≤ 75: 45 bytes of text make 60 of base64.
        for ch in s {
            let bytes = Data(String(ch).utf8)
            if chunk.count + bytes.count > 45 { words.append(chunk.base64EncodedString()); chunk = Data() }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append(chunk.base64EncodedString()) }
        return words.map { "=?UTF-8?B?\($0)?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ s: String) -> String {
        let b = Data(s.utf8).base64EncodedString()
        var lines: [Substring] = []
        var i = b.startIndex
        while i < b.endIndex {
            let j = b.index(i, offsetBy: 76, limitedBy: b.endIndex) ?? b.endIndex
            lines.append(b[i..<j])
            i = j
        }
        return lines.joined(separator: "\r\n")
    }

    static func rfc5322Date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: d)
    }

    /// The whole message with CRLF line ends, ready for SMTP DATA (before dot-stuffing).
    public func render(boundary: String = "congso-" + UUID().uuidString.lowercased()) -> String {
        var lines = [
            "From: " + from.header, "To: " + to.header, "Subject: " + Self.encodedWords(subject),
            "Date: " + Self.rfc5322Date(date), "Message-ID: <\(messageID)>", "MIME-Version: 1.0",
        ]
        for (name, value) in headers { lines.append("\(name): \(value)") }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        func part(_ type: String, _ body: String) {
            lines += ["--" + boundary, "Content-Type: " + type, "Content-Transfer-Encoding: base64", "", Self.base64Lines(body)]
        }
        part("text/plain; charset=utf-8", text)
        part("text/html; charset=utf-8", html)
        if let calendar { part("text/calendar; charset=utf-8; method=\(calendar.method)", calendar.text) }
        lines += ["--" + boundary + "--", ""]
        return lines.joined(separator: "\r\n")
    }
}
