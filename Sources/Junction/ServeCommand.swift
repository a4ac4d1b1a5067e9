import ArgumentParser
import JunctionApp
import JunctionServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Junction API server (the default command)."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var personio: PersonioOptions

    @Option(name: .customLong("host"), help: .setting("host")) var host: String?
    @Option(name: .customLong("port"), help: .setting("port")) var port: String?
    @Option(name: .customLong("max-body-bytes"), help: .setting("max-body-bytes")) var maxBodyBytes: String?
    @Flag(name: .customLong("auto-migrate"), inversion: .prefixedNo, help: .setting("auto-migrate"))
    var autoMigrate: Bool?
    @Flag(name: .customLong("demo"), inversion: .prefixedNo, help: .setting("demo")) var demo: Bool?
    @Option(name: .customLong("demo-sandbox-port"), help: .setting("demo-sandbox-port")) var demoSandboxPort: String?
    @Option(name: .customLong("demo-jobs"), help: .setting("demo-jobs")) var demoJobs: String?
    @Option(name: .customLong("demo-candidates"), help: .setting("demo-candidates")) var demoCandidates: String?
    @Flag(name: .customLong("scheduler"), inversion: .prefixedNo, help: .setting("scheduler")) var scheduler: Bool?
    @Option(name: .customLong("sync-delta-seconds"), help: .setting("sync-delta-seconds"))
    var syncDeltaSeconds: String?
    @Option(name: .customLong("sync-full-seconds"), help: .setting("sync-full-seconds")) var syncFullSeconds: String?
    @Option(name: .customLong("sync-workers"), help: .setting("sync-workers")) var syncWorkers: String?
    @Option(name: .customLong("sync-run-timeout-seconds"), help: .setting("sync-run-timeout-seconds"))
    var syncRunTimeoutSeconds: String?
    @Option(name: .customLong("public-url"), help: .setting("public-url")) var publicURL: String?
    @Option(name: .customLong("connect-personio-base-url"), help: .setting("connect-personio-base-url"))
    var connectPersonioBaseURL: String?

    func run() async throws {
        var configuration = try store.configuration()
        try personio.apply(to: &configuration)
        try configuration.apply([
            ("host", host), ("port", port), ("max-body-bytes", maxBodyBytes),
            ("auto-migrate", autoMigrate.map { "\($0)" }), ("demo", demo.map { "\($0)" }),
            ("demo-sandbox-port", demoSandboxPort), ("demo-jobs", demoJobs), ("demo-candidates", demoCandidates),
            ("scheduler", scheduler.map { "\($0)" }), ("sync-delta-seconds", syncDeltaSeconds),
            ("sync-full-seconds", syncFullSeconds), ("sync-workers", syncWorkers),
            ("sync-run-timeout-seconds", syncRunTimeoutSeconds), ("public-url", publicURL),
            ("connect-personio-base-url", connectPersonioBaseURL),
        ])

        let logger = bootstrapLogging(level: configuration.logLevel, json: configuration.logJSON)
        try await runServer(configuration, logger: logger)
    }
}
