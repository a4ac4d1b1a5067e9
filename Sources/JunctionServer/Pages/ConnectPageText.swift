/// The connect page's own words in English and German: what is the same whichever tool is
/// connected (the tool's guide, form and checks come from its connector's `ConnectFlow`).
struct ConnectPageText: Sendable {
    var language: String
    var resultsTitle: String
    var howToFix: String
    var retry: String
    var continueWithWhatWorks: String
    var continueButton: String
    var finishButton: String
    /// "Personio is connected": the argument is the tool's label.
    var doneTitle: @Sendable (String) -> String
    var doneText: String
    var doneSetupText: String
    var doneTokenLabel: String
    var expiredTitle: String
    var expiredText: String
    var completedTitle: String
    var completedText: String
    var unknownTitle: String
    var unknownText: String
    /// Too many credential tests on this link; the arguments are the minutes to wait and the tool.
    var tooManyTests: @Sendable (Int, String) -> String
    /// The other language's code and name, for the switch on every page.
    var other: (code: String, name: String)

    static func forLanguage(_ code: String?) -> ConnectPageText {
        code?.lowercased() == "de" ? german : english
    }

    static let english = ConnectPageText(
        language: "en",
        resultsTitle: "Connection test",
        howToFix: "How to fix it",
        retry: "Change the credentials and test again",
        continueWithWhatWorks: "Continue with what works",
        continueButton: "Continue",
        finishButton: "Finish",
        doneTitle: { "\($0) is connected" },
        doneText:
            "The first sync has started: your jobs, candidates and applications are being read now. You can close this window.",
        doneSetupText: "Your settings are saved. You can close this window.",
        doneTokenLabel: "Activation token (the app reads it from this page)",
        expiredTitle: "This link has expired",
        expiredText: "Ask the app that sent it for a new link.",
        completedTitle: "This link has been used",
        completedText: "The connection it was made for is finished. Ask the app for a new link to change it.",
        unknownTitle: "Link not found",
        unknownText: "Check that the address is complete, or ask the app for a new link.",
        tooManyTests: { minutes, tool in
            "Too many tests with this link in the last hour. Check the credentials in \(tool) and try again in \(minutes) minutes."
        },
        other: ("de", "Deutsch"))

    static let german = ConnectPageText(
        language: "de",
        resultsTitle: "Verbindungstest",
        howToFix: "So beheben Sie es",
        retry: "Zugangsdaten ändern und erneut testen",
        continueWithWhatWorks: "Mit dem fortfahren, was funktioniert",
        continueButton: "Weiter",
        finishButton: "Abschließen",
        doneTitle: { "\($0) ist verbunden" },
        doneText:
            "Die erste Synchronisation läuft: Stellen, Kandidat:innen und Bewerbungen werden jetzt gelesen. Sie können dieses Fenster schließen.",
        doneSetupText: "Ihre Einstellungen sind gespeichert. Sie können dieses Fenster schließen.",
        doneTokenLabel: "Aktivierungstoken (die App liest es von dieser Seite)",
        expiredTitle: "Dieser Link ist abgelaufen",
        expiredText: "Bitten Sie die App, die ihn gesendet hat, um einen neuen Link.",
        completedTitle: "Dieser Link wurde bereits verwendet",
        completedText: "Die Verbindung ist abgeschlossen. Für Änderungen fordern Sie bitte einen neuen Link an.",
        unknownTitle: "Link nicht gefunden",
        unknownText: "Prüfen Sie, ob die Adresse vollständig ist, oder fordern Sie einen neuen Link an.",
        tooManyTests: { minutes, tool in
            "Zu viele Tests mit diesem Link in der letzten Stunde. Prüfen Sie die Zugangsdaten in \(tool) und versuchen Sie es in \(minutes) Minuten erneut."
        },
        other: ("en", "English"))
}
