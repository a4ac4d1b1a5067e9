import ArgumentParser
import Foundation
import Logging
import PersonioSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the Personio sandbox: a local Personio with seeded recruiting data."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 9090
    @Option(help: "Seed of the generated data; the same seed gives the same data.") var seed: UInt64 = 42
    @Option(help: "Number of jobs.") var jobs = 40
    @Option(help: "Number of candidates (about 1.5 applications each).") var candidates = 400
    @Option(help: "Mean applications per candidate (1 to 3).") var applicationsPerCandidate = 1.5
    @Option(help: "Hiring-team persons.") var persons = 12
    @Option(help: "Recruiting categories, each with its custom stages.") var categories = 3
    @Option(help: "Recruiting channels.") var channels = 6
    @Option(help: "Custom applicant attributes (TEXT, DATE, OPTION in turn).") var customAttributes = 4
    @Flag(help: "Switch off the v2 per-endpoint rate limit.") var noRateLimits = false
    @Flag(help: "Switch off the v1 write limit (20 per minute per company), for write benchmarks.")
    var noWriteLimit = false
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard (1...3).contains(applicationsPerCandidate) else {
            throw ValidationError("--applications-per-candidate must be from 1 to 3")
        }
        guard jobs >= 1, candidates >= 0, persons >= 0, categories >= 1, channels >= 0, customAttributes >= 0 else {
            throw ValidationError(
                "--jobs and --categories must be at least 1; --candidates, --persons, --channels and --custom-attributes at least 0"
            )
        }
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        let logger = bootstrapLogging(level: level)
        var configuration = SandboxConfiguration()
        configuration.seed = seed
        configuration.jobs = jobs
        configuration.candidates = candidates
        configuration.persons = persons
        configuration.categories = categories
        configuration.channels = channels
        configuration.customAttributes = customAttributes
        configuration.applicationsPerCandidate = applicationsPerCandidate
        if noRateLimits { configuration.v2RateLimit = nil }
        if noWriteLimit { configuration.v1RateLimit = nil }

        let started = Date()
        let sandbox = PersonioSandbox(configuration: configuration)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        FileHandle.standardOutput.write(
            Data(
                (sandbox.credentialsSummary(baseURL: "http://\(host):\(port)") + "\n  (generated in \(seconds) s)\n")
                    .utf8))
        try await sandbox.run(host: host, port: port, logger: logger)
    }
}
