import Foundation
import JunctionServer
import JunctionSync
import Logging
import Testing

@testable import Personio

@Suite("Webhook schedule and log output")
struct ObservabilityTests {
    @Test("the default retry schedule spans about 24 hours in 12 attempts, and scales")
    func schedule() {
        let policy = WebhookPolicy()
        let total = policy.retryDelays.reduce(0, +)

        #expect(policy.maxAttempts == 12)
        #expect(total > 23 * 3600 && total <= 24 * 3600)
        #expect(WebhookPolicy.scaled(0.001, maxAttempts: 3).retryDelays == [0.01, 0.03])
        #expect(WebhookPolicy.scaled(1, maxAttempts: 14).retryDelays.suffix(2) == [57_600, 115_200])
    }

    @Test("JSON log lines are one object each, with the metadata as strings")
    func jsonLines() throws {
        let lines = LockedLines()
        var handler = JSONLogHandler(label: "junction.test", level: .info) { lines.append($0) }
        handler[metadataKey: "integration"] = "personio:x"

        handler.log(
            event: LogEvent(
                level: .notice, message: "sync \"done\"", metadata: ["records": "12"], source: "JunctionSync",
                file: #fileID, function: #function, line: #line))
        handler.log(
            event: LogEvent(
                level: .info, message: "second", metadata: nil, source: "JunctionSync", file: #fileID,
                function: #function, line: #line))

        let written = lines.all
        #expect(written.count == 2 && written.allSatisfy { $0.last == 0x0A })
        let object = try #require(try JSONSerialization.jsonObject(with: written[0]) as? [String: String])
        #expect(object["message"] == "sync \"done\"")
        #expect(object["level"] == "notice" && object["label"] == "junction.test")
        #expect(object["integration"] == "personio:x" && object["records"] == "12")
        #expect(object["time"]?.hasSuffix("Z") == true)
    }

    @Test("Personio request descriptions lose their query values before they are logged")
    func redaction() {
        #expect(
            PersonioClient.redacted("GET /v2/recruiting/applications?candidate.email=kim@example.org&limit=1")
                == "GET /v2/recruiting/applications?candidate.email=…&limit=…")
        #expect(PersonioClient.redacted("GET /v2/recruiting/jobs") == "GET /v2/recruiting/jobs")
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []
    func append(_ line: Data) { lock.withLock { lines.append(line) } }
    var all: [Data] { lock.withLock { lines } }
}
