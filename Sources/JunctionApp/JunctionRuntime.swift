import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import JunctionConnectors
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionSync
import Logging
import Personio
import PersonioSandbox
import ServiceLifecycle

/// The composition root: the long-lived parts a Junction process is built from, opened once by
/// `JunctionRuntime.open`, and the one place that names the connectors (the registry) and the
/// demo's sandbox.
public struct JunctionRuntime: Sendable {
    public let configuration: JunctionConfiguration
    public let database: Database
    public let store: Store
    public let bootstrap: BootstrapOutcome
    /// The demo integration, when the demo is on and one exists (see `Demo`).
    public let demoIntegration: Integration?
    /// One Personio client per integration, shared by syncs, writes and passthrough.
    public let personio: PersonioAccounts
    /// The tools this process serves, by tool: the composition root's one list of connectors.
    public let connectors: ConnectorRegistry
    /// What `/metrics` serves.
    public let metrics: JunctionMetrics

    /// What the HTTP routes are built from.
    public var server: ServerDependencies {
        ServerDependencies(
            configuration: configuration, database: database, store: store, metrics: metrics, connectors: connectors,
            attachmentMaxBytes: ApplicationPlanner.maxFileBytes)
    }

    /// Runs syncs with this runtime's store and connectors.
    public func syncs(logger: Logger) -> Syncs { server.syncs(logger: logger) }

    /// Opens the database, brings its schema up to date (or checks it is), loads the secret key
    /// and prepares a first start. `announce` receives the lines a person must see (a new key).
    public static func open(
        _ configuration: JunctionConfiguration,
        logger: Logger,
        connectors extraConnectors: [any Connector] = [],
        announce: @Sendable (String) -> Void = { line in
            // Unbuffered: the banner must reach a log file or pipe even if the process is killed.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    ) async throws -> JunctionRuntime {
        let location = try configuration.databaseLocation
        let secrets =
            if let secretKey = configuration.secretKey {
                try SecretBox(encodedKey: secretKey, previous: configuration.secretKeysPrevious)
            } else {
                try SecretBox.loadOrCreate(keyFile: configuration.resolvedSecretKeyFile)
            }
        logger.info("opening database", metadata: ["database": "\(location)"])
        // Each running sync holds a session for its lock (PostgreSQL) for the whole run, and a
        // request waits for a connection of one event loop's pool: every loop's pool has room for
        // all of them and four more, or a fleet's runs starve the API and metrics (30 s waits,
        // then 500s, measured by the fleet benchmark with 4 per loop).
        var perLoop = 4
        if case .postgres = location { perLoop += max(0, configuration.syncWorkers) }
        let database = try await Database.open(location, logger: logger, maxConnectionsPerEventLoop: perLoop)
        do {
            let migrator = Migrator(database: database, logger: logger)
            if configuration.autoMigrate {
                try await migrator.migrate()
            } else if try await migrator.appliedVersions().count < Migrator.all.count {
                throw StoreError.configuration(
                    "the database schema is out of date and JUNCTION_AUTO_MIGRATE is false; run `junction migrate` first"
                )
            }
            let store = Store(database: database, secrets: secrets)
            let bootstrap = try await store.access.bootstrap(configuredKey: configuration.apiKey)
            try await store.records.backfillFoldedJobNames()
            try await store.records.backfillJobPageRecords()
            announceBootstrap(bootstrap, announce: announce, logger: logger)
            let demo =
                configuration.demo
                ? try await Demo.integration(store: store, bootstrap: bootstrap, configuration: configuration) : nil
            if let demo {
                announce(
                    """
                    Demo: integration \(demo.id) reads the Personio sandbox served at http://127.0.0.1:\(configuration.demoSandboxPort)
                      (its first sync runs as soon as the server is up). Try:  curl -H "Authorization: Bearer <key>" -H "X-Integration-Id: \(demo.id)" \\
                        http://\(configuration.host):\(configuration.port)/v1/ats/jobs
                    """)
            }
            let limits = RequestLimits(
                maxConcurrent: configuration.personioMaxConcurrent,
                requestsPerSecond: configuration.personioRequestsPerSecond,
                burst: max(1, Int(configuration.personioRequestsPerSecond * 2)),
                writesPerWindow: configuration.personioWritesPerMinute)
            let metrics = JunctionMetrics()
            let observer = PersonioObserver(
                request: { status, _ in metrics.remoteRequest(tool: .personio, status: status) },
                rateLimitWait: { metrics.rateLimitWait(tool: .personio, $0) })
            let personio = PersonioAccounts(
                http: PersonioClient.sharedHTTPClient, logger: logger, limits: limits, observer: observer,
                identity: configuration.personioIdentity)
            // Every tool this build serves; a second connector is one more entry.
            let tester = ScopeTester(
                http: PersonioClient.sharedHTTPClient, logger: Logger(label: "junction.connect"),
                identity: configuration.personioIdentity)
            // Links for Kombo's `sandbox` tool connect to the demo's sandbox, when it runs.
            let sandbox = demo.map { _ in
                (
                    url: "http://127.0.0.1:\(configuration.demoSandboxPort)",
                    credentials: Demo.credentials(port: configuration.demoSandboxPort)
                )
            }
            let connectors = ConnectorRegistry(
                [
                    PersonioTool(
                        accounts: personio, tester: tester, connectBaseURL: configuration.connectPersonioBaseURL,
                        sandbox: sandbox)
                ] + extraConnectors)
            return JunctionRuntime(
                configuration: configuration, database: database, store: store, bootstrap: bootstrap,
                demoIntegration: demo, personio: personio, connectors: connectors, metrics: metrics)
        } catch {
            try? await database.close()
            throw error
        }
    }

    private static func announceBootstrap(
        _ outcome: BootstrapOutcome, announce: @Sendable (String) -> Void, logger: Logger
    ) {
        switch outcome.key {
        case .generated(let plaintext, _):
            let rule = String(repeating: "─", count: 72)
            announce(
                """
                \(rule)
                  Junction created workspace \(outcome.workspace.id) and its first API key:

                      \(plaintext)

                  It is shown only this once; Junction keeps only its hash.
                  Send it as the header  Authorization: Bearer <key>
                  Manage keys with  junction keys list | create | revoke
                \(rule)
                """)
        case .registered(let key):
            logger.notice(
                "registered JUNCTION_API_KEY",
                metadata: ["key_prefix": "\(key.prefix)", "workspace": "\(key.workspaceID)"])
        case .revoked(let key):
            logger.warning(
                "JUNCTION_API_KEY was revoked earlier and stays revoked; requests with it are refused",
                metadata: ["key_prefix": "\(key.prefix)"])
        case .alreadyRegistered, .none:
            break
        }
    }
}

/// Opens everything and serves until SIGTERM or SIGINT, then shuts down gracefully.
public func runServer(_ configuration: JunctionConfiguration, logger: Logger) async throws {
    let runtime = try await JunctionRuntime.open(configuration, logger: logger)
    // Runs a killed process left RUNNING are failed before the API answers, so a force-sync
    // right after a restart queues a new run instead of pointing at the dead one.
    try await SyncScheduler.reclaimAbandonedRuns(
        store: runtime.store, lock: runtime.store.syncRuns.makeSyncLock(), logger: logger)
    let app = buildApplication(runtime: runtime, logger: logger)
    try await app.runService()
}

/// The HTTP server with its services, and the demo's sandbox when the demo is on.
public func buildApplication(runtime: JunctionRuntime, logger: Logger) -> some ApplicationProtocol {
    var services: [any Service] = []
    if let demo = runtime.demoIntegration {
        var sandboxLogger = logger
        sandboxLogger[metadataKey: "component"] = "personio-sandbox"
        services.append(
            PersonioSandbox(configuration: Demo.sandboxConfiguration(demo)).buildApplication(
                host: "127.0.0.1", port: runtime.configuration.demoSandboxPort, logger: sandboxLogger))
    }
    return buildApplication(runtime.server, services: services, logger: logger)
}
