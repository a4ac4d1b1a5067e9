import Foundation
import JunctionModel

/// Personio persons (the hiring-team members jobs and applications point to) → unified users,
/// and hiring-team entries → the job's `hiring_team`.
public struct UserMapper: Sendable {
    public let integrationID: String

    public init(integrationID: String) {
        self.integrationID = integrationID
    }

    public func map(_ captured: Captured<V2Person>) -> User {
        let person = captured.value
        var user = User(id: userID(person.id), remoteID: person.id)
        user.firstName = person.firstName
        user.lastName = person.lastName
        user.email = person.email
        // [I] Personio's person status is ACTIVE/INACTIVE-like; anything but inactive counts as active.
        user.status = person.status?.uppercased() == "INACTIVE" ? "INACTIVE" : "ACTIVE"
        user.remoteData = ["person": captured.raw]
        return user
    }

    /// A job's hiring team; names and emails when the person could be read, else null.
    public func hiringTeam(_ entries: [V2HiringTeamEntry], persons: [String: V2Person]) -> [JSONValue] {
        entries.compactMap { entry in
            guard let personID = entry.personID else { return nil }
            let person = persons[personID]
            let type = Self.unifiedRole(entry.role)
            return .object([
                "id": .string(userID(personID)),
                "remote_id": .string(personID),
                "first_name": person?.firstName.map(JSONValue.string) ?? .null,
                "last_name": person?.lastName.map(JSONValue.string) ?? .null,
                "email": person?.email.map(JSONValue.string) ?? .null,
                "hiring_team_roles": .array(type.map { [.string($0)] } ?? []),
                "job_roles": .array([
                    .object([
                        "remote_id": .null,
                        "remote_label": entry.role.map(JSONValue.string) ?? .null,
                        "unified_type": type.map(JSONValue.string) ?? .null,
                        "scope": .string("JOB"),
                    ])
                ]),
            ])
        }
    }

    /// [I] Personio's role names are free text; the common ones map, others stay unmapped.
    static func unifiedRole(_ name: String?) -> String? {
        switch name?.lowercased() {
        case "hiring manager": "HIRING_MANAGER"
        case "recruiter", "hr manager": "RECRUITER"
        case "interviewer": "INTERVIEWER"
        case "coordinator": "COORDINATOR"
        case "sourcer": "SOURCER"
        default: nil
        }
    }

    func userID(_ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: "users", remoteID: remoteID)
    }
}
