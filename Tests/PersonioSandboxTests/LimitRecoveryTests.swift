import Foundation
import Testing

@testable import PersonioSandbox

/// Limits recover with time; driven with explicit clocks so no test waits a minute.
@Suite("Rate limits recover")
struct LimitRecoveryTests {
    /// Writes one per second from `start` (20 of them, then a 21st), then one at each of `probes`
    /// seconds after `start`; whether each was allowed.
    static func v1Writes(_ wait: SandboxConfiguration.V1LimitWait, probes: [Double]) async -> (
        first: [Bool], probes: [Bool]
    ) {
        let account = SandboxAccount(
            configuration: .with {
                $0.candidates = 0
                $0.v1LimitWait = wait
            })
        let key = SandboxConfiguration().recruitingAPIKey
        let start = Date(timeIntervalSince1970: 1_000_000)
        func allowed(_ second: Double) async -> Bool {
            (try? await account.authorizeWrite(bearer: key, companyID: "123456", now: start.addingTimeInterval(second)))
                != nil
        }
        var first: [Bool] = []
        for second in 0..<21 { first.append(await allowed(Double(second))) }
        var later: [Bool] = []
        for second in probes { later.append(await allowed(second)) }
        return (first, later)
    }

    @Test("the v1 company limit: after the 20th write, a 60 s wait counted from reaching the limit")
    func v1FromLimit() async throws {
        // The 20th write (second 19) reaches the limit: refused until second 79.
        let outcome = await Self.v1Writes(.fromLimit, probes: [59, 60, 78.5, 79, 80])

        #expect(outcome.first == Array(repeating: true, count: 20) + [false])
        #expect(outcome.probes == [false, false, false, true, true])
    }

    @Test("the v1 company limit switched to a fixed window counted from its first write")
    func v1Window() async throws {
        let outcome = await Self.v1Writes(.window, probes: [59, 60])

        #expect(outcome.first == Array(repeating: true, count: 20) + [false])
        #expect(outcome.probes == [false, true])
    }

    @Test("the v2 token bucket refills at its replenish rate")
    func v2Bucket() async throws {
        let account = SandboxAccount(
            configuration: .with {
                $0.candidates = 0
                $0.v2RateLimit = .init(replenishPerSecond: 2, burstCapacity: 2)
            })
        let start = Date(timeIntervalSince1970: 1_000_000)
        var allowed: [Bool] = []
        for offset in [0.0, 0.0, 0.0, 0.4, 0.5, 1.5, 1.5, 1.5] {
            allowed.append(
                await account.takeRateLimitToken(endpoint: "jobs", now: start.addingTimeInterval(offset))?.allowed
                    ?? false)
        }
        // Burst of 2, empty; +0.8 token at 0.4 s (still < 1); a token at 0.5 s; 2 more by 1.5 s.
        #expect(allowed == [true, true, false, false, true, true, true, false])
    }
}
