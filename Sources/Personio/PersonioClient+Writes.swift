import AsyncHTTPClient
import Foundation
import JunctionConnectors
import JunctionModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// What `POST /v1/recruiting/applications/documents` answers ([C] §2.2).
public struct UploadedDocument: Decodable, Sendable, Equatable {
    public var uuid: String
    public var size: Int?
    public var mimetype: String?
    public var originalFilename: String?

    enum CodingKeys: String, CodingKey {
        case uuid, size, mimetype
        case originalFilename = "original_filename"
    }
}

/// One field Personio refused, with its reason codes (`errors.attribute-validation.…`).
public struct PersonioFieldError: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reasons: [String]
    public var description: String { "\(field): \(reasons.joined(separator: ", "))" }
}

extension PersonioClient {
    /// Uploads one file for a later application; Personio keeps it under the returned `uuid`.
    /// Not retried on 5xx: a repeated upload only leaves an unused file, but a client waiting
    /// on a write should hear about trouble at once.
    public func uploadDocument(_ data: Data, filename: String, contentType: String) async throws(PersonioError)
        -> UploadedDocument
    {
        var request = try v1Request("/v1/recruiting/applications/documents")
        let form = FormData([("file", .file(filename: filename, contentType: contentType, bytes: data))]).encoded()
        request.headers.add(name: "Content-Type", value: form.contentType)
        request.body = .bytes(form.body)
        let (status, _, response) = try await sendWrite(
            request, description: "POST /v1/recruiting/applications/documents")
        guard status == 200 || status == 201 else { throw Self.writeError(status, response, "document upload") }
        do {
            return try JSONDecoder().decode(UploadedDocument.self, from: response)
        } catch {
            throw .malformedResponse("the document upload answer has no uuid")
        }
    }

    /// Creates a candidate's application. Personio answers 201 without ids ([C] §2.3).
    public func createApplication(_ body: [String: JSONValue]) async throws(PersonioError) {
        var request = try v1Request("/v1/recruiting/applications")
        request.headers.add(name: "Content-Type", value: "application/json")
        guard let data = try? JSONEncoder().encode(body) else { throw .malformedResponse("unencodable body") }
        request.body = .bytes(ByteBuffer(data: data))
        let (status, _, response) = try await sendWrite(request, description: "POST /v1/recruiting/applications")
        guard (200..<300).contains(status) else { throw Self.writeError(status, response, "application") }
    }

    private func v1Request(_ path: String) throws(PersonioError) -> HTTPClientRequest {
        guard let key = credentials.recruitingAPIKey, let company = credentials.companyID else {
            throw .forbidden("the integration has no Recruiting API key and company id, which writes need")
        }
        var request = HTTPClientRequest(url: credentials.resolvedAPIBaseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "X-Company-ID", value: company)
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    /// Takes one of the account's writes; when none comes within the wait, Personio's own
    /// answer to a client past the limit (`writeLimited`, with the seconds until one is free).
    func takeWrite() async throws(PersonioError) {
        guard let budget else { return }
        do {
            try await budget.acquireWrite()
        } catch {
            throw .writeLimited(retryAfterSeconds: error.retryAfterSeconds)
        }
    }

    /// A write waits for the account's write allowance (bounded), then goes out once: a create
    /// is not idempotent upstream, so only a 429 (nothing was done) is worth a retry, and that
    /// is left to the caller, who knows how long its client may wait.
    private func sendWrite(_ request: HTTPClientRequest, description: String) async throws(PersonioError)
        -> (status: Int, headers: HTTPHeaders, body: Data)
    {
        try await takeWrite()
        return try await send(request, idempotent: false, description: description, retryRateLimits: false)
    }

    static func writeError(_ status: Int, _ body: Data, _ what: String) -> PersonioError {
        switch status {
        case 401: return .authenticationFailed("Personio refused the Recruiting API key or company id")
        case 429: return .rateLimited("Personio's write limit (20 per minute per company)")
        case 403: return .forbidden("\(what): \(problemDetail(body))")
        case 400, 413, 422:
            let fields = fieldErrors(body)
            return fields.isEmpty
                ? .rejected([PersonioFieldError(field: what, reasons: [problemDetail(body)])]) : .rejected(fields)
        case 500...599: return .unavailable("\(what): HTTP \(status)")
        default: return .unexpectedStatus(status, "\(what): \(problemDetail(body))")
        }
    }

    /// `{"errors":[{"field","errors":[{"reason"}]} | {"id","status","title","detail"}]}` ([C] §2.3).
    static func fieldErrors(_ body: Data) -> [PersonioFieldError] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let errors = object["errors"] as? [[String: Any]]
        else { return [] }
        return errors.map { error in
            if let field = error["field"] as? String {
                let reasons = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
                return PersonioFieldError(field: field, reasons: reasons)
            }
            let detail = (error["detail"] as? String) ?? (error["title"] as? String) ?? "refused"
            return PersonioFieldError(field: "request", reasons: [detail])
        }
    }
}

extension PersonioClient {
    /// The applications of the candidate with `email` (`candidate.email` filter, [C3] §4.2).
    public func applications(candidateEmail email: String) async throws(PersonioError) -> [Captured<V2Application>] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = email.addingPercentEncoding(withAllowedCharacters: allowed) ?? email
        let data = try await getV2("/v2/recruiting/applications?candidate.email=\(encoded)")
        do {
            return try JSONValue.decodeText(V2Page<V2Application>.self, from: data).data
        } catch {
            throw .malformedResponse("applications of a candidate: \(error)")
        }
    }

    /// One candidate; a bare object or one wrapped in `_data` ([?] §4, a sandbox switch).
    public func candidate(id: String) async throws(PersonioError) -> Captured<V2Candidate> {
        try await single(V2Candidate.self, "/v2/recruiting/candidates/\(id)", what: "candidate \(id)")
    }

    /// One job ([C] §4.8: 404 for an unknown id), bare or wrapped like a candidate.
    public func job(id: String) async throws(PersonioError) -> Captured<V2Job> {
        try await single(V2Job.self, "/v2/recruiting/jobs/\(id)", what: "job \(id)")
    }

    private func single<Item: Decodable & Sendable>(_ type: Item.Type, _ path: String, what: String)
        async throws(PersonioError) -> Captured<Item>
    {
        let data = try await getV2(path)
        if let bare = try? JSONValue.decodeText(Captured<Item>.self, from: data) { return bare }
        if let wrapped = try? JSONValue.decodeText(SingleResource<Item>.self, from: data) {
            return wrapped.data
        }
        throw .malformedResponse("\(what) is unreadable")
    }
}

/// `{"_data": {…}}`.
struct SingleResource<Item: Decodable & Sendable>: Decodable, Sendable {
    var data: Captured<Item>
    enum CodingKeys: String, CodingKey { case data = "_data" }
}
