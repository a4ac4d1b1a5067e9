import Crypto
import Foundation
import JunctionModel

extension PersonioConnector {
    /// A digest of everything a job's unified record is built from besides the job's own v2
    /// record: the categories (pipelines, stage names), the persons (hiring-team names), the
    /// integration's settings (screening questions, tags), the career sites, and when each
    /// career feed last changed (`Last-Modified`, read with a HEAD request per site and
    /// language instead of the feed itself). Between two runs with the same digest, jobs whose
    /// v2 `updated_at` did not move map to the same records.
    ///
    /// Nil when a feed's change time cannot be told (no `Last-Modified` or `Date`, a change in
    /// the second it was read, any answer but 200) or anything else fails: the run then reads
    /// every job and feed as always, and its own reads report what failed.
    public func jobInputsFingerprint() async -> String? {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Data((text + "\n").utf8)) }
        add("personio-job-inputs-1")
        do {
            do {
                hasher.update(data: try await categoriesRead().data)
            } catch PersonioError.forbidden {
                // Categories the credentials may not read give jobs without pipelines.
                add("no categories")
            }
            add("")
            if let persons = try await persons() {
                for person in persons { hasher.update(data: try person.raw.encodedBytes()) }
            } else {
                add("no persons")
            }
            add("")
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            hasher.update(data: try encoder.encode(applicantAttributes))
            add(tagNames.joined(separator: "\u{1F}"))
            add(credentials.resolvedCareerSiteBaseURL ?? "no career site")
            // Without any career site there is no feed to stamp (jobs are built without one).
            for site in credentials.feedSites where site != nil || credentials.resolvedCareerSiteBaseURL != nil {
                add(site?.host ?? "")
                for language in Self.feedLanguages {
                    guard let stamp = try await client.careerFeedStamp(language: language, site: site),
                        stamp.isSettled
                    else { return nil }
                    add("\(language) \(stamp.lastModified.timeIntervalSince1970)")
                }
            }
        } catch {
            return nil
        }
        return hexadecimal(hasher.finalize())
    }

    /// Whether Personio reports any job updated after `date` (one request for one record).
    public func jobsUpdated(after date: Date) async throws -> Bool {
        let data = try await client.getV2(Self.listing("/v2/recruiting/jobs", updatedAfter: date) + "&limit=1")
        guard case .object(let page)? = try? JSONValue.parse([UInt8](data)), case .array(let jobs)? = page["_data"]
        else { throw PersonioError.malformedResponse("jobs: no `_data` list") }
        return !jobs.isEmpty
    }
}
