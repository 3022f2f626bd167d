import CongsoCore
import Foundation
import SQLKit

/// A task as the lists, the API and the export show it, read column by column: building a
/// Fluent model per row (its properties found by reflection) cost more than the query on
/// the lists' hot path (issue 18).
struct TaskRow: Sendable {
    let id: UUID
    let title: String
    let details: String
    let orgID: UUID
    let assigneeStaffID: UUID?
    let assignerLabel: String
    let deadline: String
    let priority: TaskPriority
    let status: TaskStatus
    let progress: Int
    let doneAt: Date?
    let doneOnTime: Bool?
    let createdAt: Date?
    let updatedAt: Date?

    func isOverdue(today: LocalDate) -> Bool { status.isOpen && deadline < today.value }

    /// The columns `init(row:)` reads, in the order a SELECT names them.
    static let columns = ["id", "title", "description", "org_id", "assignee_staff_id", "assigner_label", "deadline", "priority", "status",
                          "progress", "done_at", "done_on_time", "created_at", "updated_at"]

    init(row r: any SQLRow) throws {
        func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            try r.decodeNil(column: column) ? nil : try r.decode(column: column, as: T.self)
        }
        let priority = try r.decode(column: "priority", as: String.self), status = try r.decode(column: "status", as: String.self)
        guard let p = TaskPriority(rawValue: priority), let s = TaskStatus(rawValue: status) else {
            throw AppError(status: .internalServerError, code: "internal", detail: "task row: \(priority) \(status)")
        }
        id = try r.decode(column: "id", as: UUID.self)
        title = try r.decode(column: "title", as: String.self)
        details = try r.decode(column: "description", as: String.self)
        orgID = try r.decode(column: "org_id", as: UUID.self)
        assigneeStaffID = try optional("assignee_staff_id", UUID.self)
        assignerLabel = try r.decode(column: "assigner_label", as: String.self)
        deadline = try r.decode(column: "deadline", as: String.self)
        self.priority = p
        self.status = s
        progress = try r.decode(column: "progress", as: Int.self)
        doneAt = try optional("done_at", Date.self)
        doneOnTime = try optional("done_on_time", Bool.self)
        createdAt = try optional("created_at", Date.self)
        updatedAt = try optional("updated_at", Date.self)
    }

    init(_ t: WorkTask) {
        id = t.id!; title = t.title; details = t.details; orgID = t.orgID; assigneeStaffID = t.assigneeStaffID; assignerLabel = t.assignerLabel
        deadline = t.deadline; priority = t.priority; status = t.status; progress = t.progress; doneAt = t.doneAt; doneOnTime = t.doneOnTime
        createdAt = t.createdAt; updatedAt = t.updatedAt
    }
}
