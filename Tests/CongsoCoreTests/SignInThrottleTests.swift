import CongsoCore
import Foundation
import Testing

@Suite struct SignInThrottleTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func anAccountLocksAtItsLimitAndTheLockEnds() {
        let throttle = SignInThrottle.standard
        var s: SignInThrottle.State?
        for i in 1...throttle.accountLimit {
            #expect(!throttle.isLocked(s, now: t0))
            s = throttle.afterFailure(s, of: .account("a@b.vn"), now: t0.addingTimeInterval(Double(i)))
        }
        #expect(throttle.isLocked(s, now: t0.addingTimeInterval(10)))
        #expect(!throttle.isLocked(s, now: t0.addingTimeInterval(Double(throttle.accountLimit) + throttle.lock + 1)))
    }

    /// Over any sequence of failures: locked exactly when the window holding the latest
    /// failure has reached the limit (within the lock's time), a lock never shortens, and
    /// the count never exceeds the failures made.
    @Test func locksFollowTheFailuresInTheWindowForAnySequence() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let throttle = SignInThrottle(accountLimit: Int.random(in: 1...6, using: &rng), addressLimit: Int.random(in: 1...9, using: &rng),
                                          window: Double(Int.random(in: 10...100, using: &rng)), lock: Double(Int.random(in: 10...100, using: &rng)))
            let subject: SignInThrottle.Subject = Bool.random(using: &rng) ? .account("X@Y.vn ") : .address("10.0.0.1")
            var now = t0
            var state: SignInThrottle.State?
            var times: [Date] = []
            var lastLockEnd: Date?
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                now = now.addingTimeInterval(Double(Int.random(in: 0...40, using: &rng)))
                times.append(now)
                let next = throttle.afterFailure(state, of: subject, now: now)
                #expect(next.failures >= 1 && next.failures <= times.count)
                #expect(next.windowStart <= now && now.timeIntervalSince(next.windowStart) < throttle.window)
                if let old = state?.lockedUntil { #expect((next.lockedUntil ?? .distantPast) >= old) }
                if next.failures >= throttle.limit(for: subject) {
                    #expect(next.lockedUntil == max(now.addingTimeInterval(throttle.lock), lastLockEnd ?? .distantPast))
                    #expect(throttle.isLocked(next, now: now))
                }
                lastLockEnd = next.lockedUntil
                state = next
            }
        }
    }

    @Test func keysCompareAccountsWithoutCaseAndRoundTrip() {
        #expect(SignInThrottle.Subject.account(" Head.HK@T.vn ").key == "account:head.hk@t.vn")
        #expect(SignInThrottle.Subject(key: "address:::1") == .address("::1"))
        #expect(SignInThrottle.Subject(key: "account:a@b.vn") == .account("a@b.vn"))
        #expect(SignInThrottle.Subject(key: "other:x") == nil)
    }
}
