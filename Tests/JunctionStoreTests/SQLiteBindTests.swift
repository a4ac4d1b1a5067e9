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
            Int64?.none, 0, Int.max, Int?.some(3), Int?.none, true, 2.5, Int32(9), UInt8(200), Colour.teal,
            Colour?.none, [1, 2],
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
