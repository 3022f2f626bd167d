import CongsoCore
import Foundation
import Testing

/// Số, ký hiệu of Decree 30/2020, the outgoing numbers, the 29 types, and files by content.
@Suite struct DocumentNumberTests {
    @Test func readsTheDecreesShapes() throws {
        for (raw, shown) in [("05/UBND-VP", "05/UBND-VP"), ("15/QĐ-BNV", "15/QĐ-BNV"), ("12/2021/QĐ-UBND", "12/2021/QĐ-UBND"),
                             ("1557/UBND-KGVX", "1557/UBND-KGVX"), ("5 / ubnd - vp", "05/UBND-VP"), ("3/TTr-UBND", "03/TTr-UBND"),
                             ("7/BNN&PTNT", "07/BNN&PTNT")] {
            let n = try DocumentNumber.parse(raw).get()
            #expect(n.description == shown)
        }
        #expect(try DocumentNumber.parse("12/2021/QĐ-UBND").get().year == 2021)
        for bad in ["", "UBND-VP", "05", "05/", "/UBND", "0/UBND", "05/2021", "05/21/QĐ", "05/1800/QĐ", "x5/UBND", "05/UBND--VP",
                    "05/-VP", "05/UBND-9VP", "05/UBND/VP/X", "05/UB ND<script>", "1234567/UBND", String(repeating: "9", count: 70)] {
            #expect(throws: DocumentNumber.Problem.self, "\(bad)") { try DocumentNumber.parse(bad).get() }
        }
    }

    @Test func theDuplicateKeyIgnoresPaddingCaseAndAccents() throws {
        let a = try DocumentNumber.parse("05/QĐ-UBND").get(), b = try DocumentNumber.parse("5/qđ-ubnd").get()
        #expect(a.duplicateKey == b.duplicateKey)
        #expect(a.duplicateKey != (try DocumentNumber.parse("05/2021/QĐ-UBND").get()).duplicateKey)
        #expect(a.duplicateKey != (try DocumentNumber.parse("06/QĐ-UBND").get()).duplicateKey)
    }

    /// Any number the outgoing register makes reads back as itself.
    @Test func outgoingNumbersReadBack() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let type = DocumentType.allCases.randomElement(using: &rng)!
            let issuer = ["Q08", "Q08-P2", "UBND-VP", "HCM-Q1-P3", "SNV"].randomElement(using: &rng)!
            let n = DocumentNumber.outgoing(serial: Int.random(in: 1...999_999, using: &rng), type: type, issuer: issuer)
            let back = try DocumentNumber.parse(n.description).get()
            #expect(back == n)
            #expect(n.symbol.first == (type.abbreviation ?? issuer.split(separator: "-").first.map(String.init)))
        }
        #expect(DocumentNumber.outgoing(serial: 1, type: .decision, issuer: "UBND").description == "01/QĐ-UBND")
        #expect(DocumentNumber.outgoing(serial: 12, type: .officialLetter, issuer: "UBND-VP").description == "12/UBND-VP")
    }

    /// Random text never crashes the reader, and whatever it accepts prints back to the same value.
    @Test func anyInputIsReadOrRefused() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789/-–ĐđQqUBNDVP &.·\u{0301}\u{0000}ÀÂ ") + ["\u{1F600}"]
        for _ in 0..<5_000 {
            let s = String((0..<Int.random(in: 0...20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            if case .success(let n) = DocumentNumber.parse(s) { #expect((try? DocumentNumber.parse(n.description).get()) == n, "\(s)") }
        }
    }

    @Test func theDecreeHasTwentyNineTypes() {
        #expect(DocumentType.allCases.count == 29)
        #expect(DocumentType.allCases.filter { $0.abbreviation == nil } == [.officialLetter, .letter])
        #expect(Set(DocumentType.allCases.compactMap(\.abbreviation)).count == 27)
        #expect(DocumentType.forAbbreviation("QĐ") == .decision)
    }

    @Test func closedRegisters() {
        #expect(DocumentRegister.isClosed(year: 2025, today: LocalDate("2026-01-01")!))
        #expect(!DocumentRegister.isClosed(year: 2026, today: LocalDate("2026-12-31")!))
    }
}

@Suite struct FileKindTests {
    static let docx: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array("....[Content_Types].xml....word/document.xml".utf8)

    @Test func kindsAreTheirBytes() {
        #expect(FileKind.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(FileKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(FileKind.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(FileKind.sniff(Self.docx) == .docx)
        // An .xlsx is a ZIP too, but not a Word document.
        #expect(FileKind.sniff([0x50, 0x4B, 0x03, 0x04] + Array("[Content_Types].xml xl/workbook.xml".utf8)) == nil)
        #expect(FileKind.sniff(Array("MZ\u{90}".utf8)) == nil)
        #expect(FileKind.sniff([UInt8]()) == nil)
    }

    @Test func aNameMustAgreeWithItsBytes() {
        #expect(FileKind.check(fileName: "Công văn.PDF", bytes: Array("%PDF-1.4".utf8)) == .success(.pdf))
        #expect(FileKind.check(fileName: "anh.jpeg", bytes: [0xFF, 0xD8, 0xFF]) == .success(.jpeg))
        #expect(FileKind.check(fileName: "virus.pdf", bytes: Array("MZ".utf8)) == .failure(.contentMismatch(expected: .pdf)))
        #expect(FileKind.check(fileName: "scan.png", bytes: Array("%PDF-1.4".utf8)) == .failure(.contentMismatch(expected: .png)))
        #expect(FileKind.check(fileName: "setup.exe", bytes: Array("%PDF-".utf8)) == .failure(.extensionNotAllowed("exe")))
        #expect(FileKind.check(fileName: "no-extension", bytes: Self.docx) == .failure(.extensionNotAllowed("")))
    }

    /// Random bytes behind an allowed name are accepted only when they start as that kind does.
    @Test func randomBytesAreNeverTakenForADocument() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let name = ["a.pdf", "b.docx", "c.png", "d.jpg"].randomElement(using: &rng)!
            if case .success(let kind) = FileKind.check(fileName: name, bytes: bytes) { #expect(FileKind.sniff(bytes) == kind) }
        }
    }
}
