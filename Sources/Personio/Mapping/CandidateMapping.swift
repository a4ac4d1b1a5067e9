import Foundation
import JunctionModel

/// v2 candidates and applications → unified records. Reasons in `docs/personio-mapping.md`.
public struct CandidateMapper: Sendable {
    public let integrationID: String

    public init(integrationID: String) {
        self.integrationID = integrationID
    }

    public func map(_ captured: Captured<V2Candidate>) -> Candidate {
        let source = captured.value
        var candidate = Candidate(id: recordID("candidates", source.id), remoteID: source.id)
        candidate.firstName = source.firstName
        candidate.lastName = source.lastName
        candidate.emailAddresses = source.email.map { [.init(emailAddress: $0)] } ?? []
        candidate.phoneNumbers = source.phone.map { [.init(phoneNumber: $0)] } ?? []
        candidate.socialMedia = source.linkedinProfile.map { [.init(link: $0, type: "LINKEDIN")] } ?? []
        candidate.location = source.location.map { Location(raw: $0) }
        candidate.remoteCreatedAt = source.createdAt?.date
        candidate.remoteUpdatedAt = source.updatedAt?.date
        candidate.customFields = [:]
        candidate.remoteData = ["candidate": captured.raw]
        return candidate
    }

    public func map(_ captured: Captured<V2Application>) -> Application {
        let source = captured.value
        var application = Application(id: recordID("applications", source.id), remoteID: source.id)
        application.candidateID = source.candidateID.map { recordID("candidates", $0) }
        application.jobID = source.jobID.map { recordID("jobs", $0) }
        if let stage = source.currentStage, let remoteID = Self.stageRemoteID(stage) {
            application.currentStageID = recordID("application_stages", remoteID)
        }
        let kind = source.currentStage.flatMap(Self.systemKind)
        application.outcome = Self.outcome(systemKind: kind).rawValue
        // [I] v2 applications carry no rejection time; the last update of a rejected or
        // withdrawn application is when it entered that stage unless edited since.
        if kind == "rejected" || kind == "withdrawn" { application.rejectedAt = source.updatedAt?.date }
        application.remoteCreatedAt = source.createdAt?.date
        application.remoteUpdatedAt = source.updatedAt?.date
        application.customFields = [:]
        application.remoteData = ["application": captured.raw]
        application.source = source.channel?.name
        return application
    }

    /// The custom stage an application is in, as a stage record. Mostly a category stage the
    /// stage listing already has; when a stage was removed from its category (or the category
    /// is unreadable), applications are the only place left that shows it. Nil for system stages.
    public func stage(of captured: Captured<V2Application>) -> ApplicationStage? {
        // A system stage of a kind the mapping does not know (a warning on the run) is kept as a
        // stage of its own under its raw kind, so its applications still have a current stage.
        guard let stage = captured.value.currentStage, Self.systemKind(stage) == nil,
            let remoteID = Self.stageRemoteID(stage)
        else {
            return nil
        }
        var unified = ApplicationStage(
            id: recordID("application_stages", remoteID), remoteID: remoteID, name: stage.name, status: "ACTIVE")
        unified.customFields = [:]
        unified.remoteData = [
            "application_stage": .object([
                "id": .string(remoteID), "name": stage.name.map(JSONValue.string) ?? .null,
                "kind": stage.kind.map(JSONValue.string) ?? .null, "type": stage.type.map(JSONValue.string) ?? .null,
            ])
        ]
        return unified
    }

    /// The stage's remote id: a system stage's kind (its v1 `phase.id`), even where Personio
    /// gives system stages ids, or a custom stage's id.
    static func stageRemoteID(_ stage: V2Stage) -> String? {
        systemKind(stage) ?? stage.id ?? stage.kind
    }

    /// `unassigned`, `rejected`, … for a system stage; nil for a custom one.
    ///
    /// Personio does not publish its stage vocabulary [?], so the match is tolerant: any case,
    /// spaces or hyphens for underscores, `hired` for `accepted` (Personio's help centre uses
    /// both names), and a system stage that carries an id. What is still not understood is
    /// reported by `unknownStageValue` as a warning on the run, never silently taken as PENDING.
    static func systemKind(_ stage: V2Stage) -> String? {
        guard let kind = stage.kind.map(normalized), let canonical = systemKindSynonyms[kind] else { return nil }
        // A custom stage a customer happened to name like a system kind is still custom.
        if let type = stage.type.map(normalized), type == "custom", stage.id != nil { return nil }
        return canonical
    }

    static let systemKindSynonyms: [String: String] = [
        "unassigned": "unassigned", "rejected": "rejected", "withdrawn": "withdrawn", "offer": "offer",
        "accepted": "accepted", "hired": "accepted",
    ]

    /// `value` trimmed of spaces and tabs, lowercased, with spaces and hyphens as underscores.
    /// Personio's values are nearly always already so (`custom`, `offer`), and are then returned
    /// as they are: bridging every stage of every application through `NSString` was 6% of a FULL.
    static func normalized(_ value: String) -> String {
        let plain = value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        if plain { return value }
        var result = String.UnicodeScalarView()
        for scalar in value.trimmingScalars(in: .whitespaces).lowercased().unicodeScalars {
            result.append(scalar == " " || scalar == "-" ? "_" : scalar)
        }
        return String(result)
    }

    /// A description of what in `stage` the mapping does not know (a kind of a system stage it
    /// cannot place, a type other than custom or system), or nil when all is understood.
    public static func unknownStageValue(_ stage: V2Stage) -> String? {
        let kind = stage.kind.map(normalized)
        let type = stage.type.map(normalized)
        if let type, type != "custom", type != "system" {
            return "stage type '\(stage.type ?? "")'"
        }
        let looksSystem = type == "system" || stage.id == nil
        if looksSystem, systemKind(stage) == nil {
            return "system stage kind '\(stage.kind ?? "null")'"
        }
        if !looksSystem, let kind, kind != "custom", systemKindSynonyms[kind] == nil {
            return "stage kind '\(stage.kind ?? "")'"
        }
        return nil
    }

    static func outcome(systemKind: String?) -> Application.Outcome {
        switch systemKind {
        case "accepted": .hired
        case "rejected", "withdrawn": .declined
        default: .pending
        }
    }

    func recordID(_ model: String, _ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: model, remoteID: remoteID)
    }
}
