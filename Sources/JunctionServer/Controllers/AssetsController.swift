import HTTPTypes
import Hummingbird
import NIOCore

/// The pages' stylesheet and script, as files: the pages' CSP allows no inline style or script.
struct AssetsController {
    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("assets/junction.css") { _, _ in
            Self.file(HTML.stylesheet, type: "text/css; charset=utf-8")
        }
        router.get("assets/connect-done.js") { _, _ in
            Self.file(HTML.connectDoneJavaScript, type: "text/javascript; charset=utf-8")
        }
    }

    static func file(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            // `nosniff` comes with every answer (SecurityHeadersMiddleware).
            headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
