import Foundation
import Testing
@testable import CongsoCore

/// Mail in Core: MIME as the outbox writes it, and who gets what when.
@Suite struct MailTests {
    func decodeWords(_ header: String) -> String {
        header.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "?==?UTF-8?B?").joined(separator: "?=\u{0}=?UTF-8?B?")
            .split(separator: "\u{0}").map { word -> String in
                let w = String(word)
                guard w.hasPrefix("=?UTF-8?B?"), w.hasSuffix("?=") else { return w }
                return String(decoding: Data(base64Encoded: String(w.dropFirst(10).dropLast(2)))!, as: UTF8.self)
            }.joined()
    }

    @Test func vietnameseHeadersBecomeEncodedWordsThatDecodeBack() {
        var rng = SeededRandom(seed: 7)
        let pool = Array("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ĐĂÂ:;\"<>@,.")
        for _ in 0..<300 {
            let s = String((0..<Int.random(in: 1...120, using: &rng)).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] })
            let encoded = MailMessage.encodedWords(s)
            #expect(encoded.allSatisfy { $0.isASCII })
            for line in encoded.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
            if !s.allSatisfy(\.isASCII) { #expect(decodeWords(encoded) == s) }
        }
        #expect(MailMessage.encodedWords("Plain subject") == "Plain subject")
    }

    @Test func aMessageHasTextHtmlAndCalendarPartsIn7Bit() {
        let m = MailMessage(from: .init(name: "Công sở số", email: "congso@example.vn"), to: .init(name: "Nguyễn Văn An", email: "an@example.vn"),
                            subject: "Giấy mời họp: Giao ban", text: "Nội dung", html: "<p>Nội dung</p>",
                            calendar: .init(method: "REQUEST", text: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
                            headers: [("List-Unsubscribe", "<https://x/u>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
                            messageID: "1@example.vn", date: Date(timeIntervalSince1970: 1_627_000_000))
        let text = m.render(boundary: "B")
        #expect(text.allSatisfy { $0.isASCII })
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"B\""))
        #expect(text.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST"))
        #expect(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(text.contains("Date: Fri, 23 Jul 2021 07:26:40 +0700"))
        #expect(text.contains("To: =?UTF-8?B?") && text.contains(" <an@example.vn>"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.count <= 998 })
        #expect(text.hasSuffix("--B--\r\n"))
    }

    @Test func actionsGoAtOnceTheRestDailyByChoice() {
        #expect(MailRouting.when("notif.meeting_invited", preference: .actionsNowRestDaily) == .now)
        #expect(MailRouting.when("notif.plan_approved", preference: .actionsNowRestDaily) == .digest)
        #expect(MailRouting.when("notif.plan_approved", preference: .everythingNow) == .now)
        #expect(MailRouting.when("notif.meeting_invited", preference: .dailyDigestOnly) == .digest)
        #expect(MailRouting.when("notif.meeting_invited", preference: .none) == nil)
        #expect(MailRouting.backoff(attempt: 1) == 60 && MailRouting.backoff(attempt: 3) == 240 && MailRouting.backoff(attempt: 20) == 3600)
    }
}
