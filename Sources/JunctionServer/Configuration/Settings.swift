import Foundation
import JunctionStore

/// One setting of a Junction process, declared once: its environment variable (and an alias),
/// its command-line flag when it has one (secrets have none: a flag would show in `ps`), what it
/// means and its default (the flag's help and the README's row say the same), and how its text
/// is read. `JunctionConfiguration.fromEnvironment` and the command-line flags both read
/// through it, so a value means the same and fails the same way from either.
public struct Setting: Sendable {
    public typealias Apply =
        @Sendable (inout JunctionConfiguration, _ text: String, _ source: String) throws(ConfigurationError) -> Void

    /// The variable first, then an alias it also answers to (`PORT`).
    public let environment: [String]
    /// The long flag without dashes; a Boolean setting also has `--no-<flag>`.
    public let flag: String?
    public let meaning: String
    public let defaultText: String
    let apply: Apply

    init(
        _ environment: String, alias: String? = nil, flag: String? = nil, _ meaning: String,
        default defaultText: String,
        _ apply: @escaping Apply
    ) {
        self.environment = [environment] + (alias.map { [$0] } ?? [])
        self.flag = flag
        self.meaning = meaning
        self.defaultText = defaultText
        self.apply = apply
    }

    /// A setting read by `parse` (given the text and the variable's or flag's name for its
    /// error) into the configuration's `setting`.
    init<Value>(
        _ environment: String, alias: String? = nil, flag: String? = nil, _ meaning: String,
        default defaultText: String,
        _ setting: any WritableKeyPath<JunctionConfiguration, Value> & Sendable,
        _ parse: @escaping @Sendable (_ text: String, _ source: String) throws(ConfigurationError) -> Value
    ) {
        self.init(environment, alias: alias, flag: flag, meaning, default: defaultText) {
            (configuration, text, source) throws(ConfigurationError) in
            configuration[keyPath: setting] = try parse(text, source)
        }
    }

    /// The flag's help line: what it means, its variable and its default.
    public var help: String {
        "\(meaning). Env \(environment.joined(separator: " or ")). Default: \(defaultText)"
    }
}

extension JunctionConfiguration {
    /// Every setting, in the README's order.
    public static let settings: [Setting] = [
        Setting("JUNCTION_HOST", flag: "host", "Address to listen on", default: "127.0.0.1") { configuration, text, _ in
            configuration.host = text
        },
        Setting("JUNCTION_PORT", alias: "PORT", flag: "port", "Port to listen on", default: "8080", \.port, parsePort),
        Setting(
            "JUNCTION_DATA_DIR", flag: "data-dir", "Folder for the SQLite file and the secret key file",
            default: ".junction"
        ) { configuration, text, _ in configuration.dataDirectory = text },
        Setting(
            "JUNCTION_DATABASE_URL", flag: "database-url", "postgres://… or sqlite://PATH",
            default: "<data-dir>/junction.sqlite"
        ) { configuration, text, _ in configuration.databaseURL = text },
        Setting(
            "JUNCTION_SECRET_KEY", "The 32-byte key (base64 or hex) that encrypts stored credentials",
            default: "read from the key file"
        ) { configuration, text, _ in configuration.secretKey = text },
        Setting(
            "JUNCTION_SECRET_KEYS_PREVIOUS",
            "Earlier secret keys that still open stored credentials during a rotation (space-separated)",
            default: "none"
        ) { configuration, text, _ in
            configuration.secretKeysPrevious = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        },
        Setting(
            "JUNCTION_SECRET_KEY_FILE", flag: "secret-key-file",
            "File holding the secret key; created with mode 0600 on first start", default: "<data-dir>/secret.key"
        ) { configuration, text, _ in configuration.secretKeyFile = text },
        Setting(
            "JUNCTION_API_KEY", "API key to register on start (at least 20 characters)",
            default: "none: an empty database gets a generated key, printed once"
        ) { configuration, text, _ in configuration.apiKey = text },
        Setting(
            "JUNCTION_LOG_LEVEL", flag: "log-level", "trace, debug, info, notice, warning, error or critical",
            default: "info", \.logLevel, parseLogLevel),
        Setting(
            "JUNCTION_LOG_FORMAT", flag: "log-format", "text or json (one object per line)", default: "text", \.logJSON,
            parseLogFormat),
        Setting(
            "JUNCTION_MAX_BODY_BYTES", flag: "max-body-bytes", "Largest accepted request body in bytes",
            default: "33554432 (32 MiB)", \.maxBodyBytes, parseByteCount),
        Setting(
            "JUNCTION_AUTO_MIGRATE", flag: "auto-migrate", "Apply pending database migrations on start", default: "on",
            \.autoMigrate, parseBool),
        Setting(
            "JUNCTION_DEMO", flag: "demo",
            "On an empty database, connect a demo integration to an in-process Personio sandbox", default: "on", \.demo,
            parseBool),
        Setting(
            "JUNCTION_DEMO_SANDBOX_PORT", flag: "demo-sandbox-port", "Port of the demo's Personio sandbox on 127.0.0.1",
            default: "9091", \.demoSandboxPort, parsePort),
        Setting(
            "JUNCTION_DEMO_JOBS", flag: "demo-jobs", "Jobs in a new demo's sandbox", default: "40", \.demoJobs,
            count(minimum: 1)),
        Setting(
            "JUNCTION_DEMO_CANDIDATES", flag: "demo-candidates", "Candidates in a new demo's sandbox", default: "400",
            \.demoCandidates, count(minimum: 0)),
        Setting(
            "JUNCTION_SCHEDULER", flag: "scheduler", "Run syncs on a schedule", default: "on", \.scheduler, parseBool),
        Setting(
            "JUNCTION_SYNC_DELTA_SECONDS", flag: "sync-delta-seconds", "Seconds between DELTA syncs of an integration",
            default: "300", \.syncDeltaSeconds, parseInterval),
        Setting(
            "JUNCTION_SYNC_FULL_SECONDS", flag: "sync-full-seconds", "Seconds between FULL syncs of an integration",
            default: "21600 (6 hours)", \.syncFullSeconds, parseInterval),
        Setting(
            "JUNCTION_SYNC_WORKERS", flag: "sync-workers",
            "Sync runs one instance holds at once (at most half of them FULLs, rounded up)",
            default: "4", \.syncWorkers, count(minimum: 1)),
        Setting(
            "JUNCTION_SYNC_RUN_TIMEOUT_SECONDS", flag: "sync-run-timeout-seconds",
            "Seconds after which a sync run still going is stopped and recorded as failed",
            default: "3600 (1 hour)", \.syncRunTimeoutSeconds, parseInterval),
        Setting(
            "JUNCTION_PERSONIO_REQUESTS_PER_SECOND", flag: "personio-requests-per-second",
            "Average requests per second to one Personio account, syncs, writes and passthrough together",
            default: "10", \.personioRequestsPerSecond, parseRate),
        Setting(
            "JUNCTION_PERSONIO_MAX_CONCURRENT", flag: "personio-max-concurrent",
            "Requests in flight to one Personio account at once", default: "4", \.personioMaxConcurrent,
            parseConcurrency),
        Setting(
            "JUNCTION_PERSONIO_WRITES_PER_MINUTE",
            "Application writes per minute to one Personio account (Personio allows 20; raise only against a sandbox)",
            default: "20", \.personioWritesPerMinute, count(minimum: 1)),
        Setting(
            "JUNCTION_ATTACHMENTS_ALLOW_PRIVATE_URLS",
            "Let attachments' data_url point to private addresses: true, false or address blocks (10.0.0.0/8,…)",
            default: "off", \.attachmentsPrivateAccess, parseAccess),
        Setting(
            "JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS",
            "Let webhook receivers have private addresses: true, false or address blocks", default: "off",
            \.webhooksPrivateAccess, parseAccess),
        Setting("JUNCTION_METRICS", "Who may read /metrics: open, key or off", default: "key") {
            (configuration, text, source) throws(ConfigurationError) in
            guard let access = MetricsAccess(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(source) must be open, key or off, not '\(text)'")
            }
            configuration.metricsAccess = access
        },
        Setting(
            "JUNCTION_RATE_LIMIT_AUTH_FAILURES",
            "Wrong API keys per minute per client address and key prefix before 429 (0 = no limit)", default: "30",
            \.authFailuresPerMinute, count(minimum: 0)),
        Setting(
            "JUNCTION_RATE_LIMIT_SIGN_IN_FAILURES",
            "Failed dashboard sign-ins per minute per client address (0 = no limit)", default: "10",
            \.signInFailuresPerMinute, count(minimum: 0)),
        Setting(
            "JUNCTION_RATE_LIMIT_CONNECT_TESTS", "Credential tests per hour on one connect link (0 = no limit)",
            default: "20", \.connectTestsPerHour, count(minimum: 0)),
        Setting(
            "JUNCTION_REQUEST_HEAD_TIMEOUT", "Seconds a client has to send a request's head", default: "10",
            \.requestHeadTimeoutSeconds, parseTimeout),
        Setting(
            "JUNCTION_REQUEST_BODY_TIMEOUT", "Seconds a client has to send a request's body", default: "60",
            \.requestBodyTimeoutSeconds, parseTimeout),
        Setting(
            "JUNCTION_IDLE_TIMEOUT", "Seconds a kept-alive connection may wait for its next request", default: "60",
            \.idleTimeoutSeconds, parseTimeout),
        Setting(
            "JUNCTION_MAX_CONNECTIONS", "Connections served at once", default: "2000", \.maxConnections,
            count(minimum: 1)),
        Setting(
            "JUNCTION_CONNECT_EMBED_ORIGINS",
            "Origins of the apps that frame EMBEDDED connect links and receive the activation token (space-separated)",
            default: "any", \.connectEmbedOrigins, parseOrigins),
        Setting(
            "JUNCTION_PERSONIO_PARTNER_ID", "X-Personio-Partner-ID sent with every request to Personio",
            default: "none", \.personioPartnerID, parseHeaderValue),
        Setting(
            "JUNCTION_PERSONIO_APP_ID", "X-Personio-App-ID sent with every request to Personio", default: "JUNCTION",
            \.personioAppID, parseHeaderValue),
        Setting(
            "JUNCTION_PUBLIC_URL", flag: "public-url", "Address this server is reached at, for connect links",
            default: "http://<host>:<port>", \.publicURL, parseHTTPURL),
        Setting(
            "JUNCTION_CONNECT_PERSONIO_BASE_URL", flag: "connect-personio-base-url",
            "Personio address connect flows use instead of Personio's hosts (a sandbox or proxy)",
            default: "Personio's hosts", \.connectPersonioBaseURL, parseHTTPURL),
        Setting(
            "JUNCTION_WEBHOOK_RETRY_SCALE", "Factor on the webhook retry schedule (1 = about 24 hours)", default: "1"
        ) { (configuration, text, source) throws(ConfigurationError) in
            guard let factor = Double(text), factor > 0, factor <= 100 else {
                throw ConfigurationError("\(source) must be a number above 0 and at most 100, not '\(text)'")
            }
            configuration.webhookRetryScale = factor
        },
        Setting(
            "JUNCTION_WEBHOOK_MAX_ATTEMPTS", "Attempts before a webhook delivery is dead-lettered", default: "12",
            \.webhookMaxAttempts, count(minimum: 1)),
        Setting(
            "JUNCTION_RETENTION_DELETED_RECORDS_DAYS",
            "Days a record deleted in Personio keeps its data before it becomes a tombstone (0 = at once)",
            default: "14", \.retention.deletedRecords, days),
        Setting(
            "JUNCTION_RETENTION_LOGS_DAYS", "Days activity and request logs and webhook attempt errors are kept",
            default: "30", \.retention.logs, days),
        Setting(
            "JUNCTION_RETENTION_WEBHOOK_EVENTS_DAYS",
            "Days a webhook event is kept once none of its deliveries is pending",
            default: "30", \.retention.webhookEvents, days),
        Setting(
            "JUNCTION_RETENTION_IDEMPOTENCY_DAYS", "Days an Idempotency-Key's answer is kept for retries", default: "1",
            \.retention.idempotentAnswers, days),
        Setting(
            "JUNCTION_RETENTION_CONNECT_LINKS_DAYS", "Days an expired connect link is kept", default: "30",
            \.retention.connectLinks, days),
    ]

    /// Whole days from 0 to 3650, as seconds.
    static let days: @Sendable (String, String) throws(ConfigurationError) -> TimeInterval = {
        text, source throws(ConfigurationError) in
        guard let days = Int(text), (0...3650).contains(days) else {
            throw ConfigurationError("\(source) must be a whole number of days from 0 to 3650, not '\(text)'")
        }
        return TimeInterval(days) * 86_400
    }

    /// A whole number from `minimum` up (`parseCount`).
    static func count(minimum: Int) -> @Sendable (String, String) throws(ConfigurationError) -> Int {
        { text, source throws(ConfigurationError) in try parseCount(text, source: source, minimum: minimum) }
    }

    /// The setting of a flag; a flag the table does not have is a programming error.
    public static func setting(flag: String) -> Setting {
        guard let setting = settings.first(where: { $0.flag == flag }) else {
            preconditionFailure("no setting has the flag --\(flag)")
        }
        return setting
    }

    /// Sets the setting of `--flag` from its text, read as its variable would be.
    public mutating func apply(flag: String, _ text: String) throws(ConfigurationError) {
        try Self.setting(flag: flag).apply(&self, text, "--" + flag)
    }

    /// Reads the settings' environment variables over the defaults. Invalid values are errors
    /// that name the variable, never silently replaced by a default; an empty value counts as unset.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError)
        -> JunctionConfiguration
    {
        var configuration = JunctionConfiguration()
        for setting in settings {
            for name in setting.environment {
                guard let text = environment[name], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    continue
                }
                try setting.apply(&configuration, text, name)
                break
            }
        }
        return configuration
    }
}
