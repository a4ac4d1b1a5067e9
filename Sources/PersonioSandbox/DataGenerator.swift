import Foundation

/// Everything a sandbox account holds at start.
struct SandboxDataset: Sendable {
    var categories: [SandboxCategory]
    var channels: [SandboxChannel]
    var persons: [SandboxPerson]
    var attributes: [SandboxAttribute]
    var jobs: [SandboxJob]
    var candidates: [SandboxCandidate]
    var applications: [SandboxApplication]
}

/// Builds a sandbox account's data from a seed and sizes, deterministically: the same
/// configuration always yields the same records, and each record depends only on the seed and
/// its own index, not on how many others there are.
struct DataGenerator {
    let configuration: SandboxConfiguration

    static let jobIDBase = 2_140_000
    static let candidateIDBase = 7_700_000
    static let applicationIDBase = 49_500_000
    static let personIDBase = 24_205_100

    /// The account's recruiting categories: the built-in three first, then synthesized ones.
    let categories: [SandboxCategory]
    let channels: [SandboxChannel]
    let attributes: [SandboxAttribute]

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        categories = Self.catalog(Self.builtInCategories, count: configuration.categories) { index in
            var random = SeededRandom(seed: configuration.seed, stream: "category", index: index)
            let names = ["Screening", "First interview", "Second interview", "Assessment centre", "Reference check"]
            let stageCount = random.int(in: 2...4)
            return SandboxCategory(
                id: 100 + index,
                name: Self.extraCategoryNames[(index - 3) % Self.extraCategoryNames.count]
                    + (index - 3 >= Self.extraCategoryNames.count ? " \(index + 1)" : ""),
                stages: (0..<stageCount).map {
                    SandboxStage(id: 27_000 + index * 10 + $0, name: names[$0], kind: "custom")
                })
        }
        channels = Self.catalog(Self.builtInChannels, count: configuration.channels) { index in
            SandboxChannel(id: 250_624 + index, name: "Job board \(index - 5)")
        }
        attributes = Self.catalog(Self.builtInAttributes, count: configuration.customAttributes) { index in
            let n = index + 1
            switch index % 3 {
            case 0:
                return SandboxAttribute(
                    id: "custom_attribute_\(n)", label: "Custom text \(n)", kind: .text, options: [])
            case 1:
                return SandboxAttribute(
                    id: "custom_attribute_\(n)", label: "Custom date \(n)", kind: .date, options: [])
            default:
                return SandboxAttribute(
                    id: "custom_attribute_\(n)", label: "Custom choice \(n)", kind: .option,
                    options: (0..<3).map { ("custom_option_\(100 + index * 3 + $0)", "Choice \($0 + 1)") })
            }
        }
    }

    static let extraCategoryNames = [
        "Freelance", "Management", "Apprenticeship", "Temporary Staff", "Executive Search",
    ]

    /// The first `count` of `builtIn`, followed by `make(index)` for the rest.
    private static func catalog<T>(_ builtIn: [T], count: Int, make: (Int) -> T) -> [T] {
        Array(builtIn.prefix(count)) + (builtIn.count..<max(builtIn.count, count)).map(make)
    }

    static let builtInCategories = [
        SandboxCategory(
            id: 12, name: "Permanent Employee",
            stages: [
                SandboxStage(id: 26_485, name: "Phone interview", kind: "custom"),
                SandboxStage(id: 26_486, name: "Case study", kind: "custom"),
                SandboxStage(id: 26_487, name: "On-site interview", kind: "custom"),
            ]),
        SandboxCategory(
            id: 13, name: "Working Student",
            stages: [
                SandboxStage(id: 26_490, name: "Screening", kind: "custom"),
                SandboxStage(id: 26_491, name: "Interview", kind: "custom"),
            ]),
        SandboxCategory(
            id: 14, name: "Internship",
            stages: [
                SandboxStage(id: 26_495, name: "Application review", kind: "custom"),
                SandboxStage(id: 26_496, name: "Team interview", kind: "custom"),
            ]),
    ]

    static let builtInChannels = [
        SandboxChannel(id: 250_624, name: "LinkedIn"), SandboxChannel(id: 250_625, name: "StepStone"),
        SandboxChannel(id: 250_626, name: "Indeed"), SandboxChannel(id: 250_627, name: "Company website"),
        SandboxChannel(id: 250_628, name: "Employee referral"), SandboxChannel(id: 250_629, name: "XING"),
    ]

    static let builtInAttributes = [
        SandboxAttribute(id: "custom_attribute_1", label: "Notice period", kind: .text, options: []),
        SandboxAttribute(id: "custom_attribute_2", label: "Earliest start date", kind: .date, options: []),
        SandboxAttribute(
            id: "custom_attribute_3", label: "Work permit", kind: .option,
            options: [
                ("custom_option_1", "EU citizen"), ("custom_option_2", "Visa required"), ("custom_option_3", "Other"),
            ]),
        SandboxAttribute(
            id: "custom_attribute_4", label: "Preferred office", kind: .option,
            options: [("custom_option_4", "Munich"), ("custom_option_5", "Berlin"), ("custom_option_6", "Remote")]),
    ]

    func generate() -> SandboxDataset {
        let persons = (0..<configuration.persons).map(person)
        let jobs = (0..<configuration.jobs).map { job($0, personCount: persons.count) }
        var candidates: [SandboxCandidate] = []
        var applications: [SandboxApplication] = []
        candidates.reserveCapacity(configuration.candidates)
        applications.reserveCapacity(
            Int(Double(configuration.candidates) * configuration.applicationsPerCandidate) + 16)
        for index in 0..<configuration.candidates {
            let (candidate, ownApplications) = candidate(index, jobs: jobs)
            candidates.append(candidate)
            applications.append(contentsOf: ownApplications)
        }
        return SandboxDataset(
            categories: categories, channels: channels, persons: persons, attributes: attributes,
            jobs: jobs, candidates: candidates, applications: applications)
    }

    // MARK: - Records

    private var reference: Date { configuration.referenceDate }

    private func person(_ index: Int) -> SandboxPerson {
        var random = SeededRandom(seed: configuration.seed, stream: "person", index: index)
        let first = random.pick(Vocabulary.firstNames)
        let last = random.pick(Vocabulary.lastNames)
        return SandboxPerson(
            id: Self.personIDBase + index, firstName: first, lastName: last,
            email: "\(Self.ascii(first)).\(Self.ascii(last))\(index)@sandbox-company.example".lowercased(),
            position: random.pick(Vocabulary.roles),
            createdAt: reference.addingTimeInterval(-Double(random.int(in: 400...2000)) * 86_400))
    }

    private func job(_ index: Int, personCount: Int) -> SandboxJob {
        var random = SeededRandom(seed: configuration.seed, stream: "job", index: index)
        let title = random.pick(Vocabulary.titles)
        // Most jobs are permanent positions; some are for working students or interns, and the
        // synthesized categories take a share when there are any.
        let category: SandboxCategory
        if index % 7 == 3, categories.count > 1 {
            category = categories[1]
        } else if index % 11 == 5, categories.count > 2 {
            category = categories[2]
        } else if categories.count > 3, random.chance(0.3) {
            category = categories[random.int(in: 3...(categories.count - 1))]
        } else {
            category = categories[0]
        }
        let createdAt = reference.addingTimeInterval(-Double(random.int(in: (30 * 86_400)...(400 * 86_400))))
        let updatedAt = createdAt.addingTimeInterval(Double(random.int(in: 0...(20 * 86_400))))
        let sectionCount = random.int(in: 2...3)
        let hiringTeam =
            personCount == 0
            ? []
            : (0..<random.int(in: 1...2)).map { member in
                HiringTeamMember(
                    personID: Self.personIDBase + (index * 3 + member) % personCount,
                    role: member == 0 ? "HR Manager" : "Hiring Manager")
            }
        let salaryMin = random.chance(0.4) ? random.int(in: 40...90) * 1000 : nil
        let unpublished = random.chance(0.17)
        let archived = unpublished && random.chance(0.33)
        return SandboxJob(
            id: Self.jobIDBase + index,
            name: ["en": title.english + Vocabulary.titleSuffix, "de": title.german + Vocabulary.titleSuffix],
            departmentID: random.chance(0.9) ? title.departmentID : nil,
            categoryID: category.id,
            office: random.pick(Vocabulary.offices),
            additionalOffices: random.chance(0.2) ? ["Remote"] : [],
            subcompany: random.chance(0.3) ? random.pick(Vocabulary.subcompanies) : nil,
            employmentType: category.id == 13
                ? "working_student" : (category.id == 14 ? "intern" : random.pick(Vocabulary.employmentTypes)),
            seniority: random.pick(Vocabulary.seniorities),
            schedule: random.pick(Vocabulary.schedules),
            yearsOfExperience: random.chance(0.85) ? random.pick(Vocabulary.yearsOfExperience) : nil,
            keywords: random.chance(0.6)
                ? (0..<random.int(in: 1...3)).map { _ in random.pick(Vocabulary.keywords) }.joined(separator: ",")
                : nil,
            occupation: title.occupation,
            occupationCategory: title.occupationCategory,
            descriptions: [
                "en": Vocabulary.sections.prefix(sectionCount).map { JobDescriptionSection(name: $0.0, html: $0.2) },
                "de": Vocabulary.sections.prefix(sectionCount).map { JobDescriptionSection(name: $0.1, html: $0.3) },
            ],
            salary: salaryMin.map { ($0, random.chance(0.5) ? $0 + random.int(in: 5...30) * 1000 : nil) },
            // About one job in six is not published, so it is in v2 but not in the feed; a third
            // of those are archived.
            published: !unpublished,
            archived: archived,
            hiringTeam: hiringTeam,
            createdAt: createdAt,
            updatedAt: updatedAt)
    }

    private func candidate(_ index: Int, jobs: [SandboxJob]) -> (SandboxCandidate, [SandboxApplication]) {
        var random = SeededRandom(seed: configuration.seed, stream: "candidate", index: index)
        let id = Self.candidateIDBase + index
        let first = random.pick(Vocabulary.firstNames)
        let last = random.pick(Vocabulary.lastNames)
        let createdAt = reference.addingTimeInterval(-Double(random.int(in: (2 * 86_400)...(360 * 86_400))))
        let applicationCount = jobs.isEmpty ? 0 : applicationCount(&random)
        var applications: [SandboxApplication] = []
        var usedJobs = Set<Int>()
        for slot in 0..<applicationCount {
            var job = random.pick(jobs)
            while usedJobs.contains(job.id) && usedJobs.count < jobs.count { job = random.pick(jobs) }
            guard usedJobs.insert(job.id).inserted else { break }
            applications.append(
                application(
                    id: Self.applicationIDBase + index * 4 + slot, candidateID: id, job: job,
                    appliedAt: min(
                        createdAt.addingTimeInterval(Double(slot) * Double(random.int(in: 600...(20 * 86_400)))),
                        reference.addingTimeInterval(-Double(random.int(in: 60...86_400)))),
                    random: &random))
        }
        // A share of candidates whose every application ended is anonymized, as Personio's
        // GDPR retention does automatically.
        let ended =
            !applications.isEmpty
            && applications.allSatisfy { ["rejected", "withdrawn"].contains($0.currentStage.kind) }
        let anonymized = ended && random.chance(0.25)
        if anonymized {
            for i in applications.indices {
                applications[i].isAnonymized = true
                // Anonymization comes after the account's retention period and moves `updated_at`
                // (unless switched off); derived from the id, so the seed's other draws stay as they were.
                if configuration.anonymizationMovesUpdatedAt {
                    let later = applications[i].updatedAt.addingTimeInterval(Double(id % 90 + 1) * 86_400)
                    applications[i].updatedAt = max(
                        applications[i].updatedAt, min(later, reference.addingTimeInterval(-60)))
                }
            }
        }
        let updatedAt = ([createdAt] + applications.map(\.updatedAt)).max()!
        let candidate = SandboxCandidate(
            id: id,
            firstName: anonymized ? nil : first,
            lastName: anonymized ? nil : last,
            email: anonymized
                ? nil
                : "\(Self.ascii(first)).\(Self.ascii(last)).\(id)@\(random.pick(Vocabulary.emailDomains))".lowercased(),
            gender: anonymized ? nil : random.pick(Vocabulary.genders),
            phone: anonymized || random.chance(0.3)
                ? nil : "+49 1\(random.int(in: 50...79)) \(random.int(in: 1_000_000...9_999_999))",
            location: anonymized || random.chance(0.4) ? nil : random.pick(Vocabulary.offices),
            birthday: anonymized || random.chance(0.7)
                ? nil : Self.day(reference.addingTimeInterval(-Double(random.int(in: 18...60)) * 365.25 * 86_400)),
            linkedinProfile: anonymized || random.chance(0.5)
                ? nil : "https://www.linkedin.com/in/\(Self.ascii(first).lowercased())-\(id)",
            availableFrom: anonymized || random.chance(0.6)
                ? nil : Self.day(reference.addingTimeInterval(Double(random.int(in: 14...120)) * 86_400)),
            applicationIDs: applications.map(\.id),
            isAnonymized: anonymized,
            createdAt: createdAt,
            updatedAt: updatedAt)
        return (candidate, applications)
    }

    private func applicationCount(_ random: inout SeededRandom) -> Int {
        // 1, 2 or 3 with weights that give the configured mean (1.5 → 60/30/10 %).
        let extra = max(0, min(2, configuration.applicationsPerCandidate - 1))
        let three = extra / 5
        let two = extra - 2 * three
        let roll = Double.random(in: 0..<1, using: &random)
        return roll < three ? 3 : (roll < three + two ? 2 : 1)
    }

    private func application(
        id: Int, candidateID: Int, job: SandboxJob, appliedAt: Date, random: inout SeededRandom
    ) -> SandboxApplication {
        let category = categories.first { $0.id == job.categoryID }!
        var transitions = [StageTransition(stage: category.stages.first ?? .system("unassigned"), enteredAt: appliedAt)]
        var time = appliedAt
        // Walk some way down the pipeline, then maybe to an outcome; nothing happens after the
        // reference moment, so a recent application simply has not moved far yet.
        func advance(_ maximum: Int) -> Bool {
            let next = time.addingTimeInterval(Double(random.int(in: 3600...maximum)))
            guard next < reference else { return false }
            time = next
            return true
        }
        for stage in category.stages.dropFirst() where random.chance(0.45) {
            guard advance(10 * 86_400) else { break }
            transitions.append(StageTransition(stage: stage, enteredAt: time))
        }
        let outcome = random.int(in: 0...99)
        let ending: [String] =
            switch outcome {
            case 0..<35: ["rejected"]
            case 35..<42: ["withdrawn"]
            case 42..<47: ["offer"]
            case 47..<52: ["offer", "accepted"]
            default: []
            }
        for kind in ending {
            guard advance(7 * 86_400) else { break }
            transitions.append(StageTransition(stage: .system(kind), enteredAt: time))
        }
        let updatedAt = time
        var attributes: [String: String] = [:]
        if random.chance(0.5) { attributes["custom_attribute_1"] = "\(random.int(in: 0...3)) months" }
        if random.chance(0.5) {
            attributes["custom_attribute_3"] = random.pick(["custom_option_1", "custom_option_2", "custom_option_3"])
        }
        return SandboxApplication(
            id: id, candidateID: candidateID, jobID: job.id, applicationDate: Self.day(appliedAt),
            channelID: random.chance(0.85) && !channels.isEmpty ? random.pick(channels).id : nil,
            transitions: transitions, hiringTeam: job.hiringTeam,
            tags: random.chance(0.2) ? [random.pick(Vocabulary.tags)] : [],
            attributes: attributes,
            message: random.chance(0.4) ? random.pick(Vocabulary.messages) : nil,
            isAnonymized: false, createdAt: appliedAt, updatedAt: updatedAt)
    }

    // MARK: - Helpers

    /// `YYYY-MM-DD` in UTC: the date part of Personio's timestamp text.
    static func day(_ date: Date) -> String { String(PersonioTime.format(date).prefix(10)) }

    /// Letters usable in an email local part: umlauts and accents folded to ASCII.
    static func ascii(_ text: String) -> String {
        let folded = text.replacingOccurrences(of: "ü", with: "ue").replacingOccurrences(of: "ö", with: "oe")
            .replacingOccurrences(of: "ä", with: "ae").replacingOccurrences(of: "ß", with: "ss")
        return String(folded.applyingTransform(.stripDiacritics, reverse: false) ?? folded).filter {
            $0.isLetter && $0.isASCII
        }
    }
}
