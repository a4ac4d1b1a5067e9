import Crypto
import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import Testing

/// Issue 21: the secret key is replaced while instances keep running; nothing sealed is lost.
@Suite("Secret key rotation", .freshDatabases)
struct SecretRotationTests {
    static func keyFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("junction-rotate-\(UUID().uuidString)")
            .appendingPathComponent("secret.key").path
    }

    @Test("a ring opens values of every key and seals with its first; a key file's change is taken up")
    func ring() async throws {
        let path = Self.keyFile()
        let old = try SecretBox.loadOrCreate(keyFile: path)
        let sealedOld = try old.seal(Data("old".utf8), context: "c")
        let oldLine = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        let newLine = SecretBox.generateEncodedKey()
        let onlyNew = try SecretBox(encodedKey: newLine)

        try SecretBox.writeKeyFile([newLine, oldLine], to: path)
        let both = try SecretBox.loadOrCreate(keyFile: path)
        let sealedNew = try both.seal(Data("new".utf8), context: "c")
        // The running box has not looked at the file yet; a value it cannot open makes it look.
        let seenByOld = try old.openReporting(sealedNew, context: "c")
        try await Task.sleep(for: .milliseconds(2100))
        let sealedByOldAfter = try old.seal(Data("later".utf8), context: "c")

        #expect(both.keyCount == 2)
        #expect(try both.openReporting(sealedOld, context: "c").current == false)
        #expect(try both.openReporting(sealedNew, context: "c").current == true)
        #expect(seenByOld.plaintext == Data("new".utf8) && seenByOld.current)
        #expect(
            try onlyNew.open(sealedByOldAfter, context: "c") == Data("later".utf8),
            "the old box now seals with the new key")
        #expect(throws: StoreError.self) { try onlyNew.open(sealedOld, context: "c") }
    }

    @Test("a rotation under load loses no credential and fails no read", arguments: Backend.allCases)
    func underLoad(backend: Backend) async throws {
        let path = Self.keyFile()
        let database = try await FreshDatabases.open(backend)
        // The serving instance: its box follows the key file.
        let seeded = try await SeededStore.make(database, secrets: try SecretBox.loadOrCreate(keyFile: path))
        let store = seeded.store
        var made = [seeded.integration.id.description]
        for _ in 0..<7 { made.append(try await seeded.anotherIntegration().integration.id.description) }
        let integrations = made
        let workspace = seeded.workspace.id
        for id in integrations {
            try await store.integrations.replaceCredentials(
                integrationID: id, workspaceID: workspace, credentials: Data("secret-\(id)-0".utf8))
        }
        _ = try await store.webhooks.createWebhookEndpoint(
            workspaceID: workspace, url: "https://receiver.example/hook", description: nil, events: nil)
        let oldLine = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)

        // Load: every integration's credentials read over and over (as each sync does), and
        // relinks writing new ones; each read must give the last value written.
        let stop = ManagedAtomicFlag()
        let counter = ReadCounter()
        let load = Task { () -> (reads: Int, failures: [String], last: [String: String]) in
            var reads = 0
            var failures: [String] = []
            var last: [String: String] = [:]
            var round = 0
            while !stop.isSet {
                round += 1
                for (index, id) in integrations.enumerated() {
                    if index == round % integrations.count {
                        let value = "secret-\(id)-\(round)"
                        try await store.integrations.replaceCredentials(
                            integrationID: id, workspaceID: workspace, credentials: Data(value.utf8))
                        last[id] = value
                    }
                    do {
                        let data = try await store.integrations.credentials(integrationID: id, workspaceID: workspace)
                        reads += 1
                        counter.add()
                        let expected = last[id] ?? "secret-\(id)-0"
                        if data != Data(expected.utf8) { failures.append("\(id): wrong value") }
                    } catch {
                        failures.append("\(id): \(error)")
                    }
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            return (reads, failures, last)
        }

        // The operator's process: `rotate`, then `retire`, each with its own box from the file.
        // Each phase lasts until the load has read through it (and at least 2.5 s, beyond the
        // boxes' 2 s look at the file), however slow the machine.
        func phase() async throws -> Int {
            let start = counter.value
            let began = ContinuousClock.now
            while counter.value < start + 2 * integrations.count || ContinuousClock.now - began < .milliseconds(2500) {
                try await Task.sleep(for: .milliseconds(20))
            }
            return counter.value - start
        }
        var phases = [try await phase()]
        let newLine = SecretBox.generateEncodedKey()
        try SecretBox.writeKeyFile([newLine, oldLine], to: path)
        phases.append(try await phase())
        let rotating = Store(database: database, secrets: try SecretBox.loadOrCreate(keyFile: path))
        let rotated = try await rotating.secretsAtRest.resealAll()
        phases.append(try await phase())
        let retiring = Store(database: database, secrets: try SecretBox.loadOrCreate(keyFile: path))
        let retired = try await retiring.secretsAtRest.resealAll()
        try SecretBox.writeKeyFile([newLine], to: path)
        phases.append(try await phase())
        stop.set()
        let (_, failures, last) = try await load.value
        let onlyNew = Store(database: database, secrets: try SecretBox(encodedKey: newLine))
        let final = try await onlyNew.secretsAtRest.resealAll()

        #expect(phases.allSatisfy { $0 >= 2 * integrations.count }, "reads per phase: \(phases)")
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(rotated.unreadable.isEmpty && retired.unreadable.isEmpty)
        #expect(
            rotated.resealed["integrations.credentials", default: 0]
                + rotated.current["integrations.credentials", default: 0] == 8)
        #expect(rotated.resealed["webhook_endpoints.secret", default: 0] == 1)
        #expect(final.unreadable.isEmpty, "every secret opens with the new key alone")
        #expect(final.resealed.isEmpty && final.current["integrations.credentials"] == 8)
        #expect(final.current["webhook_endpoints.secret"] == 1)
        for id in integrations {
            let data = try await onlyNew.integrations.credentials(integrationID: id, workspaceID: workspace)
            #expect(data == Data((last[id] ?? "secret-\(id)-0").utf8))
        }
    }
}

/// Reads counted across tasks.
final class ReadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// A flag one task sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
