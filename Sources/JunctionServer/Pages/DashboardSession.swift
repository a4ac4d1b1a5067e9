import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore

/// The dashboard's sign-in. A workspace API key is checked once and opens a server-side session
/// (12 hours) whose random token is the cookie; signing out ends it, and revoking the key ends
/// every session opened with it. The key itself never reaches the browser.
///
/// Cross-site requests: the cookie is `SameSite=Strict` and `HttpOnly`; behind https it is a
/// `__Host-` cookie (Secure, `Path=/`, no domain), so a page on another port or a sibling
/// subdomain cannot set one in its place; a request carrying two session cookies is treated as
/// signed out. Every form carries a token: signed-in forms one derived from the session, the
/// sign-in form one derived from a pre-session cookie (double submit), so another site can
/// neither sign a user in to its own workspace nor sign them out. Every dashboard POST must also
/// come from a page of this server when the browser says where it came from (`Sec-Fetch-Site`,
/// `Origin`).
struct DashboardSession: Sendable {
    static let lifetime: TimeInterval = 12 * 3600

    let key: SymmetricKey
    let store: Store
    /// Served over https: then cookies are `__Host-` and `Secure`.
    var secure = false
    /// The origin of the public URL, which a POST's `Origin` may name besides the request's host.
    var publicOrigin = ""

    var cookieName: String { secure ? "__Host-junction_session" : "junction_session" }
    var signInCookieName: String { secure ? "__Host-junction_sign_in" : "junction_sign_in" }

    /// The session token in `request`, unless it carries none or more than one.
    func token(_ request: Request) -> String? {
        let values = Self.cookies(request, cookieName)
        return values.count == 1 ? values[0] : nil
    }

    /// The workspace of the request's live session.
    func workspace(_ request: Request) async throws -> String? {
        guard let token = token(request), token.hasPrefix("ds_") else { return nil }
        return try await store.access.dashboardSessionWorkspace(token: token)
    }

    /// Opens a session for `apiKey`; returns the cookie to set.
    func open(apiKey: APIKey) async throws -> String {
        let token = try await store.access.openDashboardSession(apiKey: apiKey, lifetime: Self.lifetime)
        return cookie(cookieName, token, maxAge: Int(Self.lifetime))
    }

    /// Ends the request's session; returns the cookie that clears it.
    func end(_ request: Request) async throws -> String {
        if let token = token(request) { try await store.access.endDashboardSession(token: token) }
        return cookie(cookieName, "", maxAge: 0)
    }

    /// The form token of the session in `request`.
    func formToken(_ request: Request) -> String {
        signature("form:" + (token(request) ?? ""))
    }

    /// A signed-in form post: from this server's pages, with the session's form token.
    func checkForm(_ request: Request, _ form: [String: String]) -> Bool {
        guard !Self.isCrossSite(request, publicOrigin: publicOrigin), let sent = form["form_token"],
            token(request) != nil
        else { return false }
        return Self.constantTimeEqual(sent, formToken(request))
    }

    // MARK: Sign-in form (before a session exists)

    /// The pre-session value of `request`, or a new one (then `setCookie` must go out with the page).
    func signInNonce(_ request: Request) -> (value: String, setCookie: String?) {
        let values = Self.cookies(request, signInCookieName)
        if values.count == 1, values[0].count >= 24 { return (values[0], nil) }
        let value = Identifier.random() + Identifier.random()
        return (value, cookie(signInCookieName, value, maxAge: 3600))
    }

    func signInFormToken(nonce: String) -> String { signature("sign-in:" + nonce) }

    /// The sign-in post: from this server's pages, with the pre-session token.
    func checkSignInForm(_ request: Request, _ form: [String: String]) -> Bool {
        let values = Self.cookies(request, signInCookieName)
        guard !Self.isCrossSite(request, publicOrigin: publicOrigin), values.count == 1,
            let sent = form["sign_in_token"]
        else { return false }
        return Self.constantTimeEqual(sent, signInFormToken(nonce: values[0]))
    }

    /// Whether a POST comes from another site, as far as the browser says: `Sec-Fetch-Site`
    /// (every current browser sends it) other than same-origin or none; without it, an `Origin`
    /// naming another host than the request's or the public URL's. Pages send no referrer, so a
    /// browser may send `Origin: null` for a same-origin form: that alone decides nothing, and
    /// the form token still has to match.
    static func isCrossSite(_ request: Request, publicOrigin: String) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() {
            return site != "same-origin" && site != "none"
        }
        guard let origin = request.headers[HTTPField.Name("Origin")!], origin != "null" else { return false }
        if origin.lowercased() == publicOrigin.lowercased() { return false }
        guard let url = URL(string: origin), let host = url.host else { return true }
        let port = url.port.map { ":\($0)" } ?? ""
        return (host + port).lowercased() != (request.head.authority ?? "").lowercased()
    }

    /// The `Set-Cookie` value, built by Hummingbird's `Cookie` (names and values are ours:
    /// fixed names, hex tokens).
    private func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: secure ? "/" : "/dashboard", secure: secure,
            httpOnly: true, sameSite: .strict
        ).description
    }

    private func signature(_ payload: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return hexadecimal(Data(mac).prefix(20))
    }

    /// Every value of cookie `name` in the request. Hummingbird's `request.cookies` answers the
    /// first only, and a second cookie of the same name is how a sibling page would toss one in.
    static func cookies(_ request: Request, _ name: String) -> [String] {
        var values: [String] = []
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == name { values.append(String(pair[1])) }
            }
        }
        return values
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
