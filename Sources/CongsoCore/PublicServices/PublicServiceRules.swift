import Foundation

/// How far a procedure is offered online (Decree 42/2022): fully online (the old level 4:
/// apply and receive the result online), partly online (the old level 3: apply online,
/// papers or result at the desk), or at the desk only.
public enum OnlineLevel: String, Codable, CaseIterable, Sendable {
    case full
    case partial
    case none

    /// The names of Decree 61/2018's levels, still the ones people know.
    public var oldLevel: Int? {
        switch self {
        case .full: 4
        case .partial: 3
        case .none: nil
        }
    }

    public var acceptsOnline: Bool { self != .none }
}

/// Where a dossier came in.
public enum ApplicationChannel: String, Codable, CaseIterable, Sendable {
    case online
    case desk
    case post
}

/// How the result goes back to the citizen.
public enum ReturnMethod: String, Codable, CaseIterable, Sendable {
    case desk
    case online
    case post
}

/// A dossier's states, each one the citizen sees in the public lookup.
public enum ApplicationStatus: String, Codable, CaseIterable, Sendable {
    /// Sent online, not yet looked at by the desk.
    case submitted
    /// The desk asked for missing papers; the clock has not started.
    case incomplete
    /// Refused at receipt, with a reason.
    case refused
    /// Received complete: the promised date is set.
    case received
    /// Assigned to an officer and being processed.
    case processing
    /// Waiting for the citizen: the clock is stopped.
    case suspended
    /// The result is signed and waits to be returned.
    case approved
    /// The result went back to the citizen.
    case returned

    public enum Action: String, Codable, CaseIterable, Sendable {
        case receive, requestCompletion = "request_completion", refuse, complete
        case assign, suspend, resume, approve, `return`
    }

    /// The state an action leads to from this one, or nil when it does not apply.
    public func after(_ action: Action) -> ApplicationStatus? {
        switch (self, action) {
        case (.submitted, .receive): .received
        case (.submitted, .requestCompletion): .incomplete
        case (.submitted, .refuse): .refused
        case (.incomplete, .complete): .submitted
        case (.received, .assign), (.processing, .assign): .processing
        case (.processing, .suspend): .suspended
        case (.suspended, .resume): .processing
        case (.processing, .approve): .approved
        case (.approved, .return): .returned
        default: nil
        }
    }

    /// The promised date runs in these states.
    public var clockRuns: Bool { self == .received || self == .processing }
    /// The dossier counts as handled once received.
    public var wasReceived: Bool { ![.submitted, .incomplete, .refused].contains(self) }
    public var isFinished: Bool { self == .approved || self == .returned }
    public var isClosed: Bool { self == .returned || self == .refused }
}

/// Mã hồ sơ: ten characters of Crockford's base-32 (no I, L, O, U), about 50 random bits, so
/// codes cannot be guessed from one another; written in two groups of five.
public enum TrackingCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make<R: RandomNumberGenerator>(using rng: inout R) -> String {
        let chars = (0..<10).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] }
        return String(chars[0..<5]) + "-" + String(chars[5...])
    }

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// A typed code in its canonical form: case, spaces and the dash do not matter, and the
    /// letters people confuse with digits are read as those digits. Nil when malformed.
    public static func normalize(_ text: String) -> String? {
        var out: [Character] = []
        for c in text.uppercased() where c != "-" && c != " " {
            let m: Character
            switch c {
            case "O": m = "0"
            case "I", "L": m = "1"
            default: m = c
            }
            guard alphabet.contains(m) else { return nil }
            out.append(m)
        }
        guard out.count == 10 else { return nil }
        return String(out[0..<5]) + "-" + String(out[5...])
    }
}

/// Vietnamese phone numbers as digits in their national form, so "+84 912 345 678" and
/// "0912345678" compare equal; nil when it is not 9–11 digits after that.
public enum PhoneNumber {
    public static func normalize(_ text: String) -> String? {
        var digits = text.filter(\.isASCII).filter(\.isNumber)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber || " +-.()".contains($0) }) else { return nil }
        if digits.hasPrefix("84") && digits.count >= 11 { digits = "0" + digits.dropFirst(2) }
        guard (9...11).contains(digits.count) else { return nil }
        return digits
    }
}

/// The public-service indicators of Decision 766/QĐ-TTg for one agency or subtree.
public struct ServiceFigures: Codable, Equatable, Sendable {
    /// What one received dossier contributes.
    public struct Dossier: Sendable {
        public var receivedAt: Date
        public var due: Date?
        public var finishedAt: Date?
        public var online: Bool
        public var workingDays: Int?
        public init(receivedAt: Date, due: Date?, finishedAt: Date?, online: Bool, workingDays: Int?) {
            self.receivedAt = receivedAt; self.due = due; self.finishedAt = finishedAt; self.online = online; self.workingDays = workingDays
        }
    }

    public var handled: Int
    public var finishedOnTime: Int
    public var finishedLate: Int
    public var openWithinTime: Int
    public var openLate: Int
    public var procedures: Int
    public var proceduresOnline: Int
    public var receivedOnline: Int
    /// Mean working days from receipt to result, over finished dossiers; nil without any.
    public var averageWorkingDays: Double?

    public init(dossiers: [Dossier], procedures: Int, proceduresOnline: Int, now: Date) {
        handled = dossiers.count
        var onTime = 0, late = 0, openIn = 0, openLate = 0, online = 0, days = 0, finished = 0
        for d in dossiers {
            if d.online { online += 1 }
            let due = d.due ?? .distantFuture
            if let f = d.finishedAt {
                if f <= due { onTime += 1 } else { late += 1 }
                if let w = d.workingDays { days += w; finished += 1 }
            } else if now <= due { openIn += 1 } else { openLate += 1 }
        }
        finishedOnTime = onTime; finishedLate = late; openWithinTime = openIn; self.openLate = openLate
        receivedOnline = online
        self.procedures = procedures; self.proceduresOnline = proceduresOnline
        averageWorkingDays = finished == 0 ? nil : Double(days) / Double(finished)
    }

    public init(handled: Int, finishedOnTime: Int, finishedLate: Int, openWithinTime: Int, openLate: Int,
                procedures: Int, proceduresOnline: Int, receivedOnline: Int, averageWorkingDays: Double?) {
        self.handled = handled; self.finishedOnTime = finishedOnTime; self.finishedLate = finishedLate
        self.openWithinTime = openWithinTime; self.openLate = openLate; self.procedures = procedures
        self.proceduresOnline = proceduresOnline; self.receivedOnline = receivedOnline; self.averageWorkingDays = averageWorkingDays
    }

    /// Shares in [0, 1]; nil when there is nothing to divide by.
    public var onTimeRate: Double? { handled == 0 ? nil : Double(finishedOnTime + openWithinTime) / Double(handled) }
    public var onlineProcedureShare: Double? { procedures == 0 ? nil : Double(proceduresOnline) / Double(procedures) }
    public var onlineReceiptShare: Double? { handled == 0 ? nil : Double(receivedOnline) / Double(handled) }

    /// Several agencies' figures as one (rolled up the tree).
    public static func sum(_ parts: [ServiceFigures]) -> ServiceFigures {
        var days = 0.0, finishedWithDays = 0
        for p in parts { if let a = p.averageWorkingDays { days += a * Double(p.finishedOnTime + p.finishedLate); finishedWithDays += p.finishedOnTime + p.finishedLate } }
        return ServiceFigures(handled: parts.map(\.handled).reduce(0, +), finishedOnTime: parts.map(\.finishedOnTime).reduce(0, +),
                              finishedLate: parts.map(\.finishedLate).reduce(0, +), openWithinTime: parts.map(\.openWithinTime).reduce(0, +),
                              openLate: parts.map(\.openLate).reduce(0, +), procedures: parts.map(\.procedures).reduce(0, +),
                              proceduresOnline: parts.map(\.proceduresOnline).reduce(0, +), receivedOnline: parts.map(\.receivedOnline).reduce(0, +),
                              averageWorkingDays: finishedWithDays == 0 ? nil : days / Double(finishedWithDays))
    }
}
