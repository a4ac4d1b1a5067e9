import Foundation
import JunctionModel
import Testing

@Suite("Unified JSON conventions")
struct UnifiedJSONTests {
    @Test("timestamps are written as UTC with milliseconds and Z")
    func formatsTimestamps() {
        // Expected values computed by hand from the Unix epoch (1700000000 s = 2023-11-14 22:13:20 UTC).
        #expect(UnifiedDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(UnifiedDate.format(Date(timeIntervalSince1970: 1_700_000_000.123)) == "2023-11-14T22:13:20.123Z")
        #expect(UnifiedDate.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(UnifiedDate.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test("timestamps appended as bytes are the same text, checked against Foundation's formatter")
    func appendsTimestamps() {
        // Appended after what the bytes hold, which stays.
        func appended(_ date: Date) -> String {
            var bytes = Array("{".utf8)
            UnifiedDate.append(date, to: &bytes)
            #expect(bytes.first == UInt8(ascii: "{"))
            return String(decoding: bytes.dropFirst(), as: UTF8.self)
        }
        // Hand-computed, as above, and the last year written with four digits.
        #expect(appended(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(appended(Date(timeIntervalSince1970: 1_700_000_000.123)) == "2023-11-14T22:13:20.123Z")
        #expect(appended(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(appended(Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
        // Past four digits, the bytes are `format`'s text.
        let far = Date(timeIntervalSince1970: 253_402_300_800)
        #expect(appended(far) == UnifiedDate.format(far))
        #expect(appended(far).hasPrefix("10000-01-01T00:00:00.000"))

        // A sweep over 1600–2400 in steps of a prime number of seconds, milliseconds varying:
        // the date and time against Foundation's ISO 8601 formatter, the whole against `format`.
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        var seconds: Int64 = -11_676_096_000
        var compared = 0
        while seconds < 13_569_465_600 {
            let milliseconds = (seconds / 7) % 1000
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(abs(milliseconds)) / 1000)
            let text = appended(date)
            #expect(text == UnifiedDate.format(date))
            let whole = Date(timeIntervalSince1970: Double(seconds))
            #expect(String(text.prefix(19)) + "Z" == iso.string(from: whole), "\(seconds)")
            #expect(text.dropFirst(20).prefix(3) == String(format: "%03d", abs(milliseconds)), "\(seconds)")
            seconds += 12_582_917
            compared += 1
        }
        #expect(compared > 1_900)
    }

    @Test(
        "every timestamp form the Kombo SDK sends is read",
        arguments: [
            ("2023-11-14T22:13:20Z", 1_700_000_000.0),
            ("2023-11-14T22:13:20.123000Z", 1_700_000_000.123),
            ("2023-11-14T22:13:20.123Z", 1_700_000_000.123),
            ("2023-11-15T00:13:20+02:00", 1_700_000_000.0),
            ("2023-11-14T20:13:20-0200", 1_700_000_000.0),
            ("2023-11-14T22:13:20", 1_700_000_000.0),
            ("2023-11-14", 1_699_920_000.0),
        ])
    func parsesTimestamps(text: String, epochSeconds: Double) throws {
        let date = try #require(UnifiedDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epochSeconds) < 0.0005)
    }

    @Test(
        "impossible or malformed timestamps are refused",
        arguments: [
            "2023-02-29T00:00:00Z", "2023-13-01", "2023-11-14T25:00:00Z", "yesterday", "2023-11-14T22:13:20Zjunk", "",
        ])
    func refusesBadTimestamps(text: String) {
        #expect(UnifiedDate.parse(text) == nil)
    }

    @Test("required-but-nullable keys are written as null, not left out")
    func writesExplicitNulls() throws {
        let job = Job(id: "id1", remoteID: "r1", changedAt: Date(timeIntervalSince1970: 0))

        let object = try JSONSerialization.jsonObject(with: UnifiedJSON.makeEncoder().encode(job)) as! [String: Any]

        for key in ["name", "job_code", "description", "remote_deleted_at", "custom_fields", "remote_url", "location"] {
            #expect(object[key] is NSNull, "\(key) should be present as null")
        }
        #expect(object["changed_at"] as? String == "1970-01-01T00:00:00.000Z")
        #expect((object["stages"] as? [Any])?.isEmpty == true)
    }

    @Test("a job survives a round trip through the wire format")
    func roundTripsJobs() throws {
        var job = Job(id: "id1", remoteID: "r1", changedAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        job.name = "Backend Engineer"
        job.location = Location(city: "Berlin", country: "DE")
        job.customFields = ["level": .string("senior"), "remote": .bool(true), "count": .number(3)]

        let decoded = try UnifiedJSON.makeDecoder().decode(Job.self, from: UnifiedJSON.makeEncoder().encode(job))

        #expect(decoded == job)
    }

    @Test("the success envelope carries status and data, and warnings only when given")
    func successEnvelope() throws {
        let plain =
            try JSONSerialization.jsonObject(
                with: UnifiedJSON.makeEncoder().encode(SuccessEnvelope(ListPage(next: nil, results: [1, 2]))))
            as! [String: Any]
        let action =
            try JSONSerialization.jsonObject(
                with: UnifiedJSON.makeEncoder().encode(SuccessEnvelope([String: Int](), warnings: [])))
            as! [String: Any]

        #expect(plain["status"] as? String == "success")
        #expect(plain["warnings"] == nil)
        let data = try #require(plain["data"] as? [String: Any])
        #expect(data["next"] is NSNull)
        #expect(data["results"] as? [Int] == [1, 2])
        #expect((action["warnings"] as? [Any])?.isEmpty == true)
    }
}
