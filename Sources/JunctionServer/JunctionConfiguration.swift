import Foundation
import JunctionConnectors
import JunctionStore
import Logging

/// Every setting of a Junction process. Each has a default, an environment variable, and (except
/// the two secrets) a command-line flag; the README lists them all.
public struct JunctionConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Folder for the default SQLite file and the generated secret key file.
    public var dataDirectory = ".junction"
    /// `postgres://…`, `sqlite://PATH` or a file path; nil means `<dataDirectory>/junction.sqlite`.
    public var databaseURL: String?
    /// The 32-byte secret key, base64 or hex. Environment only: a flag would show in `ps`.
    public var secretKey: String?
    /// Where the secret key is kept when `secretKey` is not set; nil means `<dataDirectory>/secret.key`.
    public var secretKeyFile: String?
    /// A key to register on start (environment only, like every secret).
    public var apiKey: String?
    public var logLevel: Logger.Level = .info
    /// Log lines as JSON objects instead of text.
    public var logJSON = false
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Apply pending migrations on start; with false, start refuses an out-of-date schema.
    public var autoMigrate = true
    /// On an empty database, connect a demo integration to an in-process Personio sandbox, and
    /// serve that sandbox whenever the demo integration exists.
    public var demo = true
    /// Port of the demo's Personio sandbox (on 127.0.0.1).
    public var demoSandboxPort = 9091
    /// Size of a new demo's sandbox (jobs, candidates); nil keeps the sandbox's defaults (40, 400).
    public var demoJobs: Int?
    public var demoCandidates: Int?
    /// Run syncs on a schedule (the demo's first sync included).
    public var scheduler = true
    /// Seconds between DELTA syncs of an integration.
    public var syncDeltaSeconds = 300
    /// Seconds between FULL syncs of an integration.
    public var syncFullSeconds = 21_600
    /// Average requests per second to one Personio account, syncs, writes and passthrough together.
    public var personioRequestsPerSecond: Double = 10
    /// Requests in flight to one Personio account at once.
    public var personioMaxConcurrent = 4
    /// Writes (application creations) per minute to one Personio account: Personio's documented
    /// company limit of its v1 recruiting API is 20 ([C] `reference/personio-api.md`). Raise it
    /// only against a sandbox or a proxy that allows more.
    public var personioWritesPerMinute = 20
    /// Which private addresses attachments' `data_url` may point to (tests, local setups). None
    /// by default: a request must not make Junction fetch from its own network.
    public var attachmentsPrivateAccess: PrivateAddressAccess = .none
    /// Which private addresses webhook receivers may have (receivers on the operator's own
    /// network). None by default, for the same reason.
    public var webhooksPrivateAccess: PrivateAddressAccess = .none
    /// Who may read `/metrics`: anyone, holders of an API key, or nobody.
    public var metricsAccess: MetricsAccess = .key
    /// Failed API-key authentications per minute, per client address and per key prefix.
    public var authFailuresPerMinute = 30
    /// Failed dashboard sign-ins per minute, per client address.
    public var signInFailuresPerMinute = 10
    /// Credential tests per hour on one connect link.
    public var connectTestsPerHour = 20
    /// Seconds a client has to send a request's head (from connecting), its body (from the
    /// head), and the next request on a kept-alive connection.
    public var requestHeadTimeoutSeconds = 10
    public var requestBodyTimeoutSeconds = 60
    public var idleTimeoutSeconds = 60
    /// Connections served at once; further ones wait in the kernel's queue.
    public var maxConnections = 2000
    /// Origins of the apps that embed EMBEDDED connect links (`https://app.example.com`): the
    /// only pages that may frame them and receive the finished flow's token. Empty means any.
    public var connectEmbedOrigins: [String] = []
    /// The partner id Personio gave the operator, sent as `X-Personio-Partner-ID` on every
    /// request to Personio; none by default.
    public var personioPartnerID: String?
    /// Sent as `X-Personio-App-ID` on every request to Personio.
    public var personioAppID = "JUNCTION"
    /// The address users and end customers reach this server at, for connect links; nil means
    /// `http://<host>:<port>`.
    public var publicURL: String?
    /// Where connect flows reach Personio (API and career site) instead of Personio's own hosts:
    /// a sandbox or a proxy. Set by the operator, never by the end customer, so a connect form
    /// cannot point Junction at an address of its choosing.
    public var connectPersonioBaseURL: String?
    /// Webhook retries: the default schedule (10 s … 8 h, about 24 hours in all) times this
    /// factor, and the attempts before a delivery is dead-lettered.
    public var webhookRetryScale: Double = 1
    public var webhookMaxAttempts = 12

    public init() {}

    /// The base of connect and dashboard links, without a trailing slash.
    public var resolvedPublicURL: String {
        let url = publicURL ?? "http://\(host):\(port)"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `scheme://host[:port]` of the public URL.
    public var publicOrigin: String {
        guard let url = URL(string: resolvedPublicURL), let scheme = url.scheme, let host = url.host else {
            return resolvedPublicURL
        }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    public var databaseLocation: DatabaseLocation {
        get throws {
            try DatabaseLocation.parse(
                databaseURL ?? (dataDirectory as NSString).appendingPathComponent("junction.sqlite"))
        }
    }

    public var resolvedSecretKeyFile: String {
        secretKeyFile ?? (dataDirectory as NSString).appendingPathComponent("secret.key")
    }

    /// The settings' environment variables, with what each sets; the CLI's help shows these.
    public static let environmentVariables: [(name: String, meaning: String)] = [
        ("JUNCTION_HOST", "address to listen on"),
        ("PORT / JUNCTION_PORT", "port to listen on"),
        ("JUNCTION_DATA_DIR", "folder for the SQLite file and the secret key file"),
        ("JUNCTION_DATABASE_URL", "postgres://… or sqlite://PATH"),
        ("JUNCTION_SECRET_KEY", "32-byte key (base64 or hex) that encrypts credentials"),
        ("JUNCTION_SECRET_KEY_FILE", "file holding that key, created on first start"),
        ("JUNCTION_API_KEY", "API key to register on start"),
        ("JUNCTION_LOG_LEVEL", "trace, debug, info, notice, warning, error, critical"),
        ("JUNCTION_LOG_FORMAT", "text or json"),
        ("JUNCTION_MAX_BODY_BYTES", "largest accepted request body"),
        ("JUNCTION_AUTO_MIGRATE", "true or false: apply migrations on start"),
        ("JUNCTION_DEMO", "true or false: demo integration backed by an in-process Personio sandbox"),
        ("JUNCTION_DEMO_SANDBOX_PORT", "port of the demo's Personio sandbox"),
        ("JUNCTION_DEMO_JOBS", "jobs in a new demo's sandbox"),
        ("JUNCTION_DEMO_CANDIDATES", "candidates in a new demo's sandbox"),
        ("JUNCTION_SCHEDULER", "true or false: run syncs on a schedule"),
        ("JUNCTION_SYNC_DELTA_SECONDS", "seconds between DELTA syncs of an integration"),
        ("JUNCTION_SYNC_FULL_SECONDS", "seconds between FULL syncs of an integration"),
        ("JUNCTION_PERSONIO_REQUESTS_PER_SECOND", "average requests per second to one Personio account"),
        ("JUNCTION_PERSONIO_MAX_CONCURRENT", "requests in flight to one Personio account at once"),
        ("JUNCTION_PERSONIO_WRITES_PER_MINUTE", "application writes per minute to one Personio account (Personio: 20)"),
        (
            "JUNCTION_ATTACHMENTS_ALLOW_PRIVATE_URLS",
            "true, false or address blocks (10.0.0.0/8,…): private data_url hosts"
        ),
        (
            "JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS",
            "true, false or address blocks (10.0.0.0/8,…): private webhook receivers"
        ),
        ("JUNCTION_METRICS", "open, key or off: who may read /metrics"),
        (
            "JUNCTION_RATE_LIMIT_AUTH_FAILURES",
            "failed API-key checks per minute per client address and key prefix (0 = off)"
        ),
        ("JUNCTION_RATE_LIMIT_SIGN_IN_FAILURES", "failed dashboard sign-ins per minute per client address (0 = off)"),
        ("JUNCTION_RATE_LIMIT_CONNECT_TESTS", "credential tests per hour per connect link (0 = off)"),
        ("JUNCTION_REQUEST_HEAD_TIMEOUT", "seconds to send a request's head"),
        ("JUNCTION_REQUEST_BODY_TIMEOUT", "seconds to send a request's body"),
        ("JUNCTION_IDLE_TIMEOUT", "seconds a kept-alive connection may wait for its next request"),
        ("JUNCTION_MAX_CONNECTIONS", "connections served at once"),
        ("JUNCTION_CONNECT_EMBED_ORIGINS", "origins that may frame EMBEDDED connect links (space-separated)"),
        ("JUNCTION_PERSONIO_PARTNER_ID", "X-Personio-Partner-ID sent with every request to Personio"),
        ("JUNCTION_PERSONIO_APP_ID", "X-Personio-App-ID sent with every request to Personio (default JUNCTION)"),
        ("JUNCTION_PUBLIC_URL", "address this server is reached at, for connect links"),
        ("JUNCTION_CONNECT_PERSONIO_BASE_URL", "Personio address for connect flows (a sandbox or proxy)"),
        ("JUNCTION_WEBHOOK_RETRY_SCALE", "factor on the webhook retry schedule (1 = about 24 hours)"),
        ("JUNCTION_WEBHOOK_MAX_ATTEMPTS", "attempts before a webhook delivery is dead-lettered"),
    ]

    /// Reads the settings' environment variables over the defaults. Invalid values are errors
    /// that name the variable, never silently replaced by a default.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError)
        -> JunctionConfiguration
    {
        var configuration = JunctionConfiguration()
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        /// Sets `setting` from variable `name` when it is present, parsed by `parse` (which gets
        /// the text and the variable's name for its error).
        func read<Value>(
            _ setting: WritableKeyPath<JunctionConfiguration, Value>, _ name: String,
            _ parse: (String, String) throws(ConfigurationError) -> Value
        ) throws(ConfigurationError) {
            if let text = value(name) { configuration[keyPath: setting] = try parse(text, name) }
        }
        func count(minimum: Int) -> (String, String) throws(ConfigurationError) -> Int {
            { text, name throws(ConfigurationError) in try parseCount(text, source: name, minimum: minimum) }
        }
        let text: (String, String) throws(ConfigurationError) -> String = { text, _ in text }
        let optionalText: (String, String) throws(ConfigurationError) -> String? = { text, _ in text }

        try read(\.host, "JUNCTION_HOST", text)
        if let port = value("JUNCTION_PORT") ?? value("PORT") {
            configuration.port = try parsePort(
                port, source: environment["JUNCTION_PORT"] != nil ? "JUNCTION_PORT" : "PORT")
        }
        try read(\.dataDirectory, "JUNCTION_DATA_DIR", text)
        try read(\.databaseURL, "JUNCTION_DATABASE_URL", optionalText)
        try read(\.secretKey, "JUNCTION_SECRET_KEY", optionalText)
        try read(\.secretKeyFile, "JUNCTION_SECRET_KEY_FILE", optionalText)
        try read(\.apiKey, "JUNCTION_API_KEY", optionalText)
        try read(\.logLevel, "JUNCTION_LOG_LEVEL") { text, name throws(ConfigurationError) in
            try parseLogLevel(text, source: name)
        }
        try read(\.logJSON, "JUNCTION_LOG_FORMAT") { text, name throws(ConfigurationError) in
            try parseLogFormat(text, source: name)
        }
        try read(\.maxBodyBytes, "JUNCTION_MAX_BODY_BYTES") { text, name throws(ConfigurationError) in
            try parseByteCount(text, source: name)
        }
        try read(\.autoMigrate, "JUNCTION_AUTO_MIGRATE", parseBool)
        try read(\.demo, "JUNCTION_DEMO", parseBool)
        try read(\.demoSandboxPort, "JUNCTION_DEMO_SANDBOX_PORT") { text, name throws(ConfigurationError) in
            try parsePort(text, source: name)
        }
        try read(\.demoJobs, "JUNCTION_DEMO_JOBS") { text, name throws(ConfigurationError) in
            try parseCount(text, source: name, minimum: 1)
        }
        try read(\.demoCandidates, "JUNCTION_DEMO_CANDIDATES") { text, name throws(ConfigurationError) in
            try parseCount(text, source: name, minimum: 0)
        }
        try read(\.scheduler, "JUNCTION_SCHEDULER", parseBool)
        try read(\.syncDeltaSeconds, "JUNCTION_SYNC_DELTA_SECONDS", parseInterval)
        try read(\.syncFullSeconds, "JUNCTION_SYNC_FULL_SECONDS", parseInterval)
        try read(\.publicURL, "JUNCTION_PUBLIC_URL") { text, name throws(ConfigurationError) in
            try parseHTTPURL(text, source: name)
        }
        try read(\.connectPersonioBaseURL, "JUNCTION_CONNECT_PERSONIO_BASE_URL") {
            text, name throws(ConfigurationError) in try parseHTTPURL(text, source: name)
        }
        try read(\.webhookRetryScale, "JUNCTION_WEBHOOK_RETRY_SCALE") { text, name throws(ConfigurationError) in
            guard let factor = Double(text), factor > 0, factor <= 100 else {
                throw ConfigurationError("\(name) must be a number above 0 and at most 100, not '\(text)'")
            }
            return factor
        }
        try read(\.webhookMaxAttempts, "JUNCTION_WEBHOOK_MAX_ATTEMPTS", count(minimum: 1))
        try read(\.attachmentsPrivateAccess, "JUNCTION_ATTACHMENTS_ALLOW_PRIVATE_URLS", parseAccess)
        try read(\.webhooksPrivateAccess, "JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS", parseAccess)
        try read(\.metricsAccess, "JUNCTION_METRICS") { text, name throws(ConfigurationError) in
            guard let access = MetricsAccess(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(name) must be open, key or off, not '\(text)'")
            }
            return access
        }
        try read(\.authFailuresPerMinute, "JUNCTION_RATE_LIMIT_AUTH_FAILURES", count(minimum: 0))
        try read(\.signInFailuresPerMinute, "JUNCTION_RATE_LIMIT_SIGN_IN_FAILURES", count(minimum: 0))
        try read(\.connectTestsPerHour, "JUNCTION_RATE_LIMIT_CONNECT_TESTS", count(minimum: 0))
        try read(\.requestHeadTimeoutSeconds, "JUNCTION_REQUEST_HEAD_TIMEOUT", parseTimeout)
        try read(\.requestBodyTimeoutSeconds, "JUNCTION_REQUEST_BODY_TIMEOUT", parseTimeout)
        try read(\.idleTimeoutSeconds, "JUNCTION_IDLE_TIMEOUT", parseTimeout)
        try read(\.maxConnections, "JUNCTION_MAX_CONNECTIONS", count(minimum: 1))
        try read(\.connectEmbedOrigins, "JUNCTION_CONNECT_EMBED_ORIGINS", parseOrigins)
        try read(\.personioPartnerID, "JUNCTION_PERSONIO_PARTNER_ID") { text, name throws(ConfigurationError) in
            try parseHeaderValue(text, source: name)
        }
        try read(\.personioAppID, "JUNCTION_PERSONIO_APP_ID") { text, name throws(ConfigurationError) in
            try parseHeaderValue(text, source: name)
        }
        try read(\.personioRequestsPerSecond, "JUNCTION_PERSONIO_REQUESTS_PER_SECOND", parseRate)
        try read(\.personioMaxConcurrent, "JUNCTION_PERSONIO_MAX_CONCURRENT", parseConcurrency)
        try read(\.personioWritesPerMinute, "JUNCTION_PERSONIO_WRITES_PER_MINUTE", count(minimum: 1))
        return configuration
    }

    public static func parseCount(_ text: String, source: String, minimum: Int) throws(ConfigurationError) -> Int {
        guard let count = Int(text), (minimum...2_000_000).contains(count) else {
            throw ConfigurationError("\(source) must be a whole number from \(minimum) to 2000000, not '\(text)'")
        }
        return count
    }

    public static func parseRate(_ text: String, source: String) throws(ConfigurationError) -> Double {
        guard let rate = Double(text), rate.isFinite, rate >= 0.1, rate <= 1000 else {
            throw ConfigurationError(
                "\(source) must be a number of requests per second from 0.1 to 1000, not '\(text)'")
        }
        return rate
    }

    public static func parseConcurrency(_ text: String, source: String) throws(ConfigurationError) -> Int {
        guard let count = Int(text), (1...64).contains(count) else {
            throw ConfigurationError("\(source) must be a whole number from 1 to 64, not '\(text)'")
        }
        return count
    }

    public static func parsePort(_ text: String, source: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigurationError("\(source) must be a port number from 0 to 65535, not '\(text)'")
        }
        return port
    }

    public static func parseLogLevel(_ text: String, source: String) throws(ConfigurationError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError("\(source) must be one of \(names), not '\(text)'")
        }
        return level
    }

    public static func parseByteCount(_ text: String, source: String) throws(ConfigurationError) -> Int {
        guard let bytes = Int(text), bytes >= 1024 else {
            throw ConfigurationError("\(source) must be a whole number of bytes, at least 1024, not '\(text)'")
        }
        return bytes
    }

    public static func parseInterval(_ text: String, source: String) throws(ConfigurationError) -> Int {
        guard let seconds = Int(text), seconds >= 10 else {
            throw ConfigurationError("\(source) must be a whole number of seconds, at least 10, not '\(text)'")
        }
        return seconds
    }

    /// An absolute http(s) URL without query or fragment, trailing slash removed.
    public static func parseHTTPURL(_ text: String, source: String) throws(ConfigurationError) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false, url.query == nil, url.fragment == nil
        else { throw ConfigurationError("\(source) must be an http:// or https:// address, not '\(text)'") }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    static func parseAccess(_ text: String, source: String) throws(ConfigurationError) -> PrivateAddressAccess {
        do {
            return try PrivateAddressAccess(setting: text)
        } catch {
            throw ConfigurationError("\(source): \(error.message)")
        }
    }

    /// Printable ASCII without spaces: it goes into a request header.
    static func parseHeaderValue(_ text: String, source: String) throws(ConfigurationError) -> String {
        guard text.count <= 200, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ConfigurationError("\(source) must be printable ASCII without spaces, not '\(text)'")
        }
        return text
    }

    static func parseTimeout(_ text: String, source: String) throws(ConfigurationError) -> Int {
        guard let seconds = Int(text), (1...3600).contains(seconds) else {
            throw ConfigurationError("\(source) must be a whole number of seconds from 1 to 3600, not '\(text)'")
        }
        return seconds
    }

    /// Space- or comma-separated `scheme://host[:port]` origins, nothing after the authority.
    static func parseOrigins(_ text: String, source: String) throws(ConfigurationError) -> [String] {
        var origins: [String] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let item = String(part)
            guard let url = URL(string: item), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                url.host?.isEmpty == false, url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil,
                item.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "'" && $0 != "\"" })
            else { throw ConfigurationError("\(source) must list origins like https://app.example.com, not '\(item)'") }
            origins.append(item)
        }
        return origins
    }

    /// true for `json`, false for `text`.
    public static func parseLogFormat(_ text: String, source: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "json": return true
        case "text": return false
        default: throw ConfigurationError("\(source) must be text or json, not '\(text)'")
        }
    }

    static func parseBool(_ text: String, source: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(source) must be true or false, not '\(text)'")
        }
    }
}

/// Who may read `/metrics`.
public enum MetricsAccess: String, Sendable, Equatable {
    /// Anyone who reaches the port (put it behind a firewall or proxy).
    case open
    /// Requests with a valid API key (`Authorization: Bearer …`), as the API.
    case key
    /// Not served.
    case off
}

/// A setting with an unusable value; the message names the setting.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
