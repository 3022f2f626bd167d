import CongsoCore
import Foundation
import Testing

@Suite struct TaskRuleTests {
    @Test func statusMoves() {
        #expect(TaskStatus.new.canMove(to: .inProgress))
        #expect(TaskStatus.blocked.canMove(to: .done))
        #expect(!TaskStatus.done.canMove(to: .blocked))
        #expect(TaskStatus.done.canMove(to: .inProgress))
        #expect(!TaskStatus.cancelled.canMove(to: .cancelled))
        #expect(!TaskStatus.done.isOpen && TaskStatus.blocked.isOpen)
    }

    @Test func mentions() {
        #expect(Mentions.handles(in: "@lan.nguyen xem giúp, cc @Binh-tran. và email a@b.vn") == ["lan.nguyen", "binh-tran"])
        #expect(Mentions.handles(in: "(@an) @an") == ["an"])
        #expect(Mentions.handles(in: "không ai") == [])
    }
}
