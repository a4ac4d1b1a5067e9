import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The SQLite file holds candidates' personal data and key hashes: its folder is created 0700
/// and the file 0600 before SQLite opens it (SQLite gives its `-wal` and `-shm` files the
/// database file's mode). Files an older version or an operator made looser are left as they
/// are but named in a warning at every start, with the command that fixes them.
enum PrivateFiles {
    static func prepareSQLiteFile(_ url: URL, logger: Logger) throws(StoreError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .configuration("cannot create the folder for the SQLite file \(url.path): \(error)")
        }
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .configuration(
                "cannot create or open the SQLite file \(url.path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        for (path, limit) in [
            (folder.path, 0o700), (url.path, 0o600), (url.path + "-wal", 0o600), (url.path + "-shm", 0o600),
        ] {
            guard let mode = self.mode(path), mode & ~limit & 0o077 != 0 else { continue }
            logger.warning(
                "file holding personal data is readable by other local users",
                metadata: [
                    "path": "\(path)", "mode": "\(String(mode, radix: 8))",
                    "fix": "chmod \(String(limit, radix: 8)) \(path)",
                ])
        }
    }

    /// The permission bits of `path`, or nil when it does not exist.
    static func mode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o777
    }
}
