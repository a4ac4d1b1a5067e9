import Foundation
import Testing

@testable import PersonioSandbox

/// Limits recover with time; driven with explicit clocks so no test waits a minute.
@Suite("Rate limits recover")
struct LimitRecoveryTests {
    @Test("the v1 company limit refuses the 21st write in a window and allows writes again after 60 s")
    func v1Window() async throws {
        let account = SandboxAccount(configuration: .with { $0.candidates = 0 })
        let key = SandboxConfiguration().recruitingAPIKey
        let start = Date(timeIntervalSince1970: 1_000_000)
        var outcomes: [Bool] = []
        for second in 0..<21 {
            do {
                try await account.authorizeWrite(
                    bearer: key, companyID: "123456", now: start.addingTimeInterval(Double(second)))
                outcomes.append(true)
            } catch {
                outcomes.append(false)
            }
        }
        let laterStill =
            (try? await account.authorizeWrite(bearer: key, companyID: "123456", now: start.addingTimeInterval(59)))
            != nil
        let afterWindow =
            (try? await account.authorizeWrite(bearer: key, companyID: "123456", now: start.addingTimeInterval(60)))
            != nil

        #expect(outcomes == Array(repeating: true, count: 20) + [false])
        #expect(!laterStill)
        #expect(afterWindow)
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
