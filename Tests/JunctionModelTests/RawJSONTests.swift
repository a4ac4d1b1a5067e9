import Foundation
import JunctionModel
import Testing

@Suite("Raw JSON members and writer")
struct RawJSONTests {
    /// Values chosen to trip a scanner: quotes, backslashes and brackets inside strings, nesting,
    /// numbers and literals before `}` and `,`, non-ASCII text, an empty object and array.
    nonisolated(unsafe) static let tricky: [String: Any] = [
        "plain": "value",
        "quoted": "she said \"hi\" and left a \\ behind",
        // Backslashes right before a quote: an escaped backslash ends the string, an escaped
        // quote does not. (Keys are looked up by their text as written, so they hold none.)
        "ends with a backslash": "C:\\",
        "runs": "\\\"\\\\\"",
        "only a quote": "\"",
        "backslashes": "\\\\\\",
        "brackets": "} ] { [ , :",
        "nested": ["a": [1, 2, ["b": "}"]], "c": [String: Any]()] as [String: Any],
        "list": [true, false, NSNull(), -1.5e3, "x"] as [Any],
        "number": NSNumber(value: 42),
        "negative": NSNumber(value: -7),
        "null": NSNull(),
        "umlaut": "Müller – 東京",
        "empty": [Any](),
    ]

    @Test("every member of an encoder-written object is found with its exact value")
    func findsMembers() throws {
        let text = try JSONSerialization.data(withJSONObject: Self.tricky, options: [.sortedKeys])
        let members = try JSONObjectMembers([UInt8](text))

        #expect(members.members.count == Self.tricky.count)
        for (key, expected) in Self.tricky {
            let raw = try #require(members.value(key), "member \(key)")
            // Each value's bytes, parsed alone, equal the original value.
            let parsed = try JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])
            #expect(
                NSDictionary(dictionary: ["v": parsed]).isEqual(to: ["v": expected]),
                "member \(key): \(String(decoding: raw, as: UTF8.self))")
        }
        #expect(members.value("missing") == nil)
    }

    @Test("whitespace between tokens is allowed")
    func allowsWhitespace() throws {
        let members = try JSONObjectMembers(" {\n \"a\" : 1 ,\t\"b\":[ 1 , 2 ] } ")
        #expect(members.value("a").map { String(decoding: $0, as: UTF8.self) } == "1")
        #expect(members.value("b").map { String(decoding: $0, as: UTF8.self) } == "[ 1 , 2 ]")
        #expect(try JSONObjectMembers("{}").members.isEmpty)
    }

    @Test(
        "malformed text is refused, never read past its end",
        arguments: [
            "", "[]", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":\"open}", "{\"a\":[1,2}", "{\"a\" 1}",
            "{\"a\":1;\"b\":2}", "{\"a\":\"x\\\"}", "{\"a\\\":1}",
        ])
    func refusesMalformed(text: String) {
        #expect(throws: JSONObjectMembers.Malformed.self) { try JSONObjectMembers(text) }
    }

    @Test("copied members, written values and escapes make the JSON a parser expects")
    func writesJSON() throws {
        let source = try JSONObjectMembers(
            [UInt8](try JSONSerialization.data(withJSONObject: Self.tricky, options: [.sortedKeys])))
        var writer = JSONWriter()
        writer.beginObject()
        source.copyMembers(into: &writer, excluding: ["number", "plain"])
        writer.key("control")
        writer.string("line\nbreak\ttab\u{1}\u{1F} \"q\" \\ /")
        writer.key("when")
        writer.date(Date(timeIntervalSince1970: 1_700_000_000.123))
        writer.key("missing")
        writer.string(nil)
        writer.key("count")
        writer.int(3)
        writer.key("items")
        writer.beginArray()
        writer.beginObject()
        writer.endObject()
        writer.raw(Array("[1,{\"x\":2}]".utf8))
        writer.int(nil)
        writer.endArray()
        writer.endObject()

        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any],
            "\(String(decoding: writer.bytes, as: UTF8.self))")
        var expected = Self.tricky
        expected["number"] = nil
        expected["plain"] = nil
        expected["control"] = "line\nbreak\ttab\u{1}\u{1F} \"q\" \\ /"
        // 1700000000.123 s after the epoch, by hand: 2023-11-14 22:13:20.123 UTC.
        expected["when"] = "2023-11-14T22:13:20.123Z"
        expected["missing"] = NSNull()
        expected["count"] = NSNumber(value: 3)
        expected["items"] = [[String: Any](), [NSNumber(value: 1), ["x": NSNumber(value: 2)]], NSNull()] as [Any]
        #expect(NSDictionary(dictionary: parsed).isEqual(to: expected))
    }

    @Test("the direct parser builds the same tree as decoding through JSONDecoder")
    func parsesLikeDecoder() throws {
        let text = #"""
            {"a": [1, -2.5, 3e2, true, false, null, {"b": "\"q\" \\ \/ \b\f\n\r\t"}],
             "unicode": "M\u00fcller \ud83d\ude00 東京", "empty": {}, "list": [], "n": 0,
             "nested": {"deep": [[[{"x": "y"}]]]}}
            """#
        let parsed = try JSONValue.parse(Array(text.utf8))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(parsed == decoded)
        // By hand: the escapes and the surrogate pair decode to these characters.
        guard case .object(let members) = parsed else {
            Issue.record("not an object")
            return
        }
        #expect(members["unicode"] == .string("Müller 😀 東京"))
        #expect(
            members["a"].flatMap { value -> JSONValue? in
                if case .array(let items) = value { return items.last } else { return nil }
            } == .object(["b": .string("\"q\" \\ / \u{8}\u{C}\n\r\t")]))
    }

    @Test(
        "the direct parser refuses what is not JSON",
        arguments: [
            "", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "+1", "1 2", "{\"a\":1}x", "\"\\x\"",
            "\"\\ud83d\"", "nul",
        ])
    func parserRefuses(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test("a document with its leading members first: the rest is found without scanning it")
    func leadingMembers() throws {
        let text = try JSONSerialization.data(withJSONObject: Self.tricky, options: [.sortedKeys])
        let members = try JSONObjectMembers([UInt8](text))
        let leading = ["quoted", "nested", "number"]

        let reordered = try #require(members.withLeading(leading))
        let rest = try #require(JSONObjectMembers.afterLeading(leading, in: reordered))

        // By hand: the leading members in their order, then the others in the sorted order.
        let reorderedMembers = try JSONObjectMembers(reordered)
        let keys = reorderedMembers.members.map { String(decoding: reordered[$0.key], as: UTF8.self) }
        let others = Self.tricky.keys.sorted().filter { !leading.contains($0) }
        #expect(keys == leading + others)
        for key in Self.tricky.keys { #expect(reorderedMembers.value(key) == members.value(key), "\(key)") }
        // The rest is the other members' text: an object of it holds exactly them.
        let restObject = try JSONObjectMembers([UInt8(ascii: "{")] + Array(rest) + [UInt8(ascii: "}")])
        #expect(restObject.members.map { String(decoding: restObject.bytes[$0.key], as: UTF8.self) } == others)
    }

    @Test("a document whose first members are not the leading ones, in order, is not taken for one")
    func notLeading() throws {
        let leading = ["changed_at", "remote_deleted_at"]
        let cases: [(String, ArraySlice<UInt8>?)] = [
            (#"{"changed_at":"x","remote_deleted_at":null,"a":1,"b":[2]}"#, ArraySlice(#""a":1,"b":[2]"#.utf8)),
            (#"{"changed_at":"x","remote_deleted_at":null}"#, ArraySlice()),
            (#"{"remote_deleted_at":null,"changed_at":"x","a":1}"#, nil),
            (#"{"a":1,"changed_at":"x","remote_deleted_at":null}"#, nil),
            (#"{"changed_at":"x"}"#, nil),
            (#"{"changed_at":"x","a":1}"#, nil),
            (#"{ "changed_at":"x","remote_deleted_at":null,"a":1}"#, nil),
            (#"{"changed_at":"x","remote_deleted_at":null,"a":1} "#, nil),
            (#"{"changed_at_x":"x","remote_deleted_at":null,"a":1}"#, nil),
            (#"{"changed_a":"x","remote_deleted_at":null,"a":1}"#, nil),
            (#"{"":"x","remote_deleted_at":null,"a":1}"#, nil),
            ("{}", nil),
        ]
        for (text, expected) in cases {
            #expect(JSONObjectMembers.afterLeading(leading, in: Array(text.utf8)) == expected, "\(text)")
        }
        #expect(try JSONObjectMembers(#"{"changed_at":"x","a":1}"#).withLeading(leading) == nil)
    }

    @Test("members written as raw text take their commas like any other")
    func rawMembers() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.rawMembers([])
        writer.key("a")
        writer.int(1)
        writer.rawMembers(ArraySlice(#""b":2,"c":3"#.utf8))
        writer.key("d")
        writer.null()
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":1,"b":2,"c":3,"d":null}"#)
    }

    @Test("a text written in parts through a sink is the text written whole, commas included")
    func writtenInParts() {
        var parts: [String] = []
        func sink(_ bytes: UnsafeRawBufferPointer) { parts.append(String(decoding: bytes, as: UTF8.self)) }
        var writer = JSONWriter()
        writer.beginArray()
        for member in [#""b":2,"c":3"#, "", #""e":[5]"#] {
            writer.beginObject()
            writer.key("a")
            writer.int(1)
            Array(member.utf8).withUnsafeBytes { writer.rawMembers($0, flushingThrough: sink) }
            writer.key("d")
            writer.null()
            writer.endObject()
            writer.flush(through: sink)
        }
        writer.endArray()
        writer.flush(through: sink)

        #expect(writer.bytes.isEmpty)
        #expect(
            parts.joined() == #"[{"a":1,"b":2,"c":3,"d":null},{"a":1,"d":null},{"a":1,"e":[5],"d":null}]"#)
        // The members went to the sink as they were, not through the writer's bytes.
        #expect(parts.contains(#""b":2,"c":3"#) && parts.contains(#""e":[5]"#))
    }

    @Test("a value written through a sink follows its key, and the next member takes its comma")
    func valueInParts() {
        var parts: [String] = []
        func sink(_ bytes: UnsafeRawBufferPointer) { parts.append(String(decoding: bytes, as: UTF8.self)) }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.int(1)
        writer.key("list")
        Array("[1,2]".utf8).withUnsafeBytes { writer.raw($0, flushingThrough: sink) }
        writer.key("z")
        writer.null()
        writer.endObject()
        writer.flush(through: sink)

        #expect(parts.joined() == #"{"a":1,"list":[1,2],"z":null}"#)
        #expect(parts.contains("[1,2]"))
    }

    @Test("commas fall where they belong at every depth, past 64 levels too")
    func deepNesting() throws {
        // Setup: 70 levels, each an array holding a number, then the next level, then a null.
        var writer = JSONWriter()

        // Act
        for level in 0..<70 {
            writer.beginArray()
            writer.int(level)
        }
        for _ in 0..<70 {
            writer.null()
            writer.endArray()
        }

        // Check: by hand, "[0,[1,[2,…[69,null],null]…,null]".
        let expected =
            (0..<70).map { "[\($0)," }.joined() + "null]" + String(repeating: ",null]", count: 69)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        #expect(try JSONSerialization.jsonObject(with: Data(writer.bytes)) is [Any])
    }
}
