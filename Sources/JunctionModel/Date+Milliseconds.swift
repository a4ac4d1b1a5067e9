import Foundation

/// Junction keeps timestamps as integer milliseconds since the Unix epoch; every value a store
/// round-trips is held at that precision, so a saved and a reloaded value compare equal.
extension Date {
    /// Rounded to the nearest millisecond: a date that came from a millisecond timestamp (whose
    /// double is a hair below or above it) maps back to that same millisecond.
    public var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000) }

    /// This date at the stored precision.
    public var atMillisecondPrecision: Date { Date(unixMilliseconds: unixMilliseconds) }
}
