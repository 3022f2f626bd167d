import CongsoCore
import Vapor

/// The working-day calendar: read by anyone signed in, adjusted by admins.
enum WorkingDayAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("working-days", use: list)
        api.put("working-days", ":day", use: set)
        api.delete("working-days", ":day", use: remove)
    }

    static func year(_ req: Request) throws -> Int {
        let year = try FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid") ?? LocalDate.of(Date()).year
        guard (1950...2150).contains(year) else { throw AppError.invalid("year_invalid", String(year)) }
        return year
    }

    @Sendable static func list(req: Request) async throws -> [WorkingDayService.Day] {
        _ = try req.requireActor()
        return try await WorkingDayService.days(year: try year(req), on: req.db)
    }

    struct SetInput: Content { var kind: String?; var note: String? }

    @Sendable static func set(req: Request) async throws -> WorkingDayService.Day {
        let input = try req.content.decode(SetInput.self)
        let row = try await WorkingDayService.set(req.parameters.get("day"), kind: input.kind, note: input.note, actor: try req.requireActor(), on: req.db)
        return .init(date: row.day, kind: row.kind.rawValue, holiday: nil, note: row.note, adjusted: true)
    }

    @Sendable static func remove(req: Request) async throws -> HTTPStatus {
        try await WorkingDayService.remove(req.parameters.get("day"), actor: try req.requireActor(), on: req.db)
        return .noContent
    }
}
