import CongsoCore
import Foundation
import Testing

@Suite struct CoalescerTests {
    /// What the runs saw: batch sizes and the most lanes busy at once.
    final class Observed: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var mostRunning = 0
        private(set) var batches: [Int] = []
        func begin(_ n: Int) { lock.withLock { running += 1; mostRunning = max(mostRunning, running); batches.append(n) } }
        func end() { lock.withLock { running -= 1 } }
        var snapshot: (most: Int, batches: [Int]) { lock.withLock { (mostRunning, batches) } }
    }

    struct Odd: Error, Equatable { let n: Int }

    /// For any batch size, lane count and storm of callers: every caller gets the answer to
    /// its own input (or its own error), no batch is larger than allowed, no more runs
    /// overlap than there are lanes, and every input runs exactly once.
    @Test func everyCallerGetsItsOwnAnswerWithinTheLimits() async throws {
        for round in 0..<25 {
            let maxBatch = Int.random(in: 1...40)
            let lanes = Int.random(in: 1...3)
            let callers = Int.random(in: 1...400)
            let seen = Observed()
            let coalescer = Coalescer<Int, String>(maxBatch: maxBatch, lanes: lanes) { inputs in
                seen.begin(inputs.count)
                try? await Task.sleep(nanoseconds: UInt64.random(in: 0...2_000_000))
                seen.end()
                // Inputs divisible by 7 fail, alone: the others of the batch still succeed.
                return inputs.map { $0 % 7 == 0 ? .failure(Odd(n: $0)) : .success("#\($0)") }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<callers {
                    group.addTask {
                        if n % 5 == 0 { try await Task.sleep(nanoseconds: UInt64.random(in: 0...3_000_000)) }
                        do {
                            let answer = try await coalescer.submit(n)
                            #expect(n % 7 != 0 && answer == "#\(n)", "round \(round)")
                        } catch let e as Odd {
                            #expect(e.n == n && n % 7 == 0, "round \(round)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let (most, batches) = seen.snapshot
            #expect(most <= lanes, "round \(round): \(most) runs at once with \(lanes) lanes")
            #expect(batches.allSatisfy { $0 >= 1 && $0 <= maxBatch }, "round \(round): \(batches)")
            #expect(batches.reduce(0, +) == callers, "round \(round): every input runs exactly once")
        }
    }

    /// A quiet system adds nothing: one caller at a time runs alone, at once.
    @Test func aLoneCallerRunsAloneAndAtOnce() async throws {
        let seen = Observed()
        let coalescer = Coalescer<Int, Int>(maxBatch: 50, lanes: 1) { inputs in
            seen.begin(inputs.count); seen.end()
            return inputs.map { .success($0 * 2) }
        }
        for n in 0..<20 { #expect(try await coalescer.submit(n) == n * 2) }
        #expect(seen.snapshot.batches == Array(repeating: 1, count: 20))
    }

    /// Under load, callers that arrive while a run is busy share the next run.
    @Test func callersArrivingDuringARunShareTheNext() async throws {
        let seen = Observed()
        let coalescer = Coalescer<Int, Int>(maxBatch: 100, lanes: 1) { inputs in
            seen.begin(inputs.count)
            try? await Task.sleep(nanoseconds: 20_000_000)
            seen.end()
            return inputs.map { .success($0) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<60 { group.addTask { _ = try await coalescer.submit(n) } }
            try await group.waitForAll()
        }
        let batches = seen.snapshot.batches
        #expect(batches.count < 30, "\(batches)")
        #expect(batches.max() ?? 0 > 1)
    }

    /// A run that answers too few results fails the unanswered callers instead of leaving
    /// them waiting for ever.
    @Test func anUnansweredCallerFailsRatherThanHangs() async throws {
        let coalescer = Coalescer<Int, Int>(maxBatch: 10, lanes: 1) { inputs in
            try? await Task.sleep(nanoseconds: 5_000_000)
            return Array(inputs.dropLast().map { .success($0) })
        }
        var failures = 0
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<12 {
                group.addTask {
                    do { _ = try await coalescer.submit(n); return false } catch let e as Coalescer<Int, Int>.Failure {
                        #expect(e == .answerMissing)
                        return true
                    }
                }
            }
            for try await failed in group where failed { failures += 1 }
        }
        // Each batch left its last caller unanswered: at least one failed, none hung.
        #expect(failures >= 1 && failures <= 12)
    }
}

@Suite struct ChunksTests {
    /// Any array, any size: the chunks are in order, none is empty or too large, and together
    /// they are the array.
    @Test func chunksCoverTheArrayInOrder() {
        for _ in 0..<500 {
            let a = (0..<Int.random(in: 0...60)).map { $0 }
            let size = Int.random(in: 1...12)
            let chunks = a.chunked(by: size)
            #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= size })
            #expect(chunks.flatMap { $0 } == a)
            #expect(chunks.count == (a.count + size - 1) / size)
        }
    }
}
