import ArgumentParser
import Foundation
import JunctionServer
import Logging

/// Options every subcommand that opens the store shares. Each flag overrides its environment
/// variable, which overrides the default.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "Folder for the SQLite file and the secret key file. Env JUNCTION_DATA_DIR. Default: .junction")
    var dataDirectory: String?

    @Option(help: "postgres://… or sqlite://PATH. Env JUNCTION_DATABASE_URL. Default: <data-dir>/junction.sqlite")
    var databaseURL: String?

    @Option(
        help:
            "File holding the 32-byte secret key that encrypts credentials; created on first start. Env JUNCTION_SECRET_KEY_FILE (or the key itself in JUNCTION_SECRET_KEY). Default: <data-dir>/secret.key"
    )
    var secretKeyFile: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env JUNCTION_LOG_LEVEL. Default: info")
    var logLevel: String?

    @Option(help: "text or json (one object per line). Env JUNCTION_LOG_FORMAT. Default: text")
    var logFormat: String?

    func configuration() throws -> JunctionConfiguration {
        do {
            var configuration = try JunctionConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
            if let dataDirectory { configuration.dataDirectory = dataDirectory }
            if let databaseURL { configuration.databaseURL = databaseURL }
            if let secretKeyFile { configuration.secretKeyFile = secretKeyFile }
            if let logLevel {
                configuration.logLevel = try JunctionConfiguration.parseLogLevel(logLevel, source: "--log-level")
            }
            if let logFormat {
                configuration.logJSON = try JunctionConfiguration.parseLogFormat(logFormat, source: "--log-format")
            }
            return configuration
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
    @Option(
        help:
            "Average requests per second to one Personio account, all callers together. Env JUNCTION_PERSONIO_REQUESTS_PER_SECOND. Default: 10"
    )
    var personioRequestsPerSecond: String?

    @Option(
        help: "Requests in flight to one Personio account at once. Env JUNCTION_PERSONIO_MAX_CONCURRENT. Default: 4")
    var personioMaxConcurrent: String?

    func apply(to configuration: inout JunctionConfiguration) throws {
        do {
            if let personioRequestsPerSecond {
                configuration.personioRequestsPerSecond = try JunctionConfiguration.parseRate(
                    personioRequestsPerSecond, source: "--personio-requests-per-second")
            }
            if let personioMaxConcurrent {
                configuration.personioMaxConcurrent = try JunctionConfiguration.parseConcurrency(
                    personioMaxConcurrent, source: "--personio-max-concurrent")
            }
        } catch {
            throw ValidationError(error.description)
        }
    }
}
