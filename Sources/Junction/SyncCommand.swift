import ArgumentParser
import Foundation
import JunctionApp
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
    @OptionGroup var personio: PersonioOptions
    @Option(help: "The integration id, like personio:CBNMt7dSNCzBdnRTx87dev4E.") var integration: String
    @Option(help: "Workspace id. Default: the first workspace.") var workspace: String?
    @Flag(help: "Run a FULL sync: read everything and mark what is gone upstream as deleted.") var full = false

    func run() async throws {
        var configuration = try store.configuration()
        try personio.apply(to: &configuration)
        configuration.demo = false
        let logger = bootstrapLogging(level: configuration.logLevel, json: configuration.logJSON)
        let runtime = try await JunctionRuntime.open(configuration, logger: logger)
        do {
            let workspaceID: String
            if let workspace {
                workspaceID = workspace
            } else {
                guard let first = try await runtime.store.access.workspaces().first else {
                    throw ValidationError("There is no workspace yet.")
                }
                workspaceID = first.id
            }
            guard
                let found = try await runtime.store.integrations.integration(id: integration, workspaceID: workspaceID)
            else {
                throw ValidationError(
                    "No integration '\(integration)' in workspace \(workspaceID); `curl /v1/integrations` lists them.")
            }
            let syncs = runtime.syncs(logger: logger)
            // Personio sends no totals; the records stored by the last run estimate them for a
            // FULL (a DELTA's size is not known; counting 100,000 rows costs more than a quiet DELTA).
            let id = found.id.description
            let lastRun = try await runtime.store.syncRuns.lastSuccessfulSyncRun(integrationID: id)
            let records = runtime.store.records
            let expected: [String: Int] =
                try await (full || lastRun == nil)
                ? [
                    "jobs": records.liveRecordCount(Job.self, integrationID: id),
                    "candidates": records.liveRecordCount(Candidate.self, integrationID: id),
                    "applications": records.liveRecordCount(Application.self, integrationID: id),
                ] : [:]
            let report: @Sendable (SyncEngine.Progress) -> Void = { progress in
                FileHandle.standardError.write(
                    Data(("\r" + Self.progressLine(progress, expected: expected[progress.model])).utf8)
                )
            }
            let started = ContinuousClock.now
            let run =
                full
                ? try await syncs.runFull(found, progress: report) : try await syncs.runDelta(found, progress: report)
            let took = ContinuousClock.now - started
            FileHandle.standardError.write(Data("\n".utf8))
            let stats = run.stats
            print(
                "\(run.kind.rawValue) sync \(run.id) \(run.status.rawValue) in \(Self.duration(Self.seconds(took)))"
                    + (run.error.map { ": \($0)" } ?? ""))
            for model in Set(stats.added.keys).union(stats.unchanged.keys).sorted() {
                print(
                    "  \(model): \(stats.added[model] ?? 0) added, \(stats.updated[model] ?? 0) updated, "
                        + "\(stats.unchanged[model] ?? 0) unchanged, \(stats.deleted[model] ?? 0) deleted")
            }
            if stats.jobInputs != nil, stats.unchanged["jobs"] == nil {
                print("  jobs: not read again; nothing they are built from changed since the last full read")
            }
            print("  \(stats.requests) requests to Personio")
            for warning in stats.warnings { print("  warning: \(warning)") }
            try await runtime.database.close()
            if run.status != .succeeded { throw ExitCode(1) }
        } catch {
            try? await runtime.database.close()
            throw error
        }
    }

    /// `candidates: 12 pages, 2400 of ~100000 records (2%), 850 records/s, ETA 1m55s`.
    static func progressLine(_ progress: SyncEngine.Progress, expected: Int?) -> String {
        let seconds = Self.seconds(progress.elapsed)
        let rate = seconds > 0 ? Double(progress.records) / seconds : 0
        var line = "\(progress.model): \(progress.pages) pages, \(progress.records)"
        if let expected, expected > progress.records, rate > 0 {
            let percent = Int(Double(progress.records) / Double(expected) * 100)
            let eta = Double(expected - progress.records) / rate
            line += " of ~\(expected) records (\(percent)%), \(Int(rate)) records/s, ETA \(duration(eta))"
        } else {
            line += " records, \(Int(rate)) records/s"
        }
        return line + "      "
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }

    /// `850ms`, `42s`, `1m55s`, `2h05m`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int(seconds * 1000))ms" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole % 3600 / 60))m"
    }
}
