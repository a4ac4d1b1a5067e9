/// The connect page's own words in the languages of Personio's markets (English, German,
/// French, Spanish, Italian, Dutch), each written for its language: what is the same whichever
/// tool is connected (the tool's guide, form and checks come from its connector's `ConnectFlow`).
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
    /// The language's name in itself, for the switch on every page.
    var name: String

    static let all = [english, german, french, spanish, italian, dutch]

    /// The page in `code`'s language; English for any other.
    static func forLanguage(_ code: String?) -> ConnectPageText {
        let wanted = code?.lowercased()
        return all.first { $0.language == wanted } ?? english
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
        name: "English")

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
        name: "Deutsch")

    static let french = ConnectPageText(
        language: "fr",
        resultsTitle: "Test de connexion",
        howToFix: "Comment corriger",
        retry: "Modifier les identifiants et tester à nouveau",
        continueWithWhatWorks: "Continuer avec ce qui fonctionne",
        continueButton: "Continuer",
        finishButton: "Terminer",
        doneTitle: { "\($0) est connecté" },
        doneText:
            "La première synchronisation a commencé : vos offres, candidats et candidatures sont en cours de lecture. Vous pouvez fermer cette fenêtre.",
        doneSetupText: "Vos paramètres sont enregistrés. Vous pouvez fermer cette fenêtre.",
        doneTokenLabel: "Jeton d'activation (l'application le lit sur cette page)",
        expiredTitle: "Ce lien a expiré",
        expiredText: "Demandez un nouveau lien à l'application qui vous l'a envoyé.",
        completedTitle: "Ce lien a déjà été utilisé",
        completedText:
            "La connexion pour laquelle il a été créé est terminée. Demandez un nouveau lien à l'application pour la modifier.",
        unknownTitle: "Lien introuvable",
        unknownText: "Vérifiez que l'adresse est complète, ou demandez un nouveau lien à l'application.",
        tooManyTests: { minutes, tool in
            "Trop de tests avec ce lien au cours de la dernière heure. Vérifiez les identifiants dans \(tool) et réessayez dans \(minutes) minutes."
        },
        name: "Français")

    static let spanish = ConnectPageText(
        language: "es",
        resultsTitle: "Prueba de conexión",
        howToFix: "Cómo solucionarlo",
        retry: "Cambiar las credenciales y volver a probar",
        continueWithWhatWorks: "Continuar con lo que funciona",
        continueButton: "Continuar",
        finishButton: "Finalizar",
        doneTitle: { "\($0) está conectado" },
        doneText:
            "La primera sincronización ha comenzado: se están leyendo sus ofertas, candidatos y candidaturas. Puede cerrar esta ventana.",
        doneSetupText: "Su configuración se ha guardado. Puede cerrar esta ventana.",
        doneTokenLabel: "Token de activación (la aplicación lo lee de esta página)",
        expiredTitle: "Este enlace ha caducado",
        expiredText: "Pida un enlace nuevo a la aplicación que se lo envió.",
        completedTitle: "Este enlace ya se ha usado",
        completedText:
            "La conexión para la que se creó está terminada. Pida un enlace nuevo a la aplicación para modificarla.",
        unknownTitle: "Enlace no encontrado",
        unknownText: "Compruebe que la dirección esté completa o pida un enlace nuevo a la aplicación.",
        tooManyTests: { minutes, tool in
            "Demasiadas pruebas con este enlace en la última hora. Revise las credenciales en \(tool) y vuelva a intentarlo dentro de \(minutes) minutos."
        },
        name: "Español")

    static let italian = ConnectPageText(
        language: "it",
        resultsTitle: "Test di connessione",
        howToFix: "Come risolvere",
        retry: "Modifica le credenziali e ripeti il test",
        continueWithWhatWorks: "Continua con ciò che funziona",
        continueButton: "Continua",
        finishButton: "Fine",
        doneTitle: { "\($0) è collegato" },
        doneText:
            "La prima sincronizzazione è iniziata: le posizioni, i candidati e le candidature vengono letti ora. Puoi chiudere questa finestra.",
        doneSetupText: "Le impostazioni sono state salvate. Puoi chiudere questa finestra.",
        doneTokenLabel: "Token di attivazione (l'app lo legge da questa pagina)",
        expiredTitle: "Questo link è scaduto",
        expiredText: "Chiedi un nuovo link all'app che te lo ha inviato.",
        completedTitle: "Questo link è già stato usato",
        completedText:
            "Il collegamento per cui è stato creato è concluso. Per modificarlo, chiedi un nuovo link all'app.",
        unknownTitle: "Link non trovato",
        unknownText: "Controlla che l'indirizzo sia completo, oppure chiedi un nuovo link all'app.",
        tooManyTests: { minutes, tool in
            "Troppi test con questo link nell'ultima ora. Controlla le credenziali in \(tool) e riprova tra \(minutes) minuti."
        },
        name: "Italiano")

    static let dutch = ConnectPageText(
        language: "nl",
        resultsTitle: "Verbindingstest",
        howToFix: "Zo lost u het op",
        retry: "Gegevens wijzigen en opnieuw testen",
        continueWithWhatWorks: "Doorgaan met wat werkt",
        continueButton: "Doorgaan",
        finishButton: "Afronden",
        doneTitle: { "\($0) is gekoppeld" },
        doneText:
            "De eerste synchronisatie is gestart: uw vacatures, kandidaten en sollicitaties worden nu gelezen. U kunt dit venster sluiten.",
        doneSetupText: "Uw instellingen zijn opgeslagen. U kunt dit venster sluiten.",
        doneTokenLabel: "Activeringstoken (de app leest het van deze pagina)",
        expiredTitle: "Deze link is verlopen",
        expiredText: "Vraag de app die hem stuurde om een nieuwe link.",
        completedTitle: "Deze link is al gebruikt",
        completedText:
            "De koppeling waarvoor hij bedoeld was, is afgerond. Vraag de app om een nieuwe link om iets te wijzigen.",
        unknownTitle: "Link niet gevonden",
        unknownText: "Controleer of het adres volledig is, of vraag de app om een nieuwe link.",
        tooManyTests: { minutes, tool in
            "Te veel tests met deze link in het afgelopen uur. Controleer de gegevens in \(tool) en probeer het over \(minutes) minuten opnieuw."
        },
        name: "Nederlands")
}
