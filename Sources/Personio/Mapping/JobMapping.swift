import Foundation
import JunctionModel

/// Turns Personio's two views of a job (the v2 record and, when published, the career-feed
/// position) into a unified job. Pure: same inputs, same output. Every enum decision and its
/// reasoning is in `docs/personio-mapping.md`.
public struct JobMapper: Sendable {
    public let integrationID: String
    /// `https://{subdomain}.jobs.personio.de` (or the sandbox), for `post_url`.
    public let careerSiteBaseURL: String?
    /// Recruiting categories by id, for the job's stages.
    public let categories: [String: V2Category]

    public init(integrationID: String, careerSiteBaseURL: String?, categories: [V2Category]) {
        self.integrationID = integrationID
        self.careerSiteBaseURL = careerSiteBaseURL
        self.categories = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `position` is the job in the career feed (its facts and, when written in it, the texts of
    /// the best language); `translations` every language the job's texts were read in, best
    /// first, for `job_postings` and `remote_data`.
    public func map(
        _ captured: Captured<V2Job>, position: FeedPosition?,
        translations: [(language: String, position: FeedPosition)] = [], siteBaseURL: String? = nil
    ) -> Job {
        let job = captured.value
        var unified = Job(id: recordID("jobs", job.id), remoteID: job.id, changedAt: Date(timeIntervalSince1970: 0))
        unified.name = job.name ?? position?.name
        unified.description = position.map(Self.descriptionHTML)
        unified.category = job.category?.name ?? position?.recruitingCategory
        unified.department = job.department?.name ?? position?.department
        unified.employmentType = position.flatMap { Self.employmentType($0.employmentType, schedule: $0.schedule) }
        // Only published positions are in the feed; v2 has no status field ([C3] §4.7).
        unified.status = position == nil ? JobStatus.closed.rawValue : JobStatus.open.rawValue
        unified.visibility = position == nil ? JobVisibility.internal.rawValue : JobVisibility.public.rawValue
        unified.experienceLevel = position.flatMap(Self.experienceLevel)
        if let position, let office = position.office {
            let offices = [office] + position.additionalOffices
            unified.location = Location(city: office == "Remote" ? nil : office, raw: offices.joined(separator: ", "))
            // Every office "Remote" (Personio lists it once more among the additional offices at
            // times) is a remote job; "Remote" beside a real office is hybrid.
            if offices.contains("Remote") {
                unified.remoteWorkStatus = offices.allSatisfy { $0 == "Remote" } ? "REMOTE" : "HYBRID"
            }
        }
        if let base = siteBaseURL ?? careerSiteBaseURL, position != nil {
            unified.postURL = "\(base)/job/\(job.id)"
        }
        unified.remoteCreatedAt = job.createdAt?.date ?? position?.createdAt
        unified.remoteUpdatedAt = job.updatedAt?.date
        if let salary = position?.salary {
            unified.salaryAmountFrom = salary.min
            unified.salaryAmountTo = salary.max
            unified.salaryCurrency = salary.currencyCode
            unified.salaryPeriod = salary.type == "yearly" ? "YEAR" : (salary.type == "monthly" ? "MONTH" : nil)
        }
        unified.customFields = [:]
        unified.stages = stages(of: job)
        if let position {
            // One posting per language the job is written in (the best keeps the job's posting
            // id); a published job written in none of the languages read still has one.
            let texts = translations.isEmpty ? [("", position)] : translations
            unified.jobPostings = texts.enumerated().map { index, text in
                let id = index == 0 ? job.id : "\(job.id):\(text.0)"
                var posting = JobPosting(id: recordID("job_postings", id), remoteID: job.id, title: text.1.name)
                posting.descriptionHTML = Self.descriptionHTML(text.1)
                posting.status = "ACTIVE"
                posting.visibility = "PUBLIC"
                posting.url = unified.postURL
                return posting
            }
        }
        var remoteData: [String: JSONValue] = ["job": captured.raw]
        if let position { remoteData["career_site_position"] = .object(position.raw) }
        if translations.count > 1 {
            remoteData["career_site_translations"] = .object(
                Dictionary(
                    translations.map { language, text in
                        (
                            language,
                            JSONValue.object(
                                [
                                    "name": text.raw["name"] ?? .null,
                                    "jobDescriptions": text.raw["jobDescriptions"] ?? .null,
                                ])
                        )
                    }, uniquingKeysWith: { first, _ in first }))
        }
        unified.remoteData = remoteData
        return unified
    }

    /// The job's pipeline: its category's custom stages in order ([I] Personio documents no
    /// order; the categories endpoint's order is the pipeline's).
    func stages(of job: V2Job) -> [JobStage] {
        guard let categoryID = job.category?.id, let category = categories[categoryID] else { return [] }
        return category.stages.enumerated().compactMap { index, stage in
            guard let id = stage.id else { return nil }
            var unified = JobStage(id: recordID("application_stages", id), remoteID: id, name: stage.name, index: index)
            unified.status = "ACTIVE"
            return unified
        }
    }

    func recordID(_ model: String, _ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: model, remoteID: remoteID)
    }

    // MARK: - Enum mappings (reasoning in docs/personio-mapping.md)

    static func employmentType(_ type: String?, schedule: String?) -> String? {
        switch type {
        case "intern", "trainee": return EmploymentType.internship.rawValue
        case "freelance": return EmploymentType.contract.rawValue
        case "temporary": return EmploymentType.seasonal.rawValue
        case "working_student": return EmploymentType.partTime.rawValue
        case "permanent":
            return schedule == "part-time" ? EmploymentType.partTime.rawValue : EmploymentType.fullTime.rawValue
        default:
            return schedule == "part-time"
                ? EmploymentType.partTime.rawValue : (schedule == "full-time" ? EmploymentType.fullTime.rawValue : nil)
        }
    }

    static func experienceLevel(_ position: FeedPosition) -> String? {
        let parts = [position.seniority, position.yearsOfExperience.map(Self.years)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// [C] `lt-1, 1-2, 2-5, 5-7, 7-10, 10-15, gt-15` in words; any other value as it is.
    static func years(_ range: String) -> String {
        switch range {
        case "lt-1": "less than 1 year"
        case "gt-15": "more than 15 years"
        default: range.contains("-") ? "\(range) years" : range
        }
    }

    /// The description sections as one HTML document, each under its section title.
    static func descriptionHTML(_ position: FeedPosition) -> String {
        position.descriptions.map { "<h3>\(escape($0.name))</h3>\n\($0.html)" }.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
