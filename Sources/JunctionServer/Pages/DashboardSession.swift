import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's sign-in: a workspace API key is checked once, then a signed cookie holds
/// the workspace and an expiry (12 hours). The key itself is never stored in the browser.
/// Forms carry a token derived from the session, so another site cannot post on its behalf
/// (the cookie is also `SameSite=Strict`).
struct DashboardSession: Sendable {
    static let cookieName = "junction_session"
    static let lifetime: TimeInterval = 12 * 3600

    let key: SymmetricKey

    func issue(workspaceID: String, now: Date = Date()) -> String {
        let payload = "\(workspaceID).\(Int(now.addingTimeInterval(Self.lifetime).timeIntervalSince1970))"
        return payload + "." + signature(payload)
    }

    /// The workspace of a valid, unexpired session cookie.
    func workspace(_ request: Request, now: Date = Date()) -> String? {
        guard let value = Self.cookie(request, Self.cookieName) else { return nil }
        let parts = value.split(separator: ".")
        guard parts.count == 3, let expiry = Int(parts[1]) else { return nil }
        let payload = "\(parts[0]).\(parts[1])"
        guard Self.constantTimeEqual(signature(payload), String(parts[2])),
            Double(expiry) > now.timeIntervalSince1970
        else { return nil }
        return String(parts[0])
    }

    /// The form token of the session in `request`.
    func formToken(_ request: Request) -> String {
        signature("form:" + (Self.cookie(request, Self.cookieName) ?? ""))
    }

    func checkForm(_ request: Request, _ form: [String: String]) -> Bool {
        guard let sent = form["form_token"] else { return false }
        return Self.constantTimeEqual(sent, formToken(request))
    }

    func setCookie(_ value: String, secure: Bool) -> String {
        "\(Self.cookieName)=\(value); Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=\(Int(Self.lifetime))"
            + (secure ? "; Secure" : "")
    }

    static let clearCookie = "\(cookieName)=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0"

    private func signature(_ payload: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return Data(mac).prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == name { return String(pair[1]) }
            }
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
