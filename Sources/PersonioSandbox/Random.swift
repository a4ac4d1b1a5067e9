/// SplitMix64: tiny, fast, and good enough for test data. Each record gets its own generator
/// seeded from (sandbox seed, kind, index), so record 17 is the same whether 100 or 100,000
/// records are generated, and generation order does not matter.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64, stream: String, index: Int) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the stream name
        for byte in stream.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        state = seed ^ hash ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self)] }
}
