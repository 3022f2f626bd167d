import CongsoCore
import Vapor

/// An in-person refusal in the reader's language, naming the directive that says so.
enum MeetingRefusalText {
    static func line(_ r: InPersonRefusal, _ req: Request) -> String {
        func source(_ p: Provenance?) -> String { p.map { PolicyPresenter.sourceText($0, req) } ?? "" }
        // The sentences hold several values: {a} attendees, {n} the limit or capacity, {m} metres, {s} the source.
        func fill(_ key: String, _ values: [String: String]) -> String {
            values.reduce(req.t(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        switch r {
        case .forbidden(let s):
            return fill("meeting_refusal_forbidden", ["s": source(s)])
        case let .overLimit(attendees, limit, s):
            return fill("meeting_refusal_limit", ["a": String(attendees), "n": String(limit), "s": source(s)])
        case let .overRoom(attendees, capacity, spacing, s):
            let gap = spacing.map { String(format: "%g", $0) } ?? "0"
            return fill(s == nil ? "meeting_refusal_room_seats" : "meeting_refusal_room",
                        ["a": String(attendees), "n": String(capacity), "m": gap, "s": source(s)])
        }
    }

    static func error(_ refused: MeetingService.Refused, _ req: Request) -> AppError {
        AppError.invalid("meeting.in_person_refused", refused.refusals.map { line($0, req) }.joined(separator: " "))
    }
}
