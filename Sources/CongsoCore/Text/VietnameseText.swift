import Foundation

/// Vietnamese text helpers: NFC normalisation, accent-insensitive folding for search,
/// and a sort key that orders names as a Vietnamese reader expects.
public enum VietnameseText {
    /// Input can arrive composed or decomposed depending on the keyboard; store NFC.
    /// Control characters (NUL and friends) are dropped: no name needs them and some
    /// databases refuse them.
    public static func normalize(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.properties.generalCategory != .control || $0 == "\n" }))
            .precomposedStringWithCanonicalMapping
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
    }

    /// Lower-case ASCII with every diacritic removed, đ folded to d
    /// ("Nguyễn Văn Đức" → "nguyen van duc"). `đ` has no Unicode decomposition, so
    /// `.diacriticInsensitive` alone keeps it; fold it by hand.
    public static func fold(_ s: String) -> String {
        let lowered = s.lowercased()
            .replacingOccurrences(of: "đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        out.reserveCapacity(lowered.utf8.count)
        var lastWasSpace = true
        for scalar in lowered.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "@" || scalar == "." || scalar == "_" || scalar == "-" {
                // Combining marks left over by exotic input are dropped.
                if scalar.properties.generalCategory == .nonspacingMark { continue }
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            } else if !lastWasSpace {
                out.append(" ")
                lastWasSpace = true
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// The stored form of searchable text: folded, with a leading space so that a
    /// term matches the start of a word (`LIKE '% an%'` finds "An" but not "Văn").
    public static func searchable(_ s: String) -> String { " " + fold(s) }

    /// Search terms of a query as LIKE fragments: each must occur at a word start.
    public static func searchTerms(_ query: String) -> [String] {
        fold(query).split(separator: " ").map { " " + $0 }
    }

    /// Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
    /// Letters outside it (f, j, w, z) sit next to their Latin neighbours.
    private static let alphabet: [Character] = [
        "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
        "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
    ]
    private static let letterRank: [Character: Int] = {
        var ranks: [Character: Int] = [:]
        for (i, c) in alphabet.enumerated() { ranks[c] = i + 20 }
        return ranks
    }()
    /// Tone marks, in the conventional order: none, huyền, sắc, hỏi, ngã, nặng.
    private static let toneRank: [Unicode.Scalar: Int] = [
        "\u{0300}": 1, "\u{0301}": 2, "\u{0309}": 3, "\u{0303}": 4, "\u{0323}": 5,
    ]

    /// A byte-comparable key: letters by the Vietnamese alphabet first, tones second.
    /// SQLite has no Vietnamese collation, so ordered lists sort on this column.
    public static func sortKey(_ s: String) -> String {
        var primary = ""
        var tones = ""
        for ch in normalize(s).lowercased() {
            // Decompose into base letter (keeping ă â đ ê ô ơ ư) plus tone.
            let decomposed = String(ch).decomposedStringWithCanonicalMapping.unicodeScalars
            var tone = 0
            var baseScalars = String.UnicodeScalarView()
            for scalar in decomposed {
                if let t = toneRank[scalar] { tone = t } else { baseScalars.append(scalar) }
            }
            let base = Character(String(baseScalars).precomposedStringWithCanonicalMapping)
            if let rank = letterRank[base] {
                primary += String(rank)
                tones += String(tone)
            } else if base.isNumber, let d = base.wholeNumberValue {
                primary += String(10 + d)
            } else {
                primary += "00"  // spaces and punctuation sort before letters
            }
        }
        return primary + "!" + tones
    }

    /// Vietnamese lists order people by given name (the last word), then the full name.
    public static func personSortKey(_ fullName: String) -> String {
        let given = normalize(fullName).split(separator: " ").last.map(String.init) ?? ""
        return sortKey(given) + "#" + sortKey(fullName)
    }
}
