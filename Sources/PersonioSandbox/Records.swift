import Foundation

// The sandbox's ground truth: Personio's recruiting objects as Personio holds them, before any
// wire encoding. Ids are integers as in Personio; the v2 API writes them as strings.

struct SandboxStage: Sendable, Equatable {
    /// Personio's predefined stages; their v1 `phase.type` is `system`.
    static let systemKinds = ["unassigned", "rejected", "withdrawn", "offer", "accepted"]

    /// Custom stages have an integer id and a name; system stages have neither ([I] §4.2).
    var id: Int?
    var name: String?
    /// `custom`, or the system stage's name.
    var kind: String

    var isSystem: Bool { id == nil }

    static func system(_ kind: String) -> SandboxStage { SandboxStage(id: nil, name: nil, kind: kind) }
}

struct SandboxCategory: Sendable {
    var id: Int
    var name: String
    /// The category's custom stages, in pipeline order.
    var stages: [SandboxStage]
}

struct SandboxChannel: Sendable {
    var id: Int
    var name: String
}

struct SandboxPerson: Sendable {
    var id: Int
    var firstName: String
    var lastName: String
    var email: String
    var position: String
    var createdAt: Date
}

struct HiringTeamMember: Sendable, Equatable {
    var personID: Int
    var role: String
}

struct JobDescriptionSection: Sendable, Equatable {
    var name: String
    var html: String
}

struct SandboxJob: Sendable {
    var id: Int
    var name: [String: String]  // language → title
    var departmentID: Int?
    var categoryID: Int
    var office: String
    var additionalOffices: [String]
    var subcompany: String?
    var employmentType: String
    var seniority: String
    var schedule: String
    var yearsOfExperience: String?
    var keywords: String?
    var occupation: String
    var occupationCategory: String
    var descriptions: [String: [JobDescriptionSection]]  // language → sections
    var salary: (min: Int, max: Int?)?
    var published: Bool
    /// Archived jobs are closed for good: never published, still readable through v2 ([?]).
    var archived: Bool
    var hiringTeam: [HiringTeamMember]
    var createdAt: Date
    var updatedAt: Date
}

struct StageTransition: Sendable {
    var stage: SandboxStage
    var enteredAt: Date
}

struct SandboxApplication: Sendable {
    var id: Int
    var candidateID: Int
    var jobID: Int
    var applicationDate: String  // YYYY-MM-DD
    var channelID: Int?
    /// Oldest first; the last is the current stage.
    var transitions: [StageTransition]
    var hiringTeam: [HiringTeamMember]
    var tags: [String]
    var attributes: [String: String]
    var message: String?
    /// Documents attached when the application was created through v1.
    var files: [ApplicationFile] = []
    var isAnonymized: Bool
    var createdAt: Date
    var updatedAt: Date

    var currentStage: SandboxStage { transitions.last?.stage ?? .system("unassigned") }
}

struct SandboxCandidate: Sendable {
    var id: Int
    var firstName: String?
    var lastName: String?
    var email: String?
    var gender: String?
    var phone: String?
    var location: String?
    var birthday: String?
    var linkedinProfile: String?
    var availableFrom: String?
    var applicationIDs: [Int]
    var isAnonymized: Bool
    var createdAt: Date
    var updatedAt: Date
}

/// A custom applicant attribute (`custom_attribute_<n>`) of the account.
struct SandboxAttribute: Sendable {
    enum Kind: String, Sendable {
        case text = "TEXT"
        case date = "DATE"
        case option = "OPTION"
    }

    var id: String
    var label: String
    var kind: Kind
    /// For OPTION attributes: the option ids (`custom_option_<n>`) and their labels.
    var options: [(id: String, label: String)]
}

/// A document of an application: the upload it came from and its category.
struct ApplicationFile: Sendable {
    var uuid: String
    var originalFilename: String
    var category: String
    var size: Int
    var mimetype: String
    /// SHA-256 of the uploaded bytes (hex), so tests can check what arrived.
    var sha256: String
}
