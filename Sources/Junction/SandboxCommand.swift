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
    @Option(
        help: ArgumentHelp(
            "Serve this many Personio accounts instead of one, told apart by their credentials (account n: client fleet-n, secret fleet-secret-n).",
            discussion:
                "Each has 20 to 200 candidates (drawn from the seed), but the last --fleet-large have --candidates."
        ))
    var fleet: Int?
    @Option(help: "Of the --fleet accounts, how many are large (the last ones, with --candidates each).")
    var fleetLarge = 0

    func validate() throws {
        if let fleet, !(1...100_000).contains(fleet) || !(0...fleet).contains(fleetLarge) {
            throw ValidationError("--fleet must be from 1 to 100000, and --fleet-large from 0 to --fleet")
        }
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
        if let fleet {
            try await runFleet(fleet, logger: logger, started: started)
            return
        }
        let sandbox = PersonioSandbox(configuration: configuration)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        FileHandle.standardOutput.write(
            Data(
                (sandbox.credentialsSummary(baseURL: "http://\(host):\(port)") + "\n  (generated in \(seconds) s)\n")
                    .utf8))
        try await sandbox.run(host: host, port: port, logger: logger)
    }

    /// `--fleet`: small accounts of 20 to 200 candidates (a job per ten, at least two), then the
    /// large ones with `--candidates` and `--jobs`.
    func runFleet(_ count: Int, logger: Logger, started: Date) async throws {
        var random = FleetSizes(seed: seed)
        let configurations = (0..<count).map { n in
            let large = n >= count - fleetLarge
            let size = large ? candidates : random.next(in: 20...200)
            return SandboxFleet.account(
                n, candidates: size, jobs: large ? jobs : max(2, size / 10), seed: seed, limits: !noRateLimits)
        }
        let fleet = SandboxFleet(configurations)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let total = configurations.map(\.candidates).reduce(0, +)
        FileHandle.standardOutput.write(
            Data(
                """
                Personio sandbox fleet at http://\(host):\(port): \(count) accounts, \(total) candidates (generated in \(seconds) s)
                  account n: client id fleet-n, secret fleet-secret-n, recruiting key fleet-key-n, company 100000+n
                  admin API of account n under /_sandbox/accounts/n/; requests per account at /_fleet/requests

                """.utf8))
        try await fleet.run(host: host, port: port, logger: logger)
    }
}

/// The small accounts' sizes: a fixed sequence for a seed (SplitMix64).
struct FleetSizes {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(in range: ClosedRange<Int>) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return range.lowerBound + Int(z % UInt64(range.count))
    }
}
