import Foundation
import JunctionModel
import JunctionTestSupport
import Testing

@Suite("JSON text written in canonical form without a tree")
struct CanonicalJSONTests {
    @Test("a Personio item, unsorted and spaced, comes out as its parsed tree writes it")
    func personioItem() throws {
        let text = """
            {
              "id": "7a1c3f9e-0b5d-4c1e-9f0a-2d3e4f5a6b7c",
              "status": "active",
              "candidate": {"id": "c-19", "email": "anna.m\\u00fcller@example.com", "first_name": "Anna",
                            "last_name": "M\\u00fcller", "gender": null},
              "job": {"id": 1204},
              "current_stage": {"kind": "custom", "type": "custom", "id": "stage-3", "name": "Interview \\/ Call"},
              "channel": {"name": "LinkedIn", "id": 7},
              "created_at": {"timezone": "Europe/Berlin", "date-time": "2024-05-02T09:13:00+02:00"},
              "score": 4.50, "rank": 1e2, "tags": [ "a", "b" ,{"z": true, "y": false} ], "empty": {}, "none": []
            }
            """
        let bytes = Array(text.utf8)

        let canonical = try JSONValue.canonicalBytes(bytes)

        let expected = try JSONValue.parse(bytes).encodedBytes()
        #expect(String(decoding: canonical, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        // And by hand, for the parts the tree's writer could get wrong in the same way.
        #expect(
            String(decoding: canonical, as: UTF8.self).hasPrefix(
                #"{"candidate":{"email":"anna.müller@example.com","first_name":"Anna","gender":null,"id":"c-19","#))
        #expect(String(decoding: canonical, as: UTF8.self).contains(#""rank":100,"score":4.5,"#))
        #expect(String(decoding: canonical, as: UTF8.self).contains(#""name":"Interview / Call","type":"custom"}"#))
    }

    @Test("repeated keys keep the last value, as the parsed tree does")
    func repeatedKeys() throws {
        let bytes = Array(#"{"b": 1, "a": {"x": 1, "x": 2}, "b": [3], "c": "d"}"#.utf8)

        let canonical = try JSONValue.canonicalBytes(bytes)

        #expect(String(decoding: canonical, as: UTF8.self) == #"{"a":{"x":2},"b":[3],"c":"d"}"#)
        #expect(canonical == (try JSONValue.parse(bytes).encodedBytes()))
    }

    @Test("text that is not well-formed UTF-8 is repaired as the tree's strings repair it")
    func malformedUTF8() throws {
        let sequences: [[UInt8]] = [
            [0xC3, 0xBC], [0xE6, 0x9D, 0xB1], [0xF0, 0x9F, 0x98, 0x80],  // well-formed: ü 東 😀
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE6, 0x9D], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80], [0xC3],
        ]
        for sequence in sequences {
            for asKey in [false, true] {
                let string = [0x22, 0x61] + sequence + [0x62, 0x22]
                let text = asKey ? [0x7B] + string + Array(#":1,"a":2}"#.utf8) : [0x5B] + string + [0x5D]

                let canonical = try JSONValue.canonicalBytes(text)

                #expect(canonical == (try JSONValue.parse(text).encodedBytes()), "\(sequence) as key: \(asKey)")
                // Well-formed text passes unchanged; anything else becomes U+FFFD (EF BF BD).
                if String(validating: sequence, as: UTF8.self) != nil {
                    #expect(canonical.firstRange(of: sequence) != nil, "\(sequence)")
                } else {
                    #expect(canonical.firstRange(of: [0xEF, 0xBF, 0xBD]) != nil, "\(sequence)")
                }
            }
        }
    }

    @Test("random texts: the same bytes as parsing and writing the tree")
    func randomTexts() throws {
        var random = SeededGenerator(seed: 22)
        for round in 0..<400 {
            let text = Self.text(Self.value(depth: 0, &random), &random)

            let canonical = try JSONValue.canonicalBytes(text)

            let expected = try JSONValue.parse(text).encodedBytes()
            #expect(
                String(decoding: canonical, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                "round \(round): \(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test("malformed texts are refused where parsing refuses them")
    func malformed() throws {
        var random = SeededGenerator(seed: 9)
        var cases: [[UInt8]] = [
            #"{"a" 1}"#, #"{"a": tru}"#, "[1,]", #"{"a": "\q"}"#, #""\ud800""#, #""\udc00x""#, "+1", "1e999", "",
            "{} x", "{\"a\": \"tab\tin\"}", "[" + String(repeating: "[", count: 600) + "]",
        ].map { Array($0.utf8) }
        cases.append([0x22, 0xFF, 0x22, 0x3A])  // a string with invalid UTF-8 and a stray colon after
        for _ in 0..<200 {
            let text = Self.text(Self.value(depth: 0, &random), &random)
            cases.append(Array(text.prefix(Int.random(in: 0..<max(text.count, 1), using: &random))))
        }
        for text in cases {
            let parsed = Result { try JSONValue.parse(text) }
            let canonical = Result { try JSONValue.canonicalBytes(text) }
            switch (parsed, canonical) {
            case (.success(let tree), .success(let bytes)):
                #expect(bytes == (try tree.encodedBytes()))
            case (.failure(let left as JSONValue.ParseError), .failure(let right as JSONValue.ParseError)):
                #expect(left.offset == right.offset, "\(String(decoding: text, as: UTF8.self))")
            default:
                Issue.record("parse and canonicalBytes disagree on \(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    // MARK: - Random JSON texts

    /// Keys that sort differently as bytes and as cased text, begin with one another, repeat,
    /// need escapes or are not ASCII.
    static let keys = [
        "id", "id_2", "a", "ab", "B", "b", "_x", "10", "9", "ä", "z", "é", "e\u{301}", "Z", "quote\"d", "tab\t", "😀",
    ]
    static let strings = ["", "plain", "Müller", "東京", "a/b", "line\nbreak", "\u{1}", "say \"hi\"", "back\\slash", "😀"]

    /// A value with members as a list, so keys may repeat and come in any order.
    indirect enum Value {
        case literal(String)
        case number(Double)
        case string(String)
        case array([Value])
        case object([(String, Value)])
    }

    static func value(depth: Int, _ random: inout SeededGenerator) -> Value {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &random) {
        case 0: return .literal(["true", "false", "null"].randomElement(using: &random)!)
        case 1:
            let choices: [Double] = [
                0, -0.0, 1, -17, 4.5, 0.1, 1e15, 1e16, 123_456_789_012, 1e-7, 3.25e10,
                Double(Int.random(in: -999...999)),
            ]
            return .number(choices.randomElement(using: &random)!)
        case 2, 3: return .string(strings.randomElement(using: &random)!)
        case 4:
            return .array(
                (0..<Int.random(in: 0..<4, using: &random)).map { _ in value(depth: depth + 1, &random) })
        default:
            return .object(
                (0..<Int.random(in: 0..<6, using: &random)).map { _ in
                    (keys.randomElement(using: &random)!, value(depth: depth + 1, &random))
                })
        }
    }

    /// `value` as text with random spacing, escapes where none are needed, and numbers in
    /// another of their spellings.
    static func text(_ value: Value, _ random: inout SeededGenerator) -> [UInt8] {
        var out = ""
        func space() { out += ["", "", " ", "\n  ", "\t", "\r\n"].randomElement(using: &random)! }
        func write(_ value: Value) {
            switch value {
            case .literal(let word): out += word
            case .number(let number):
                if number == number.rounded(), abs(number) < 1e15, Bool.random(using: &random) {
                    out += ["\(Int64(number)).0", "\(Int64(number))e0", "\(Double(Int64(number)) / 10)E1"]
                        .randomElement(using: &random)!
                } else {
                    out += "\(number)"
                }
            case .string(let text): quote(text)
            case .array(let items):
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += "," }
                    space()
                    write(item)
                    space()
                }
                out += "]"
            case .object(let members):
                out += "{"
                for (index, member) in members.enumerated() {
                    if index > 0 { out += "," }
                    space()
                    quote(member.0)
                    space()
                    out += ":"
                    space()
                    write(member.1)
                }
                space()
                out += "}"
            }
        }
        func quote(_ text: String) {
            out += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += Bool.random(using: &random) ? "\\n" : "\\u000A"
                case "\t": out += "\\t"
                case "/": out += Bool.random(using: &random) ? "\\/" : "/"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                case _ where scalar.value > 0xFFFF && Bool.random(using: &random):
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04X", unit) }
                case _ where scalar.value > 0x7F && Bool.random(using: &random):
                    out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        space()
        write(value)
        space()
        return Array(out.utf8)
    }
}
