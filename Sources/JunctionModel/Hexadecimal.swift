/// Bytes as lowercase hexadecimal, two digits each: how digests are written (hashes of API keys,
/// records and requests). `String(format: "%02x")` per byte cost 2% of a write's CPU.
public func hexadecimal<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
