/// Word lists the generator draws from: German and English names, offices, job titles and
/// description texts, so sandbox data reads like a real German company's account.
enum Vocabulary {
    static let firstNames = [
        "Anna", "Lukas", "Lea", "Finn", "Mia", "Jonas", "Emma", "Leon", "Hannah", "Paul", "Sophie", "Felix",
        "Marie", "Elias", "Laura", "Noah", "Clara", "Ben", "Lena", "Maximilian", "Julia", "Tim", "Sarah", "Jan",
        "Olivia", "James", "Emily", "Oliver", "Charlotte", "Jack", "Amelia", "Harry", "Aylin", "Mehmet", "Zofia",
        "Luca", "Giulia", "Mateo", "Ines", "Tobias",
    ]
    static let lastNames = [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hartmann", "Lange", "Werner", "Krause", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson",
        "Yilmaz", "Kowalski", "Rossi", "García", "Nowak", "Keller", "Vogel", "Frank", "Berger", "Kaiser",
    ]
    static let emailDomains = ["example.org", "example.com", "example.net", "mail.example.de"]
    static let genders = ["male", "female", "diverse", "undefined"]
    static let offices = [
        "Munich", "Berlin", "Hamburg", "Cologne", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Leipzig", "Vienna",
        "Zurich", "Remote",
    ]
    static let subcompanies = ["Sandbox GmbH", "Sandbox Services GmbH", "Sandbox Austria GmbH"]

    struct Department: Sendable {
        let id: Int
        let name: String
    }

    static let departments = [
        Department(id: 881, name: "Engineering"), Department(id: 882, name: "Sales"),
        Department(id: 883, name: "Marketing"), Department(id: 884, name: "People & Culture"),
        Department(id: 885, name: "Finance"), Department(id: 886, name: "Customer Success"),
        Department(id: 887, name: "Operations"),
    ]

    /// A job title in English and German, and the XML feed's occupation codes for it.
    struct Title: Sendable {
        let english: String
        let german: String
        let occupation: String
        let occupationCategory: String
        let departmentID: Int
    }

    static let titles = [
        Title(
            english: "Backend Engineer", german: "Backend-Entwickler", occupation: "software_and_web_development",
            occupationCategory: "it_software", departmentID: 881),
        Title(
            english: "Frontend Engineer", german: "Frontend-Entwickler", occupation: "software_and_web_development",
            occupationCategory: "it_software", departmentID: 881),
        Title(
            english: "Site Reliability Engineer", german: "Site-Reliability-Engineer",
            occupation: "network_and_server_administration", occupationCategory: "it_software", departmentID: 881),
        Title(
            english: "QA Engineer", german: "Softwaretester", occupation: "software_quality_assurance",
            occupationCategory: "quality_assurance_and_saftey", departmentID: 881),
        Title(
            english: "Account Executive", german: "Account Executive",
            occupation: "business_development_and_new_accounts", occupationCategory: "sales_and_business_development",
            departmentID: 882),
        Title(
            english: "Sales Development Representative", german: "Vertriebsmitarbeiter", occupation: "telesales",
            occupationCategory: "sales_and_business_development", departmentID: 882),
        Title(
            english: "Content Marketing Manager", german: "Content-Marketing-Manager",
            occupation: "marketing_communications", occupationCategory: "marketing_and_product", departmentID: 883),
        Title(
            english: "Product Marketing Manager", german: "Produktmarketing-Manager",
            occupation: "brand_and_product_marketing", occupationCategory: "marketing_and_product", departmentID: 883),
        Title(
            english: "Recruiter", german: "Recruiter", occupation: "recruiting_and_sourcing",
            occupationCategory: "human_resources", departmentID: 884),
        Title(
            english: "HR Generalist", german: "HR-Generalist", occupation: "general_and_other_human_resources",
            occupationCategory: "human_resources", departmentID: 884),
        Title(
            english: "Accountant", german: "Buchhalter", occupation: "bookkeeping",
            occupationCategory: "accounting_and_finance", departmentID: 885),
        Title(
            english: "Financial Controller", german: "Controller", occupation: "financial_control",
            occupationCategory: "accounting_and_finance", departmentID: 885),
        Title(
            english: "Customer Success Manager", german: "Customer-Success-Manager",
            occupation: "account_management_non_commissioned", occupationCategory: "customer_support_and_client_care",
            departmentID: 886),
        Title(
            english: "Support Specialist", german: "Support-Mitarbeiter", occupation: "technical_customer_service",
            occupationCategory: "customer_support_and_client_care", departmentID: 886),
        Title(
            english: "Office Manager", german: "Office-Manager", occupation: "office_management",
            occupationCategory: "administrative_and_clerical", departmentID: 887),
        Title(
            english: "Warehouse Associate", german: "Lagermitarbeiter",
            occupation: "shipping_and_receiving_and_warehousing", occupationCategory: "logistics_and_transportation",
            departmentID: 887),
    ]

    /// The XML feed's gender suffix, as German job ads carry it.
    static let titleSuffix = " (m/w/d)"

    /// For jobs of the permanent category; working students and interns have their own categories.
    static let employmentTypes = [
        "permanent", "permanent", "permanent", "permanent", "trainee", "freelance", "temporary",
    ]
    static let seniorities = ["entry-level", "experienced", "experienced", "executive", "student"]
    static let schedules = ["full-time", "full-time", "part-time", "full-or-part-time"]
    static let yearsOfExperience = ["lt-1", "1-2", "2-5", "2-5", "5-7", "7-10", "10-15", "gt-15"]
    static let keywords = [
        "Swift", "Go", "SQL", "Kubernetes", "Excel", "SAP", "Salesforce", "Deutsch", "English", "B2B", "SaaS",
        "Team Lead", "Homeoffice",
    ]

    /// Description sections: (English title, German title, English body, German body).
    static let sections: [(String, String, String, String)] = [
        (
            "Your mission", "Deine Aufgaben",
            "<ul><li>Own meaningful work from idea to delivery</li><li>Work closely with a friendly, international team</li></ul>",
            "<ul><li>Du verantwortest spannende Aufgaben von der Idee bis zur Umsetzung</li><li>Du arbeitest eng mit einem freundlichen, internationalen Team zusammen</li></ul>"
        ),
        (
            "Your profile", "Dein Profil",
            "<ul><li>Relevant experience and the wish to keep learning</li><li>Good command of German or English</li></ul>",
            "<ul><li>Einschlägige Erfahrung und Lust, dazuzulernen</li><li>Sehr gute Deutsch- oder Englischkenntnisse</li></ul>"
        ),
        (
            "Why us?", "Warum wir?",
            "<p>Flexible hours, <strong>30 days of holiday</strong>, a learning budget and a central office.</p>",
            "<p>Flexible Arbeitszeiten, <strong>30 Tage Urlaub</strong>, ein Weiterbildungsbudget und ein zentrales Büro.</p>"
        ),
    ]

    static let roles = ["HR Manager", "Hiring Manager", "Recruiter", "Interviewer"]
    static let tags = ["Top candidate", "Talent pool", "Referral", "Relocation", "Senior"]
    static let messages = [
        "I am excited to apply for this position.", "Ich freue mich auf Ihre Rückmeldung.",
        "Please find my CV attached.", "Anbei mein Lebenslauf.",
    ]
}
