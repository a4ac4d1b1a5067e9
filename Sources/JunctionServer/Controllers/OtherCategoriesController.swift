import Hummingbird
import JunctionModel

/// Kombo's HRIS, assessment and LMS routes. Junction connects ATS integrations only, so each
/// answers a defined error in Kombo's envelope (`INTEGRATION.MODEL_NOT_AVAILABLE`, naming the
/// category and the route) instead of a route-not-found that a Kombo SDK would not expect.
struct OtherCategoriesController {
    static let categories = ["hris": "HRIS", "assessment": "assessment", "lms": "LMS"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        for (prefix, name) in Self.categories.sorted(by: { $0.key < $1.key }) {
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                group.on("\(prefix)/**", method: method) { request, _ -> Response in
                    throw APIError(
                        .modelNotAvailable,
                        "\(request.method) \(request.uri.path) is an \(name) endpoint; Junction connects ATS "
                            + "integrations only, so no integration here serves \(name) models.")
                }
            }
        }
    }
}
