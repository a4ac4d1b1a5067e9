import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The public career site (§1): `GET|HEAD /xml?language=…` and the job pages.
struct CareerSiteRoutes {
    let account: SandboxAccount

    static let languages: Set<String> = ["de", "en", "fr", "es", "nl", "it", "pt"]

    func add(to router: Router<BasicRequestContext>) {
        router.get("xml") { request, _ in try await feed(request, includeBody: true) }
        // Each career site of the account by its host name (`acme.jobs.personio.com`), for an
        // account whose legal entities publish on sites of their own; an unknown host redirects
        // as Personio does for an unknown subdomain.
        router.get("sites/:host/xml") { request, context in
            try await feed(request, includeBody: true, site: context.parameters.get("host") ?? "")
        }
        router.head("xml") { request, _ in try await feed(request, includeBody: false) }
        // Where an unknown subdomain's redirect leads: Personio's marketing site, which answers
        // an automated client with 429 [C3].
        router.get("marketing-site") { _, _ in
            Response(
                status: .tooManyRequests, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.marketingPage)))
        }
        router.get("job/:id") { request, context -> Response in
            let language = request.uri.queryParameters.get("language") ?? "de"
            guard let id = context.parameters.get("id").flatMap(Int.init),
                let job = await account.publishedJobs().first(where: { $0.id == id })
            else {
                return Response(
                    status: .notFound, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "<h1>Not found</h1>")))
            }
            let title = Self.escape(job.name[language] ?? job.name["de"] ?? "")
            let sections = (job.descriptions[language] ?? job.descriptions["de"] ?? [])
                .map { "<h2>\(Self.escape($0.name))</h2>\($0.html)" }.joined()
            let html =
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>\(title)</title></head><body><h1>\(title)</h1><p>\(Self.escape(job.office))</p>\(sections)<a id=\"apply\" href=\"#apply\">Apply</a></body></html>"
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    private func feed(_ request: Request, includeBody: Bool, site: String? = nil) async throws -> Response {
        if let site, await !account.configuration.careerSites.contains(site) {
            return Response(status: .temporaryRedirect, headers: [.location: "/marketing-site"])
        }
        let mode = await account.configuration.xmlFeedEnabled ? await account.configuration.feedMode : .off
        switch mode {
        case .xml:
            break
        case .off:
            return Response(
                status: .notFound, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "<h1>Not found</h1>")))
        case .redirect:
            return Response(status: .temporaryRedirect, headers: [.location: "/marketing-site"])
        case .html:
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.marketingPage)))
        }
        // [C] German when `language` is absent; [?] an unsupported language falls back to German too.
        let requested = request.uri.queryParameters.get("language") ?? "de"
        let language = Self.languages.contains(requested) ? requested : "de"
        var jobs = await account.publishedJobs()
        if let site {
            var listed: [SandboxJob] = []
            for job in jobs where await account.careerSite(of: job) == site { listed.append(job) }
            jobs = listed
        }
        var headers: HTTPFields = [.contentType: "text/xml; charset=UTF-8"]
        switch await account.configuration.feedLastModified {
        case .lastChange: headers[.lastModified] = Self.httpDate(await account.feedChangedAt)
        case .newestJob: if let newest = jobs.map(\.updatedAt).max() { headers[.lastModified] = Self.httpDate(newest) }
        case .absent: break
        }
        guard includeBody else { return Response(status: .ok, headers: headers) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workzag-jobs>"
        for job in jobs { xml += await position(job, language: language) }
        xml += jobs.isEmpty ? "</workzag-jobs>" : "\n</workzag-jobs>\n"
        return SandboxResponse.raw(xml, contentType: "text/xml; charset=UTF-8", headers: headers)
    }

    static let marketingPage =
        "<!doctype html><html><head><title>Personio</title></head><body><h1>HR software for small and medium-sized companies</h1></body></html>"

    private func position(_ job: SandboxJob, language: String) async -> String {
        // A job written in the language: its title and texts. Otherwise, with every job in German
        // and English, the German text [?]; with jobs written in some languages only, the title
        // in the job's first language and no description [C3].
        let texts: (name: String, sections: [JobDescriptionSection])
        if let written = await account.texts(of: job, in: language) {
            texts = written
        } else if await account.configuration.jobLanguages == .germanAndEnglish {
            texts = (job.name["de"] ?? "", job.descriptions["de"] ?? [])
        } else {
            let first = await account.textLanguages(of: job).first ?? "de"
            texts = (await account.texts(of: job, in: first)?.name ?? "", [])
        }
        var xml = "\n  <position>"
        func element(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }  // optional elements are left out when empty
            xml += "\n    <\(name)>\(Self.escape(value))</\(name)>"
        }
        element("id", String(job.id))
        element("subcompany", job.subcompany)
        element("office", job.office)
        if !job.additionalOffices.isEmpty {
            xml +=
                "\n    <additionalOffices>"
                + job.additionalOffices.map { "<office>\(Self.escape($0))</office>" }.joined() + "</additionalOffices>"
        }
        element("department", await account.department(id: job.departmentID)?.name)
        element("recruitingCategory", await account.categoryName(id: job.categoryID))
        element("name", texts.name)
        let sections = texts.sections
        if !sections.isEmpty {
            xml += "\n    <jobDescriptions>"
            for section in sections {
                xml +=
                    "\n      <jobDescription>\n        <name>\(Self.escape(section.name))</name>\n        <value><![CDATA[\n          \(section.html.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>"))\n        ]]></value>\n      </jobDescription>"
            }
            xml += "\n    </jobDescriptions>"
        }
        element("employmentType", job.employmentType)
        element("seniority", job.seniority)
        element("schedule", job.schedule)
        element("yearsOfExperience", job.yearsOfExperience)
        element("keywords", job.keywords)
        element("occupation", job.occupation)
        element("occupationCategory", job.occupationCategory)
        element("createdAt", Self.feedTimestamp(job.createdAt))
        if let salary = job.salary {
            xml +=
                "\n    <salaryInformation><min>\(salary.min).00</min><max>\(salary.max.map { "\($0).00" } ?? "")</max><currencySymbol>€</currencySymbol><currencyCode>EUR</currencyCode><type>yearly</type></salaryInformation>"
        }
        xml += "\n  </position>"
        return xml
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `2018-10-22T13:43:47+00:00`, the form every observed feed uses ([C3] §1.2).
    static func feedTimestamp(_ date: Date) -> String {
        String(PersonioTime.format(date).dropLast()) + "+00:00"
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
