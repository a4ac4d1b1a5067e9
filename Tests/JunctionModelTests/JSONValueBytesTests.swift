import Foundation
import JunctionModel
import Testing

@Suite("JSONValue written directly")
struct JSONValueBytesTests {
    @Test("writes exactly the bytes UnifiedJSON's encoder writes, so stored hashes stay valid")
    func matchesEncoder() throws {
        var generator = SystemRandomNumberGenerator()
        var numbers: [JSONValue] = [
            0, -1, 42, 1.5, 0.1, -2.25, 1e-7, 123_456.789, 1e15, 1e20, -3.5e-12, 9_007_199_254_740_993,
        ]
        .map { JSONValue.number($0) }
        for _ in 0..<200 {
            numbers.append(.number(Double(Int64.random(in: -1_000_000...1_000_000, using: &generator)) / 1000))
            numbers.append(.number(Double.random(in: -1e9...1e9, using: &generator)))
        }
        var controls = ""
        for code in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(code))) }
        let tree: JSONValue = .object([
            "numbers": .array(numbers),
            "strings": .array([
                .string(controls), .string("\"quoted\" \\ back / slash"), .string("Müller 😀 東京 \u{7F} \u{2028}"),
                .string(""),
            ]),
            "zeta": .bool(false), "Alpha": .bool(true), "alpha": .null, "ä": .string("sorted after z?"),
            "nested": .object(["b": .array([]), "a": .object([:]), "10": .number(10), "9": .number(9)]),
        ])

        let direct = try tree.encodedBytes()
        let viaEncoder = [UInt8](try UnifiedJSON.makeEncoder().encode(tree))

        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: viaEncoder, as: UTF8.self))
    }
}
