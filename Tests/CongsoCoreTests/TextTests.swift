import Foundation
import Testing
@testable import CongsoCore

@Suite struct VietnameseTextTests {
    @Test func foldsDiacriticsAndDStroke() {
        #expect(VietnameseText.fold("Nguyễn Văn Đức") == "nguyen van duc")
        #expect(VietnameseText.fold("GIẤY ĐI ĐƯỜNG Đống Đa") == "giay di duong dong da")
        // Decomposed input (another keyboard) folds the same way.
        let decomposed = "Nguyễn".decomposedStringWithCanonicalMapping
        #expect(VietnameseText.fold(decomposed) == "nguyen")
    }

    @Test func normalizesToNFCAndCollapsesSpaces() {
        let decomposed = "  Trần   Thị  Ánh ".decomposedStringWithCanonicalMapping
        let n = VietnameseText.normalize(decomposed)
        #expect(n == "Trần Thị Ánh")
        #expect(n.unicodeScalars.count == "Trần Thị Ánh".precomposedStringWithCanonicalMapping.unicodeScalars.count)
    }

    @Test func sortsInVietnameseOrder() {
        let expected = ["An", "Ánh", "Ăn", "Âu", "Bùi", "Dũng", "Dương", "Đào", "Đặng", "Hà"]
        let shuffled = ["Hà", "Đặng", "Âu", "An", "Dương", "Ăn", "Đào", "Bùi", "Ánh", "Dũng"]
        #expect(shuffled.sorted { VietnameseText.sortKey($0) < VietnameseText.sortKey($1) } == expected)
        #expect(VietnameseText.sortKey("An") < VietnameseText.sortKey("Anh"))
    }

    @Test func peopleSortByGivenName() {
        let names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Minh An"]
        let sorted = names.sorted { VietnameseText.personSortKey($0) < VietnameseText.personSortKey($1) }
        #expect(sorted == ["Lê Minh An", "Trần Thị An", "Nguyễn Văn Bình"])
    }

    @Test func searchTermsAreFolded() {
        #expect(VietnameseText.searchTerms("  Nguyễn  văn ") == [" nguyen", " van"])
        #expect(VietnameseText.searchable("Nguyễn Văn An").contains(" an"))
        #expect(!VietnameseText.searchable("Nguyễn Văn Cường").contains(" an"))
        #expect(VietnameseText.searchTerms("%_'; --").allSatisfy { !$0.contains("'") && !$0.contains("%") })
    }
}

@Suite struct TrimmingTests {
    /// Over random strings of white space, line breaks, Vietnamese letters, combining marks
    /// and hostile characters, the native trim equals Foundation's.
    @Test func trimmingEqualsFoundationsForAnyText() {
        let pieces: [String] = [" ", "\t", "\n", "\r\n", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{2028}", "\u{0085}", "\u{200B}", "\u{FEFF}",
                                "a", "Đ", "ệ", "e\u{0301}", " \u{0301}", "\u{0000}", "😀", "'", "<", "\u{202E}", "x y"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(s.trimmedWhitespace == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(s.unicodeScalars))")
        }
    }
}
