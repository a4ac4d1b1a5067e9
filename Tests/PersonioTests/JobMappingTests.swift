import Foundation
import JunctionConnectors
import JunctionModel
import Testing

@testable import Personio

@Suite("Job mapping rules")
struct JobMappingTests {
    static func job() throws -> Captured<V2Job> {
        try JSONDecoder().decode(Captured<V2Job>.self, from: Data(#"{"id":"77","name":"Support"}"#.utf8))
    }

    // The rule in docs/personio-mapping.md: only "Remote" → REMOTE; "Remote" beside a real
    // office → HYBRID; no "Remote" → null.
    @Test(
        "remote_work_status from the offices",
        arguments: [
            (["Remote"], "REMOTE"), (["Remote", "Remote"], "REMOTE"), (["Berlin", "Remote"], "HYBRID"),
            (["Remote", "Munich"], "HYBRID"), (["Berlin"], nil), (["Berlin", "Munich"], nil),
        ] as [([String], String?)])
    func remoteWorkStatus(offices: [String], expected: String?) throws {
        var position = FeedPosition()
        position.id = "77"
        position.office = offices[0]
        position.additionalOffices = Array(offices.dropFirst())
        let mapper = JobMapper(integrationID: "personio:test", careerSiteBaseURL: nil, categories: [])

        let job = mapper.map(try Self.job(), position: position)

        #expect(job.remoteWorkStatus == expected)
    }

    @Test("a feed position's remote_data keeps nested elements whole: sections, offices, salary")
    func feedRawKeepsNestedElements() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <workzag-jobs><position>
              <id>2140018</id>
              <office>Berlin</office>
              <additionalOffices><office>Remote</office><office>Hamburg</office></additionalOffices>
              <name>Recruiter</name>
              <jobDescriptions>
                <jobDescription><name>Your tasks</name><value><![CDATA[<p>Hire</p>]]></value></jobDescription>
                <jobDescription><name>Your profile</name><value><![CDATA[<ul><li>Kind</li></ul>]]></value></jobDescription>
              </jobDescriptions>
              <salaryInformation><min>50000</min><max>60000</max><currencySymbol>€</currencySymbol><currencyCode>EUR</currencyCode><type>yearly</type></salaryInformation>
            </position></workzag-jobs>
            """

        let position = try #require(try CareerFeedParser.parse(Data(xml.utf8)).first)

        // Expected by hand from the XML above.
        #expect(position.raw["id"] == .string("2140018"))
        #expect(position.raw["office"] == .string("Berlin"))
        #expect(position.raw["additionalOffices"] == .array([.string("Remote"), .string("Hamburg")]))
        #expect(
            position.raw["jobDescriptions"]
                == .array([
                    .object(["name": .string("Your tasks"), "value": .string("<p>Hire</p>")]),
                    .object(["name": .string("Your profile"), "value": .string("<ul><li>Kind</li></ul>")]),
                ]))
        #expect(
            position.raw["salaryInformation"]
                == .object([
                    "min": .string("50000"), "max": .string("60000"), "currencySymbol": .string("€"),
                    "currencyCode": .string("EUR"), "type": .string("yearly"),
                ]))
        // The typed fields are read as before.
        #expect(position.additionalOffices == ["Remote", "Hamburg"])
        #expect(position.descriptions.map(\.name) == ["Your tasks", "Your profile"])
        #expect(position.salary?.min == 50000 && position.salary?.currencyCode == "EUR")
    }

    // The feed parser trims element texts itself (NSString's trimming was a quarter of a quiet
    // DELTA); Foundation's own trimming is the expectation, for every white-space scalar it knows.
    @Test("feed texts are trimmed exactly as Foundation trims white space and newlines")
    func feedTrimming() {
        let spaces = (0...0x3000).compactMap(Unicode.Scalar.init).filter {
            CharacterSet.whitespacesAndNewlines.contains($0)
        }
        #expect(spaces.count > 20)  // tab, newlines, the Zs spaces, U+0085, U+2028, U+2029, …
        var samples = ["", "x", "Berlin", " Berlin", "Berlin ", "\n\t  Ber lin \r\n", "   ", "ü", " ü ", "a\u{00A0}"]
        for space in spaces {
            let s = String(space)
            samples += [s, s + "Köln" + s, "Köln" + s, s + "Köln", "Kö" + s + "ln", s + s]
        }
        samples += ["\u{200B}x\u{200B}", " \u{200B} ", "\u{FEFF}x"]

        for sample in samples {
            #expect(
                CareerFeedParser.Delegate.trimmed(sample) == sample.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(sample.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    // Stage kinds and types are normalised on every application; the fast path must give what
    // Foundation's trimming and replacing gave.
    @Test("stage values are normalised as Foundation's trimming and replacing would")
    func stageValueNormalisation() {
        let samples = [
            "custom", "system", "offer", "Offer", " hired ", "Hired-Stage", "in review", "IN_REVIEW", "\tRejected\t",
            "with\u{00A0}nbsp", "  ", "", "Ünïcode kind", "a-b c_d", "e\u{0301} -x", " \u{2003}wide\u{2003} ", "x\n",
        ]
        for sample in samples {
            let expected = sample.trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            #expect(CandidateMapper.normalized(sample) == expected, "\(sample.unicodeScalars.map(\.value))")
        }
    }
}
