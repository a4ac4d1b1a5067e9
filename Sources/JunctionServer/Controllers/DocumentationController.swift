import Foundation
import Hummingbird

/// `GET /v1/openapi.json`: the API's description, public like any API reference (no key).
struct DocumentationController {
    func addRoutes(to router: Router<AppRequestContext>) {
        let body = Data(OpenAPIDocument.json.utf8)
        router.get("v1/openapi.json") { _, _ -> Response in
            Response.json(body)
        }
    }
}
