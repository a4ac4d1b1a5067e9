import Crypto
import Foundation
import JunctionModel
import Testing

@testable import JunctionServer

/// The cursor's base64url (RFC 4648, section 5, unpadded), against the RFC's own test vectors.
@Suite("Page cursors")
struct PageCursorTests {
    /// RFC 4648, section 10, unpadded; and two bytes whose standard encoding is `+/8=`.
    static let vectors: [(bytes: [UInt8], text: String)] = [
        (Array("".utf8), ""), (Array("f".utf8), "Zg"), (Array("fo".utf8), "Zm8"), (Array("foo".utf8), "Zm9v"),
        (Array("foob".utf8), "Zm9vYg"), (Array("fooba".utf8), "Zm9vYmE"), (Array("foobar".utf8), "Zm9vYmFy"),
        ([0xfb, 0xff], "-_8"),
    ]

    @Test("base64url writes and reads the RFC's vectors")
    func vectors() {
        for (bytes, text) in Self.vectors {
            #expect(PageCursor.base64URL(Data(bytes)) == text)
            #expect(PageCursor.data(base64URL: Substring(text)) == Data(bytes))
        }
        #expect(PageCursor.data(base64URL: "Zm9v!") == nil)
    }

    @Test("a cursor reads back its position for its own query only")
    func roundTrip() throws {
        let cursor = PageCursor(key: SymmetricKey(size: .bits256))
        let print = PageCursor.fingerprint(model: "candidates", integrationID: "i", parameters: [("page_size", "100")])
        let other = PageCursor.fingerprint(model: "candidates", integrationID: "i", parameters: [("page_size", "50")])

        let encoded = cursor.encode(after: "3fZ9+/x", fingerprint: print)

        #expect(try cursor.decode(encoded, fingerprint: print) == "3fZ9+/x")
        #expect(throws: APIError.self) { try cursor.decode(encoded, fingerprint: other) }
        #expect(!encoded.contains("+") && !encoded.contains("/") && !encoded.contains("="))
    }
}
