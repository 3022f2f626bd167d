/// The four official levels of the yearly and monthly staff assessment (docs/sources.md, Decree 90/2020).
public enum RatingLevel: String, Codable, CaseIterable, Sendable {
    case excellent, good, done, notDone

    public var vietnamese: String {
        switch self {
        case .excellent: "Hoàn thành xuất sắc nhiệm vụ"
        case .good: "Hoàn thành tốt nhiệm vụ"
        case .done: "Hoàn thành nhiệm vụ"
        case .notDone: "Không hoàn thành nhiệm vụ"
        }
    }
}

/// A month's record of one person and the level it proposes. The formula, shown on the
/// rating page as well:
///
///     task score   = tasks finished on time ÷ tasks due in the month      (100 when none were due)
///     report score = reports received ÷ reports expected                   (100 when none were expected)
///     score        = 60% × task score + 40% × report score
///     ≥ 90 and no task overdue → excellent; ≥ 70 → good; ≥ 50 → done; below 50 → not done
public struct RatingRecord: Codable, Equatable, Sendable {
    public var tasksDue: Int
    public var tasksOnTime: Int
    public var tasksOverdue: Int
    public var reportsExpected: Int
    public var reportsReceived: Int

    public init(tasksDue: Int, tasksOnTime: Int, tasksOverdue: Int, reportsExpected: Int, reportsReceived: Int) {
        self.tasksDue = tasksDue; self.tasksOnTime = tasksOnTime; self.tasksOverdue = tasksOverdue
        self.reportsExpected = reportsExpected; self.reportsReceived = reportsReceived
    }

    public var taskScore: Double { tasksDue == 0 ? 100 : 100 * Double(min(tasksOnTime, tasksDue)) / Double(tasksDue) }
    public var reportScore: Double {
        reportsExpected == 0 ? 100 : 100 * Double(min(reportsReceived, reportsExpected)) / Double(reportsExpected)
    }
    public var score: Double { (0.6 * taskScore + 0.4 * reportScore).rounded(toPlaces: 1) }

    public var proposed: RatingLevel {
        let s = score
        if s >= 90 && tasksOverdue == 0 { return .excellent }
        if s >= 70 { return .good }
        if s >= 50 { return .done }
        return .notDone
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        var m = 1.0
        for _ in 0..<p { m *= 10 }
        return (self * m).rounded() / m
    }
}
