import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The personnel side passthrough and the hiring team need: `GET /v2/persons` (and by id),
/// `POST /v1/auth` and `GET /v1/company/employees` (§3.2, §4.10).
struct PersonnelRoutes {
    let account: SandboxAccount

    func add(to router: Router<BasicRequestContext>) {
        router.get("v2/persons") { request, _ -> Response in
            try await personsGuard(request) {
                // [C] `limit` 1–50, 10 when absent.
                var limit = 10
                if let text = request.uri.queryParameters.get("limit") {
                    // [C3] The persons endpoint pages by at most 50.
                    guard let value = Int(text), (1...50).contains(value) else {
                        return SandboxResponse.problem(
                            status: .badRequest, title: "Bad Request", detail: "Provided value for limit is not valid",
                            type: "common.bad_request", path: request.uri.path)
                    }
                    limit = value
                }
                let offset = request.uri.queryParameters.get("cursor").flatMap { Int($0.dropFirst("cur_".count)) } ?? 0
                let persons = await account.persons
                let slice = persons.dropFirst(offset).prefix(limit)
                var links: [(String, JSON)] = [
                    ("self", .object([("href", .string(request.baseURL + request.uri.description))]))
                ]
                if offset + slice.count < persons.count {
                    links.append(
                        (
                            "next",
                            .object([
                                (
                                    "href",
                                    .string(
                                        request.baseURL
                                            + "/v2/persons?cursor=cur_\(offset + slice.count)&limit=\(limit)")
                                )
                            ])
                        ))
                }
                return SandboxResponse.json(
                    .object([
                        ("_data", .array(slice.map(Self.encode))), ("_meta", .object([("links", .object(links))])),
                    ]))
            }
        }

        router.get("v2/persons/:id") { request, context -> Response in
            try await personsGuard(request) {
                let id = context.parameters.get("id").flatMap(Int.init)
                guard let person = await account.persons.first(where: { $0.id == id }) else {
                    return SandboxResponse.problem(
                        status: .notFound, title: "Not Found", detail: "The requested resource was not found.",
                        type: "common.requested_resource_not_found", path: request.uri.path)
                }
                return SandboxResponse.json(Self.encode(person))
            }
        }

        router.post("v1/auth") { request, _ -> Response in
            // Query-string credentials are refused for credentials created after 2026-06-01 (§3.2),
            // which every sandbox credential is.
            if request.uri.queryParameters.get("client_id") != nil {
                return Self.v1Error(status: .forbidden, message: "Credentials in the query string are not accepted.")
            }
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            var fields: [String: String] = [:]
            if request.headers[.contentType]?.hasPrefix("application/json") == true {
                let object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
                fields = object.compactMapValues { $0 as? String }
            } else {
                fields = FormBody.parse(buffer)
            }
            guard
                let token = await account.issuePersonnelToken(
                    clientID: fields["client_id"], secret: fields["client_secret"])
            else {
                return Self.v1Error(status: .unauthorized, message: "Wrong credentials")
            }
            return SandboxResponse.json(
                .object([
                    ("success", .bool(true)),
                    (
                        "data",
                        .object([
                            ("token", .string(token)), ("expires_in", .int(86_400)),
                            ("scope", .string("employees:read")),
                        ])
                    ),
                ]))
        }

        router.get("v1/company/employees/:id") { request, context -> Response in
            guard let token = request.bearerToken, await account.isPersonnelToken(token) else {
                return Self.v1Error(status: .unauthorized, message: "The access token is invalid")
            }
            let id = context.parameters.get("id").flatMap(Int.init)
            guard let person = await account.persons.first(where: { $0.id == id }) else {
                return Self.v1Error(status: .notFound, message: "Employee not found")
            }
            return SandboxResponse.json(.object([("success", .bool(true)), ("data", Self.employee(person))]))
        }

        router.get("v1/company/employees") { request, _ -> Response in
            guard let token = request.bearerToken, await account.isPersonnelToken(token) else {
                return Self.v1Error(status: .unauthorized, message: "The access token is invalid")
            }
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 10
            let offset = request.uri.queryParameters.get("offset").flatMap(Int.init) ?? 0
            guard (1...100).contains(limit), offset >= 0 else {
                return Self.v1Error(status: .badRequest, message: "limit must be from 1 to 100 and offset at least 0")
            }
            let persons = await account.persons
            let page = persons.dropFirst(offset).prefix(limit)
            return SandboxResponse.json(
                .object([
                    ("success", .bool(true)),
                    (
                        "metadata",
                        .object([
                            ("total_elements", .int(persons.count)), ("current_page", .int(offset / limit)),
                            ("total_pages", .int((persons.count + limit - 1) / limit)),
                        ])
                    ),
                    ("offset", .int(offset)), ("limit", .int(limit)),
                    ("data", .array(page.map(Self.employee))),
                ]))
        }
    }

    /// v2 persons need a valid token with `personio:persons:read`; a missing right shows up as
    /// 401 "Unauthorized Request" here ([C3] §4.1).
    private func personsGuard(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        guard let token = request.bearerToken, let grant = await account.grant(for: token),
            grant.scopes.contains(SandboxConfiguration.Scope.personsRead)
        else {
            return SandboxResponse.problem(
                status: .unauthorized, title: "Unauthorized", detail: "Unauthorized Request",
                type: "common.unauthorized",
                path: request.uri.path)
        }
        return try await body()
    }

    static func encode(_ person: SandboxPerson) -> JSON {
        .object([
            ("id", .string(String(person.id))), ("first_name", .string(person.firstName)),
            ("last_name", .string(person.lastName)), ("preferred_name", .null), ("email", .string(person.email)),
            ("gender", .null), ("status", .string("ACTIVE")),
            ("created_at", .string(PersonioTime.format(person.createdAt))),
            ("updated_at", .string(PersonioTime.format(person.createdAt))),
        ])
    }

    /// A v1 `Employee` object: attributes as `{label, value}` pairs.
    static func employee(_ person: SandboxPerson) -> JSON {
        func attribute(_ label: String, _ value: JSON) -> JSON {
            .object([("label", .string(label)), ("value", value)])
        }
        return .object([
            ("type", .string("Employee")),
            (
                "attributes",
                .object([
                    ("id", attribute("ID", .int(person.id))),
                    ("first_name", attribute("First name", .string(person.firstName))),
                    ("last_name", attribute("Last name", .string(person.lastName))),
                    ("email", attribute("Email", .string(person.email))),
                    ("position", attribute("Position", .string(person.position))),
                    ("status", attribute("Status", .string("active"))),
                ])
            ),
        ])
    }

    /// The v1 personnel error envelope.
    static func v1Error(status: HTTPResponse.Status, message: String) -> Response {
        SandboxResponse.json(
            .object([
                ("success", .bool(false)),
                ("error", .object([("code", .int(status.code)), ("message", .string(message))])),
            ]),
            status: status)
    }
}

extension SandboxAccount {
    /// A `papi-` token for the v1 personnel API, stable for 24 hours (§3.2).
    func issuePersonnelToken(clientID: String?, secret: String?) -> String? {
        guard let client = configuration.clients.first(where: { $0.id == clientID }), client.secret == secret else {
            return nil
        }
        let token = "papi-" + UUID().uuidString.lowercased()
        personnelTokens[token] = Date().addingTimeInterval(86_400)
        return token
    }

    func isPersonnelToken(_ token: String) -> Bool {
        (personnelTokens[token] ?? .distantPast) > Date()
    }
}
