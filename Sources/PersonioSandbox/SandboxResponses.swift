import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Personio's response shapes: v2 list and problem+json envelopes, OAuth errors.
enum SandboxResponse {
    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers: [(String, String)] = []) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        // Without faults to apply (the rule), the text goes into the body without a `Data` between.
        let body =
            BodyFaults.current.isEmpty
            ? ByteBuffer(bytes: value.bytes()) : ByteBuffer(data: BodyFaults.apply(to: value.data()))
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// Any other body (the XML feed), with injected body faults applied.
    static func raw(_ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var fields = headers
        fields[.contentType] = contentType
        return Response(
            status: status, headers: fields,
            body: .init(byteBuffer: ByteBuffer(data: BodyFaults.apply(to: Data(text.utf8)))))
    }

    /// `application/problem+json` as the v2 API answers errors (§4.1).
    static func problem(
        status: HTTPResponse.Status, title: String, detail: String, type: String, path: String,
        headers: [(String, String)] = []
    ) -> Response {
        let body = JSON.object([
            ("personio_trace_id", .string(UUID().uuidString.lowercased())),
            ("timestamp", .string(PersonioTime.format(Date()))),
            (
                "errors",
                .array([
                    .object([
                        ("title", .string(title)), ("detail", .string(detail)),
                        ("type", .string("https://developer.personio.de/v2.0/page/public-api-error-codes#\(type)")),
                        ("_meta", .object([("path", .string(path))])),
                    ])
                ])
            ),
        ])
        var response = json(body, status: status, headers: headers)
        response.headers[.contentType] = "application/problem+json"
        return response
    }

    /// RFC 6749 §5.2 error, as `/v2/auth/token` answers ([I] body shape).
    static func oauthError(_ error: String, _ description: String) -> Response {
        json(.object([("error", .string(error)), ("error_description", .string(description))]), status: .badRequest)
    }
}

/// Reads `application/x-www-form-urlencoded` bodies.
enum FormBody {
    static func parse(_ buffer: ByteBuffer) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

extension Request {
    /// The token of an `Authorization: Bearer …` header, if there is one.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst("Bearer ".count))
    }

    /// `http://host:port` as the client addressed this server, for the absolute links Personio writes.
    var baseURL: String { "http://\(head.authority ?? "localhost")" }
}
