import CongsoCore
import Vapor

/// Clashing roster rules in the reader's language, with people's names (the solver's own
/// `reason` is English and names staff by id).
enum RosterClashText {
    static func words(_ c: RosterClash, names: [String: String], _ req: Request) -> String {
        func people(_ ids: [String]) -> String {
            let list = ids.map { names[$0] ?? $0 }
            return list.count <= 8 ? list.joined(separator: ", ") : list.prefix(8).joined(separator: ", ") + " " + req.t("roster_clash_more", detail: String(list.count - 8))
        }
        var parts: [String] = []
        if let d = c.demand { parts.append(req.t(c.demandVaries ? "roster_clash_demand_varied" : "roster_clash_demand", detail: String(d))) }
        for s in c.skills {
            let holders = s.holders.isEmpty ? req.t("roster_clash_no_holder") : req.t("roster_clash_holders", detail: people(s.holders))
            parts.append(req.t("roster_clash_skill", detail: "\"\(s.name)\"") + " (" + holders + ")")
        }
        if let k = c.cohorts, let sizes = c.cohortSizes {
            parts.append(req.t("roster_clash_cohorts", detail: "\(k) × \(sizes)"))
        }
        if let run = c.runLimit, !c.runners.isEmpty {
            parts.append(req.t("roster_clash_run", detail: String(run)) + " (" + people(c.runners) + ")")
        }
        if let r = c.resting, !r.isEmpty { parts.append(req.t("roster_clash_rest", detail: people(r))) }
        if !c.away.isEmpty { parts.append(req.t("roster_clash_away", detail: people(c.away))) }
        if !c.obliged.isEmpty { parts.append(req.t("roster_clash_obliged", detail: people(c.obliged))) }
        return req.t("roster_clash", detail: parts.joined(separator: "; "))
    }
}
