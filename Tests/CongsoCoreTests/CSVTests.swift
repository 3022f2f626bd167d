import Testing
@testable import CongsoCore

@Suite struct CSVTableTests {
    @Test func reportsTheLineEachRecordStartsOn() throws {
        let text = "a,b\r\n\"multi\nline\",x\n\nlast,\"q\"\"uote\"\n"
        let records = try CSVTable.parse(text)
        #expect(records.map(\.line) == [1, 2, 5])
        #expect(records[1].fields == ["multi\nline", "x"])
        #expect(records[2].fields == ["last", "q\"uote"])
    }

    @Test func rejectsUnterminatedQuotesAndNonUTF8() {
        #expect(throws: CSVTable.ParseError.unterminatedQuote(line: 2)) { try CSVTable.parse("a\n\"open,b\n") }
        #expect(throws: CSVTable.ParseError.notUTF8) { try CSVTable.parse([0x61, 0xFF, 0x0A]) }
    }

    @Test func writesWhatItReads() throws {
        let fields = ["Nguyễn Văn A", "has,comma", "has \"quote\"", "two\nlines", ""]
        let records = try CSVTable.parse(CSVTable.line(fields))
        #expect(records.first?.fields == fields)
    }
}
