import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What server-rendered pages (connect flow, dashboard; their HTML comes from `Templates`) share:
/// the response with its headers, form decoding, one stylesheet file, and one script file on the
/// finished connect page only. The CSP allows no inline script or style, so an escaping slip
/// cannot run code.
enum HTML {
    // The templates link `/assets/junction.css` and `/assets/connect-done.js` (AssetsController).

    /// A page's response. Pages carry tokens in their URLs and forms: never cached. Scripts run
    /// only where `script` is set (the finished connect page), and only from this server's files.
    /// `frameAncestors` is `'none'` for the dashboard; connect pages pass the embedding origins,
    /// since EMBEDDED links are framed by the app that opens them.
    static func response(
        _ html: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
        frameAncestors: String = "'none'", script: Bool = false
    ) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; script-src \(script ? "'self'" : "'none'"); img-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors \(frameAncestors)"
        if frameAncestors == "'none'" { fields[HTTPField.Name("X-Frame-Options")!] = "DENY" }
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Reads an `application/x-www-form-urlencoded` body (what a plain HTML form posts) with
    /// Hummingbird's form decoder; a body that is not a flat form (a key twice, a nested key) is
    /// a 400 that says so.
    static func form(_ request: Request, limit: Int = 64 * 1024) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: limit)
        return try parseForm(String(buffer: buffer))
    }

    static func parseForm(_ text: String) throws -> [String: String] {
        do {
            return try URLEncodedFormDecoder().decode([String: String].self, from: text)
        } catch {
            throw HTTPError(.badRequest, message: "The form could not be read: each field once, no nested names.")
        }
    }

    static let stylesheet = """
        :root{--ink:#1d2433;--muted:#5b6478;--line:#dde2ec;--accent:#2f5bea;--ok:#127a3e;--bad:#b42318;--bg:#f6f7fb}
        *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);
        font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        main{margin:32px auto;padding:28px 32px;background:#fff;border:1px solid var(--line);border-radius:10px}
        main.narrow{max-width:760px}main.wide{max-width:1180px}
        h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:26px 0 8px}h3{font-size:15px;margin:16px 0 6px}
        p,li{color:var(--ink)}.muted{color:var(--muted)}code{background:#eef1f7;padding:1px 5px;border-radius:4px}
        ol.steps>li{margin:6px 0}label{display:block;font-weight:600;margin:14px 0 4px}
        input[type=text],input[type=password],input[type=email],select,textarea{width:100%;padding:8px 10px;
        border:1px solid var(--line);border-radius:6px;font:inherit}
        .hint{font-weight:400;color:var(--muted);font-size:13px;margin:2px 0 0}
        button,.button{display:inline-block;margin-top:18px;padding:9px 18px;border:0;border-radius:6px;
        background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
        button.secondary,.button.secondary{background:#e8ecf5;color:var(--ink)}
        .checks{list-style:none;padding:0}.checks li{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:8px 0}
        .passed{color:var(--ok);font-weight:700}.failed{color:var(--bad);font-weight:700}.skipped{color:var(--muted);font-weight:700}
        .fix{margin:4px 0 0;color:var(--ink)}.box{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fafbfe}
        .error{border-color:#f4c7c3;background:#fff5f4}table{border-collapse:collapse;width:100%;font-size:14px}
        th,td{text-align:left;border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
        nav a{margin-right:14px}.lang{float:right;font-size:13px}.langs{float:right;font-size:13px}.langs a{margin:0 0 0 10px}.pill{font-size:12px;padding:1px 8px;border-radius:10px;background:#eef1f7}
        form.inline{display:inline}button.small{margin:0;padding:3px 10px}button.tight{margin-top:6px}
        """

    /// Hands a finished embedded flow's activation token to the page that opened or framed it,
    /// addressed to the embedding origins the page lists (`*` when the operator named none).
    static let connectDoneJavaScript = """
        (function () {
          var element = document.getElementById("activation-token");
          if (!element) { return; }
          var message = { type: "junction-connect", activation_token: element.textContent };
          var holder = document.getElementById("activation");
          var targets = ((holder && holder.getAttribute("data-targets")) || "*").split(" ");
          function send(win) {
            for (var i = 0; i < targets.length; i++) {
              try { win.postMessage(message, targets[i]); } catch (e) {}
            }
          }
          if (window.opener) { send(window.opener); }
          if (window.parent && window.parent !== window) { send(window.parent); }
        })();
        """
}
