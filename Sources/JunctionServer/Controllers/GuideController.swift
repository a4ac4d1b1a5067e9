import Hummingbird
import JunctionConnectors
import JunctionModel

/// Each tool's connection guide as a public page (`GET /guides/{tool}`, `?lang=`), the
/// `connection_guide_url` of `GET /v1/tools/{category}`: what an administrator prepares before
/// opening a connect link, in every language the connect page speaks. No key: it holds nothing
/// about any customer, and the people who read it have none.
struct GuideController {
    let connectors: ConnectorRegistry

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("guides/:tool") { request, context in
            let text = ConnectPageText.forLanguage(request.uri.queryParameters.get("lang"))
            let name = context.parameters.get("tool") ?? ""
            guard let tool = Tool(rawValue: name), let connector = connectors[tool],
                let flow = connector.connectFlow
            else {
                return HTML.response(
                    Templates.render(
                        Notice(language: text.language, title: text.unknownTitle, message: text.unknownText), "notice"),
                    status: .notFound)
            }
            let guide = flow.connectionGuide(language: text.language)
            let page = Page(
                language: text.language, title: guide.title,
                languages: ConnectPageController.languageLinks("/guides/\(tool.rawValue)", current: text.language),
                organization: connector.descriptor.label, intro: guide.intro, sections: guide.sections)
            return HTML.response(Templates.render(page, "guide"))
        }
    }

    /// The URL `GET /v1/tools/{category}` gives for a tool's guide; nil for a tool without a
    /// connect flow.
    static func url(of tool: Tool, connectors: ConnectorRegistry, publicURL: String) -> String? {
        connectors[tool]?.connectFlow == nil ? nil : "\(publicURL)/guides/\(tool.rawValue)"
    }

    struct Page {
        var language, title: String
        var languages: [ConnectPageController.LanguageLink]
        var organization, intro: String
        var sections: [ConnectGuide.Section]
    }

    struct Notice {
        var language, title, message: String
    }
}
