import Foundation
import HTTPTypes
import Testing

@testable import PersonioSandbox

/// Every way a real account may differ from the sandbox's defaults can be flipped on a running
/// sandbox through its admin API, and takes effect at once.
@Suite("Switches through the admin API")
struct SwitchTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test("each switch flips a running sandbox; a wrong value is refused naming the choices")
    func switchesTakeEffect() async throws {
        try await SandboxHarness.run { sandbox in
            let auth = try await sandbox.authorization()
            func set(_ body: String) async throws -> SandboxHarness.Reply {
                try await sandbox.request("/_sandbox/features", method: .put, headers: Self.json, body: body)
            }

            #expect(try await set(#"{"feed":"redirect"}"#).status == .ok)
            let redirect = try await sandbox.request("/xml?language=en")
            #expect(redirect.status == .temporaryRedirect && redirect.headers[.location] == "/marketing-site")
            #expect(try await sandbox.request("/marketing-site").status == .tooManyRequests)
            #expect(try await set(#"{"feed":"html"}"#).status == .ok)
            #expect(try await sandbox.request("/xml").body.hasPrefix("<!doctype html>"))
            #expect(try await set(#"{"feed":"off"}"#).status == .ok)
            #expect(try await sandbox.request("/xml").status == .notFound)

            #expect(try await set(#"{"stage_vocabulary":"uppercase","timestamps":"date"}"#).status == .ok)
            let application = try #require(
                try await sandbox.request("/v2/recruiting/applications?limit=1", headers: auth).items().first)
            let stage = try #require(application["current_stage"] as? [String: Any])
            #expect(["SYSTEM", "CUSTOM"].contains(stage["type"] as? String ?? ""))
            #expect((application["created_at"] as? [String: Any])?["date"] is String)

            #expect(try await set(#"{"job_languages":"mixed"}"#).status == .ok)
            #expect(try await set(#"{"empty_page_after_last":false,"missing_scope_status":401}"#).status == .ok)
            let wrong = try await set(#"{"feed":"sometimes"}"#)
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("xml, off, redirect, html"))
            #expect(try await set(#"{"missing_scope_status":500}"#).status == .badRequest)
        }
    }
    @Test("anonymizing a candidate empties its personal fields and moves updated_at unless switched off")
    func anonymization() async throws {
        try await SandboxHarness.run { sandbox in
            let auth = try await sandbox.authorization()
            let candidates = try await sandbox.request("/v2/recruiting/candidates?limit=50", headers: auth).items()
            let named = candidates.filter { $0["first_name"] is String && $0["is_anonymized"] as? Bool != true }
            try #require(named.count >= 2)
            let (first, second) = ("\(named[0]["id"] ?? "")", "\(named[1]["id"] ?? "")")

            let moved = try await sandbox.request("/_sandbox/candidates/\(first)/anonymize", method: .post)
            #expect(
                try await sandbox.request(
                    "/_sandbox/features", method: .put, headers: Self.json,
                    body: #"{"anonymization_moves_updated_at":false}"#
                ).status == .ok)
            let kept = try await sandbox.request("/_sandbox/candidates/\(second)/anonymize", method: .post)
            let unknown = try await sandbox.request("/_sandbox/candidates/1/anonymize", method: .post)
            let afterFirst = try await sandbox.request("/v2/recruiting/candidates/\(first)", headers: auth).json()
            let afterSecond = try await sandbox.request("/v2/recruiting/candidates/\(second)", headers: auth).json()

            #expect(moved.status == .ok && kept.status == .ok && unknown.status == .notFound)
            for after in [afterFirst, afterSecond] {
                #expect(after["first_name"] is NSNull && after["email"] is NSNull)
                #expect(after["is_anonymized"] as? Bool == true)
            }
            #expect(updatedAt(afterFirst)! > updatedAt(named[0])!)
            #expect(updatedAt(afterSecond) == updatedAt(named[1]))
        }
    }
}
