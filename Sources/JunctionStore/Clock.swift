import Foundation
import JunctionModel

/// Timestamps as the store keeps them: integer milliseconds since the Unix epoch (the rounding
/// is the model's, `Date.unixMilliseconds`).
enum Clock {
    static func nowMilliseconds() -> Int64 { Date().unixMilliseconds }

    static func milliseconds(_ date: Date) -> Int64 { date.unixMilliseconds }

    static func date(_ milliseconds: Int64) -> Date { Date(unixMilliseconds: milliseconds) }
}
