import Foundation

/// Runs many callers' small jobs as a few large ones ("group commit").
///
/// A caller hands in one input and waits for its own output. When a lane is free the
/// input runs at once, alone, so nothing waits when the system is quiet. While every lane
/// is busy, inputs queue; the next free lane takes up to `maxBatch` of them in one `run`.
/// So under load the batch grows by itself with the arrival rate, and no timer adds delay.
///
/// Used where each request would otherwise pay a database round trip (and a commit) of
/// its own: the 07:00 reports and the bearer-token check (issue 18).
public final class Coalescer<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    /// Runs one batch. It answers every input, in order: one result each.
    public typealias Run = @Sendable ([Input]) async -> [Result<Output, any Error>]

    public enum Failure: Error, Equatable {
        /// `run` answered a different number of results than it was given inputs.
        case answerMissing
    }

    private struct Waiting {
        let input: Input
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let run: Run
    public let maxBatch: Int
    public let lanes: Int
    // Guarded by `lock`; the critical sections only move array elements.
    private let lock = NSLock()
    private var queue: [Waiting] = []
    private var busyLanes = 0

    public init(maxBatch: Int, lanes: Int = 1, run: @escaping Run) {
        precondition(maxBatch >= 1 && lanes >= 1)
        self.maxBatch = maxBatch
        self.lanes = lanes
        self.run = run
    }

    /// Hands in one input and waits for its result (or its error).
    public func submit(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            queue.append(Waiting(input: input, continuation: continuation))
            let startLane = busyLanes < lanes
            if startLane { busyLanes += 1 }
            lock.unlock()
            // Detached: the lane serves many callers, so it must not inherit one caller's
            // task-locals (an open write transaction, say).
            if startLane { Task.detached { await self.drain() } }
        }
    }

    /// One lane: takes batches until the queue is empty, then frees itself.
    private func drain() async {
        while let batch = take() {
            let results = await run(batch.map(\.input))
            for (i, waiting) in batch.enumerated() {
                waiting.continuation.resume(with: i < results.count ? results[i] : .failure(Failure.answerMissing))
            }
        }
    }

    private func take() -> [Waiting]? {
        lock.lock()
        defer { lock.unlock() }
        guard !queue.isEmpty else {
            busyLanes -= 1
            return nil
        }
        let n = min(maxBatch, queue.count)
        let batch = Array(queue.prefix(n))
        queue.removeFirst(n)
        return batch
    }
}
