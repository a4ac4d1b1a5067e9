import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("Generator sizes")
struct GeneratorSizeTests {
    @Test("category, channel, attribute and person counts follow the configuration")
    func catalogSizes() async throws {
        let configuration = SandboxConfiguration.with {
            $0.categories = 7
            $0.channels = 9
            $0.customAttributes = 10
            $0.persons = 5
            $0.jobs = 60
            $0.candidates = 50
        }
        try await SandboxHarness.run(configuration) { sandbox in
            let truth = try await sandbox.request(
                "/_sandbox/ground-truth?models=categories,channels,attributes,persons,jobs"
            ).json()
            let categories = try #require(truth["categories"] as? [[String: Any]])
            let attributes = try #require(truth["attributes"] as? [[String: Any]])
            let jobs = try #require(truth["jobs"] as? [[String: Any]])

            #expect(categories.count == 7)
            #expect(Set(categories.compactMap { $0["id"] as? String }).count == 7)
            #expect(categories.allSatisfy { ($0["stages"] as? [Any])?.isEmpty == false })
            #expect((truth["channels"] as? [Any])?.count == 9)
            #expect(attributes.count == 10)
            #expect(Set(attributes.compactMap { $0["type"] as? String }) == ["TEXT", "DATE", "OPTION"])
            #expect((truth["persons"] as? [Any])?.count == 5)
            // Every job belongs to one of the account's categories, and the synthesized ones are used.
            let categoryIDs = Set(categories.compactMap { ($0["id"] as? String).flatMap(Int.init) })
            let used = Set(jobs.compactMap { $0["category_id"] as? Int })
            #expect(used.isSubset(of: categoryIDs))
            #expect(used.contains { $0 >= 100 })
        }
    }
}
