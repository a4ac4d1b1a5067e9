import Foundation
import Hummingbird
import JunctionStore
import NIOCore

/// `GET /healthz`, outside `/v1` and without authentication, for load balancers and scripts.
struct HealthController {
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ -> Response in
            do {
                try await database.ping()
                return Response.json(#"{"status":"ok","database":"\#(database.kind.rawValue)"}"#.utf8)
            } catch {
                return Response.json(
                    #"{"status":"unavailable","database":"\#(database.kind.rawValue)"}"#.utf8,
                    status: .serviceUnavailable)
            }
        }
    }
}
