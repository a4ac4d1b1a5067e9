import Foundation

/// The one place where the unified API's JSON conventions live.
///
/// Timestamps go out as ISO-8601 UTC with milliseconds and `Z` (`2024-01-02T03:04:05.123Z`);
/// they come in in any of the forms Kombo's SDK sends (`…05Z`, `…05.123000Z`, `…05+02:00`, and
/// naive `…05`, read as UTC).
public enum UnifiedJSON {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UnifiedDate.format(date))
        }
        // Sorted keys: the same record always serialises to the same bytes (stable diffs, ETags,
        // content hashes), whatever order the encoder's dictionaries happen to hold.
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = UnifiedDate.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "'\(text)' is not an ISO-8601 date-time such as 2024-01-02T03:04:05.123Z"
                )
            }
            return date
        }
        return decoder
    }
}

/// ISO-8601 formatting and tolerant parsing, without locale or formatter state.
public enum UnifiedDate {
    /// `2024-01-02T03:04:05.123Z`, always UTC and always with milliseconds.
    public static func format(_ date: Date) -> String {
        let time = Civil(date)
        var text = ""
        text.reserveCapacity(24)
        text += pad(time.year, 4) + "-" + pad(time.month, 2) + "-" + pad(time.day, 2)
        text += "T" + pad(time.secondOfDay / 3600, 2) + ":" + pad((time.secondOfDay / 60) % 60, 2) + ":"
        text += pad(time.secondOfDay % 60, 2) + "." + pad(time.milliseconds, 3) + "Z"
        return text
    }

    /// `format`'s text appended to `bytes`, without building a `String`: pages write two or
    /// three dates per record. Years outside 0…9999 take `format` itself.
    public static func append(_ date: Date, to bytes: inout [UInt8]) {
        let time = Civil(date)
        guard (0...9999).contains(time.year) else { return bytes.append(contentsOf: format(date).utf8) }
        // Written into its 24 bytes on the stack, then appended at once: appended one by one,
        // each byte checked the array's uniqueness and capacity (1.5% of a PostgreSQL
        // candidates page's CPU, issue 22's thirty-sixth stop).
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { text in
            var offset = 0
            func put(_ byte: UInt8) {
                text[offset] = byte
                offset += 1
            }
            func digits(_ value: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                    divisor /= 10
                }
            }
            digits(time.year, 4)
            put(UInt8(ascii: "-"))
            digits(time.month, 2)
            put(UInt8(ascii: "-"))
            digits(time.day, 2)
            put(UInt8(ascii: "T"))
            digits(time.secondOfDay / 3600, 2)
            put(UInt8(ascii: ":"))
            digits((time.secondOfDay / 60) % 60, 2)
            put(UInt8(ascii: ":"))
            digits(time.secondOfDay % 60, 2)
            put(UInt8(ascii: "."))
            digits(time.milliseconds, 3)
            put(UInt8(ascii: "Z"))
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[0..<offset]))
        }
    }

    /// A moment's UTC calendar fields.
    private struct Civil {
        var year: Int
        var month: Int
        var day: Int
        var secondOfDay: Int
        var milliseconds: Int

        init(_ date: Date) {
            // Nearest, not floor: 1700000000.123 is stored as 1700000000.12299990…, which must
            // still print as .123.
            let millisecondsSinceEpoch = (date.timeIntervalSince1970 * 1000).rounded()
            let totalMilliseconds = Int64(millisecondsSinceEpoch)
            milliseconds = Int(((totalMilliseconds % 1000) + 1000) % 1000)
            let seconds = (totalMilliseconds - Int64(milliseconds)) / 1000
            var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            secondOfDay = Int(seconds - days * 86_400)
            // Civil-from-days (Howard Hinnant's algorithm): proleptic Gregorian, no calendar object.
            days += 719_468
            let era = (days >= 0 ? days : days - 146_096) / 146_097
            let dayOfEra = days - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
            month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
            year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        }
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fraction]]` and `Z` or `±HH[:]MM`.
    /// A missing zone is read as UTC. Returns nil for anything else, including impossible dates.
    public static func parse(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        if scanner.take("T") || scanner.take("t") || scanner.take(" ") {
            guard let h = scanner.number(digits: 2), scanner.take(":"), let m = scanner.number(digits: 2),
                h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            if scanner.take(":") {
                guard let s = scanner.number(digits: 2), s < 61 else { return nil }
                second = s
                if scanner.take(".") || scanner.take(",") {
                    guard let digits = scanner.digitRun(), !digits.isEmpty else { return nil }
                    fraction = Double("0." + digits) ?? 0
                }
            }
            if scanner.take("Z") || scanner.take("z") {
                // UTC
            } else if let sign = scanner.sign() {
                guard let oh = scanner.number(digits: 2) else { return nil }
                _ = scanner.take(":")
                guard let om = scanner.number(digits: 2), oh < 24, om < 60 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds)
        return Date(timeIntervalSince1970: seconds + fraction)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ character: Character) -> Bool {
        guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<digits {
            let byte = bytes[index + offset]
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += digits
        return value
    }

    mutating func digitRun() -> String? {
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func sign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }
}
