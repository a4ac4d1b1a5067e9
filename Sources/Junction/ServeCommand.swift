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

    @Option(help: "Address to listen on. Env JUNCTION_HOST. Default: 127.0.0.1")
    var host: String?

    @Option(help: "Port to listen on. Env PORT or JUNCTION_PORT. Default: 8080")
    var port: Int?

    @Option(help: "Largest accepted request body in bytes. Env JUNCTION_MAX_BODY_BYTES. Default: 33554432 (32 MiB)")
    var maxBodyBytes: Int?

    @Flag(
        inversion: .prefixedNo,
        help: "Apply pending database migrations on start. Env JUNCTION_AUTO_MIGRATE. Default: on")
    var autoMigrate: Bool?

    @Flag(
        inversion: .prefixedNo,
        help:
            "On an empty database, connect a demo integration to an in-process Personio sandbox. Env JUNCTION_DEMO. Default: on"
    )
    var demo: Bool?

    @Option(help: "Port of the demo's Personio sandbox on 127.0.0.1. Env JUNCTION_DEMO_SANDBOX_PORT. Default: 9091")
    var demoSandboxPort: Int?

    @Option(help: "Jobs in a new demo's sandbox. Env JUNCTION_DEMO_JOBS. Default: 40")
    var demoJobs: String?

    @Option(help: "Candidates in a new demo's sandbox. Env JUNCTION_DEMO_CANDIDATES. Default: 400")
    var demoCandidates: String?

    @Flag(inversion: .prefixedNo, help: "Run syncs on a schedule. Env JUNCTION_SCHEDULER. Default: on")
    var scheduler: Bool?

    @Option(help: "Seconds between DELTA syncs of an integration. Env JUNCTION_SYNC_DELTA_SECONDS. Default: 300")
    var syncDeltaSeconds: Int?

    @Option(help: "Seconds between FULL syncs of an integration. Env JUNCTION_SYNC_FULL_SECONDS. Default: 21600")
    var syncFullSeconds: Int?

    @Option(
        help:
            "Address this server is reached at, for connect links. Env JUNCTION_PUBLIC_URL. Default: http://<host>:<port>"
    )
    var publicURL: String?

    @Option(
        help:
            "Personio address connect flows use instead of Personio's hosts (a sandbox or proxy). Env JUNCTION_CONNECT_PERSONIO_BASE_URL"
    )
    var connectPersonioBaseURL: String?

    func run() async throws {
        var configuration = try store.configuration()
        try personio.apply(to: &configuration)
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
            configuration.port = port
        }
        if let maxBodyBytes {
            guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
            configuration.maxBodyBytes = maxBodyBytes
        }
        if let autoMigrate { configuration.autoMigrate = autoMigrate }
        if let demo { configuration.demo = demo }
        if let scheduler { configuration.scheduler = scheduler }
        do {
            if let syncDeltaSeconds {
                configuration.syncDeltaSeconds = try JunctionConfiguration.parseInterval(
                    String(syncDeltaSeconds), source: "--sync-delta-seconds")
            }
            if let demoJobs {
                configuration.demoJobs = try JunctionConfiguration.parseCount(
                    demoJobs, source: "--demo-jobs", minimum: 1)
            }
            if let demoCandidates {
                configuration.demoCandidates = try JunctionConfiguration.parseCount(
                    demoCandidates, source: "--demo-candidates", minimum: 0)
            }
            if let syncFullSeconds {
                configuration.syncFullSeconds = try JunctionConfiguration.parseInterval(
                    String(syncFullSeconds), source: "--sync-full-seconds")
            }
            if let publicURL {
                configuration.publicURL = try JunctionConfiguration.parseHTTPURL(publicURL, source: "--public-url")
            }
            if let connectPersonioBaseURL {
                configuration.connectPersonioBaseURL = try JunctionConfiguration.parseHTTPURL(
                    connectPersonioBaseURL, source: "--connect-personio-base-url")
            }
        } catch {
            throw ValidationError(error.description)
        }
        if let demoSandboxPort {
            guard (1...65535).contains(demoSandboxPort) else {
                throw ValidationError("--demo-sandbox-port must be from 1 to 65535")
            }
            configuration.demoSandboxPort = demoSandboxPort
        }

        let logger = bootstrapLogging(level: configuration.logLevel, json: configuration.logJSON)
        try await runServer(configuration, logger: logger)
    }
}
