import CongsoCore
import Fluent
import Vapor

/// The scheduler's task job: an overdue task reminds its assignee, its assigner and the
/// unit's leads once, then once a day while it stays open.
enum TaskReminders {
    /// At most this many tasks per tick; the rest follow on the next ticks of the day.
    static let batch = 1000

    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        let today = LocalDate.of(now).value
        let open = TaskStatus.allCases.filter(\.isOpen)
        var leads: [(userID: UUID, path: String)]?
        var handled = 0
        while handled < batch {
            let tasks = try await WorkTask.query(on: db).filter(\.$status ~~ open).filter(\.$deadline < today)
                .group(.or) { $0.filter(\.$overdueNotifiedOn == nil).filter(\.$overdueNotifiedOn < today) }
                .sort(\.$deadline).sort(\.$id).limit(200).all()
            if tasks.isEmpty { break }
            if leads == nil { leads = try await leadsByPath(on: db) }
            for task in tasks {
                handled += 1
                let recipients = try await TaskService.userIDsOfStaff(task.assigneeStaffID, on: db)
                    + [task.assignerUserID].compactMap { $0 }
                    + leads!.filter { task.orgPath.hasPrefix($0.path) }.map(\.userID)
                let (id, title, deadline) = (task.id!, task.title, task.deadline)
                let sent = try await Scheduler.once("task-overdue:\(id):\(today)", on: db) { tx in
                    let unique = Array(Set(recipients))
                    try await NotificationService.notify(unique, kind: "notif.task_overdue",
                                                         detail: "\(title) (\(LocalDate(deadline)?.vietnamese ?? deadline))", link: "/tasks/\(id)", on: tx)
                    let event = TaskEvent()
                    event.id = UUID(); event.taskID = id; event.kind = .overdue; event.actorLabel = "scheduler"
                    event.actorName = "Congso"; event.text = ""; event.detail = String(unique.count)
                    try await event.create(on: tx)
                    try await WorkTask.query(on: tx).filter(\.$id == id).set(\.$overdueNotifiedOn, to: today).update()
                    return unique.count
                }
                if let sent {
                    r.overdueTasks += 1; r.notified += sent
                } else {
                    // Another process has it; make sure this one stops looking at it today.
                    try await WorkTask.query(on: db).filter(\.$id == id).set(\.$overdueNotifiedOn, to: today).update()
                }
            }
        }
    }

    static func leadsByPath(on db: any Database) async throws -> [(userID: UUID, path: String)] {
        let users = try await User.query(on: db).filter(\.$role == .unitLead).filter(\.$active == true).all()
        let orgIDs = Array(Set(users.compactMap(\.orgID)))
        guard !orgIDs.isEmpty else { return [] }
        let paths = Dictionary(uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ orgIDs).all().map { ($0.id!, $0.path) })
        return users.compactMap { u in u.orgID.flatMap { paths[$0] }.map { (u.id!, $0) } }
    }
}
