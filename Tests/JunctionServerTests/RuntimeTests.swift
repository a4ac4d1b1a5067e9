import Foundation
import JunctionApp
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionTestSupport
import Testing

@Suite("Opening a Junction runtime")
struct RuntimeTests {
    static func configuration() -> JunctionConfiguration {
        var configuration = JunctionConfiguration()
        configuration.dataDirectory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("junction-runtime-\(UUID().uuidString)").path
        configuration.demo = false
        return configuration
    }

    @Test("an empty database announces its first key once, and that key authenticates")
    func announcesFirstKey() async throws {
        let configuration = Self.configuration()
        let lines = LineCollector()

        let first = try await JunctionRuntime.open(configuration, logger: quietLogger, announce: lines.append)
        let printed = lines.all.joined(separator: "\n")
        let key = try #require(printed.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("jk_") })
        let workspace = try await first.store.access.authenticate(apiKey: String(key))
        try await first.database.close()
        let second = try await JunctionRuntime.open(configuration, logger: quietLogger, announce: lines.append)
        try await second.database.close()

        #expect(workspace == first.bootstrap.workspace.id)
        #expect(lines.all.count == 1, "a restart must not print a key again")
    }

    @Test("the demo integration is created on an empty database only, and found again on restart")
    func demoIntegration() async throws {
        var configuration = Self.configuration()
        configuration.demo = true
        configuration.demoSandboxPort = 9999
        configuration.demoCandidates = 7

        let first = try await JunctionRuntime.open(configuration, logger: quietLogger, announce: { _ in })
        let credentials = try await first.store.integrations.credentials(
            integrationID: try #require(first.demoIntegration).id.description, workspaceID: first.bootstrap.workspace.id
        )
        try await first.database.close()
        // A restart with another size keeps the demo's sandbox as it was created.
        configuration.demoCandidates = 9
        let second = try await JunctionRuntime.open(configuration, logger: quietLogger, announce: { _ in })
        let integrations = try await second.store.integrations.integrations(workspaceID: second.bootstrap.workspace.id)
        try await second.database.close()
        configuration.dataDirectory += "-other"
        configuration.demo = false
        let without = try await JunctionRuntime.open(configuration, logger: quietLogger, announce: { _ in })
        try await without.database.close()

        #expect(second.demoIntegration?.id == first.demoIntegration?.id)
        #expect(integrations.count == 1)
        let stored = try JSONSerialization.jsonObject(with: try #require(credentials)) as? [String: Any]
        #expect(stored?["api_base_url"] as? String == "http://127.0.0.1:9999")
        #expect(without.demoIntegration == nil)
        guard case .object(let sandbox)? = second.demoIntegration?.settings["demo_sandbox"] else {
            Issue.record("the demo integration keeps its sandbox's shape")
            return
        }
        #expect(sandbox["candidates"] == .number(7))
        #expect(sandbox["jobs"] == .number(40), "the sandbox's default")
        #expect(second.demoIntegration?.settings == first.demoIntegration?.settings)
    }

    @Test("with auto-migrate off, an unmigrated database is refused with the command that fixes it")
    func refusesUnmigrated() async throws {
        var configuration = Self.configuration()
        configuration.autoMigrate = false

        await #expect {
            try await JunctionRuntime.open(configuration, logger: quietLogger, announce: { _ in })
        } throws: { error in
            "\(error)".contains("junction migrate")
        }
    }
}

/// Collects announced lines from any thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    @Sendable func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }
}
