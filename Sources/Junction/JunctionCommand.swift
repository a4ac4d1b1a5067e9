import ArgumentParser
import JunctionServer

#if canImport(Glibc)
    import Glibc
#endif

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

    static func main() async {
        limitMallocArenas()
        await main(nil)
    }

    /// glibc's malloc gives threads their own arenas (up to eight per core), and memory freed in
    /// one stays there: in back-to-back runs of `scripts/bench-sync` (PostgreSQL, 100,000
    /// candidates) a FULL peaked at 104–115 MiB with the default and 95–104 MiB with two arenas
    /// (a spread between runs as large as the effect). Two; an operator's `MALLOC_ARENA_MAX` wins.
    static func limitMallocArenas() {
        #if canImport(Glibc)
            guard getenv("MALLOC_ARENA_MAX") == nil,
                // `mallopt` is not in Swift's Glibc module; RTLD_DEFAULT (null) finds it in libc.
                let symbol = dlsym(nil, "mallopt")
            else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            // M_ARENA_MAX is -8 in glibc's <malloc.h>.
            _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
        #endif
    }
}
