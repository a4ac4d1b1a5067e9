import Foundation

/// Timestamps as the store keeps them: integer milliseconds since the Unix epoch.
enum Clock {
    static func nowMilliseconds() -> Int64 { milliseconds(Date()) }

    /// Rounded to the nearest millisecond: a date that came from a millisecond timestamp (whose
    /// double is a hair below or above it) maps back to that same millisecond.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
