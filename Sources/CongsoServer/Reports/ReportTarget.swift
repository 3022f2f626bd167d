import CongsoCore
import Foundation

/// The slot a report fills: a window of the day ("07:00") or an ad-hoc request. Stored
/// in `daily_reports.slot` as the window's time or "req:<id>"; only this type knows that.
enum ReportSlot: Hashable, Sendable {
    case window(String)
    case request(UUID)

    private static let requestPrefix = "req:"

    init(stored: String) {
        if stored.hasPrefix(Self.requestPrefix), let id = UUID(uuidString: String(stored.dropFirst(Self.requestPrefix.count))) {
            self = .request(id)
        } else {
            self = .window(stored)
        }
    }

    var stored: String {
        switch self {
        case .window(let time): time
        case .request(let id): Self.requestPrefix + id.uuidString
        }
    }

    var window: String? { if case .window(let time) = self { time } else { nil } }
    var requestID: UUID? { if case .request(let id) = self { id } else { nil } }
}

/// One choice of the report form: a window of today, a window of an earlier day still
/// owed, or a request. The form carries it as one value; this is its only reader and writer.
struct ReportTarget: Hashable, Sendable {
    /// nil: today.
    var date: LocalDate?
    var slot: ReportSlot

    private static let windowPrefix = "win:"

    /// "win:07:00" (today), "win:2021-07-26|07:00" (an earlier day) or "req:<id>".
    var formValue: String {
        switch slot {
        case .request: slot.stored
        case .window(let time): Self.windowPrefix + (date.map { "\($0.value)|\(time)" } ?? time)
        }
    }

    init(date: LocalDate? = nil, slot: ReportSlot) {
        self.date = date
        self.slot = slot
    }

    init?(formValue raw: String) {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix(Self.windowPrefix) {
            let parts = value.dropFirst(Self.windowPrefix.count).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard let time = parts.last, !time.isEmpty, parts.count <= 2 else { return nil }
            if parts.count == 2 {
                guard let day = LocalDate(parts[0]) else { return nil }
                date = day
            }
            slot = .window(time)
        } else {
            guard case .request = ReportSlot(stored: value) else { return nil }
            slot = ReportSlot(stored: value)
        }
    }

    /// What the service takes: the window (and day) or the request.
    func apply(to input: inout ReportService.Input) {
        input.date = date?.value
        input.window = slot.window
        input.requestId = slot.requestID
    }
}
