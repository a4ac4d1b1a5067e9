import Foundation
import JunctionModel

/// The tool's part of the hosted connect page: its guide, its credential form, the test of what
/// a customer entered (changing nothing in the tool), and an optional setup step after it. The
/// page around it (links, languages, rate limits, storing, webhooks, finishing) is the server's.
public protocol ConnectFlow: Sendable {
    /// The guide and form in `language` (an unknown language gets English).
    func guide(language: String) -> ConnectGuide

    /// The connection guide as a page of its own (a tool's `connection_guide_url`): everything
    /// an administrator prepares before opening a connect link, in `language`.
    func connectionGuide(language: String) -> ConnectGuide

    /// Reads what was entered and tests it against the tool.
    func test(_ form: [String: String], language: String) async -> CredentialTestOutcome

    /// The step after a passed test (Personio: the source channel applications are filed
    /// under), shown with the values `settings` hold (nil for a new integration); nil when the
    /// tool has none.
    func setupStep(language: String, settings: [String: JSONValue]?) -> SetupStep?

    /// The setup step's form applied to `settings`; the message to show when it is not valid.
    func applySetup(_ form: [String: String], to settings: inout [String: JSONValue], language: String) -> String?

    /// Keeps a test's record in the integration's settings (the connector reads it back for its
    /// coverage).
    func keep(testRecord: JSONValue, in settings: inout [String: JSONValue])
}

/// What the first page shows: who the flow is for is the server's; the rest is the tool's.
public struct ConnectGuide: Sendable {
    public struct Section: Sendable {
        public var title: String
        public var items: [String]
        /// Steps to follow in order (a numbered list) rather than points.
        public var numbered: Bool

        public init(title: String, items: [String], numbered: Bool) {
            self.title = title
            self.items = items
            self.numbered = numbered
        }
    }

    public var language: String
    public var title: String
    public var intro: String
    public var relinkIntro: String
    public var sections: [Section]
    public var formTitle: String
    public var fields: [FormField]
    public var testButton: String

    public init(
        language: String, title: String, intro: String, relinkIntro: String, sections: [Section], formTitle: String,
        fields: [FormField], testButton: String
    ) {
        self.language = language
        self.title = title
        self.intro = intro
        self.relinkIntro = relinkIntro
        self.sections = sections
        self.formTitle = formTitle
        self.fields = fields
        self.testButton = testButton
    }
}

/// One input of a connect form.
public struct FormField: Sendable {
    public var name: String
    public var label: String
    /// `text` or `password`.
    public var type: String
    public var required: Bool
    public var hint: String?
    /// What the field shows (setup steps show the current setting).
    public var value: String
    /// `numeric` for numbers typed on a phone.
    public var inputMode: String?

    public init(
        name: String, label: String, type: String = "text", required: Bool = false, hint: String? = nil,
        value: String = "", inputMode: String? = nil
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.required = required
        self.hint = hint
        self.value = value
        self.inputMode = inputMode
    }
}

public enum CredentialTestOutcome: Sendable {
    /// What was entered cannot be tested (a field missing or malformed): the form again, with
    /// this message. Nothing was sent to the tool.
    case invalid(String)
    case tested(CredentialReport)
}

/// A credential test's outcome as the results page shows it.
public struct CredentialReport: Sendable {
    /// The credentials to store (the connector's format) when they can connect; nil otherwise.
    public var credentials: Data?
    /// The test as the integration keeps it (`ConnectFlow.keep`) and the failed flow records it.
    public var record: JSONValue
    public var summary: String
    public var checks: [CheckLine]
    /// A last line under the checks (Personio: the scopes the token was granted).
    public var footnote: String?
    /// Whether some check failed while the credentials still connect (the continue button says
    /// "with what works").
    public var partial: Bool
    /// The failed checks in a line, for logs and the `connection-flow-failed` webhook.
    public var failure: String

    public var canConnect: Bool { credentials != nil }

    public init(
        credentials: Data?, record: JSONValue, summary: String, checks: [CheckLine], footnote: String?, partial: Bool,
        failure: String
    ) {
        self.credentials = credentials
        self.record = record
        self.summary = summary
        self.checks = checks
        self.footnote = footnote
        self.partial = partial
        self.failure = failure
    }
}

/// One check of a credential test.
public struct CheckLine: Sendable {
    public var id: String
    /// `passed`, `failed` or `skipped`.
    public var status: String
    public var statusLabel: String
    public var title: String
    /// What the app can do with what this check found.
    public var enables: String
    /// A detail worth showing even when the check passed (which career site it was about).
    public var note: String?
    /// For a failed check: what is missing, the tool's own words, and how to fix it.
    public var missing: String?
    public var detail: String?
    public var fix: String?

    public init(
        id: String, status: String, statusLabel: String, title: String, enables: String, note: String? = nil,
        missing: String? = nil, detail: String? = nil, fix: String? = nil
    ) {
        self.id = id
        self.status = status
        self.statusLabel = statusLabel
        self.title = title
        self.enables = enables
        self.note = note
        self.missing = missing
        self.detail = detail
        self.fix = fix
    }
}

/// The step after the test.
public struct SetupStep: Sendable {
    public var title: String
    /// Shown when the link opens this step alone (a setup link).
    public var setupIntro: String
    public var intro: String
    public var points: [String]
    public var fields: [FormField]
    /// A checkbox that skips the step: its name and label.
    public var skip: (name: String, label: String)?

    public init(
        title: String, setupIntro: String, intro: String, points: [String], fields: [FormField],
        skip: (name: String, label: String)?
    ) {
        self.title = title
        self.setupIntro = setupIntro
        self.intro = intro
        self.points = points
        self.fields = fields
        self.skip = skip
    }
}
