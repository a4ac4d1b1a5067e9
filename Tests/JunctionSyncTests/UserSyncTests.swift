import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import PersonioSandbox
import Testing

@Suite("FULL sync of users and hiring teams", .freshDatabases)
struct UserSyncTests {
    static func persons(_ sandbox: any TestClientProtocol) async throws -> [String: [String: Any]] {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=persons,jobs", method: .get) { response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let persons = try #require(object["persons"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: persons.compactMap { person in (person["id"] as? String).map { ($0, person) } })
        }
    }

    @Test(
        "persons become users, and jobs' hiring teams carry their names and mapped roles", arguments: Backend.allCases)
    func usersAndHiringTeams(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let persons = try await Self.persons(sandbox)
            let users = try await sync.seeded.store.records.records(
                User.self, integrationID: sync.integrationID, limit: 1000
            )
            .items
            let jobs = try await sync.jobs()

            #expect(run.stats.added["users"] == persons.count)
            #expect(Set(users.compactMap(\.remoteID)) == Set(persons.keys))
            for user in users {
                let person = try #require(persons[user.remoteID ?? ""])
                #expect(user.firstName == person["first_name"] as? String)
                #expect(user.email == person["email"] as? String)
                #expect(user.status == "ACTIVE")
            }
            let members = jobs.values.flatMap(\.hiringTeam)
            #expect(!members.isEmpty)
            for case .object(let member) in members {
                guard case .string(let remoteID)? = member["remote_id"] else {
                    Issue.record("hiring-team member without remote_id")
                    continue
                }
                let person = try #require(persons[remoteID])
                #expect(member["first_name"] == .string(try #require(person["first_name"] as? String)))
                // The sandbox's roles are "HR Manager" and "Hiring Manager" (docs/personio-mapping.md).
                guard case .array(let roles)? = member["hiring_team_roles"] else {
                    Issue.record("no hiring_team_roles")
                    continue
                }
                #expect(roles == [.string("RECRUITER")] || roles == [.string("HIRING_MANAGER")])
            }
        }
    }

    @Test(
        "credentials without the persons right leave users alone and hiring-team names empty",
        arguments: Backend.allCases)
    func withoutPersonsRight(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            try await sandbox.execute(
                uri: "/_sandbox/clients/papi-sandbox-client/scopes", method: .put,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"scopes":["personio:recruiting:read"]}"#)
            ) { #expect($0.status == .ok) }

            let run = try await sync.run()
            let users = try await sync.seeded.store.records.records(
                User.self, integrationID: sync.integrationID, limit: 1000, includeDeleted: true
            ).items
            let jobs = try await sync.jobs()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.deleted["users"] == nil)
            #expect(!users.isEmpty && users.allSatisfy { $0.remoteDeletedAt == nil })
            for case .object(let member) in jobs.values.flatMap(\.hiringTeam) {
                #expect(member["first_name"] == .null)
            }
        }
    }
}
