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
        guard let stage = captured.value.currentStage, Self.systemKind(stage) == nil, let remoteID = stage.id else {
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

    /// The stage's remote id: a custom stage's id, or a system stage's name (its v1 `phase.id`).
    static func stageRemoteID(_ stage: V2Stage) -> String? {
        stage.id ?? systemKind(stage)
    }

    /// `unassigned`, `rejected`, … for a system stage; nil for a custom one.
    static func systemKind(_ stage: V2Stage) -> String? {
        guard stage.id == nil || stage.type == "system", let kind = stage.kind,
            StageMapper.systemStages.contains(where: { $0.remoteID == kind })
        else { return nil }
        return kind
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
