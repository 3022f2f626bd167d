import CongsoCore
import Fluent
import SQLKit
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

    /// The filter as SQL conditions on `tasks` (LIKE without escapes, as Fluent's `=~`
    /// and `~~` wrote them before; search terms are folded words, ids and paths have no
    /// wildcards).
    static func filtered<B: SQLPredicateBuilder>(_ q: B, _ f: Filter, actor: Actor, today: LocalDate) throws -> B {
        switch f.scope {
        case .mine:
            guard let me = actor.staffID else { throw AppError.invalid("task.no_staff_record", "") }
            _ = q.where("assignee_staff_id", .equal, me)
        case .assigned:
            guard let me = actor.userID else { throw AppError.unauthorized }
            _ = q.where("assigner_user_id", .equal, me)
        case .unit:
            try actor.require(.readStaff)
            var prefix = actor.visiblePrefix
            if let under = f.under {
                try actor.require(.readStaff, on: under.orgPath)
                prefix = under.path
            }
            _ = q.where("org_path", .like, prefix + "%")
        }
        if f.overdue {
            _ = q.where("status", .in, TaskStatus.allCases.filter(\.isOpen).map(\.rawValue)).where("deadline", .lessThan, today.value)
        }
        if f.week {
            let (mon, sun) = week(of: today)
            _ = q.where("deadline", .greaterThanOrEqual, mon.value).where("deadline", .lessThanOrEqual, sun.value)
        }
        if let s = f.status { _ = q.where("status", .equal, s.rawValue) }
        for term in VietnameseText.searchTerms(f.q ?? "") { _ = q.where("search_text", .like, "%" + term + "%") }
        return q
    }

    /// The filtered tasks in the filter's order (ties by id, so pages never overlap).
    static func select(_ f: Filter, actor: Actor, on db: any Database, today: LocalDate = .of(Date())) throws -> SQLSelectBuilder {
        let q = try filtered(try db.sql.select().columns(TaskRow.columns.map { SQLColumn($0) }).from("tasks"), f, actor: actor, today: today)
        switch f.sort {
        case .deadline: q.orderBy("deadline").orderBy("priority_rank")
        case .priority: q.orderBy("priority_rank").orderBy("deadline")
        case .updated: q.orderBy("updated_at", .descending)
        case .created: q.orderBy("created_at", .descending)
        }
        return q.orderBy("id")
    }

    static func list(_ f: Filter, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<TaskRow> {
        let today = LocalDate.of(Date())
        let counted = try await filtered(try db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("tasks"),
                                         f, actor: actor, today: today).first()
        let total = try counted?.decode(column: "n", as: Int.self) ?? 0
        let items = try await select(f, actor: actor, on: db, today: today).offset(page.offset).limit(page.per).all().map(TaskRow.init(row:))
        return Paged(items: items, total: total, page: page)
    }

    /// Names of assignees and units for a page of tasks.
    static func labels(_ tasks: [TaskRow], on db: any Database) async throws -> (people: [UUID: String], units: [UUID: String]) {
        let ids = Array(Set(tasks.compactMap(\.assigneeStaffID)))
        var people: [UUID: String] = [:]
        if !ids.isEmpty {
            for r in try await db.sql.raw("SELECT id, full_name FROM staff WHERE id IN (\(binds: ids))").all() {
                people[try r.decode(column: "id", as: UUID.self)] = try r.decode(column: "full_name", as: String.self)
            }
        }
        return (people, try await OrgService.names(Set(tasks.map(\.orgID)), on: db))
    }

    static let maxExport = 50_000

    static func csv(_ f: Filter, actor: Actor, on db: any Database, t: (String) -> String) async throws -> String {
        let today = LocalDate.of(Date())
        let tasks = try await select(f, actor: actor, on: db, today: today).limit(maxExport).all().map(TaskRow.init(row:))
        let (people, units) = try await labels(tasks, on: db)
        var out = CSVTable.line(["id", "title", "unit", "assignee", "assigner", "deadline", "priority", "status", "progress", "overdue", "done_on_time"])
        for task in tasks {
            out += CSVTable.line([task.id.uuidString, task.title, units[task.orgID] ?? "", task.assigneeStaffID.flatMap { people[$0] } ?? "",
                                  task.assignerLabel, task.deadline, t("task.priority." + task.priority.rawValue), t("task.status." + task.status.rawValue),
                                  String(task.progress), task.isOverdue(today: today) ? "1" : "0",
                                  task.doneOnTime.map { $0 ? "1" : "0" } ?? ""])
        }
        return out
    }
}
