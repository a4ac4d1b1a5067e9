import Hummingbird
import JunctionModel

/// The general endpoints of Kombo's API that need no integration.
struct GeneralController {
    struct CheckAPIKey: Encodable, Sendable {
        let environmentID: String
        enum CodingKeys: String, CodingKey { case environmentID = "environment_id" }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        // The environment id of Kombo is the workspace here: what the key gives access to.
        group.get("check-api-key") { _, context in
            SuccessEnvelope(CheckAPIKey(environmentID: try context.requireWorkspace()))
        }
    }
}
