import Foundation
import JunctionConnectors
import JunctionServer
import Logging
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("with nothing set, the documented defaults apply")
    func defaults() throws {
        let configuration = try JunctionConfiguration.fromEnvironment([:])

        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == ".junction")
        #expect(try configuration.databaseLocation == .sqlite(path: ".junction/junction.sqlite"))
        #expect(configuration.resolvedSecretKeyFile == ".junction/secret.key")
        #expect(configuration.logLevel == .info)
        #expect(configuration.maxBodyBytes == 33_554_432)
        #expect(configuration.autoMigrate)
        #expect(configuration.demo)
        #expect(configuration.demoSandboxPort == 9091)
    }

    @Test("every variable is read")
    func readsVariables() throws {
        let configuration = try JunctionConfiguration.fromEnvironment([
            "JUNCTION_HOST": "0.0.0.0", "PORT": "9000", "JUNCTION_DATA_DIR": "/var/lib/junction",
            "JUNCTION_DATABASE_URL": "postgres://u:p@db:5432/junction", "JUNCTION_SECRET_KEY": "k",
            "JUNCTION_SECRET_KEY_FILE": "/run/key", "JUNCTION_API_KEY": "a", "JUNCTION_LOG_LEVEL": "DEBUG",
            "JUNCTION_MAX_BODY_BYTES": "2048", "JUNCTION_AUTO_MIGRATE": "false", "JUNCTION_DEMO": "no",
            "JUNCTION_DEMO_SANDBOX_PORT": "9500",
        ])

        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(try configuration.databaseLocation == .postgres(url: "postgres://u:p@db:5432/junction"))
        #expect(configuration.secretKey == "k")
        #expect(configuration.resolvedSecretKeyFile == "/run/key")
        #expect(configuration.apiKey == "a")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.maxBodyBytes == 2048)
        #expect(!configuration.autoMigrate)
        #expect(!configuration.demo)
        #expect(configuration.demoSandboxPort == 9500)
    }

    @Test("the README's settings table and the settings table name the same variables and flags")
    func readmeMatchesSettings() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex(of: "| setting | flag | environment | default |"))
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        let known = Set(JunctionConfiguration.settings.flatMap(\.environment))

        for setting in JunctionConfiguration.settings {
            let row = rows.first { $0.contains("`\(setting.environment[0])`") }
            #expect(row != nil, "README has no row for \(setting.environment[0])")
            if let row, let flag = setting.flag {
                #expect(row.contains("`--\(flag)`"), "README's row for \(setting.environment[0]) lacks --\(flag)")
            }
            if let row, setting.flag == nil {
                #expect(row.split(separator: "|")[1].contains("–"), "README gives \(setting.environment[0]) a flag")
            }
        }
        let named = rows.flatMap { row in
            row.split(separator: "`").filter { $0.hasPrefix("JUNCTION_") || $0 == "PORT" }.map(String.init)
        }
        #expect(!named.isEmpty)
        for name in named { #expect(known.contains(name), "README names \(name), which no setting reads") }
    }

    @Test("a flag reads its text as its variable does, and its error names the flag")
    func flagsReadLikeVariables() throws {
        var fromFlags = JunctionConfiguration()
        try fromFlags.apply(flag: "port", "9099")
        try fromFlags.apply(flag: "demo", "false")
        try fromFlags.apply(flag: "sync-delta-seconds", "60")
        let fromEnvironment = try JunctionConfiguration.fromEnvironment([
            "JUNCTION_PORT": "9099", "JUNCTION_DEMO": "false", "JUNCTION_SYNC_DELTA_SECONDS": "60",
        ])

        #expect(fromFlags == fromEnvironment)
        #expect(fromFlags.port == 9099 && !fromFlags.demo && fromFlags.syncDeltaSeconds == 60)
        let error = try #require(throws: ConfigurationError.self) {
            var configuration = JunctionConfiguration()
            try configuration.apply(flag: "port", "70000")
        }
        #expect(error.message.hasPrefix("--port must be a port number"))
    }

    @Test("JUNCTION_PORT wins over PORT")
    func portPrecedence() throws {
        #expect(try JunctionConfiguration.fromEnvironment(["PORT": "1", "JUNCTION_PORT": "2"]).port == 2)
    }

    @Test(
        "an invalid value is an error that names the variable",
        arguments: [
            ("PORT", "http"), ("JUNCTION_PORT", "70000"), ("JUNCTION_LOG_LEVEL", "loud"),
            ("JUNCTION_MAX_BODY_BYTES", "12"), ("JUNCTION_AUTO_MIGRATE", "maybe"),
        ])
    func invalidValues(name: String, value: String) {
        #expect {
            try JunctionConfiguration.fromEnvironment([name: value])
        } throws: { error in
            (error as? ConfigurationError)?.message.contains(name) == true
        }
    }

    @Test("a database URL with an unknown scheme is refused; the password never shows in descriptions")
    func databaseURLs() throws {
        var configuration = JunctionConfiguration()
        configuration.databaseURL = "mysql://db/junction"
        #expect(throws: (any Error).self) { try configuration.databaseLocation }

        configuration.databaseURL = "postgres://user:hunter2@db:5432/junction"
        #expect(!(try configuration.databaseLocation.description.contains("hunter2")))
    }

    @Test("the security settings: defaults, values, and errors that name the variable")
    func securitySettings() throws {
        let defaults = try JunctionConfiguration.fromEnvironment([:])
        let set = try JunctionConfiguration.fromEnvironment([
            "JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS": "10.20.0.0/16,fd00::/8",
            "JUNCTION_ATTACHMENTS_ALLOW_PRIVATE_URLS": "true", "JUNCTION_METRICS": "open",
            "JUNCTION_RATE_LIMIT_AUTH_FAILURES": "0", "JUNCTION_REQUEST_HEAD_TIMEOUT": "5",
            "JUNCTION_CONNECT_EMBED_ORIGINS": "https://app.example.com http://localhost:3000",
        ])

        #expect(defaults.webhooksPrivateAccess == .none && defaults.attachmentsPrivateAccess == .none)
        #expect(defaults.metricsAccess == .key)
        #expect(defaults.authFailuresPerMinute == 30 && defaults.signInFailuresPerMinute == 10)
        #expect(defaults.requestHeadTimeoutSeconds == 10 && defaults.connectEmbedOrigins.isEmpty)
        #expect(set.webhooksPrivateAccess == .ranges([IPRange("10.20.0.0/16")!, IPRange("fd00::/8")!]))
        #expect(set.attachmentsPrivateAccess == .all)
        #expect(set.metricsAccess == .open)
        #expect(set.authFailuresPerMinute == 0)
        #expect(set.requestHeadTimeoutSeconds == 5)
        #expect(set.connectEmbedOrigins == ["https://app.example.com", "http://localhost:3000"])
        for (name, value) in [
            ("JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS", "intranet"), ("JUNCTION_METRICS", "public"),
            ("JUNCTION_REQUEST_HEAD_TIMEOUT", "0"), ("JUNCTION_CONNECT_EMBED_ORIGINS", "https://a.example/path"),
        ] {
            #expect {
                _ = try JunctionConfiguration.fromEnvironment([name: value])
            } throws: { error in
                (error as? ConfigurationError)?.message.contains(name) == true
            }
        }
    }
}
