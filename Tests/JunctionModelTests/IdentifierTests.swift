import Crypto
import Foundation
import Testing

@testable import JunctionModel

@Suite("Identifiers")
struct IdentifierTests {
    @Test("record ids are 24 base58 characters, stable, and scoped by integration and model")
    func recordIDs() {
        let first = Identifier.record(integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "jobs", remoteID: "1")
        let again = Identifier.record(integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "jobs", remoteID: "1")
        let otherIntegration = Identifier.record(
            integrationID: "personio:BBBBBBBBBBBBBBBBBBBBBBBB", model: "jobs", remoteID: "1")
        let otherModel = Identifier.record(
            integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "candidates", remoteID: "1")

        #expect(Identifier.isWellFormed(first))
        #expect(first == again)
        #expect(first != otherIntegration)
        #expect(first != otherModel)
    }

    @Test("base58 matches the published Bitcoin alphabet test vectors")
    func base58Vectors() {
        #expect(Identifier.base58(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Identifier.base58([0, 0, 0x28, 0x7F, 0xB4, 0xCD]) == "11233QC4")
    }

    /// Base 58 digit by digit, the textbook way (and this module's before issue 22): the
    /// expectation for the faster division by 58⁵. Record ids are stored, so no id may change.
    static func textbookBase58(_ bytes: [UInt8]) -> String {
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        var digits: [Int] = [0]
        for byte in bytes {
            var carry = Int(byte)
            for index in digits.indices {
                carry += digits[index] << 8
                digits[index] = carry % 58
                carry /= 58
            }
            while carry > 0 {
                digits.append(carry % 58)
                carry /= 58
            }
        }
        return String(repeating: "1", count: bytes.prefix { $0 == 0 }.count)
            + String(digits.reversed().map { alphabet[$0] })
    }

    @Test("base58 gives the textbook digits for every length, leading zeros and random bytes")
    func base58Reference() {
        var generator = SystemRandomNumberGenerator()
        var inputs: [[UInt8]] = [[], [0], [0, 0], [255], [0, 255], [0, 0, 0, 1], [UInt8](repeating: 255, count: 32)]
        for length in 1...40 {
            for _ in 0..<25 { inputs.append((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
            inputs.append([0] + (1..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for input in inputs {
            #expect(Identifier.base58(input) == Self.textbookBase58(input), "\(input)")
        }
        // A known stored id keeps its value.
        #expect(
            Identifier.record(integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "jobs", remoteID: "1")
                == String(
                    Self.textbookBase58(
                        Array(SHA256.hash(data: Data("personio:AAAAAAAAAAAAAAAAAAAAAAAA\u{1F}jobs\u{1F}1".utf8)))
                    ).prefix(24)))
    }

    @Test("record and link ids are the first 24 textbook base58 digits of their joined parts' SHA-256")
    func derivedReference() {
        // Setup: parts of every kind, ASCII or not, empty or long, and random ones.
        var generator = SystemRandomNumberGenerator()
        var parts = [
            "", "1", "jobs", "personio:AAAAAAAAAAAAAAAAAAAAAAAA", "Zoë-👍-\u{1F}", String(repeating: "x", count: 300),
        ]
        for _ in 0..<20 {
            parts.append(
                String(
                    (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                        Character(UnicodeScalar(UInt8.random(in: 32...126, using: &generator)))
                    }))
        }
        func expected(_ joined: String) -> String {
            String(Self.textbookBase58(Array(SHA256.hash(data: Data(joined.utf8)))).prefix(24))
        }

        for (index, first) in parts.enumerated() {
            let second = parts[(index * 7 + 3) % parts.count]
            let third = parts[(index * 5 + 1) % parts.count]

            // Act
            let record = Identifier.record(integrationID: first, model: second, remoteID: third)
            let link = Identifier.link(first, second)

            // Check
            #expect(record == expected(first + "\u{1F}" + second + "\u{1F}" + third), "\(index)")
            #expect(link == expected("link\u{1F}" + first + "\u{1F}" + second), "\(index)")
        }
    }

    @Test("random ids are well formed and distinct")
    func randomIDs() {
        let ids = (0..<1000).map { _ in Identifier.random() }
        #expect(ids.allSatisfy(Identifier.isWellFormed))
        #expect(Set(ids).count == ids.count)
    }

    @Test("integration ids parse only as a tool slug and 24 base58 characters")
    func integrationIDs() {
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev4E")?.tool == .personio)
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev4E")?.description == "personio:CBNMt7dSNCzBdnRTx87dev4E")
        // Any tool slug parses (a connector names its own tool); whether a process serves it is
        // the registry's business.
        #expect(IntegrationID("memory-ats:CBNMt7dSNCzBdnRTx87dev4E")?.tool.rawValue == "memory-ats")
        #expect(IntegrationID("Greenhouse:CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID(":CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID(String(repeating: "a", count: 33) + ":CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID("per sonio:CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID("personio:short") == nil)
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev40") == nil)  // 0 is not base58
        #expect(IntegrationID("CBNMt7dSNCzBdnRTx87dev4E") == nil)
    }
    @Test("hexadecimal writes two lowercase digits a byte, from any kind of byte sequence")
    func hexadecimalDigits() {
        let bytes: [UInt8] = Array(0...255)
        let expected = bytes.map { String(format: "%02x", $0) }.joined()

        #expect(hexadecimal(bytes) == expected)
        #expect(hexadecimal(Data(bytes)) == expected)
        #expect(hexadecimal(bytes.lazy.map { $0 }) == expected)  // lends no buffer
        let digest = SHA256.hash(data: Data(bytes))
        #expect(hexadecimal(digest) == Array(digest).map { String(format: "%02x", $0) }.joined())
        #expect(hexadecimal([UInt8]()) == "")
        #expect(bytes.withUnsafeBytes { hexadecimal(prefix: "v2:", buffer: $0) } == "v2:" + expected)
        #expect([UInt8]().withUnsafeBytes { hexadecimal(prefix: "", buffer: $0) } == "")
    }
}
