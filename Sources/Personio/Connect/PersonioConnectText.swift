/// Personio's connection guide in the languages of Personio's markets (English, German, French,
/// Spanish, Italian, Dutch): the credential form, the checks of the credential test with a fix
/// for each, the XML feed and the source step. The menu paths outside English and German are
/// our translations of Personio's English menus ([I]: not checked against Personio's own labels
/// in those languages; `docs/decisions.md`). Where a Personio menu path is given,
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
    /// The connection guide page's section on the career page's XML feed.
    var feedTitle: String
    var feedSteps: [String]
    /// The connection guide page's list of what the connection test checks.
    var checksTitle: String
    /// The intro of a link to this server's Personio sandbox (Kombo's `sandbox` tool).
    var sandboxIntro: String

    static let all = [english, german, french, spanish, italian, dutch]

    /// The text in `code`'s language; English for any other.
    static func forLanguage(_ code: String?) -> PersonioConnectText {
        let wanted = code?.lowercased()
        return all.first { $0.language == wanted } ?? english
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
        setupIntro: "Choose how applicants sent from the app are recorded in Personio.",
        feedTitle: "The career page's XML feed",
        feedSteps: [
            "Personio's API gives a job's name, category and pipeline, but not its description, offices, employment type or salary: these come from the XML feed of your career page.",
            "Switch it on at Settings > Recruiting > Career page > Activations > “Enable XML feed”. The Essential plan has no feed; jobs then sync without their texts.",
            "Enter each career site as its subdomain: acme for acme.jobs.personio.de, acme.jobs.personio.com for a .com site. Legal entities with their own career site are listed one after the other.",
        ],
        checksTitle: "What the connection test checks",
        sandboxIntro:
            "This link connects to the Personio sandbox this server runs, not to a real Personio account: its credentials are filled in below. Test them, then continue as you would with a real account."
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
        setupIntro: "Legen Sie fest, wie Bewerbungen aus der App in Personio gespeichert werden.",
        feedTitle: "Der XML-Feed der Karriereseite",
        feedSteps: [
            "Die Personio-API liefert Name, Kategorie und Phasen einer Stelle, aber weder Beschreibung noch Standorte, Beschäftigungsart oder Gehalt: Diese kommen aus dem XML-Feed Ihrer Karriereseite.",
            "Aktivieren Sie ihn unter Einstellungen > Recruiting > Karriereseite > Aktivierungen > „XML-Feed aktivieren“. Der Essential-Tarif hat keinen Feed; Stellen kommen dann ohne Texte.",
            "Geben Sie jede Karriereseite als Subdomain an: acme für acme.jobs.personio.de, acme.jobs.personio.com für eine .com-Seite. Gesellschaften mit eigener Karriereseite werden nacheinander aufgeführt.",
        ],
        checksTitle: "Was der Verbindungstest prüft",
        sandboxIntro:
            "Dieser Link verbindet mit der Personio-Sandbox, die dieser Server betreibt, nicht mit einem echten Personio-Konto: Die Zugangsdaten sind unten bereits eingetragen. Testen Sie sie und fahren Sie fort wie mit einem echten Konto."
    )
}

extension PersonioConnectText {
    static let recruitingFixFR =
        "Dans Personio, ouvrez Paramètres > Intégrations > Identifiants API, modifiez ces identifiants et accordez l'accès en lecture au recrutement (scope personio:recruiting:read). Enregistrez, puis testez à nouveau : Personio invalide les anciens jetons quand les droits changent."
    static let recruitingFixES =
        "En Personio, abra Configuración > Integraciones > Credenciales de API, edite estas credenciales y conceda acceso de lectura a Recruiting (scope personio:recruiting:read). Guarde y vuelva a probar: Personio invalida los tokens anteriores cuando cambian los permisos."
    static let recruitingFixIT =
        "In Personio apri Impostazioni > Integrazioni > Credenziali API, modifica queste credenziali e concedi l'accesso in lettura a Recruiting (scope personio:recruiting:read). Salva e ripeti il test: Personio invalida i token precedenti quando cambiano i permessi."
    static let recruitingFixNL =
        "Open in Personio Instellingen > Integraties > API-gegevens, bewerk deze gegevens en geef leestoegang tot Recruiting (scope personio:recruiting:read). Sla op en test opnieuw: Personio trekt de oude tokens in zodra de rechten veranderen."

    static let french = PersonioConnectText(
        language: "fr",
        title: "Connecter votre compte Personio",
        intro:
            "Cette page connecte vos données de recrutement Personio. L'application lit vos offres, candidats et candidatures, et peut envoyer de nouveaux candidats à Personio. Comptez une dizaine de minutes ; rien n'est modifié dans Personio pendant le test.",
        prerequisitesTitle: "Avant de commencer",
        prerequisites: [
            "Un abonnement Personio qui inclut le recrutement.",
            "Des droits d'administration dans Personio, pour créer des identifiants API.",
            "Le flux XML de votre page carrière activé : Paramètres > Recrutement > Page carrière > Activations > « Activer le flux XML » (absent de l'offre Essential).",
        ],
        credentialsTitle: "Créer les identifiants",
        credentialSteps: [
            "Dans Personio, ouvrez Paramètres > Intégrations > Identifiants API et créez de nouveaux identifiants (dans les comptes récents : Marketplace > Intégrations connectées > « Créer une intégration personnalisée »).",
            "Nommez-les d'après l'application que vous connectez et accordez l'accès en lecture au recrutement et aux personnes (prénom, nom et e-mail suffisent).",
            "Copiez l'ID client et le secret client. Personio n'affiche le secret qu'une seule fois.",
            "Sur la même page, copiez la « clé API Recruiting » et l'ID de votre entreprise. Ils permettent à l'application d'envoyer des candidats à Personio.",
            "Le sous-domaine de votre site carrière est la partie avant .jobs.personio.de dans l'adresse de votre page carrière.",
        ],
        formTitle: "Saisir les identifiants",
        clientID: "ID client",
        clientSecret: "Secret client",
        secretHint: "Conservé chiffré ; il ne sera plus jamais affiché.",
        recruitingKey: "Clé API Recruiting",
        recruitingKeyHint: "Facultative, mais sans elle aucun candidat ne peut être envoyé à Personio.",
        companyID: "ID de l'entreprise",
        subdomain: "Sites carrière",
        subdomainHint:
            "Pour https://acme.jobs.personio.de saisissez acme ; pour un site en .com, acme.jobs.personio.com. Entités juridiques avec leur propre site carrière : indiquez chacun, séparés par des virgules. Facultatif : sans cela, les offres n'ont pas de description.",
        testButton: "Tester la connexion",
        resultsAllPassed: "Tout fonctionne. Continuez pour choisir comment la source des candidats est enregistrée.",
        resultsSomeFailed:
            "La connexion fonctionne, mais certains droits manquent. Corrigez-les dans Personio et testez à nouveau, ou continuez avec ce qui fonctionne.",
        resultsTokenFailed: "Personio a refusé ces identifiants ; rien d'autre n'a pu être testé.",
        grantedScopes: "Droits accordés à ces identifiants",
        sourceTitle: "Source des nouveaux candidats",
        sourceIntro:
            "Les candidats envoyés depuis l'application sont enregistrés dans Personio avec un canal de recrutement, pour que votre équipe sache d'où ils viennent. Choisissez le canal à utiliser.",
        sourceAddChannel: [
            "Pour ajouter un canal : Paramètres > Recrutement > Canaux, puis ajoutez-en un au nom de l'application.",
            "Son ID est le nombre à la fin de l'adresse quand vous ouvrez le canal.",
        ],
        sourceViewing:
            "Pour voir la source d'un candidat dans Personio, ouvrez sa candidature : le canal figure dans les détails de la candidature.",
        channelID: "ID du canal",
        channelName: "Nom du canal",
        noChannel: "Ne pas enregistrer de canal",
        missingField: { "Saisissez le champ « \($0) »." },
        invalidSubdomain:
            "Indiquez chaque site carrière par son sous-domaine (acme) ou son adresse sur jobs.personio.de ou jobs.personio.com (acme.jobs.personio.com) : lettres, chiffres et traits d'union uniquement.",
        invalidCompanyID: "L'ID de l'entreprise est un nombre.",
        invalidChannel: "L'ID du canal est un nombre ; saisissez aussi son nom.",
        checks: [
            .token: .init(
                title: "Identifiants API", enables: "Tout : l'application se connecte à Personio avec eux.",
                missing: "Personio a refusé l'ID client ou le secret.",
                fix:
                    "Ouvrez Paramètres > Intégrations > Identifiants API dans Personio, comparez l'ID client et créez un nouveau secret en cas de doute. Collez-les sans espaces."
            ),
            .recruitingJobs: .init(
                title: "Lire les offres", enables: "Les offres, leurs étapes et leurs équipes de recrutement.",
                missing:
                    "Ces identifiants ne peuvent pas lire les données de recrutement, ou le recrutement ne fait pas partie de l'abonnement.",
                fix: recruitingFixFR),
            .recruitingCandidates: .init(
                title: "Lire les candidats", enables: "Les candidats.",
                missing: "Ces identifiants ne peuvent pas lire les candidats.", fix: recruitingFixFR),
            .recruitingApplications: .init(
                title: "Lire les candidatures", enables: "Les candidatures et leurs étapes.",
                missing: "Ces identifiants ne peuvent pas lire les candidatures.", fix: recruitingFixFR),
            .recruitingCategories: .init(
                title: "Lire les catégories de recrutement", enables: "Les étapes du processus de chaque offre.",
                missing: "Ces identifiants ne peuvent pas lire les catégories de recrutement.", fix: recruitingFixFR),
            .careerFeed: .init(
                title: "Flux XML de la page carrière",
                enables: "Les descriptions des offres, les types de contrat, les lieux et les salaires.",
                missing: "Le flux XML de la page carrière n'a pas pu être lu.",
                fix:
                    "Activez-le dans Paramètres > Recrutement > Page carrière > Activations > « Activer le flux XML » (l'offre Essential n'a pas de flux : les offres sont alors synchronisées sans textes), et vérifiez le sous-domaine (acme pour acme.jobs.personio.de). Sans le flux, tout le reste est synchronisé."
            ),
            .recruitingAPIKey: .init(
                title: "Clé API Recruiting", enables: "L'envoi de nouveaux candidats et de leurs documents à Personio.",
                missing: "Personio a refusé la clé API Recruiting ou l'ID de l'entreprise.",
                fix:
                    "Copiez à nouveau la « clé API Recruiting » et l'ID de l'entreprise depuis Paramètres > Intégrations > Identifiants API (comptes plus anciens : Paramètres > API > Données d'accès)."
            ),
            .persons: .init(
                title: "Lire les personnes", enables: "Les noms des membres des équipes de recrutement.",
                missing:
                    "Ces identifiants ne peuvent pas lire les employés : les équipes de recrutement apparaissent sans noms.",
                fix:
                    "Accordez aux mêmes identifiants l'accès en lecture aux personnes (scope personio:persons:read), avec prénom, nom et e-mail."
            ),
        ],
        status: [.passed: "Fonctionne", .failed: "Manquant", .skipped: "Non testé"],
        relinkIntro:
            "Saisissez de nouveaux identifiants pour cette connexion. Les données déjà lues sont conservées ; seuls les identifiants changent.",
        setupIntro: "Choisissez comment les candidats envoyés depuis l'application sont enregistrés dans Personio.",
        feedTitle: "Le flux XML de la page carrière",
        feedSteps: [
            "L'API de Personio donne le nom, la catégorie et les étapes d'une offre, mais ni sa description, ni ses lieux, ni son type de contrat, ni son salaire : ils viennent du flux XML de votre page carrière.",
            "Activez-le dans Paramètres > Recrutement > Page carrière > Activations > « Activer le flux XML ». L'offre Essential n'a pas de flux ; les offres sont alors synchronisées sans leurs textes.",
            "Indiquez chaque site carrière par son sous-domaine : acme pour acme.jobs.personio.de, acme.jobs.personio.com pour un site en .com. Les entités juridiques qui ont leur propre site carrière sont indiquées les unes après les autres.",
        ],
        checksTitle: "Ce que vérifie le test de connexion",
        sandboxIntro:
            "Ce lien se connecte à la sandbox Personio de ce serveur, et non à un vrai compte Personio : ses identifiants sont déjà saisis ci-dessous. Testez-les, puis continuez comme avec un vrai compte."
    )

    static let spanish = PersonioConnectText(
        language: "es",
        title: "Conecte su cuenta de Personio",
        intro:
            "Esta página conecta sus datos de selección de Personio. La aplicación lee sus ofertas, candidatos y candidaturas, y puede enviar nuevos candidatos a Personio. Lleva unos diez minutos; durante la prueba no se modifica nada en Personio.",
        prerequisitesTitle: "Antes de empezar",
        prerequisites: [
            "Un plan de Personio que incluya Recruiting.",
            "Permisos de administración en Personio, para crear credenciales de API.",
            "El feed XML de su página de empleo activado: Configuración > Recruiting > Página de empleo > Activaciones > «Activar feed XML» (no incluido en el plan Essential).",
        ],
        credentialsTitle: "Crear las credenciales",
        credentialSteps: [
            "En Personio, abra Configuración > Integraciones > Credenciales de API y cree unas credenciales nuevas (en cuentas recientes: Marketplace > Integraciones conectadas > «Crear integración personalizada»).",
            "Póngales el nombre de la aplicación que conecta y conceda acceso de lectura a Recruiting y a Personas (basta con nombre, apellido y correo electrónico).",
            "Copie el ID de cliente y el secreto de cliente. Personio muestra el secreto una sola vez.",
            "En la misma página, copie la «clave de API de Recruiting» y el ID de su empresa. Con ellos la aplicación puede enviar candidatos a Personio.",
            "El subdominio de su página de empleo es la parte anterior a .jobs.personio.de en su dirección.",
        ],
        formTitle: "Introduzca las credenciales",
        clientID: "ID de cliente",
        clientSecret: "Secreto de cliente",
        secretHint: "Se guarda cifrado y no se vuelve a mostrar.",
        recruitingKey: "Clave de API de Recruiting",
        recruitingKeyHint: "Opcional, pero sin ella no se pueden enviar candidatos a Personio.",
        companyID: "ID de la empresa",
        subdomain: "Páginas de empleo",
        subdomainHint:
            "Para https://acme.jobs.personio.de introduzca acme; para una página .com, acme.jobs.personio.com. Sociedades con su propia página de empleo: indique cada una, separadas por comas. Opcional: sin ella las ofertas no tienen descripción.",
        testButton: "Probar la conexión",
        resultsAllPassed: "Todo funciona. Continúe para elegir cómo se registra el origen de los candidatos.",
        resultsSomeFailed:
            "La conexión funciona, pero faltan algunos permisos. Corríjalos en Personio y vuelva a probar, o continúe con lo que funciona.",
        resultsTokenFailed: "Personio ha rechazado estas credenciales, así que no se ha podido probar nada más.",
        grantedScopes: "Permisos concedidos a estas credenciales",
        sourceTitle: "Origen de los nuevos candidatos",
        sourceIntro:
            "Los candidatos enviados desde la aplicación se registran en Personio con un canal de selección, para que su equipo vea de dónde vienen. Elija el canal.",
        sourceAddChannel: [
            "Para añadir un canal: Configuración > Recruiting > Canales, y añada uno con el nombre de la aplicación.",
            "Su ID es el número al final de la dirección cuando abre el canal.",
        ],
        sourceViewing:
            "Para ver el origen de un candidato en Personio, abra su candidatura: el canal aparece en los detalles de la candidatura.",
        channelID: "ID del canal",
        channelName: "Nombre del canal",
        noChannel: "No registrar ningún canal",
        missingField: { "Introduzca el campo «\($0)»." },
        invalidSubdomain:
            "Indique cada página de empleo con su subdominio (acme) o su dirección en jobs.personio.de o jobs.personio.com (acme.jobs.personio.com): solo letras, cifras y guiones.",
        invalidCompanyID: "El ID de la empresa es un número.",
        invalidChannel: "El ID del canal es un número; introduzca también su nombre.",
        checks: [
            .token: .init(
                title: "Credenciales de API", enables: "Todo: la aplicación accede a Personio con ellas.",
                missing: "Personio ha rechazado el ID de cliente o el secreto.",
                fix:
                    "Abra Configuración > Integraciones > Credenciales de API en Personio, compare el ID de cliente y, en caso de duda, cree un secreto nuevo. Péguelos sin espacios."
            ),
            .recruitingJobs: .init(
                title: "Leer ofertas", enables: "Las ofertas, sus fases y sus equipos de selección.",
                missing:
                    "Estas credenciales no pueden leer datos de selección, o Recruiting no forma parte del plan.",
                fix: recruitingFixES),
            .recruitingCandidates: .init(
                title: "Leer candidatos", enables: "Los candidatos.",
                missing: "Estas credenciales no pueden leer candidatos.", fix: recruitingFixES),
            .recruitingApplications: .init(
                title: "Leer candidaturas", enables: "Las candidaturas y sus fases.",
                missing: "Estas credenciales no pueden leer candidaturas.", fix: recruitingFixES),
            .recruitingCategories: .init(
                title: "Leer categorías de selección", enables: "Las fases del proceso de cada oferta.",
                missing: "Estas credenciales no pueden leer categorías de selección.", fix: recruitingFixES),
            .careerFeed: .init(
                title: "Feed XML de la página de empleo",
                enables: "Las descripciones de las ofertas, los tipos de contrato, las oficinas y los salarios.",
                missing: "No se ha podido leer el feed XML de la página de empleo.",
                fix:
                    "Actívelo en Configuración > Recruiting > Página de empleo > Activaciones > «Activar feed XML» (el plan Essential no tiene feed: las ofertas se sincronizan entonces sin textos) y compruebe el subdominio (acme para acme.jobs.personio.de). Sin el feed, todo lo demás se sincroniza igualmente."
            ),
            .recruitingAPIKey: .init(
                title: "Clave de API de Recruiting", enables: "Enviar nuevos candidatos y sus documentos a Personio.",
                missing: "Personio ha rechazado la clave de API de Recruiting o el ID de la empresa.",
                fix:
                    "Copie de nuevo la «clave de API de Recruiting» y el ID de la empresa desde Configuración > Integraciones > Credenciales de API (cuentas antiguas: Configuración > API > Datos de acceso)."
            ),
            .persons: .init(
                title: "Leer personas", enables: "Los nombres de los miembros de los equipos de selección.",
                missing:
                    "Estas credenciales no pueden leer empleados, así que los equipos de selección aparecen sin nombres.",
                fix:
                    "Conceda a las mismas credenciales acceso de lectura a Personas (scope personio:persons:read), con nombre, apellido y correo electrónico."
            ),
        ],
        status: [.passed: "Funciona", .failed: "Falta", .skipped: "Sin probar"],
        relinkIntro:
            "Introduzca credenciales nuevas para esta conexión. Los datos ya leídos se conservan; solo cambian las credenciales.",
        setupIntro: "Elija cómo se registran en Personio los candidatos enviados desde la aplicación.",
        feedTitle: "El feed XML de la página de empleo",
        feedSteps: [
            "La API de Personio ofrece el nombre, la categoría y las fases de una oferta, pero no su descripción, oficinas, tipo de contrato ni salario: estos vienen del feed XML de su página de empleo.",
            "Actívelo en Configuración > Recruiting > Página de empleo > Activaciones > «Activar feed XML». El plan Essential no tiene feed; las ofertas se sincronizan entonces sin sus textos.",
            "Indique cada página de empleo con su subdominio: acme para acme.jobs.personio.de, acme.jobs.personio.com para una página .com. Las sociedades con su propia página de empleo se indican una tras otra.",
        ],
        checksTitle: "Qué comprueba la prueba de conexión",
        sandboxIntro:
            "Este enlace se conecta a la sandbox de Personio que ejecuta este servidor, no a una cuenta real de Personio: sus credenciales ya están rellenadas abajo. Pruébelas y continúe como con una cuenta real."
    )

    static let italian = PersonioConnectText(
        language: "it",
        title: "Collega il tuo account Personio",
        intro:
            "Questa pagina collega i tuoi dati di recruiting di Personio. L'app legge posizioni, candidati e candidature e può inviare nuovi candidati a Personio. Servono circa dieci minuti; durante il test in Personio non cambia nulla.",
        prerequisitesTitle: "Prima di iniziare",
        prerequisites: [
            "Un piano Personio che includa Recruiting.",
            "Diritti di amministrazione in Personio, per creare credenziali API.",
            "Il feed XML della tua pagina carriere attivato: Impostazioni > Recruiting > Pagina carriere > Attivazioni > «Attiva feed XML» (non incluso nel piano Essential).",
        ],
        credentialsTitle: "Crea le credenziali",
        credentialSteps: [
            "In Personio apri Impostazioni > Integrazioni > Credenziali API e crea nuove credenziali (negli account più recenti: Marketplace > Integrazioni collegate > «Crea integrazione personalizzata»).",
            "Dai loro il nome dell'app che stai collegando e concedi l'accesso in lettura a Recruiting e alle Persone (bastano nome, cognome ed e-mail).",
            "Copia l'ID client e il secret client. Personio mostra il secret una sola volta.",
            "Nella stessa pagina copia la «chiave API Recruiting» e l'ID della tua azienda. Permettono all'app di inviare candidati a Personio.",
            "Il sottodominio della tua pagina carriere è la parte prima di .jobs.personio.de nel suo indirizzo.",
        ],
        formTitle: "Inserisci le credenziali",
        clientID: "ID client",
        clientSecret: "Secret client",
        secretHint: "Conservato cifrato; non verrà più mostrato.",
        recruitingKey: "Chiave API Recruiting",
        recruitingKeyHint: "Facoltativa, ma senza di essa non è possibile inviare candidati a Personio.",
        companyID: "ID azienda",
        subdomain: "Pagine carriere",
        subdomainHint:
            "Per https://acme.jobs.personio.de inserisci acme; per un sito .com acme.jobs.personio.com. Società con una propria pagina carriere: indicale tutte, separate da virgole. Facoltativo: senza, le posizioni non hanno descrizione.",
        testButton: "Verifica la connessione",
        resultsAllPassed: "Tutto funziona. Continua per scegliere come registrare la provenienza dei candidati.",
        resultsSomeFailed:
            "La connessione funziona, ma mancano alcuni permessi. Correggili in Personio e ripeti il test, oppure continua con ciò che funziona.",
        resultsTokenFailed: "Personio ha rifiutato queste credenziali, quindi non è stato possibile verificare altro.",
        grantedScopes: "Permessi concessi a queste credenziali",
        sourceTitle: "Provenienza dei nuovi candidati",
        sourceIntro:
            "I candidati inviati dall'app vengono registrati in Personio con un canale di recruiting, così il tuo team vede da dove arrivano. Scegli il canale da usare.",
        sourceAddChannel: [
            "Per aggiungere un canale: Impostazioni > Recruiting > Canali, poi aggiungine uno con il nome dell'app.",
            "Il suo ID è il numero alla fine dell'indirizzo quando apri il canale.",
        ],
        sourceViewing:
            "Per vedere la provenienza di un candidato in Personio, apri la sua candidatura: il canale compare nei dettagli della candidatura.",
        channelID: "ID canale",
        channelName: "Nome del canale",
        noChannel: "Non registrare alcun canale",
        missingField: { "Inserisci il campo «\($0)»." },
        invalidSubdomain:
            "Indica ogni pagina carriere con il suo sottodominio (acme) o il suo indirizzo su jobs.personio.de o jobs.personio.com (acme.jobs.personio.com): solo lettere, cifre e trattini.",
        invalidCompanyID: "L'ID azienda è un numero.",
        invalidChannel: "L'ID del canale è un numero; inserisci anche il nome.",
        checks: [
            .token: .init(
                title: "Credenziali API", enables: "Tutto: l'app accede a Personio con queste credenziali.",
                missing: "Personio ha rifiutato l'ID client o il secret.",
                fix:
                    "Apri Impostazioni > Integrazioni > Credenziali API in Personio, confronta l'ID client e, nel dubbio, crea un nuovo secret. Incollali senza spazi."
            ),
            .recruitingJobs: .init(
                title: "Leggere le posizioni", enables: "Le posizioni, le loro fasi e i team di selezione.",
                missing:
                    "Queste credenziali non possono leggere i dati di recruiting, oppure Recruiting non è incluso nel piano.",
                fix: recruitingFixIT),
            .recruitingCandidates: .init(
                title: "Leggere i candidati", enables: "I candidati.",
                missing: "Queste credenziali non possono leggere i candidati.", fix: recruitingFixIT),
            .recruitingApplications: .init(
                title: "Leggere le candidature", enables: "Le candidature e le loro fasi.",
                missing: "Queste credenziali non possono leggere le candidature.", fix: recruitingFixIT),
            .recruitingCategories: .init(
                title: "Leggere le categorie di recruiting", enables: "Le fasi del processo di ogni posizione.",
                missing: "Queste credenziali non possono leggere le categorie di recruiting.", fix: recruitingFixIT),
            .careerFeed: .init(
                title: "Feed XML della pagina carriere",
                enables: "Descrizioni delle posizioni, tipi di contratto, sedi e retribuzioni.",
                missing: "Non è stato possibile leggere il feed XML della pagina carriere.",
                fix:
                    "Attivalo in Impostazioni > Recruiting > Pagina carriere > Attivazioni > «Attiva feed XML» (il piano Essential non ha un feed: le posizioni vengono allora sincronizzate senza testi) e controlla il sottodominio (acme per acme.jobs.personio.de). Senza il feed tutto il resto viene comunque sincronizzato."
            ),
            .recruitingAPIKey: .init(
                title: "Chiave API Recruiting", enables: "L'invio di nuovi candidati e dei loro documenti a Personio.",
                missing: "Personio ha rifiutato la chiave API Recruiting o l'ID azienda.",
                fix:
                    "Copia di nuovo la «chiave API Recruiting» e l'ID azienda da Impostazioni > Integrazioni > Credenziali API (account meno recenti: Impostazioni > API > Dati di accesso)."
            ),
            .persons: .init(
                title: "Leggere le persone", enables: "I nomi dei membri dei team di selezione.",
                missing:
                    "Queste credenziali non possono leggere i dipendenti, quindi i team di selezione appaiono senza nomi.",
                fix:
                    "Concedi alle stesse credenziali l'accesso in lettura alle Persone (scope personio:persons:read), con nome, cognome ed e-mail."
            ),
        ],
        status: [.passed: "Funziona", .failed: "Manca", .skipped: "Non verificato"],
        relinkIntro:
            "Inserisci nuove credenziali per questo collegamento. I dati già letti restano; cambiano solo le credenziali.",
        setupIntro: "Scegli come registrare in Personio i candidati inviati dall'app.",
        feedTitle: "Il feed XML della pagina carriere",
        feedSteps: [
            "L'API di Personio fornisce nome, categoria e fasi di una posizione, ma non descrizione, sedi, tipo di contratto o retribuzione: questi arrivano dal feed XML della tua pagina carriere.",
            "Attivalo in Impostazioni > Recruiting > Pagina carriere > Attivazioni > «Attiva feed XML». Il piano Essential non ha un feed; le posizioni vengono allora sincronizzate senza testi.",
            "Indica ogni pagina carriere con il suo sottodominio: acme per acme.jobs.personio.de, acme.jobs.personio.com per un sito .com. Le società con una propria pagina carriere si indicano una dopo l'altra.",
        ],
        checksTitle: "Cosa verifica il test di connessione",
        sandboxIntro:
            "Questo link si collega alla sandbox Personio di questo server, non a un vero account Personio: le credenziali sono già inserite qui sotto. Verificale e continua come con un account reale."
    )

    static let dutch = PersonioConnectText(
        language: "nl",
        title: "Koppel uw Personio-account",
        intro:
            "Deze pagina koppelt uw recruitmentgegevens uit Personio. De app leest uw vacatures, kandidaten en sollicitaties en kan nieuwe sollicitanten naar Personio sturen. Het duurt ongeveer tien minuten; tijdens het testen verandert er niets in Personio.",
        prerequisitesTitle: "Voordat u begint",
        prerequisites: [
            "Een Personio-abonnement met Recruiting.",
            "Beheerdersrechten in Personio, om API-gegevens aan te maken.",
            "De XML-feed van uw carrièrepagina ingeschakeld: Instellingen > Recruiting > Carrièrepagina > Activeringen > ‘XML-feed inschakelen’ (niet in het Essential-abonnement).",
        ],
        credentialsTitle: "De gegevens aanmaken",
        credentialSteps: [
            "Open in Personio Instellingen > Integraties > API-gegevens en maak nieuwe gegevens aan (in nieuwere accounts: Marketplace > Gekoppelde integraties > ‘Eigen integratie maken’).",
            "Geef ze de naam van de app die u koppelt en geef leestoegang tot Recruiting en tot Personen (voornaam, achternaam en e-mail zijn genoeg).",
            "Kopieer de client-ID en het client-secret. Personio toont het secret maar één keer.",
            "Kopieer op dezelfde pagina de ‘Recruiting API-sleutel’ en uw bedrijfs-ID. Daarmee kan de app sollicitanten naar Personio sturen.",
            "Het subdomein van uw carrièrepagina is het deel vóór .jobs.personio.de in het adres ervan.",
        ],
        formTitle: "Gegevens invoeren",
        clientID: "Client-ID",
        clientSecret: "Client-secret",
        secretHint: "Versleuteld opgeslagen; wordt nooit meer getoond.",
        recruitingKey: "Recruiting API-sleutel",
        recruitingKeyHint:
            "Optioneel, maar zonder deze sleutel kunnen geen sollicitanten naar Personio worden gestuurd.",
        companyID: "Bedrijfs-ID",
        subdomain: "Carrièresites",
        subdomainHint:
            "Voor https://acme.jobs.personio.de vult u acme in; voor een .com-site acme.jobs.personio.com. Entiteiten met een eigen carrièresite: vermeld ze allemaal, gescheiden door komma's. Optioneel: zonder hebben vacatures geen omschrijving.",
        testButton: "Verbinding testen",
        resultsAllPassed: "Alles werkt. Ga verder om te kiezen hoe de herkomst van sollicitanten wordt vastgelegd.",
        resultsSomeFailed:
            "De verbinding werkt, maar er ontbreken rechten. Los dat op in Personio en test opnieuw, of ga verder met wat werkt.",
        resultsTokenFailed: "Personio heeft deze gegevens geweigerd, dus verder kon niets worden getest.",
        grantedScopes: "Rechten van deze gegevens",
        sourceTitle: "Herkomst van nieuwe sollicitanten",
        sourceIntro:
            "Sollicitanten die de app stuurt, worden in Personio vastgelegd met een recruitmentkanaal, zodat uw team ziet waar ze vandaan komen. Kies het kanaal.",
        sourceAddChannel: [
            "Een kanaal toevoegen: Instellingen > Recruiting > Kanalen, en voeg er een toe met de naam van de app.",
            "De ID is het getal aan het eind van het adres als u het kanaal opent.",
        ],
        sourceViewing:
            "De herkomst van een kandidaat ziet u in Personio in de sollicitatie: het kanaal staat bij de details van de sollicitatie.",
        channelID: "Kanaal-ID",
        channelName: "Kanaalnaam",
        noChannel: "Geen kanaal vastleggen",
        missingField: { "Vul het veld ‘\($0)’ in." },
        invalidSubdomain:
            "Vermeld elke carrièresite met het subdomein (acme) of het adres op jobs.personio.de of jobs.personio.com (acme.jobs.personio.com): alleen letters, cijfers en koppeltekens.",
        invalidCompanyID: "De bedrijfs-ID is een getal.",
        invalidChannel: "De kanaal-ID is een getal; vul ook de naam in.",
        checks: [
            .token: .init(
                title: "API-gegevens", enables: "Alles: de app meldt zich hiermee aan bij Personio.",
                missing: "Personio heeft de client-ID of het secret geweigerd.",
                fix:
                    "Open Instellingen > Integraties > API-gegevens in Personio, vergelijk de client-ID en maak bij twijfel een nieuw secret aan. Plak beide zonder spaties."
            ),
            .recruitingJobs: .init(
                title: "Vacatures lezen", enables: "Vacatures, hun fasen en hun selectieteams.",
                missing:
                    "Deze gegevens mogen geen recruitmentgegevens lezen, of Recruiting zit niet in het abonnement.",
                fix: recruitingFixNL),
            .recruitingCandidates: .init(
                title: "Kandidaten lezen", enables: "Kandidaten.",
                missing: "Deze gegevens mogen geen kandidaten lezen.", fix: recruitingFixNL),
            .recruitingApplications: .init(
                title: "Sollicitaties lezen", enables: "Sollicitaties en hun fasen.",
                missing: "Deze gegevens mogen geen sollicitaties lezen.", fix: recruitingFixNL),
            .recruitingCategories: .init(
                title: "Recruitmentcategorieën lezen", enables: "De fasen van elke vacature.",
                missing: "Deze gegevens mogen geen recruitmentcategorieën lezen.", fix: recruitingFixNL),
            .careerFeed: .init(
                title: "XML-feed van de carrièrepagina",
                enables: "Vacatureteksten, dienstverbanden, vestigingen en salarissen.",
                missing: "De XML-feed van de carrièrepagina kon niet worden gelezen.",
                fix:
                    "Schakel hem in via Instellingen > Recruiting > Carrièrepagina > Activeringen > ‘XML-feed inschakelen’ (het Essential-abonnement heeft geen feed: vacatures komen dan zonder teksten binnen) en controleer het subdomein (acme voor acme.jobs.personio.de). Zonder feed wordt al het andere wel gesynchroniseerd."
            ),
            .recruitingAPIKey: .init(
                title: "Recruiting API-sleutel",
                enables: "Nieuwe sollicitanten en hun documenten naar Personio sturen.",
                missing: "Personio heeft de Recruiting API-sleutel of de bedrijfs-ID geweigerd.",
                fix:
                    "Kopieer de ‘Recruiting API-sleutel’ en de bedrijfs-ID opnieuw via Instellingen > Integraties > API-gegevens (oudere accounts: Instellingen > API > Toegangsgegevens)."
            ),
            .persons: .init(
                title: "Personen lezen", enables: "Namen van de leden van selectieteams.",
                missing: "Deze gegevens mogen geen medewerkers lezen, dus selectieteams verschijnen zonder namen.",
                fix:
                    "Geef dezelfde gegevens leestoegang tot Personen (scope personio:persons:read), met voornaam, achternaam en e-mail."
            ),
        ],
        status: [.passed: "Werkt", .failed: "Ontbreekt", .skipped: "Niet getest"],
        relinkIntro:
            "Voer nieuwe gegevens in voor deze koppeling. De al gelezen gegevens blijven; alleen de gegevens veranderen.",
        setupIntro: "Kies hoe sollicitanten uit de app in Personio worden vastgelegd.",
        feedTitle: "De XML-feed van de carrièrepagina",
        feedSteps: [
            "De API van Personio geeft naam, categorie en fasen van een vacature, maar geen omschrijving, vestigingen, dienstverband of salaris: die komen uit de XML-feed van uw carrièrepagina.",
            "Schakel hem in via Instellingen > Recruiting > Carrièrepagina > Activeringen > ‘XML-feed inschakelen’. Het Essential-abonnement heeft geen feed; vacatures komen dan zonder teksten binnen.",
            "Vermeld elke carrièresite met het subdomein: acme voor acme.jobs.personio.de, acme.jobs.personio.com voor een .com-site. Entiteiten met een eigen carrièresite worden na elkaar vermeld.",
        ],
        checksTitle: "Wat de verbindingstest controleert",
        sandboxIntro:
            "Deze link koppelt met de Personio-sandbox die deze server draait, niet met een echt Personio-account: de gegevens zijn hieronder al ingevuld. Test ze en ga verder zoals met een echt account."
    )
}
