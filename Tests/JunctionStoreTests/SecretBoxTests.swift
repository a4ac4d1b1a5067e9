import Foundation
import JunctionStore
import Testing

@Suite("The secret key")
struct SecretBoxTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("junction-key-\(UUID().uuidString)")
    }

    @Test("a missing key file is created with mode 0600, and later loads open what earlier ones sealed")
    func keyFileLifecycle() throws {
        let path = Self.temporaryFolder().appendingPathComponent("secret.key").path

        let first = try SecretBox.loadOrCreate(keyFile: path)
        let sealed = try first.seal(Data("client-secret".utf8), context: "personio:X")
        let second = try SecretBox.loadOrCreate(keyFile: path)

        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        #expect(try second.open(sealed, context: "personio:X") == Data("client-secret".utf8))
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["secret.key"])
    }

    @Test("the same key written as base64 and as hex seals interchangeably")
    func encodings() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 % 256) }
        let base64 = try SecretBox(encodedKey: Data(bytes).base64EncodedString())
        let hex = try SecretBox(encodedKey: bytes.map { String(format: "%02x", $0) }.joined())

        let sealed = try base64.seal(Data("x".utf8), context: "c")

        #expect(try hex.open(sealed, context: "c") == Data("x".utf8))
        #expect(throws: StoreError.self) { try hex.open(sealed, context: "other context") }
    }

    @Test(
        "a key of the wrong length or alphabet is refused with advice",
        arguments: ["", "short", String(repeating: "z", count: 64)])
    func rejectsBadKeys(text: String) {
        #expect {
            try SecretBox(encodedKey: text)
        } throws: { error in
            "\(error)".contains("openssl rand -base64 32")
        }
    }
}
