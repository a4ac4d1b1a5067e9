/// A `Duration` in the units logs, metrics and schedules use.
extension Duration {
    /// Whole milliseconds, rounded down.
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
