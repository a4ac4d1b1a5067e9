import ArgumentParser
import Foundation
import JunctionApp
import JunctionServer
import JunctionStore

/// Replacing the secret key that seals stored credentials while instances keep running
/// (issue 21): `rotate` adds a new sealing key beside the old one and re-encrypts everything
/// under it; `retire` re-encrypts stragglers and drops the old key.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Rotate the secret key that encrypts stored credentials.",
        discussion: """
            With a key file (the default): `rotate` writes a new key into the file before the old \
            one, so every instance sharing the file opens values under either key and seals new ones \
            under the new key within two seconds; then it re-encrypts every stored secret under the \
            new key. `retire`, run afterwards, re-encrypts anything sealed meanwhile and removes the \
            old key from the file. With JUNCTION_SECRET_KEY: give every instance the new key as \
            JUNCTION_SECRET_KEY and the old one as JUNCTION_SECRET_KEYS_PREVIOUS, then run `rotate` \
            to re-encrypt, then remove JUNCTION_SECRET_KEYS_PREVIOUS.
            """,
        subcommands: [Rotate.self, Retire.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal under a new key from now on and re-encrypt every stored secret under it.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let configuration = try store.configuration()
            if configuration.secretKey != nil {
                guard !configuration.secretKeysPrevious.isEmpty else {
                    throw ValidationError(
                        "JUNCTION_SECRET_KEY is set: set it to the new key and JUNCTION_SECRET_KEYS_PREVIOUS to the old one on every instance, then run this again."
                    )
                }
            } else {
                let path = configuration.resolvedSecretKeyFile
                guard let keys = SecretBox.encodedKeys(inFile: path) else {
                    throw ValidationError("There is no secret key file at \(path); nothing to rotate.")
                }
                try SecretBox.writeKeyFile([SecretBox.generateEncodedKey()] + keys, to: path)
                print("Wrote a new sealing key to \(path); the \(keys.count) earlier key(s) stay in it and still open.")
                print("Waiting 3 s for running instances to take up the new key…")
                try await Task.sleep(for: .seconds(3))
            }
            guard try await resealAll(store) else { throw ExitCode(2) }
            print(
                configuration.secretKey == nil
                    ? "Next: `junction secrets retire` removes the earlier keys from the file."
                    : "Next: remove JUNCTION_SECRET_KEYS_PREVIOUS from every instance.")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt what earlier keys still seal, then drop them from the key file.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let configuration = try store.configuration()
            guard configuration.secretKey == nil else {
                throw ValidationError(
                    "JUNCTION_SECRET_KEY is set: run `junction secrets rotate`, then remove JUNCTION_SECRET_KEYS_PREVIOUS from every instance."
                )
            }
            let path = configuration.resolvedSecretKeyFile
            guard let keys = SecretBox.encodedKeys(inFile: path) else {
                throw ValidationError("There is no secret key file at \(path).")
            }
            guard keys.count > 1 else {
                print("The key file holds one key; nothing to retire.")
                return
            }
            guard try await resealAll(store) else {
                print("Kept the earlier keys: some secrets open with none of them.")
                throw ExitCode(2)
            }
            try SecretBox.writeKeyFile([keys[0]], to: path)
            print(
                "Removed \(keys.count - 1) earlier key(s) from \(path); every stored secret is under the current key.")
        }
    }
}

/// Re-encrypts every stored secret under the sealing key and prints the report; false when a
/// secret opens with no key of the ring.
private func resealAll(_ options: StoreOptions) async throws -> Bool {
    var readable = false
    try await withRuntime(options) { runtime in
        let report = try await runtime.store.secretsAtRest.resealAll()
        for line in report.lines { print(line) }
        readable = report.unreadable.isEmpty
    }
    return readable
}
