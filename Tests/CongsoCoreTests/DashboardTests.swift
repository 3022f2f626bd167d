import CongsoCore
import Foundation
import Testing

/// The roll-up of per-unit counts into a node's children, and the server-drawn chart.
@Suite struct DashboardTests {
    /// A random tree: every count lands in exactly one child, or in the scope itself;
    /// nothing outside the scope counts; the children add up to the total less the scope's own.
    @Test func rollupConservesCountsOverRandomTrees() {
        var rng = SeededRandom(seed: 17)
        for _ in 0..<200 {
            let scope = OrgPath("/root/s\(Int.random(in: 0..<3, using: &rng))/")
            let children = (0..<Int.random(in: 0...8, using: &rng)).map { scope.child("c\($0)") }
            var rows: [(path: String, count: Int)] = []
            var own = 0, outside = 0
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                let n = Int.random(in: 0...20, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: rows.append((scope.value, n)); own += n
                case 1: rows.append(("/root/elsewhere/x/", n)); outside += n
                default:
                    guard let c = children.randomElement(using: &rng) else { continue }
                    let deep = (0..<Int.random(in: 0...3, using: &rng)).reduce(c) { p, i in p.child("d\(i)") }
                    rows.append((deep.value, n))
                }
            }
            let counts = SubtreeRollup(scope: scope, children: children).fold(rows)
            let inside = rows.filter { $0.path.hasPrefix(scope.value) }.reduce(0) { $0 + $1.count }
            #expect(counts.total == inside)
            #expect(counts.perChild.reduce(0, +) == counts.total - own)
            for (i, c) in children.enumerated() {
                #expect(counts.perChild[i] == rows.filter { $0.path.hasPrefix(c.value) }.reduce(0) { $0 + $1.count })
            }
        }
    }

    /// A sibling whose id starts like another's (`c1` and `c10`) never leaks into it.
    @Test func prefixSiblingsStayApart() {
        let scope = OrgPath("/r/")
        let r = SubtreeRollup(scope: scope, children: [scope.child("c1"), scope.child("c10")])
        let rows: [(path: String, count: Int)] = [("/r/c10/x/", 5), ("/r/c1/", 2), ("/r/c100/", 7), ("/r", 9)]
        let counts = r.fold(rows)
        #expect(counts.perChild == [2, 5])
        #expect(counts.total == 14)
    }

    @Test func chartEscapesHostileLabelsAndSkipsGaps() {
        let evil = "<script>alert('x')</script>&\u{0}\"7:00\""
        let chart = SVGLineChart(title: evil, labels: ["1", evil, "3"],
                                 series: [.init(name: evil, values: [50, nil, .infinity], cssClass: "a\" onload=\"x"),
                                          .init(name: "11:00", values: [120, -5, 30], cssClass: "series-1")])
        let svg = chart.render()
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("onload=\"x"))
        #expect(!svg.contains("\u{0}"))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        // The first series has one finite point: one move, no line to the gap.
        #expect(svg.contains("d=\"M"))
        // Values outside the range are drawn at its edge, never outside the plot.
        #expect(!svg.contains("cy=\"-"))
        let empty = SVGLineChart(title: "t", labels: [], series: [], maxValue: .nan).render()
        #expect(empty.contains("</svg>"))
    }
}
