import ArgumentParser
import Foundation
import JunctionServer
import Logging

/// Options every subcommand that opens the store shares. Each flag overrides its environment
/// variable, which overrides the default; what each means, and how its text is read, is the
/// setting's (`JunctionConfiguration.settings`).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: .setting("data-dir")) var dataDirectory: String?
    @Option(name: .customLong("database-url"), help: .setting("database-url")) var databaseURL: String?
    @Option(name: .customLong("secret-key-file"), help: .setting("secret-key-file")) var secretKeyFile: String?
    @Option(name: .customLong("log-level"), help: .setting("log-level")) var logLevel: String?
    @Option(name: .customLong("log-format"), help: .setting("log-format")) var logFormat: String?

    func configuration() throws -> JunctionConfiguration {
        var configuration: JunctionConfiguration
        do {
            configuration = try JunctionConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        try configuration.apply([
            ("data-dir", dataDirectory), ("database-url", databaseURL), ("secret-key-file", secretKeyFile),
            ("log-level", logLevel), ("log-format", logFormat),
        ])
        return configuration
    }
}

extension ArgumentHelp {
    /// The help of a setting's flag, from the settings table.
    static func setting(_ flag: String) -> ArgumentHelp { ArgumentHelp(JunctionConfiguration.setting(flag: flag).help) }
}

extension JunctionConfiguration {
    /// Sets each flag that was given (`nil` = not given), read as its variable would be; a bad
    /// value is a usage error naming the flag.
    mutating func apply(_ flags: [(flag: String, text: String?)]) throws {
        do {
            for (flag, text) in flags {
                if let text { try apply(flag: flag, text) }
            }
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Sends log lines to standard error at the configured level, once per process.
func bootstrapLogging(level: Logger.Level, json: Bool = false) -> Logger {
    LoggingSystem.bootstrap { label in
        if json { return JSONLogHandler(label: label, level: level) }
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "junction")
    logger.logLevel = level
    return logger
}

/// Limits on the requests sent to each Personio account (serve and sync).
struct PersonioOptions: ParsableArguments {
    @Option(name: .customLong("personio-requests-per-second"), help: .setting("personio-requests-per-second"))
    var personioRequestsPerSecond: String?
    @Option(name: .customLong("personio-max-concurrent"), help: .setting("personio-max-concurrent"))
    var personioMaxConcurrent: String?

    func apply(to configuration: inout JunctionConfiguration) throws {
        try configuration.apply([
            ("personio-requests-per-second", personioRequestsPerSecond),
            ("personio-max-concurrent", personioMaxConcurrent),
        ])
    }
}
