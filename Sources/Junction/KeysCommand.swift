import ArgumentParser
import Foundation
import JunctionApp
import JunctionModel
import JunctionServer
import JunctionStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it once.")
        @OptionGroup var store: StoreOptions
        @Option(help: "A name to recognise the key by.") var name = "cli"
        @Option(help: "Workspace id. Default: the first workspace.") var workspace: String?

        func run() async throws {
            try await withRuntime(store) { runtime in
                let workspaceID = try await resolveWorkspace(workspace, runtime: runtime)
                let (key, plaintext) = try await runtime.store.access.createAPIKey(workspaceID: workspaceID, name: name)
                print(plaintext)
                FileHandle.standardError.write(
                    Data(
                        "Created key \(key.id) (\(key.prefix)…) for workspace \(workspaceID). It is shown only this once.\n"
                            .utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never the keys themselves).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withRuntime(store) { runtime in
                let keys = try await runtime.store.access.apiKeys()
                print(["ID", "PREFIX", "WORKSPACE", "NAME", "CREATED", "STATUS"].joined(separator: "\t"))
                for key in keys {
                    let status = key.revokedAt.map { "revoked \(UnifiedDate.format($0))" } ?? "active"
                    print(
                        [
                            key.id, key.prefix + "…", key.workspaceID, key.name, UnifiedDate.format(key.createdAt),
                            status,
                        ].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by its id (see `junction keys list`).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The key's id.") var id: String

        func run() async throws {
            try await withRuntime(store) { runtime in
                guard let key = try await runtime.store.access.revokeAPIKey(id: id) else {
                    throw ValidationError("No API key has the id '\(id)'; `junction keys list` shows the ids.")
                }
                print("Revoked key \(key.id) (\(key.prefix)…).")
            }
        }
    }
}

func withRuntime(_ options: StoreOptions, _ body: (JunctionRuntime) async throws -> Void) async throws {
    var configuration = try options.configuration()
    // Only `serve` runs the demo's sandbox; key management neither creates nor announces it.
    configuration.demo = false
    let logger = bootstrapLogging(level: configuration.logLevel, json: configuration.logJSON)
    let runtime = try await JunctionRuntime.open(configuration, logger: logger)
    do {
        try await body(runtime)
    } catch {
        try? await runtime.database.close()
        throw error
    }
    try await runtime.database.close()
}

private func resolveWorkspace(_ id: String?, runtime: JunctionRuntime) async throws -> String {
    if let id {
        guard try await runtime.store.access.workspace(id: id) != nil else {
            throw ValidationError("No workspace has the id '\(id)'.")
        }
        return id
    }
    guard let first = try await runtime.store.access.workspaces().first else {
        throw ValidationError("There is no workspace yet.")
    }
    return first.id
}
