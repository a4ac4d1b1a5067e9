import Foundation
import HummingbirdTesting
import JunctionModel
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// Personio keeps job texts per language, and the feed leaves out the description of a job not
/// written in the language asked for. Jobs written only in German, only in English, in two or
/// in three languages must all get a description, and a posting per language.
@Suite("Job texts in every language", .freshDatabases)
struct JobLanguageTests {
    typealias Object = [String: Any]

    @Test(
        "every published job gets its description and one posting per language it is written in",
        arguments: Backend.allCases)
    func mixedLanguages(backend: Backend) async throws {
        var configuration = JobSyncTests.small
        configuration.jobLanguages = .mixed
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            let run = try await sync.run()
            let jobs = try await sync.jobs()
            let truth = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=jobs", method: .get) {
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)?["jobs"] as? [Object])
            }

            #expect(run.status == .succeeded && run.stats.warnings.isEmpty, "\(run.stats.warnings)")
            var seenLanguageSets = Set<[String]>()
            for expected in truth where expected["published"] as? Bool == true {
                let job = try #require(jobs["\(expected["id"] ?? "")"])
                let languages = try #require(expected["text_languages"] as? [String])
                seenLanguageSets.insert(languages)
                let names = try #require(expected["name"] as? [String: String])
                let descriptions = try #require(expected["descriptions"] as? [String: [Object]])
                // Titles and first sections as the sandbox writes them (French derived from English).
                func title(_ language: String) -> String? {
                    language == "fr" ? names["en"].map { "(FR) " + $0 } : names[language]
                }
                func firstSection(_ language: String) -> String? {
                    let source = language == "fr" ? "en" : language
                    let name = descriptions[source]?.first?["name"] as? String
                    return language == "fr" ? name.map { "(FR) " + $0 } : name
                }
                let preferred = ["en", "de", "fr"].filter(languages.contains)
                #expect(job.jobPostings.map(\.title) == preferred.map(title), "job \(job.remoteID) in \(languages)")
                let best = try #require(preferred.first)
                #expect(
                    job.description?.hasPrefix("<h3>\(firstSection(best) ?? "?")</h3>") == true, "job \(job.remoteID)")
            }
            #expect(seenLanguageSets == [["de"], ["en"], ["de", "en"], ["de", "en", "fr"]])
        }
    }
}
