import Crypto
import Foundation
import JunctionModel
import Testing

@testable import JunctionStore

/// A record's two content hashes, against SHA-256 computed here from the members by hand.
@Suite("Record hashes")
struct RecordHashTests {
    @Test("own and nested hashes cover their members as key NUL value NUL, without the maintained ones")
    func hashes() throws {
        // Setup: a document as the store writes it (sorted keys).
        let document = try JSONObjectMembers(
            #"{"applications":[{"id":"x"}],"changed_at":"2024-01-01T00:00:00.000Z","id":"a1","name":"Ann","remote_deleted_at":null}"#
        )

        // Act
        let hashes = RecordRepository.hashes(of: document, nestedKeys: ["applications"])

        // Check
        func expected(_ text: String) -> String {
            "v2:" + SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        #expect(hashes.own == expected("id\u{0}\"a1\"\u{0}name\u{0}\"Ann\"\u{0}"))
        #expect(hashes.nested == expected("applications\u{0}[{\"id\":\"x\"}]\u{0}"))
    }
}
