import Foundation
import Hummingbird
import HummingbirdCore
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import Logging
import NIOCore
import ServiceLifecycle

/// What the HTTP server is built from: opened and wired by the composition root (`JunctionApp`),
/// which also picks the connectors. The server names no tool.
public struct ServerDependencies: Sendable {
    public var configuration: JunctionConfiguration
    public var database: Database
    public var store: Store
    public var metrics: JunctionMetrics
    public var connectors: ConnectorRegistry
    /// The largest attachment a create or passthrough request may have Junction download.
    public var attachmentMaxBytes: Int
    /// Writes the activity log after each answer; shared by the routes and the server's services.
    public var activity: ActivityRecorder

    public init(
        configuration: JunctionConfiguration, database: Database, store: Store, metrics: JunctionMetrics,
        connectors: ConnectorRegistry, attachmentMaxBytes: Int
    ) {
        self.configuration = configuration
        self.database = database
        self.store = store
        self.metrics = metrics
        self.connectors = connectors
        self.attachmentMaxBytes = attachmentMaxBytes
        self.activity = ActivityRecorder(log: store.requestLog, logger: Logger(label: "junction.activity"))
    }

    /// Runs syncs with this server's store and connectors.
    public func syncs(logger: Logger) -> Syncs {
        let metrics = metrics
        return Syncs(
            store: store, connectors: connectors, logger: logger, logBaseURL: configuration.resolvedPublicURL,
            finished: { metrics.syncFinished($0) })
    }
}

/// The HTTP server with its services (the database pool's closing, the webhook dispatcher, the
/// scheduler) and any `services` the composition root adds; every controller gets its
/// dependencies here.
public func buildApplication(_ runtime: ServerDependencies, services: [any Service] = [], logger: Logger)
    -> some ApplicationProtocol
{
    let configuration = runtime.configuration
    let router = buildRouter(runtime)
    let limits = RequestDeadlineHandler.Limits(
        head: .seconds(Int64(configuration.requestHeadTimeoutSeconds)),
        body: .seconds(Int64(configuration.requestBodyTimeoutSeconds)),
        idle: .seconds(Int64(configuration.idleTimeoutSeconds)))
    var app = Application(
        router: router,
        server: .loopBoundHTTP1(
            configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)])),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "Junction",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)
        ),
        logger: logger
    )
    app.addServices(DatabaseService(database: runtime.database))
    // After the database's service: services stop in reverse order, so what is queued is written
    // before the pool closes.
    app.addServices(runtime.activity)
    for service in services { app.addServices(service) }
    var webhookLogger = logger
    webhookLogger[metadataKey: "component"] = "webhooks"
    app.addServices(
        WebhookDispatcher(
            store: runtime.store,
            policy: .scaled(
                runtime.configuration.webhookRetryScale, maxAttempts: runtime.configuration.webhookMaxAttempts),
            outbound: OutboundRequests(access: configuration.webhooksPrivateAccess),
            logger: webhookLogger, metrics: runtime.metrics))
    var retentionLogger = logger
    retentionLogger[metadataKey: "component"] = "retention"
    app.addServices(
        RetentionService(store: runtime.store, policy: runtime.configuration.retention, logger: retentionLogger))
    if runtime.configuration.scheduler {
        // The scheduler also runs the demo's first sync: an integration without a successful
        // run is due for a FULL at once, and the client's retries cover the sandbox's start.
        let syncs = runtime.syncs(logger: logger)
        app.addServices(
            SyncScheduler(
                store: runtime.store, lock: runtime.store.syncRuns.makeSyncLock(),
                policy: SyncPolicy(
                    deltaInterval: .seconds(runtime.configuration.syncDeltaSeconds),
                    fullInterval: .seconds(runtime.configuration.syncFullSeconds)),
                pool: .init(
                    workers: runtime.configuration.syncWorkers,
                    runTimeout: .seconds(runtime.configuration.syncRunTimeoutSeconds)),
                logger: logger
            ) { integration, kind in
                kind == .full ? try await syncs.runFull(integration) : try await syncs.runDelta(integration)
            })
    }
    return app
}

/// The routes and middleware, separate from the server so tests can drive them in process.
public func buildRouter(_ runtime: ServerDependencies) -> Router<AppRequestContext> {
    let configuration = runtime.configuration
    let router = Router(context: AppRequestContext.self)
    // Middleware first: routes capture the middleware added before them, and the not-found
    // responder is built with all of it, so unknown routes get the envelope too.
    router.add(
        middleware: SecurityHeadersMiddleware(strictTransport: configuration.resolvedPublicURL.hasPrefix("https://")))
    router.add(middleware: RequestMetricsMiddleware(metrics: runtime.metrics))
    router.add(
        middleware: ErrorMiddleware(
            maxBodyBytes: configuration.maxBodyBytes, log: runtime.store.requestLog,
            publicURL: configuration.resolvedPublicURL))
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
        router.get("metrics") { _, _ in try await MetricsEndpoint.response(runtime.metrics, store: runtime.store) }
    case .key:
        router.group("metrics").add(
            middleware: APIKeyMiddleware(verifier: runtime.store.access, failures: authFailures)
        )
        .get { _, _ in try await MetricsEndpoint.response(runtime.metrics, store: runtime.store) }
    }

    let outboundWebhooks = OutboundRequests(access: configuration.webhooksPrivateAccess)
    DashboardController(
        store: runtime.store,
        session: DashboardSession(
            key: runtime.store.sessionSigningKey, store: runtime.store,
            secure: configuration.resolvedPublicURL.hasPrefix("https://"), publicOrigin: configuration.publicOrigin),
        webhooks: outboundWebhooks,
        signInFailures: RateLimiter(.init(count: configuration.signInFailuresPerMinute, window: 60)),
        connectors: runtime.connectors,
        activity: runtime.activity
    ).addRoutes(to: router)
    AssetsController().addRoutes(to: router)

    let api = router.group("v1").add(
        middleware: APIKeyMiddleware(verifier: runtime.store.access, failures: authFailures)
    )
    .add(middleware: ActivityLogMiddleware(recorder: runtime.activity))
    .add(middleware: QueryGuardMiddleware())
    GeneralController().addRoutes(to: api)
    OtherCategoriesController().addRoutes(to: api)
    IntegrationsController(
        store: runtime.store, connectors: runtime.connectors, publicURL: configuration.resolvedPublicURL
    ).addRoutes(to: api)
    GuideController(connectors: runtime.connectors).addRoutes(to: router)
    ConnectController(store: runtime.store, publicURL: configuration.resolvedPublicURL, connectors: runtime.connectors)
        .addRoutes(to: api)
    ConnectPageController(
        store: runtime.store, connectors: runtime.connectors, publicURL: configuration.resolvedPublicURL,
        embedOrigins: configuration.connectEmbedOrigins,
        tests: RateLimiter(.init(count: configuration.connectTestsPerHour, window: 3600)),
        logger: Logger(label: "junction.connect")
    ).addRoutes(to: router)

    let cursors = PageCursor(key: runtime.store.cursorSigningKey)
    WebhooksController(store: runtime.store, outbound: outboundWebhooks, cursors: cursors).addRoutes(to: api)
    FieldsController(store: runtime.store, cursors: cursors).addRoutes(to: api)
    PersonalDataController(store: runtime.store).addRoutes(to: api)
    ToolSettingsController(store: runtime.store, connectors: runtime.connectors).addRoutes(to: api)
    let gate = IntegrationGate(directory: runtime.store.integrations)
    SyncController(gate: gate, store: runtime.store).addRoutes(to: api)
    ATSReadController(
        gate: gate,
        reader: runtime.store.records,
        fields: runtime.store.fields,
        cursors: PageCursor(key: runtime.store.cursorSigningKey)
    ).addRoutes(to: api)
    let fetcher = HTTPAttachmentFetcher(
        outbound: OutboundRequests(access: configuration.attachmentsPrivateAccess),
        maxBytes: runtime.attachmentMaxBytes)
    ATSWriteController(
        gate: gate,
        writer: ApplicationWriter(
            store: runtime.store, connectors: runtime.connectors, fetcher: fetcher,
            logger: Logger(label: "junction.writes")
        ),
        store: runtime.store,
        reader: runtime.store.records,
        maxBodyBytes: configuration.maxBodyBytes
    ).addRoutes(to: api)
    PassthroughController(
        gate: gate, store: runtime.store, connectors: runtime.connectors, fetcher: fetcher,
        maxBodyBytes: configuration.maxBodyBytes, logger: Logger(label: "junction.passthrough")
    ).addRoutes(to: api)
    return router
}

/// `/metrics` in Prometheus' text format.
enum MetricsEndpoint {
    static func response(_ metrics: JunctionMetrics, store: Store) async throws -> Response {
        let freshness = FreshnessMetrics.render(try await store.syncSchedule.confirmations(), now: Date())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render() + freshness)))
    }
}

/// Closes the database pool after the server has stopped taking requests.
public struct DatabaseService: Service {
    public init(database: Database) { self.database = database }

    let database: Database

    public func run() async throws {
        // Returns when shutdown begins (or the task is cancelled); either way, close the pool.
        try? await gracefulShutdown()
        try await database.close()
    }
}
