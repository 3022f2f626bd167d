import Foundation

/// A place and time the health authorities announced a case had been (địa điểm có ca bệnh).
public struct OutbreakPlace: Equatable, Sendable {
    public var id: String
    public var place: String
    public var address: String
    public var from: Date
    public var to: Date

    public init(id: String, place: String, address: String, from: Date, to: Date) {
        self.id = id
        self.place = place
        self.address = address
        self.from = from
        self.to = to
    }
}

/// Whether a declared visit meets an announced place: the times overlap and the words
/// agree. People type places freely, so the text match is on folded words (no accents,
/// no case, punctuation as spaces): the announced name appears as whole words in what was
/// declared, or one address holds the other whole. Short texts never match on their own,
/// so "chợ" does not put a city under monitoring.
public enum OutbreakMatching {
    public static let minimumName = 4
    public static let minimumAddress = 8

    public static func overlaps(_ a: (from: Date, to: Date), _ b: (from: Date, to: Date)) -> Bool {
        a.from <= b.to && b.from <= a.to
    }

    static func words(_ s: String) -> String {
        // Hyphens and dots are kept by `fold` (for e-mail and codes); here they separate words.
        let spaced = VietnameseText.fold(s).map { $0 == "-" || $0 == "." || $0 == "_" ? " " : $0 }
        return String(spaced).split(separator: " ").joined(separator: " ")
    }

    static func holds(_ haystack: String, _ needle: String) -> Bool {
        (" " + haystack + " ").contains(" " + needle + " ")
    }

    public static func matches(_ visit: VisitedPlace, _ announced: OutbreakPlace) -> Bool {
        guard overlaps((visit.from, visit.to), (announced.from, announced.to)) else { return false }
        let declared = words(visit.place + " " + visit.address)
        let name = words(announced.place)
        if name.count >= minimumName && holds(declared, name) { return true }
        let a = words(announced.address), v = words(visit.address)
        if a.count >= minimumAddress && v.count >= minimumAddress && (holds(a, v) || holds(v, a)) { return true }
        return false
    }

    /// Every (visit index, place) pair that matches.
    public static func matches(_ visits: [VisitedPlace], among places: [OutbreakPlace]) -> [(Int, OutbreakPlace)] {
        var out: [(Int, OutbreakPlace)] = []
        for (i, v) in visits.enumerated() {
            for p in places where matches(v, p) { out.append((i, p)) }
        }
        return out
    }
}
