import ArgumentParser
import Foundation
import JunctionApp
import JunctionStore

/// Erasure on request (a data subject's right to erasure): everything Junction holds about one
/// person, found by email address, across integrations; Personio is never touched.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase everything Junction holds about a person, found by email address, and report it.",
        discussion: """
            Candidates with the address and their applications become tombstones that syncs never \
            fill again; users with it too; the address leaves integrations and connect links; log \
            entries, webhook events, kept answers and field samples that mention it are removed. \
            Personio is not touched: the report lists what it still holds. Afterwards every text \
            column of every table is searched for the address, and any place still holding it is \
            reported (and the command exits with status 2).
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "The person's email address (any case).") var email: String
    @Option(help: "Only this workspace's data (default: every workspace).") var workspace: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        guard email.contains("@") else { throw ValidationError("--email must be an email address, not '\(email)'") }
        var remaining = false
        try await withRuntime(store) { runtime in
            if let workspace, try await runtime.store.access.workspace(id: workspace) == nil {
                throw ValidationError("No workspace has the id '\(workspace)'.")
            }
            let report = try await runtime.store.personalData.erase(email: email, workspaceID: workspace)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                for line in report.lines { print(line) }
            }
            remaining = !report.remaining.isEmpty
        }
        if remaining { throw ExitCode(2) }
    }
}
