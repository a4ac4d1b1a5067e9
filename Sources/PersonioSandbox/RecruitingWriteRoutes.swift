import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// `POST /v1/recruiting/applications/documents` and `POST /v1/recruiting/applications` (§2).
struct RecruitingWriteRoutes {
    let account: SandboxAccount

    /// Enough for a 20 MB file plus multipart framing; more is refused before it is read.
    static let maxUploadBody = SandboxAccount.maxDocumentBytes + 64 * 1024

    func add(to router: Router<BasicRequestContext>) {
        router.post("v1/recruiting/applications/documents") { request, _ -> Response in
            do {
                try await authorize(request)
                guard let contentType = request.headers[.contentType],
                    let boundary = Multipart.boundary(contentType: contentType)
                else {
                    throw SandboxAccount.WriteFailure.malformed(
                        "The request must be multipart/form-data with a part 'file'.")
                }
                if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxUploadBody {
                    throw SandboxAccount.WriteFailure.fileTooBig
                }
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: Self.maxUploadBody)
                } catch is NIOTooManyBytesError {
                    throw SandboxAccount.WriteFailure.fileTooBig
                }
                guard let parts = Multipart.parse(Data(buffer: buffer), boundary: boundary),
                    let file = parts.first(where: { $0.name == "file" }), let filename = file.filename
                else {
                    throw SandboxAccount.WriteFailure.malformed(
                        "The multipart body needs one part named 'file' with a filename.")
                }
                let document = try await account.uploadDocument(
                    filename: filename, contentType: file.contentType, data: file.body)
                return SandboxResponse.json(
                    .object([
                        ("uuid", .string(document.uuid)), ("size", .int(document.size)),
                        ("mimetype", .string(document.mimetype)),
                        ("original_filename", .string(document.originalFilename)),
                        ("extension", .string(document.fileExtension)),
                    ]))
            } catch let failure as SandboxAccount.WriteFailure {
                return Self.response(for: failure)
            }
        }

        router.post("v1/recruiting/applications") { request, _ -> Response in
            do {
                try await authorize(request)
                let buffer = try await request.body.collect(upTo: 1024 * 1024)
                _ = try await account.createApplication(json: Data(buffer: buffer))
                // [I] 201 with an empty body (§2.3: the body is undocumented).
                return Response(status: .created)
            } catch let failure as SandboxAccount.WriteFailure {
                return Self.response(for: failure)
            }
        }
    }

    private func authorize(_ request: Request) async throws(SandboxAccount.WriteFailure) {
        try await account.authorizeWrite(
            bearer: request.bearerToken, companyID: request.headers[HTTPField.Name("X-Company-ID")!])
    }

    static func response(for failure: SandboxAccount.WriteFailure) -> Response {
        switch failure {
        case .unauthorized:
            // [C] 401 with no documented body.
            return Response(status: .unauthorized)
        case .rateLimited:
            return Response(status: .tooManyRequests)
        case .featureDisabled(let reason):
            return generic(status: .forbidden, detail: reason)
        case .fileTooBig:
            return fieldErrors([.init(field: "file", reasons: ["errors.file-too-big"])], status: .contentTooLarge)
        case .invalidFileType:
            return fieldErrors(
                [.init(field: "file", reasons: ["errors.invalid-file-type"])], status: .unprocessableContent)
        case .malformed(let detail):
            return generic(status: .badRequest, detail: detail)
        case .fields(let errors):
            return fieldErrors(errors, status: .badRequest)
        }
    }

    /// `error_response` with field errors: every failing field once, all its reasons listed.
    private static func fieldErrors(_ errors: [SandboxAccount.FieldError], status: HTTPResponse.Status) -> Response {
        SandboxResponse.json(
            .object([
                (
                    "errors",
                    .array(
                        errors.map { error in
                            .object([
                                ("field", .string(error.field)),
                                ("errors", .array(error.reasons.map { .object([("reason", .string($0))]) })),
                            ])
                        })
                )
            ]),
            status: status)
    }

    /// `error_response` with one generic error.
    private static func generic(status: HTTPResponse.Status, detail: String) -> Response {
        SandboxResponse.json(
            .object([
                (
                    "errors",
                    .array([
                        .object([
                            ("id", .string(UUID().uuidString.lowercased())), ("status", .string(String(status.code))),
                            ("title", .string(status.reasonPhrase)), ("detail", .string(detail)),
                        ])
                    ])
                )
            ]),
            status: status)
    }
}
