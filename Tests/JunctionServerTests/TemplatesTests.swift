import Foundation
import Testing

@testable import JunctionServer

/// Every page template compiles and renders, and whatever a customer or operator entered comes
/// out as text, never markup.
@Suite("Page templates")
struct TemplatesTests {
    static let hostile = "<script>alert('x')</script>\" onload=\"x"

    static let pages = ["connect-credentials", "connect-results", "connect-setup", "connect-done", "guide", "notice"]

    @Test("each page renders a whole document with every value escaped", arguments: pages)
    func renders(_ name: String) throws {
        let field: [String: Any] = ["name": "client_id", "label": Self.hostile, "type": "text", "value": Self.hostile]
        let context: [String: Any] = [
            "language": "en", "title": Self.hostile,
            "languages": [["code": "de", "name": "Deutsch", "href": "/connect/t?lang=de"]],
            "organization": Self.hostile, "intro": Self.hostile, "formTitle": "Form", "action": "/connect/t/test",
            "testButton": "Test", "error": Self.hostile, "message": Self.hostile, "summary": Self.hostile,
            "sections": [["title": Self.hostile, "items": [Self.hostile], "numbered": true]],
            "fields": [field], "points": [Self.hostile],
            "checks": [
                [
                    "id": "token", "status": "failed", "statusLabel": "Missing", "title": Self.hostile,
                    "enables": "All", "missing": Self.hostile, "detail": Self.hostile, "fix": Self.hostile,
                ]
            ],
            "howToFix": "How", "retry": "Retry", "retryHref": "/connect/t", "continueLabel": "Go",
            "tokenLabel": "Token", "targets": "*", "activation": Self.hostile, "finishButton": "Finish",
        ]

        let html = Templates.render(context, name)

        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.hasSuffix("</html>") || html.hasSuffix("</html>\n"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onload=&quot;x"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("\" onload=\""))
    }

    static let dashboardPages = [
        "dashboard-sign-in", "dashboard-not-found", "dashboard-overview", "dashboard-integration", "dashboard-webhook",
        "dashboard-log-entry", "dashboard-webhook-added",
    ]

    @Test("each dashboard page renders a whole document with every value escaped", arguments: dashboardPages)
    func dashboard(_ name: String) throws {
        let hostile = Self.hostile
        let row: [String: Any] = [
            "id": hostile, "href": "/x", "organization": hostile, "status": hostile, "setup": hostile,
            "lastSync": hostile, "counts": hostile, "notes": [hostile], "url": hostile, "events": hostile,
            "added": hostile, "model": hostile, "key": hostile, "label": hostile, "created": hostile,
            "kind": hostile, "state": hostile,
        ]
        let context: [String: Any] = [
            "title": hostile, "error": hostile, "formToken": hostile, "signInToken": hostile, "id": hostile,
            "url": hostile, "secret": hostile, "message": hostile, "when": hostile, "method": hostile, "path": hostile,
            "integration": hostile, "status": hostile, "code": hostile, "setup": hostile, "base": "/b",
            "integrations": [row], "links": [row], "webhooks": [row], "customFields": [row], "models": [hostile],
            "runs": [row], "activity": [row], "deliveries": [row], "mappings": [row],
            "settings": [["title": hostile, "help": hostile, "path": "p", "value": hostile]],
        ]

        let html = Templates.render(context, name)

        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onload=&quot;x"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("\" onload=\""))
    }

    @Test("one layout: connect pages in the link's language, the dashboard in English, wide where it holds tables")
    func layout() throws {
        let german = Templates.render(["language": "de", "title": "Verbinden", "message": "m"], "notice")
        let signIn = Templates.render(["title": "Junction dashboard", "signInToken": "t"], "dashboard-sign-in")
        let overview = Templates.render(["title": "Junction dashboard", "formToken": "t"], "dashboard-overview")

        #expect(german.contains("<html lang=\"de\">") && german.contains("<main class=\"narrow\">"))
        #expect(signIn.contains("<html lang=\"en\">") && signIn.contains("<main class=\"narrow\">"))
        #expect(overview.contains("<html lang=\"en\">") && overview.contains("<main class=\"wide\">"))
    }
}
