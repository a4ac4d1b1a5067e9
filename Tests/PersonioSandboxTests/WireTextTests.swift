import Foundation
import Testing

@testable import PersonioSandbox

/// The sandbox writes its answers' JSON and timestamps by hand (for speed); these hold that text
/// to what Foundation's own parser and date formatter make of the same values.
@Suite("The sandbox's JSON and timestamp text")
struct WireTextTests {
    @Test("strings are escaped as JSON requires and every other byte is kept")
    func stringEscapes() throws {
        // Setup: quotes, backslashes, the named and unnamed control characters, non-ASCII text.
        let text = "a\"b\\c\nd\re\tf\u{01}g\u{1F}h é 🚀 \u{7F}"

        // Act
        let written = JSON.string(text).serialized()

        // Check: the exact escapes, by hand, and Foundation's parser reads the original back.
        #expect(written == #""a\"b\\c\nd\re\tf\u0001g\u001fh é 🚀 "# + "\u{7F}\"")
        let parsed = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed)
        #expect(parsed as? String == text)
    }

    @Test("a nested value reads back as written, keys in order")
    func nestedValues() throws {
        // Setup
        let value = JSON.object([
            ("name", .string("Jürgen \"JJ\"")), ("count", .int(-42)), ("ratio", .double(0.25)),
            ("whole", .double(3)), ("flag", .bool(true)), ("none", .null),
            ("list", .array([.int(1), .string("two"), .array([]), .object([])])),
        ])

        // Act
        let written = value.serialized()

        // Check: the text, by hand, and Foundation's reading of it.
        #expect(
            written
                == #"{"name":"Jürgen \"JJ\"","count":-42,"ratio":0.25,"whole":3,"flag":true,"none":null,"#
                + #""list":[1,"two",[],{}]}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: value.data()) as? [String: Any])
        #expect(parsed["name"] as? String == "Jürgen \"JJ\"")
        #expect(parsed["count"] as? Int == -42)
        #expect(parsed["none"] is NSNull)
        #expect((parsed["list"] as? [Any])?.count == 4)
    }

    @Test("timestamps are Foundation's ISO 8601 text, to the second, across centuries and leap days")
    func timestamps() {
        // Setup: edges (the epoch, before it, leap days, century years) and a spread of instants.
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var instants: [TimeInterval] = [
            0, -1, 951_782_400, 951_868_799, 4_107_542_400, 4_107_628_799, 1_709_164_800.999, -2_208_988_800,
            1_798_761_599,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            instants.append(TimeInterval(Int.random(in: -2_208_988_800...4_102_444_800, using: &generator)))
        }

        for instant in instants {
            // Act
            let date = Date(timeIntervalSince1970: instant)
            let written = PersonioTime.format(date)

            // Check: the formatter's text of the same instant without its fraction.
            let expected = formatter.string(from: Date(timeIntervalSince1970: instant.rounded(.down)))
            #expect(written == expected, "instant \(instant)")
        }
    }
}
