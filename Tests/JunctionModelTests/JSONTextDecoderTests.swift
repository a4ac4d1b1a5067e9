import Foundation
import Testing

@testable import JunctionModel

/// `JSONValue.decodeText` must read what `JSONDecoder` reads and refuse what it refuses, with
/// the same kind of error at the same coding path: Personio's pages are decoded through it, and
/// a lenient field's refusal is a read problem. `JSONDecoder` is the expectation throughout.
@Suite("JSONValue.decodeText reads as JSONDecoder does")
struct JSONTextDecoderTests {
    struct Inner: Decodable, Equatable {
        var name: String
        var count: Int?
    }

    struct Everything: Decodable, Equatable {
        var text: String
        var unicode: String
        var int: Int
        var wholeDouble: Int
        var negative: Int64
        var small: Int8
        var unsigned: UInt32
        var double: Double
        var float: Float
        var flag: Bool
        var missing: String?
        var null: String?
        var url: URL
        var list: [Inner]
        var matrix: [[Int]]
        var map: [String: Int]
        var json: JSONValue
        var members: [String: JSONValue]
        var nullable: Nullable<String>
        var optionalList: [String?]
    }

    static let everything = #"""
        {"text": "a \"quoted\" \\ / text\n", "unicode": "Zoë 👍 \u00e4", "int": 42, "wholeDouble": 7.0,
         "negative": -9007199254740991, "small": -128, "unsigned": 4294967295, "double": -0.25,
         "float": 1.5, "flag": true, "null": null, "url": "https://example.com/a?b=c",
         "list": [{"name": "x"}, {"name": "y", "count": 3, "extra": [1, {"z": null}]}],
         "matrix": [[1, 2], [], [3]], "map": {"b": 2, "a": 1}, "json": {"k": [true, null, 1.5, "s"]},
         "members": {"id": 5, "nested": {"x": "y"}}, "nullable": null, "optionalList": ["a", null]}
        """#

    @Test("every kind of value, nested, as JSONDecoder reads it")
    func everything() throws {
        let data = Data(Self.everything.utf8)

        let expected = try JSONDecoder().decode(Everything.self, from: data)
        let decoded = try JSONValue.decodeText(Everything.self, from: data)

        #expect(decoded == expected)
        #expect(decoded.list[1].count == 3 && decoded.wholeDouble == 7 && decoded.nullable.wrappedValue == nil)
    }

    struct Strict: Decodable {
        var name: String
        var count: Int
        var items: [Inner]
    }

    /// The error each decoder throws, as kind and coding path.
    static func failure<T: Decodable>(_ type: T.Type, _ text: String, viaText: Bool) -> String? {
        do {
            let data = Data(text.utf8)
            _ = viaText ? try JSONValue.decodeText(T.self, from: data) : try JSONDecoder().decode(T.self, from: data)
            return nil
        } catch let error as DecodingError {
            let kind: String
            let context: DecodingError.Context
            switch error {
            case .typeMismatch(_, let c): (kind, context) = ("typeMismatch", c)
            case .valueNotFound(_, let c): (kind, context) = ("valueNotFound", c)
            case .keyNotFound(let key, let c): (kind, context) = ("keyNotFound \(key.stringValue)", c)
            case .dataCorrupted(let c): (kind, context) = ("dataCorrupted", c)
            @unknown default: return "unknown"
            }
            return kind + " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
        } catch {
            return "\(Swift.type(of: error))"
        }
    }

    @Test(
        "what JSONDecoder refuses is refused, with its kind of error at its coding path",
        arguments: [
            #"{"name": 1, "count": 1, "items": []}"#,  // a number for a string
            #"{"name": "n", "count": "1", "items": []}"#,  // a string for a number
            #"{"name": "n", "count": 1.5, "items": []}"#,  // a fraction for an integer
            #"{"name": "n", "count": 1e30, "items": []}"#,  // too large for Int
            #"{"name": null, "count": 1, "items": []}"#,  // null for a string
            #"{"count": 1, "items": []}"#,  // a missing key
            #"{"name": "n", "count": 1, "items": [{"name": "a"}, {"count": 2}]}"#,  // deep inside a list
            #"{"name": "n", "count": 1, "items": [{"name": "a", "count": true}]}"#,  // bool for an integer
            #"{"name": "n", "count": 1, "items": {"name": "a"}}"#,  // an object for a list
            #"{"name": "n", "count": 1, "items": [null]}"#,  // null for an object
            #"["name"]"#,  // a list for an object
            #"{"name": "n", "count": 1, "items": []"#,  // text cut short
        ])
    func refusals(text: String) {
        let expected = Self.failure(Strict.self, text, viaText: false)

        let actual = Self.failure(Strict.self, text, viaText: true)

        #expect(expected != nil, "JSONDecoder refuses \(text)")
        if actual != expected {
            // The one difference: a number that does not fit comes from JSONDecoder with an
            // empty coding path; the text decoder names the member.
            #expect(expected == "dataCorrupted at " && actual == "dataCorrupted at count", "\(text)")
        }
    }

    /// Reads the user info it is decoded with, as a page's lenient fields do.
    struct Reader: Decodable {
        var seen: String?
        init(from decoder: any Decoder) throws {
            seen = decoder.userInfo[CodingUserInfoKey(rawValue: "probe")!] as? String
        }
    }

    @Test("user info reaches every decoder, nested ones too")
    func userInfo() throws {
        let data = Data(#"[{"a": 1}, {}]"#.utf8)

        let decoded = try JSONValue.decodeText(
            [Reader].self, from: data, userInfo: [CodingUserInfoKey(rawValue: "probe")!: "here"])

        #expect(decoded.map(\.seen) == ["here", "here"])
    }
}
