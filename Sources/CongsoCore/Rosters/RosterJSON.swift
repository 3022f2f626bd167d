import Foundation

/// Writes solutions in format v1 by hand: a national roster has millions of assignments,
/// and building them as Codable values first would cost more than solving.
public enum RosterJSON {
    public static func solution(_ r: RosterSolution) -> [UInt8] {
        var w = Writer()
        w.raw("{\"assignments\":[")
        var first = true
        for unit in r.units {
            let slots = r.dates.count * r.shifts.count
            for p in unit.staff.indices {
                for slot in 0..<slots where unit.onSite[p * slots + slot] {
                    if !first { w.raw(",") }
                    first = false
                    w.raw("\n{\"staff\":"); w.string(unit.staff[p])
                    w.raw(",\"date\":"); w.string(r.dates[slot / r.shifts.count])
                    w.raw(",\"shift\":"); w.string(r.shifts[slot % r.shifts.count]); w.raw("}")
                }
            }
        }
        w.raw("\n],\"cohorts\":{")
        first = true
        for unit in r.units {
            guard let cohorts = unit.cohorts else { continue }
            for (p, c) in cohorts.enumerated() {
                if !first { w.raw(",") }
                first = false
                w.string(unit.staff[p]); w.raw(":\(c)")
            }
        }
        w.raw("},\n\"units\":[")
        for (i, unit) in r.units.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("\n{\"id\":"); w.string(unit.id)
            w.raw(",\"spread\":\(unit.spread),\"optimal\":\(unit.optimal)")
            if unit.partial { w.raw(",\"partial\":true") }
            w.raw("}")
        }
        w.raw("\n],\"stats\":{\"solveMillis\":\(String(format: "%.1f", r.solveMillis)),\"units\":\(r.units.count)")
        w.raw(",\"assignments\":\(r.assignmentCount),\"maxSpread\":\(r.maxSpread),\"searchNodes\":\(r.searchNodes)")
        w.raw(",\"unprovenUnits\":\(r.unprovenUnits)")
        if let slow = r.slowestUnit {
            w.raw(",\"slowestUnit\":"); w.string(slow.id); w.raw(",\"slowestUnitMillis\":\(String(format: "%.1f", slow.millis))")
        }
        w.raw("}")
        if !r.infeasible.isEmpty {
            w.raw(",\n\"infeasible\":")
            infeasibleArray(r, &w)
        }
        w.raw("}\n")
        return w.bytes
    }

    /// `{"infeasible": [{"unit","date","shift","dateTo"?,"staff"?,"reason"}]}`; date and shift are
    /// null for the whole unit or day; `dateTo` closes a span of days, `staff` names the people involved.
    public static func infeasible(_ r: RosterSolution) -> [UInt8] {
        var w = Writer()
        w.raw("{\"infeasible\":")
        infeasibleArray(r, &w)
        w.raw("}\n")
        return w.bytes
    }

    private static func infeasibleArray(_ r: RosterSolution, _ w: inout Writer) {
        w.raw("[")
        for (i, p) in r.infeasible.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("\n{\"unit\":"); w.string(p.unit)
            w.raw(",\"date\":"); if let d = p.day { w.string(r.dates[d]) } else { w.raw("null") }
            w.raw(",\"shift\":"); if let s = p.shift { w.string(r.shifts[s]) } else { w.raw("null") }
            if let last = p.lastDay { w.raw(",\"dateTo\":"); w.string(r.dates[last]) }
            if !p.staff.isEmpty {
                w.raw(",\"staff\":[")
                for (j, id) in p.staff.enumerated() { if j > 0 { w.raw(",") }; w.string(id) }
                w.raw("]")
            }
            w.raw(",\"reason\":"); w.string(p.reason); w.raw("}")
        }
        w.raw("\n]")
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
        mutating func string(_ s: String) {
            bytes.append(0x22)
            for b in s.utf8 {
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20: bytes.append(contentsOf: Array(String(format: "\\u%04x", b).utf8))
                default: bytes.append(b)
                }
            }
            bytes.append(0x22)
        }
    }
}
