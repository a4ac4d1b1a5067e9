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
    @Test("record and link ids are the first 24 textbook base58 digits of their input's SHA-256")
    func derivedIDs() {
        let cases = [
            ("personio:AAAAAAAAAAAAAAAAAAAAAAAA", "candidates", "1"),
            ("personio:BBBBBBBBBBBBBBBBBBBBBBBB", "applications", "Zoë-👍-\u{1F}"),
        ]
        for (integrationID, model, remoteID) in cases {
            let input = Array("\(integrationID)\u{1F}\(model)\u{1F}\(remoteID)".utf8)
            let expected = String(Self.textbookBase58(Array(SHA256.hash(data: Data(input)))).prefix(24))

            #expect(Identifier.record(integrationID: integrationID, model: model, remoteID: remoteID) == expected)
        }
        let link = String(Self.textbookBase58(Array(SHA256.hash(data: Data("link\u{1F}a\u{1F}b".utf8)))).prefix(24))
        #expect(Identifier.link("a", "b") == link)
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
    }
}
