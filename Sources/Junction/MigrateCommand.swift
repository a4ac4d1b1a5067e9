import ArgumentParser
import JunctionApp
import JunctionServer
import JunctionStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and exit."
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = try store.configuration()
        let logger = bootstrapLogging(level: configuration.logLevel, json: configuration.logJSON)
        let database = try await Database.open(try configuration.databaseLocation, logger: logger)
        do {
            let migrator = Migrator(database: database, logger: logger)
            let applied = try await migrator.migrate()
            let versions = try await migrator.appliedVersions()
            print(
                applied.isEmpty
                    ? "Schema is up to date at version \(versions.last ?? 0)."
                    : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is at version \(versions.last ?? 0)."
            )
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }
}
