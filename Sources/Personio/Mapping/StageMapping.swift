import Foundation
import JunctionModel

/// Personio's application stages as unified stages: the five predefined system stages, then
/// each recruiting category's custom stages. Kombo infers stages only from applications; the
/// categories endpoint lets Junction list every stage, used or not.
public struct StageMapper: Sendable {
    public let integrationID: String

    public init(integrationID: String) {
        self.integrationID = integrationID
    }

    /// [C] The system stages and their v1 `phase.id`s, which serve as their remote ids.
    public static let systemStages: [(remoteID: String, name: String)] = [
        ("unassigned", "Unassigned"), ("rejected", "Rejected"), ("withdrawn", "Withdrawn"), ("offer", "Offer"),
        ("accepted", "Accepted"),
    ]

    public func stages(categories: [Captured<V2Category>]) -> [ApplicationStage] {
        var stages = Self.systemStages.map { system in
            var stage = ApplicationStage(
                id: stageID(system.remoteID), remoteID: system.remoteID, name: system.name, status: "ACTIVE")
            stage.customFields = [:]
            stage.remoteData = ["system_stage": .string(system.remoteID)]
            return stage
        }
        var seen = Set(stages.map(\.id))
        for captured in categories {
            let category = captured.value
            for stage in category.stages {
                guard let remoteID = stage.id, seen.insert(stageID(remoteID)).inserted else { continue }
                var unified = ApplicationStage(
                    id: stageID(remoteID), remoteID: remoteID, name: stage.name, status: "ACTIVE")
                unified.customFields = [:]
                unified.remoteData = [
                    "category": .object([
                        "id": .string(category.id), "name": category.name.map(JSONValue.string) ?? .null,
                    ])
                ]
                stages.append(unified)
            }
        }
        return stages
    }

    /// The same derivation `JobMapper` uses for a job's stages, so the ids agree.
    func stageID(_ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: "application_stages", remoteID: remoteID)
    }
}
