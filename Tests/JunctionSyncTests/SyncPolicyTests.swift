import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

@Suite("Sync policy", .freshDatabases)
struct SyncPolicyTests {
    static let policy = SyncPolicy(
        deltaInterval: .seconds(300), fullInterval: .seconds(3600), failureBackoff: .seconds(30))
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ kind: SyncRun.Kind, _ status: SyncRun.Status, secondsAgo: Double) -> SyncRun {
        SyncRun(
            id: UUID().uuidString, integrationID: "personio:x", kind: kind, status: status,
            startedAt: now.addingTimeInterval(-secondsAgo), finishedAt: now.addingTimeInterval(-secondsAgo + 1),
            stats: .init(), error: nil)
    }

    // The spread per integration is under 10%, so 331 s (> 300 × 1.1) is always due and 200 s never.
    @Test(
        "due runs follow the intervals, running runs and backoff",
        arguments: [
            ([], SyncRun.Kind?.some(.full)),
            ([run(.full, .running, secondsAgo: 5)], nil),
            ([run(.full, .succeeded, secondsAgo: 200)], nil),
            ([run(.full, .succeeded, secondsAgo: 331)], .delta),
            ([run(.delta, .succeeded, secondsAgo: 200), run(.full, .succeeded, secondsAgo: 3000)], nil),
            ([run(.delta, .succeeded, secondsAgo: 200), run(.full, .succeeded, secondsAgo: 3961)], .full),
            ([run(.full, .failed, secondsAgo: 10)], nil),
            ([run(.full, .failed, secondsAgo: 40)], .full),
            (
                [
                    run(.delta, .failed, secondsAgo: 40), run(.delta, .failed, secondsAgo: 100),
                    run(.full, .succeeded, secondsAgo: 150),
                ], nil
            ),
            (
                [
                    run(.delta, .failed, secondsAgo: 70), run(.delta, .failed, secondsAgo: 100),
                    run(.full, .succeeded, secondsAgo: 150),
                ], .delta
            ),
        ] as [([SyncRun], SyncRun.Kind?)])
    func due(runs: [SyncRun], expected: SyncRun.Kind?) {
        #expect(Self.policy.due(integrationID: "personio:x", runs: runs, now: Self.now) == expected)
    }

    @Test(
        "the next due time is the first moment due() says so, of the same kind",
        arguments: [
            [],
            [run(.full, .succeeded, secondsAgo: 200)],
            [run(.full, .succeeded, secondsAgo: 331)],
            [run(.delta, .succeeded, secondsAgo: 200), run(.full, .succeeded, secondsAgo: 3000)],
            [run(.delta, .succeeded, secondsAgo: 10), run(.full, .succeeded, secondsAgo: 3590)],
            [run(.full, .failed, secondsAgo: 10)],
            [
                run(.delta, .failed, secondsAgo: 40), run(.delta, .failed, secondsAgo: 100),
                run(.full, .succeeded, secondsAgo: 150),
            ],
        ] as [[SyncRun]])
    func next(runs: [SyncRun]) {
        let next = Self.policy.next(integrationID: "personio:x", runs: runs, now: Self.now)
        let before = Self.policy.due(integrationID: "personio:x", runs: runs, now: next.dueAt.addingTimeInterval(-0.5))
        let at = Self.policy.due(integrationID: "personio:x", runs: runs, now: next.dueAt.addingTimeInterval(0.5))

        #expect(next.dueAt <= Self.now || before == nil, "not due earlier")
        #expect(at == next.kind)
        #expect(next.failures == runs.prefix { $0.status == .failed }.count)
    }

    @Test("after failures the wait doubles from 30 s, capped at the DELTA interval")
    func backoff() {
        let waits = (1...6).map { count in
            let runs =
                (0..<count).map { _ in Self.run(.delta, .failed, secondsAgo: 0) } + [
                    Self.run(.full, .succeeded, secondsAgo: 50)
                ]
            let next = Self.policy.next(integrationID: "personio:x", runs: runs, now: Self.now)
            return next.dueAt.timeIntervalSince(runs[0].finishedAt!)
        }

        #expect(waits == [30, 60, 120, 240, 300, 300])
    }
}
