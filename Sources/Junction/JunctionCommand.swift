import ArgumentParser
import JunctionServer

/// The `junction` executable: argument parsing only; everything else lives in the libraries.
@main
struct JunctionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction",
        abstract: "Self-hosted unified ATS API with a Personio connector, wire-compatible with Kombo.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, KeysCommand.self, WorkspacesCommand.self, SandboxCommand.self,
            SyncCommand.self, EraseCommand.self, SecretsCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
