import Foundation
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
}
