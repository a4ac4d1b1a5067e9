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
}
