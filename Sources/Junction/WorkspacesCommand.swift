import ArgumentParser
import Foundation
import JunctionApp
import JunctionModel
import JunctionServer
import JunctionStore

/// Workspaces separate tenants of one Junction (say, production and staging apps): each has its
/// own API keys, integrations, custom fields and webhooks, and sees nothing of the others.
struct WorkspacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspaces",
        abstract: "Manage workspaces.",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace and print its id; give it a key with `junction keys create --workspace ID`.")
        @OptionGroup var store: StoreOptions
        @Option(help: "A name to recognise the workspace by.") var name: String

        func run() async throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--name must not be empty")
            }
            try await withRuntime(store) { runtime in
                let workspace = try await runtime.store.access.createWorkspace(name: name)
                print(workspace.id)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workspaces.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withRuntime(store) { runtime in
                for workspace in try await runtime.store.access.workspaces() {
                    print(
                        [workspace.id, workspace.name, UnifiedDate.format(workspace.createdAt)].joined(separator: "\t"))
                }
            }
        }
    }
}
