import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import Logging
import Personio
import PersonioSandbox
import ServiceLifecycle

/// The long-lived parts a Junction process is built from, opened once by `JunctionRuntime.open`.
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

    /// Runs syncs with this runtime's store and Personio clients.
    public func syncs(logger: Logger) -> Syncs {
        let metrics = metrics
        return Syncs(
            store: store, connectors: connectors, logger: logger, logBaseURL: configuration.resolvedPublicURL,
            finished: { metrics.syncFinished($0) })
    }

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
                try SecretBox(encodedKey: secretKey)
            } else {
                try SecretBox.loadOrCreate(keyFile: configuration.resolvedSecretKeyFile)
            }
        logger.info("opening database", metadata: ["database": "\(location)"])
        let database = try await Database.open(location, logger: logger)
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
            let bootstrap = try await store.bootstrap(configuredKey: configuration.apiKey)
            try await store.backfillFoldedJobNames()
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
                request: { status, _ in metrics.personioRequest(status: status) },
                rateLimitWait: { metrics.rateLimitWait($0) })
            let personio = PersonioAccounts(
                http: PersonioClient.sharedHTTPClient, logger: logger, limits: limits, observer: observer,
                identity: configuration.personioIdentity)
            // Every tool this build serves; a second connector is one more entry.
            let tester = ScopeTester(
                http: PersonioClient.sharedHTTPClient, logger: Logger(label: "junction.connect"),
                identity: configuration.personioIdentity)
            let connectors = ConnectorRegistry(
                [PersonioTool(accounts: personio, tester: tester, connectBaseURL: configuration.connectPersonioBaseURL)]
                    + extraConnectors)
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
        store: runtime.store, lock: runtime.store.makeSyncLock(), logger: logger)
    let app = buildApplication(runtime: runtime, logger: logger)
    try await app.runService()
}

/// The one composition root of the HTTP server: every controller gets its dependencies here.
public func buildApplication(runtime: JunctionRuntime, logger: Logger) -> some ApplicationProtocol {
    let configuration = runtime.configuration
    let router = buildRouter(runtime: runtime)
    let limits = RequestDeadlineHandler.Limits(
        head: .seconds(Int64(configuration.requestHeadTimeoutSeconds)),
        body: .seconds(Int64(configuration.requestBodyTimeoutSeconds)),
        idle: .seconds(Int64(configuration.idleTimeoutSeconds)))
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)])),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "Junction",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)
        ),
        logger: logger
    )
    app.addServices(DatabaseService(database: runtime.database))
    if let demo = runtime.demoIntegration {
        var sandboxLogger = logger
        sandboxLogger[metadataKey: "component"] = "personio-sandbox"
        app.addServices(
            PersonioSandbox(configuration: Demo.sandboxConfiguration(demo)).buildApplication(
                host: "127.0.0.1", port: runtime.configuration.demoSandboxPort, logger: sandboxLogger))
    }
    var webhookLogger = logger
    webhookLogger[metadataKey: "component"] = "webhooks"
    app.addServices(
        WebhookDispatcher(
            store: runtime.store,
            policy: .scaled(
                runtime.configuration.webhookRetryScale, maxAttempts: runtime.configuration.webhookMaxAttempts),
            outbound: OutboundRequests(access: configuration.webhooksPrivateAccess),
            logger: webhookLogger, metrics: runtime.metrics))
    if runtime.configuration.scheduler {
        // The scheduler also runs the demo's first sync: an integration without a successful
        // run is due for a FULL at once, and the client's retries cover the sandbox's start.
        let syncs = runtime.syncs(logger: logger)
        app.addServices(
            SyncScheduler(
                store: runtime.store, lock: runtime.store.makeSyncLock(),
                policy: SyncPolicy(
                    deltaInterval: .seconds(runtime.configuration.syncDeltaSeconds),
                    fullInterval: .seconds(runtime.configuration.syncFullSeconds)),
                logger: logger
            ) { integration, kind in
                kind == .full ? try await syncs.runFull(integration) : try await syncs.runDelta(integration)
            })
    }
    return app
}

/// The routes and middleware, separate from the server so tests can drive them in process.
public func buildRouter(runtime: JunctionRuntime) -> Router<AppRequestContext> {
    let configuration = runtime.configuration
    let router = Router(context: AppRequestContext.self)
    // Middleware first: routes capture the middleware added before them, and the not-found
    // responder is built with all of it, so unknown routes get the envelope too.
    router.add(
        middleware: SecurityHeadersMiddleware(strictTransport: configuration.resolvedPublicURL.hasPrefix("https://")))
    router.add(middleware: RequestMetricsMiddleware(metrics: runtime.metrics))
    router.add(
        middleware: ErrorMiddleware(
            maxBodyBytes: configuration.maxBodyBytes, log: runtime.store, publicURL: configuration.resolvedPublicURL))
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))

    HealthController(database: runtime.database).addRoutes(to: router)
    DocumentationController().addRoutes(to: router)
    let authFailures = RateLimiter(.init(count: configuration.authFailuresPerMinute, window: 60))
    // Counts and route names only, no personal data; still, 401 counts would let a guesser watch
    // its own progress, so by default it takes an API key like the API (a Prometheus scrape
    // config sends one as `authorization: {credentials: …}`).
    switch configuration.metricsAccess {
    case .off:
        break
    case .open:
        router.get("metrics") { _, _ in MetricsEndpoint.response(runtime.metrics) }
    case .key:
        router.group("metrics").add(middleware: APIKeyMiddleware(verifier: runtime.store, failures: authFailures))
            .get { _, _ in MetricsEndpoint.response(runtime.metrics) }
    }

    let outboundWebhooks = OutboundRequests(access: configuration.webhooksPrivateAccess)
    DashboardController(
        store: runtime.store,
        session: DashboardSession(
            key: runtime.store.sessionSigningKey, store: runtime.store,
            secure: configuration.resolvedPublicURL.hasPrefix("https://"), publicOrigin: configuration.publicOrigin),
        webhooks: outboundWebhooks,
        signInFailures: RateLimiter(.init(count: configuration.signInFailuresPerMinute, window: 60)),
        connectors: runtime.connectors
    ).addRoutes(to: router)
    AssetsController().addRoutes(to: router)

    let api = router.group("v1").add(middleware: APIKeyMiddleware(verifier: runtime.store, failures: authFailures))
        .add(middleware: ActivityLogMiddleware(log: runtime.store))
        .add(middleware: QueryGuardMiddleware())
    GeneralController().addRoutes(to: api)
    IntegrationsController(integrations: runtime.store, connectors: runtime.connectors).addRoutes(to: api)
    ConnectController(store: runtime.store, publicURL: configuration.resolvedPublicURL, connectors: runtime.connectors)
        .addRoutes(to: api)
    ConnectPageController(
        store: runtime.store, connectors: runtime.connectors, publicURL: configuration.resolvedPublicURL,
        embedOrigins: configuration.connectEmbedOrigins,
        tests: RateLimiter(.init(count: configuration.connectTestsPerHour, window: 3600)),
        logger: Logger(label: "junction.connect")
    ).addRoutes(to: router)

    WebhooksController(store: runtime.store, outbound: outboundWebhooks).addRoutes(to: api)
    FieldsController(store: runtime.store, cursors: PageCursor(key: runtime.store.cursorSigningKey)).addRoutes(to: api)
    ToolSettingsController(store: runtime.store, connectors: runtime.connectors).addRoutes(to: api)
    let gate = IntegrationGate(directory: runtime.store)
    SyncController(gate: gate, store: runtime.store).addRoutes(to: api)
    ATSReadController(
        gate: gate,
        reader: runtime.store,
        cursors: PageCursor(key: runtime.store.cursorSigningKey)
    ).addRoutes(to: api)
    let fetcher = HTTPAttachmentFetcher(
        outbound: OutboundRequests(access: configuration.attachmentsPrivateAccess),
        maxBytes: ApplicationPlanner.maxFileBytes)
    ATSWriteController(
        gate: gate,
        writer: ApplicationWriter(
            store: runtime.store, connectors: runtime.connectors, fetcher: fetcher,
            logger: Logger(label: "junction.writes")
        ),
        store: runtime.store,
        reader: runtime.store,
        maxBodyBytes: configuration.maxBodyBytes
    ).addRoutes(to: api)
    PassthroughController(
        gate: gate, store: runtime.store, connectors: runtime.connectors, fetcher: fetcher,
        maxBodyBytes: configuration.maxBodyBytes, logger: Logger(label: "junction.passthrough")
    ).addRoutes(to: api)
    return router
}

extension Store: APIKeyVerifier {}

/// `/metrics` in Prometheus' text format.
enum MetricsEndpoint {
    static func response(_ metrics: JunctionMetrics) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
}

/// Closes the database pool after the server has stopped taking requests.
struct DatabaseService: Service {
    let database: Database

    func run() async throws {
        // Returns when shutdown begins (or the task is cancelled); either way, close the pool.
        try? await gracefulShutdown()
        try await database.close()
    }
}
