import Foundation
import Hummingbird
import JunctionModel
import JunctionStore

/// Erasure on request for operators (Junction only; `junction erase` does the same from the
/// command line): everything the workspace holds about one person, found by email address.
struct PersonalDataController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("personal-data/erasures") { request, context in
            let workspaceID = try context.requireWorkspace()
            let body = try await request.decode(as: ErasureBody.self, context: context)
            guard let email = body.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty else {
                throw APIError.invalidInput("Field 'email' is required: the address of the person to erase.")
            }
            guard Self.looksLikeEmail(email) else {
                throw APIError.invalidInput("Field 'email' must be an email address, not '\(email)'.")
            }
            let report = try await store.personalData.erase(email: email, workspaceID: workspaceID)
            let data = try JSONEncoder().encode(report)
            return SuccessEnvelope(try JSONDecoder().decode(JSONValue.self, from: data))
        }
    }

    /// Something, an `@`, something with a dot: enough to refuse a name or a typo, without
    /// refusing an address Personio accepted.
    static func looksLikeEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at > text.startIndex else { return false }
        let domain = text[text.index(after: at)...]
        return domain.contains(".") && !domain.hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }

    struct ErasureBody: Decodable {
        var email: String?
    }
}
