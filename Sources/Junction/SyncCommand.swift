import ArgumentParser
import Foundation
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one sync of an integration now, with progress and a summary.",
        discussion: """
            Without --full it runs a DELTA: jobs, candidates and applications updated since the last \
            successful run (FULL when there was none); a DELTA cannot see deletions, a FULL can. The \
            demo integration's sandbox is served by `junction serve`, which must be running.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "The integration id, like personio:CBNMt7dSNCzBdnRTx87dev4E.") var integration: String
    @Option(help: "Workspace id. Default: the first workspace.") var workspace: String?
    @Flag(help: "Run a FULL sync: read everything and mark what is gone upstream as deleted.") var full = false

    func run() async throws {
        var configuration = try store.configuration()
        configuration.demo = false
        let logger = bootstrapLogging(level: configuration.logLevel)
        let runtime = try await JunctionRuntime.open(configuration, logger: logger)
        do {
            let workspaceID: String
            if let workspace {
                workspaceID = workspace
            } else {
                guard let first = try await runtime.store.workspaces().first else {
                    throw ValidationError("There is no workspace yet.")
                }
                workspaceID = first.id
            }
            guard let found = try await runtime.store.integration(id: integration, workspaceID: workspaceID) else {
                throw ValidationError(
                    "No integration '\(integration)' in workspace \(workspaceID); `curl /v1/integrations` lists them.")
            }
            let syncs = Syncs(store: runtime.store, logger: logger)
            let report: @Sendable (SyncEngine.Progress) -> Void = { progress in
                let seconds =
                    Double(progress.elapsed.components.seconds)
                    + Double(progress.elapsed.components.attoseconds) / 1e18
                let rate = seconds > 0 ? Double(progress.records) / seconds : 0
                FileHandle.standardError.write(
                    Data(
                        String(
                            format: "\r%@: %d pages, %d records, %.0f records/s   ", progress.model, progress.pages,
                            progress.records, rate
                        ).utf8))
            }
            let run =
                full
                ? try await syncs.runFull(found, progress: report) : try await syncs.runDelta(found, progress: report)
            FileHandle.standardError.write(Data("\n".utf8))
            let stats = run.stats
            print("\(run.kind.rawValue) sync \(run.id) \(run.status.rawValue)\(run.error.map { ": \($0)" } ?? "")")
            for model in Set(stats.added.keys).union(stats.unchanged.keys).sorted() {
                print(
                    "  \(model): \(stats.added[model] ?? 0) added, \(stats.updated[model] ?? 0) updated, "
                        + "\(stats.unchanged[model] ?? 0) unchanged, \(stats.deleted[model] ?? 0) deleted")
            }
            print("  \(stats.requests) requests to Personio")
            try await runtime.database.close()
            if run.status == .failed { throw ExitCode(1) }
        } catch {
            try? await runtime.database.close()
            throw error
        }
    }
}
