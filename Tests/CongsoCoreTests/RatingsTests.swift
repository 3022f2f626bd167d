import CongsoCore
import Foundation
import Testing

@Suite struct RatingTests {
    @Test func formulaAndLevels() {
        let perfect = RatingRecord(tasksDue: 4, tasksOnTime: 4, tasksOverdue: 0, reportsExpected: 60, reportsReceived: 60)
        #expect(perfect.score == 100 && perfect.proposed == .excellent)
        // Perfect score but a task left overdue: good, not excellent.
        #expect(RatingRecord(tasksDue: 4, tasksOnTime: 4, tasksOverdue: 1, reportsExpected: 0, reportsReceived: 0).proposed == .good)
        let mid = RatingRecord(tasksDue: 4, tasksOnTime: 3, tasksOverdue: 0, reportsExpected: 10, reportsReceived: 5)
        #expect(mid.score == 65 && mid.proposed == .done)   // 0.6 × 75 + 0.4 × 50
        let none = RatingRecord(tasksDue: 0, tasksOnTime: 0, tasksOverdue: 0, reportsExpected: 10, reportsReceived: 0)
        #expect(none.score == 60 && none.proposed == .done)
        #expect(RatingRecord(tasksDue: 2, tasksOnTime: 0, tasksOverdue: 2, reportsExpected: 10, reportsReceived: 2).proposed == .notDone)
        #expect(RatingLevel.excellent.vietnamese == "Hoàn thành xuất sắc nhiệm vụ")
    }
}
