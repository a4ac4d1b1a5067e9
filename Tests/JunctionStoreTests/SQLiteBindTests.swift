import Foundation
import SQLiteKit
import Testing

@testable import JunctionStore

/// SQLite's binds skip SQLiteKit's encoder for text and integers (`SQLiteBinds`); every value
/// must come out as the encoder makes it.
@Suite("SQLite binds")
struct SQLiteBindTests {
    /// A type the encoder handles through `Codable`: it takes its raw value.
    enum Colour: String, Codable, Sendable { case teal }

    @Test("each bind is what SQLiteKit's encoder makes of it")
    func bindsMatchTheEncoder() throws {
        // Setup: the types the store binds, present and absent, and some it does not use.
        let values: [any Encodable & Sendable] = [
            "text", "", "ünïcödé \u{0}", String?.some("present"), String?.none, Int64(42), Int64.min, Int64?.some(-7),
            Int64?.none, 0, Int.max, Int?.some(3), Int?.none, true, 2.5, Bool?.some(false), Bool?.none,
            Double?.some(0.5), Double?.none, Int32(9), UInt8(200), Colour.teal, Colour?.none, [1, 2],
        ]
        let encoder = SQLiteDataEncoder()

        for value in values {
            // Act
            let fast = try SQLiteBinds.data(value, encoder: encoder)

            // Check: SQLiteKit's own encoding of the same value.
            let expected = try encoder.encode(value)
            #expect(fast == expected, "\(String(reflecting: value))")
        }
    }
}

/// `NULFreeSQLDatabase` looks for NUL in binds without casting the common ones (issue 22); it
/// must find exactly what casting each bind to `String` finds.
@Suite("NUL in binds")
struct NULBindTests {
    @Test("a bind holds a NUL exactly when its cast to String finds one")
    func holdsNULAsTheCastFindsIt() {
        // Setup: texts with and without NUL, optional and nested optional texts, the integer and
        // flag types the store binds, and some it does not use.
        let values: [any Encodable & Sendable] = [
            "plain", "", "a\u{0}b", "\u{0}", String?.some("a\u{0}"), String?.some("clean"), String?.none,
            String??.some("nested\u{0}"), String??.some(nil), Int64(0), Int64?.some(1), Int64?.none, 0, Int?.none,
            true, 2.5, Double?.some(1), Double?.none, Bool?.some(true), Bool?.none, [UInt8]([0, 1]),
            SQLiteBindTests.Colour.teal, ["x\u{0}"],
        ]

        for value in values {
            // Act
            let found = NULFreeSQLDatabase.holdsNUL(value)

            // Check: the cast's answer.
            let expected = (value as? String).map(NULFreeSQLDatabase.containsNUL) ?? false
            #expect(found == expected, "\(String(reflecting: value))")
        }
    }
}
