import Foundation

/// Bytes as lowercase hexadecimal, two digits each: how digests are written (hashes of API keys,
/// records and requests). `String(format: "%02x")` per byte cost 2% of a write's CPU; iterating
/// a digest through this generic function's `Sequence`, from another module, cost 2% of a FULL
/// sync (issue 22, eighth stop), so bytes that lend a buffer are written from it.
public func hexadecimal<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    // Digests, `Data` and arrays all lend their bytes.
    if let contiguous = bytes as? any ContiguousBytes {
        return contiguous.withUnsafeBytes { hexadecimal(buffer: $0) }
    }
    return Array(bytes).withUnsafeBytes { hexadecimal(buffer: $0) }
}

/// `prefix` followed by `buffer` in hexadecimal, made as one string (a hash with its scheme, as
/// the store writes each record's: a digest through `hexadecimal(_:)` and a concatenation took
/// three allocations where this takes one).
public func hexadecimal(prefix: StaticString, buffer: UnsafeRawBufferPointer) -> String {
    let start = prefix.utf8CodeUnitCount
    return String(unsafeUninitializedCapacity: start + buffer.count * 2) { text in
        for index in 0..<start { text[index] = prefix.utf8Start[index] }
        for (index, byte) in buffer.enumerated() {
            text[start + 2 * index] = hexadecimalDigit(byte >> 4)
            text[start + 2 * index + 1] = hexadecimalDigit(byte & 0x0F)
        }
        return start + buffer.count * 2
    }
}

func hexadecimal(buffer: UnsafeRawBufferPointer) -> String { hexadecimal(prefix: "", buffer: buffer) }

@inline(__always) func hexadecimalDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}
