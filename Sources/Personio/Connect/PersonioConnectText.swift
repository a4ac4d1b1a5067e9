/// Personio's connection guide in English and German: the credential form, the checks of the
/// credential test with a fix for each, and the source step. Where a Personio menu path is given,
/// `docs/personio-mapping.md` and `docs/personio-sandbox.md`§3 is the source ([C] unless noted in
/// `docs/decisions.md`).
struct PersonioConnectText: Sendable {
    struct Check: Sendable {
        var title: String
        /// What the app can do with it.
        var enables: String
        /// What is missing when it fails.
        var missing: String
        /// How to fix it in Personio.
        var fix: String
    }

    var language: String
    var title: String
    var intro: String
    var prerequisitesTitle: String
    var prerequisites: [String]
    var credentialsTitle: String
    var credentialSteps: [String]
    var formTitle: String
    var clientID: String
    var clientSecret: String
    var secretHint: String
    var recruitingKey: String
    var recruitingKeyHint: String
    var companyID: String
    var subdomain: String
    var subdomainHint: String
    var testButton: String
    var resultsAllPassed: String
    var resultsSomeFailed: String
    var resultsTokenFailed: String
    var grantedScopes: String
    var sourceTitle: String
    var sourceIntro: String
    var sourceAddChannel: [String]
    var sourceViewing: String
    var channelID: String
    var channelName: String
    var noChannel: String
    var missingField: @Sendable (String) -> String
    var invalidSubdomain: String
    var invalidCompanyID: String
    var invalidChannel: String
    var checks: [ScopeCheck.ID: Check]
    var status: [ScopeCheck.Status: String]
    var relinkIntro: String
    var setupIntro: String

    static func forLanguage(_ code: String?) -> PersonioConnectText {
        code?.lowercased() == "de" ? german : english
    }

    static let recruitingFix =
        "In Personio, open Settings > Integrations > API credentials, edit this credential and grant read access to Recruiting (scope personio:recruiting:read). Save, then test again: Personio retires the credential's old tokens when its rights change."
    static let recruitingFixDE =
        "Öffnen Sie in Personio Einstellungen > Integrationen > API-Zugangsdaten, bearbeiten Sie diese Zugangsdaten und erteilen Sie Lesezugriff auf Recruiting (Scope personio:recruiting:read). Speichern Sie und testen Sie erneut: Personio macht die bisherigen Tokens ungültig, wenn sich die Rechte ändern."

    static let english = PersonioConnectText(
        language: "en",
        title: "Connect your Personio account",
        intro:
            "This page connects your Personio recruiting data. It reads your jobs, candidates and applications, and can send new applicants to Personio. It takes about ten minutes; nothing in Personio is changed while you test.",
        prerequisitesTitle: "Before you start",
        prerequisites: [
            "A Personio plan that includes Recruiting.",
            "Administrator rights in Personio, to create API credentials.",
            "The XML feed of your career page switched on: Settings > Recruiting > Career page > Activations > “Enable XML feed” (not part of the Essential plan).",
        ],
        credentialsTitle: "Create the credentials",
        credentialSteps: [
            "In Personio, open Settings > Integrations > API credentials and create a new credential (in newer accounts: Marketplace > Connected integrations > “Create custom integration”).",
            "Name it after the app you are connecting, and grant read access to Recruiting and to Persons (first name, last name and email are enough for Persons).",
            "Copy the client ID and the client secret. Personio shows the secret only once.",
            "On the same page, copy the “Recruiting API key” and your company ID. They let the app send applicants to Personio.",
            "Your career-site subdomain is the part before .jobs.personio.de in your career page's address.",
        ],
        formTitle: "Enter the credentials",
        clientID: "Client ID",
        clientSecret: "Client secret",
        secretHint: "Stored encrypted; never shown again.",
        recruitingKey: "Recruiting API key",
        recruitingKeyHint: "Optional, but without it new applicants cannot be sent to Personio.",
        companyID: "Company ID",
        subdomain: "Career sites",
        subdomainHint:
            "For https://acme.jobs.personio.de enter acme; for a .com site acme.jobs.personio.com. Legal entities with their own career site: list each, separated by commas. Optional: without it jobs have no descriptions.",
        testButton: "Test the connection",
        resultsAllPassed: "Everything works. Continue to choose how applicants' source is recorded.",
        resultsSomeFailed:
            "The connection works, but some rights are missing. Fix them in Personio and test again, or continue with what works.",
        resultsTokenFailed: "Personio refused these credentials, so nothing else could be tested.",
        grantedScopes: "Rights granted to these credentials",
        sourceTitle: "Source of new applicants",
        sourceIntro:
            "Applicants sent from the app are recorded in Personio with a recruiting channel, so your team can see where they came from. Choose the channel to use.",
        sourceAddChannel: [
            "To add a channel: Settings > Recruiting > Channels, then add one named after the app.",
            "Its ID is the number at the end of the address when you open the channel.",
        ],
        sourceViewing:
            "To see a candidate's source in Personio, open the candidate's application: the channel is shown in the application's details.",
        channelID: "Channel ID",
        channelName: "Channel name",
        noChannel: "Do not record a channel",
        missingField: { "Enter the \($0)." },
        invalidSubdomain:
            "Enter each career site as its subdomain (acme) or its address on jobs.personio.de or jobs.personio.com (acme.jobs.personio.com): letters, digits and hyphens only.",
        invalidCompanyID: "The company ID is a number.",
        invalidChannel: "The channel ID is a number; enter its name too.",
        checks: [
            .token: .init(
                title: "API credentials", enables: "Everything: the app signs in to Personio with them.",
                missing: "Personio refused the client ID or secret.",
                fix:
                    "Open Settings > Integrations > API credentials in Personio, compare the client ID, and create a new secret if in doubt. Paste both without spaces."
            ),
            .recruitingJobs: .init(
                title: "Read jobs", enables: "Jobs, their stages and hiring teams.",
                missing: "These credentials may not read recruiting data, or Recruiting is not part of the plan.",
                fix: recruitingFix),
            .recruitingCandidates: .init(
                title: "Read candidates", enables: "Candidates.",
                missing: "These credentials may not read candidates.", fix: recruitingFix),
            .recruitingApplications: .init(
                title: "Read applications", enables: "Applications and their stages.",
                missing: "These credentials may not read applications.", fix: recruitingFix),
            .recruitingCategories: .init(
                title: "Read recruiting categories", enables: "The stages of each job's pipeline.",
                missing: "These credentials may not read recruiting categories.", fix: recruitingFix),
            .careerFeed: .init(
                title: "Career-page XML feed", enables: "Job descriptions, employment types, offices and salaries.",
                missing: "The XML feed of the career page could not be read.",
                fix:
                    "Switch it on at Settings > Recruiting > Career page > Activations > “Enable XML feed” (Personio's Essential plan has no feed: then jobs sync without texts), and check the subdomain (acme for acme.jobs.personio.de). Without the feed everything else still syncs."
            ),
            .recruitingAPIKey: .init(
                title: "Recruiting API key", enables: "Sending new applicants and their documents to Personio.",
                missing: "Personio refused the Recruiting API key or the company ID.",
                fix:
                    "Copy the “Recruiting API key” and the company ID again from Settings > Integrations > API credentials (older accounts: Settings > API > Access data)."
            ),
            .persons: .init(
                title: "Read persons", enables: "Names of the hiring team members.",
                missing: "These credentials may not read employees, so hiring teams show without names.",
                fix:
                    "Grant read access to Persons (scope personio:persons:read) on the same credential, with first name, last name and email."
            ),
        ],
        status: [.passed: "Works", .failed: "Missing", .skipped: "Not tested"],
        relinkIntro:
            "Enter new credentials for this connection. The data already read stays; only the credentials change.",
        setupIntro: "Choose how applicants sent from the app are recorded in Personio."
    )

    static let german = PersonioConnectText(
        language: "de",
        title: "Personio verbinden",
        intro:
            "Diese Seite verbindet Ihre Recruiting-Daten aus Personio. Die App liest Stellen, Kandidat:innen und Bewerbungen und kann neue Bewerbungen an Personio senden. Das dauert etwa zehn Minuten; beim Testen wird in Personio nichts verändert.",
        prerequisitesTitle: "Voraussetzungen",
        prerequisites: [
            "Ein Personio-Tarif mit Recruiting.",
            "Administrationsrechte in Personio, um API-Zugangsdaten anzulegen.",
            "Der XML-Feed Ihrer Karriereseite ist aktiviert: Einstellungen > Recruiting > Karriereseite > Aktivierungen > „XML-Feed aktivieren“ (nicht im Essential-Tarif).",
        ],
        credentialsTitle: "Zugangsdaten anlegen",
        credentialSteps: [
            "Öffnen Sie in Personio Einstellungen > Integrationen > API-Zugangsdaten und legen Sie neue Zugangsdaten an (in neueren Konten: Marketplace > Verbundene Integrationen > „Eigene Integration erstellen“).",
            "Benennen Sie sie nach der App, die Sie verbinden, und erteilen Sie Lesezugriff auf Recruiting und auf Personen (Vorname, Nachname und E-Mail genügen).",
            "Kopieren Sie Client-ID und Client-Secret. Personio zeigt das Secret nur einmal an.",
            "Kopieren Sie auf derselben Seite den „Recruiting API Key“ und Ihre Firmen-ID. Damit kann die App Bewerbungen an Personio senden.",
            "Ihre Karriereseiten-Subdomain ist der Teil vor .jobs.personio.de in der Adresse Ihrer Karriereseite.",
        ],
        formTitle: "Zugangsdaten eingeben",
        clientID: "Client-ID",
        clientSecret: "Client-Secret",
        secretHint: "Wird verschlüsselt gespeichert und nie wieder angezeigt.",
        recruitingKey: "Recruiting API Key",
        recruitingKeyHint: "Optional, aber ohne ihn können keine Bewerbungen an Personio gesendet werden.",
        companyID: "Firmen-ID",
        subdomain: "Karriereseiten",
        subdomainHint:
            "Für https://acme.jobs.personio.de geben Sie acme ein, für eine .com-Seite acme.jobs.personio.com. Gesellschaften mit eigener Karriereseite: jede angeben, durch Kommas getrennt. Optional: ohne sie fehlen die Stellenbeschreibungen.",
        testButton: "Verbindung testen",
        resultsAllPassed: "Alles funktioniert. Weiter zur Quelle neuer Bewerbungen.",
        resultsSomeFailed:
            "Die Verbindung funktioniert, aber einige Rechte fehlen. Beheben Sie das in Personio und testen Sie erneut, oder fahren Sie mit dem fort, was funktioniert.",
        resultsTokenFailed: "Personio hat diese Zugangsdaten abgelehnt, daher konnte nichts weiter getestet werden.",
        grantedScopes: "Rechte dieser Zugangsdaten",
        sourceTitle: "Quelle neuer Bewerbungen",
        sourceIntro:
            "Bewerbungen aus der App werden in Personio mit einem Recruiting-Kanal gespeichert, damit Ihr Team sieht, woher sie kommen. Wählen Sie den Kanal.",
        sourceAddChannel: [
            "Einen Kanal anlegen: Einstellungen > Recruiting > Kanäle, dann einen Kanal mit dem Namen der App hinzufügen.",
            "Seine ID ist die Zahl am Ende der Adresse, wenn Sie den Kanal öffnen.",
        ],
        sourceViewing:
            "Die Quelle einer Bewerbung sehen Sie in Personio in der Bewerbung: Der Kanal steht in den Details der Bewerbung.",
        channelID: "Kanal-ID",
        channelName: "Kanalname",
        noChannel: "Keinen Kanal speichern",
        missingField: { "Bitte geben Sie \($0) ein." },
        invalidSubdomain:
            "Geben Sie jede Karriereseite als Subdomain (acme) oder als Adresse auf jobs.personio.de oder jobs.personio.com an (acme.jobs.personio.com): nur Buchstaben, Ziffern und Bindestriche.",
        invalidCompanyID: "Die Firmen-ID ist eine Zahl.",
        invalidChannel: "Die Kanal-ID ist eine Zahl; geben Sie auch den Namen ein.",
        checks: [
            .token: .init(
                title: "API-Zugangsdaten", enables: "Alles: Die App meldet sich damit bei Personio an.",
                missing: "Personio hat Client-ID oder Secret abgelehnt.",
                fix:
                    "Öffnen Sie in Personio Einstellungen > Integrationen > API-Zugangsdaten, vergleichen Sie die Client-ID und erzeugen Sie im Zweifel ein neues Secret. Fügen Sie beides ohne Leerzeichen ein."
            ),
            .recruitingJobs: .init(
                title: "Stellen lesen", enables: "Stellen mit Phasen und Hiring-Teams.",
                missing: "Diese Zugangsdaten dürfen keine Recruiting-Daten lesen, oder Recruiting ist nicht im Tarif.",
                fix: recruitingFixDE),
            .recruitingCandidates: .init(
                title: "Kandidat:innen lesen", enables: "Kandidat:innen.",
                missing: "Diese Zugangsdaten dürfen keine Kandidat:innen lesen.", fix: recruitingFixDE),
            .recruitingApplications: .init(
                title: "Bewerbungen lesen", enables: "Bewerbungen und ihre Phasen.",
                missing: "Diese Zugangsdaten dürfen keine Bewerbungen lesen.", fix: recruitingFixDE),
            .recruitingCategories: .init(
                title: "Recruiting-Kategorien lesen", enables: "Die Phasen jeder Stelle.",
                missing: "Diese Zugangsdaten dürfen keine Recruiting-Kategorien lesen.", fix: recruitingFixDE),
            .careerFeed: .init(
                title: "XML-Feed der Karriereseite",
                enables: "Stellenbeschreibungen, Beschäftigungsarten, Standorte und Gehälter.",
                missing: "Der XML-Feed der Karriereseite konnte nicht gelesen werden.",
                fix:
                    "Aktivieren Sie ihn unter Einstellungen > Recruiting > Karriereseite > Aktivierungen > „XML-Feed aktivieren“ (der Essential-Tarif hat keinen Feed: dann kommen Stellen ohne Texte) und prüfen Sie die Subdomain (acme für acme.jobs.personio.de). Ohne Feed wird alles andere trotzdem synchronisiert."
            ),
            .recruitingAPIKey: .init(
                title: "Recruiting API Key", enables: "Neue Bewerbungen mit Dokumenten an Personio senden.",
                missing: "Personio hat den Recruiting API Key oder die Firmen-ID abgelehnt.",
                fix:
                    "Kopieren Sie „Recruiting API Key“ und Firmen-ID erneut aus Einstellungen > Integrationen > API-Zugangsdaten (ältere Konten: Einstellungen > API > Zugangsdaten)."
            ),
            .persons: .init(
                title: "Personen lesen", enables: "Namen der Hiring-Team-Mitglieder.",
                missing: "Diese Zugangsdaten dürfen keine Mitarbeitenden lesen; Hiring-Teams erscheinen ohne Namen.",
                fix:
                    "Erteilen Sie denselben Zugangsdaten Lesezugriff auf Personen (Scope personio:persons:read) mit Vorname, Nachname und E-Mail."
            ),
        ],
        status: [.passed: "Funktioniert", .failed: "Fehlt", .skipped: "Nicht getestet"],
        relinkIntro:
            "Geben Sie neue Zugangsdaten für diese Verbindung ein. Die bereits gelesenen Daten bleiben erhalten.",
        setupIntro: "Legen Sie fest, wie Bewerbungen aus der App in Personio gespeichert werden."
    )
}
