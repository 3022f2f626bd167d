import CongsoCore
import Fluent
import Vapor

/// The task lists: mine, my unit, what I assigned, with overdue / this week / status
/// filters, a search insensitive to diacritics, sorting, pages and CSV.
enum TaskList {
    enum Scope: String, CaseIterable, Sendable { case mine, unit, assigned }
    enum Sort: String, CaseIterable, Sendable { case deadline, priority, updated, created }

    struct Filter: Sendable {
        var scope: Scope
        var overdue = false
        var week = false
        var status: TaskStatus?
        var q: String?
        var sort: Sort = .deadline
        var under: Organization?

        /// Reads ?scope=&overdue=&week=&status=&q=&sort= ; people without a unit to
        /// lead default to their own tasks.
        init(_ req: Request, actor: Actor) async throws {
            let raw = req.query[String.self, at: "scope"] ?? ""
            if raw.isEmpty {
                scope = actor.has(.assignTasks) ? .unit : .mine
            } else {
                guard let s = Scope(rawValue: raw) else { throw AppError.invalid("task.filter_invalid", raw) }
                scope = s
            }
            overdue = ["1", "true", "on"].contains(req.query[String.self, at: "overdue"] ?? "")
            week = ["1", "true", "on"].contains(req.query[String.self, at: "week"] ?? "")
            if let st = req.query[String.self, at: "status"], !st.isEmpty {
                guard let s = TaskStatus(rawValue: st) else { throw AppError.invalid("task.status_invalid", st) }
                status = s
            }
            q = req.query[String.self, at: "q"]
            if let so = req.query[String.self, at: "sort"], !so.isEmpty {
                guard let s = Sort(rawValue: so) else { throw AppError.invalid("task.filter_invalid", so) }
                sort = s
            }
            under = try await req.orgFilter(actor)
        }

        init(scope: Scope) { self.scope = scope }

        var query: [String: String] {
            var out = ["scope": scope.rawValue, "sort": sort.rawValue]
            if overdue { out["overdue"] = "1" }
            if week { out["week"] = "1" }
            if let status { out["status"] = status.rawValue }
            if let q, !q.isEmpty { out["q"] = q }
            if let under { out["org"] = under.code }
            return out
        }
    }

    /// Monday and Sunday of the week containing `day`.
    static func week(of day: LocalDate) -> (LocalDate, LocalDate) {
        let monday = day.monday
        return (monday, monday.adding(days: 6))
    }

    static func query(_ f: Filter, actor: Actor, on db: any Database, today: LocalDate = .of(Date())) throws -> QueryBuilder<WorkTask> {
        let q = WorkTask.query(on: db)
        switch f.scope {
        case .mine:
            guard let me = actor.staffID else { throw AppError.invalid("task.no_staff_record", "") }
            q.filter(\.$assigneeStaffID == me)
        case .assigned:
            guard let me = actor.userID else { throw AppError.unauthorized }
            q.filter(\.$assignerUserID == me)
        case .unit:
            try actor.require(.readStaff)
            var prefix = actor.visiblePrefix
            if let under = f.under {
                try actor.require(.readStaff, on: under.orgPath)
                prefix = under.path
            }
            q.filter(\.$orgPath =~ prefix)
        }
        if f.overdue {
            q.filter(\.$status ~~ TaskStatus.allCases.filter(\.isOpen)).filter(\.$deadline < today.value)
        }
        if f.week {
            let (mon, sun) = week(of: today)
            q.filter(\.$deadline >= mon.value).filter(\.$deadline <= sun.value)
        }
        if let s = f.status { q.filter(\.$status == s) }
        for term in VietnameseText.searchTerms(f.q ?? "") { q.filter(\.$searchText ~~ term) }
        switch f.sort {
        case .deadline: q.sort(\.$deadline).sort(\.$priorityRank)
        case .priority: q.sort(\.$priorityRank).sort(\.$deadline)
        case .updated: q.sort(\.$updatedAt, .descending)
        case .created: q.sort(\.$createdAt, .descending)
        }
        return q.sort(\.$id)
    }

    static func list(_ f: Filter, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<WorkTask> {
        let total = try await query(f, actor: actor, on: db).count()
        let items = try await query(f, actor: actor, on: db).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Names of assignees and units for a page of tasks.
    static func labels(_ tasks: [WorkTask], on db: any Database) async throws -> (people: [UUID: String], units: [UUID: String]) {
        let ids = Array(Set(tasks.compactMap(\.assigneeStaffID)))
        var people: [UUID: String] = [:]
        if !ids.isEmpty {
            for p in try await StaffMember.query(on: db).filter(\.$id ~~ ids).all() { people[p.id!] = p.fullName }
        }
        return (people, try await OrgService.names(Set(tasks.map(\.orgID)), on: db))
    }

    static let maxExport = 50_000

    static func csv(_ f: Filter, actor: Actor, on db: any Database, t: (String) -> String) async throws -> String {
        let today = LocalDate.of(Date())
        let tasks = try await query(f, actor: actor, on: db).limit(maxExport).all()
        let (people, units) = try await labels(tasks, on: db)
        var out = CSVTable.line(["id", "title", "unit", "assignee", "assigner", "deadline", "priority", "status", "progress", "overdue", "done_on_time"])
        for task in tasks {
            out += CSVTable.line([task.id!.uuidString, task.title, units[task.orgID] ?? "", task.assigneeStaffID.flatMap { people[$0] } ?? "",
                                  task.assignerLabel, task.deadline, t("task.priority." + task.priority.rawValue), t("task.status." + task.status.rawValue),
                                  String(task.progress), task.isOverdue(today: today) ? "1" : "0",
                                  task.doneOnTime.map { $0 ? "1" : "0" } ?? ""])
        }
        return out
    }
}
