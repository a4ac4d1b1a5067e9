import Foundation
import JunctionConnectors
import JunctionStore
import Logging

/// Every setting of a Junction process, with its default. How each is set (its environment
/// variable, its flag, its help text) is declared once, in `JunctionConfiguration.settings`;
/// the README's table lists the same, and a test holds the two together.
public struct JunctionConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Folder for the default SQLite file and the generated secret key file.
    public var dataDirectory = ".junction"
    /// `postgres://…`, `sqlite://PATH` or a file path; nil means `<dataDirectory>/junction.sqlite`.
    public var databaseURL: String?
    /// The 32-byte secret key, base64 or hex. Environment only: a flag would show in `ps`.
    public var secretKey: String?
    /// Keys of a rotation that still open stored secrets (with `secretKey`).
    public var secretKeysPrevious: [String] = []
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
    /// Sync runs one instance holds at once (at most half of them FULLs, rounded up).
    public var syncWorkers = 4
    /// Seconds after which a sync run still going is stopped and recorded as failed.
    public var syncRunTimeoutSeconds = 3600
    /// Average requests per second to one Personio account, syncs, writes and passthrough together.
    public var personioRequestsPerSecond: Double = 10
    /// Requests in flight to one Personio account at once.
    public var personioMaxConcurrent = 4
    /// Writes (application creations) per minute to one Personio account: Personio's documented
    /// company limit of its v1 recruiting API is 20 (confirmed; `docs/personio-mapping.md`). Raise it
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
    /// How long personal data outlives its use (`docs/personal-data.md`), in days each.
    public var retention = RetentionPolicy()

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
