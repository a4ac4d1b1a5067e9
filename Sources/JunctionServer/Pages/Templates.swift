import Mustache

/// The pages' mustache templates, one per page, compiled once. `{{value}}` escapes for HTML
/// (`&`, `<`, `>`, `"`, `'`), so nothing a customer or an operator entered is ever markup. They
/// live in Swift rather than in resource files so a copied binary needs nothing beside it.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, source) in sources.merging(dashboardSources, uniquingKeysWith: { first, _ in first }) {
            // The sources are fixed; `TemplatesTests` renders every one, so a broken template
            // fails the tests rather than a page.
            try! library.register(source, named: name)
        }
        return library
    }()

    static func render(_ context: Any, _ name: String) -> String {
        guard let html = library.render(context, withTemplate: name) else {
            preconditionFailure("no template named \(name)")
        }
        return html
    }

    static let sources: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="{{$language}}{{language}}{{/language}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{title}}</title>
        <link rel="stylesheet" href="/assets/junction.css">
        </head>
        <body><main class="{{$width}}narrow{{/width}}">
        {{$body}}{{/body}}
        </main></body>
        </html>
        """,
        "connect-header": """
        <nav class="langs" id="languages">{{#languages}}<a id="lang-{{code}}" lang="{{code}}" hreflang="{{code}}" href="{{href}}">{{name}}</a>{{/languages}}</nav>
        <h1>{{title}}</h1>
        <p class="muted">{{organization}}</p>
        """,
        "guide-sections": """
        {{#sections}}
        <h2>{{title}}</h2>
        {{#numbered}}<ol class="steps">{{#items}}<li>{{.}}</li>{{/items}}</ol>{{/numbered}}
        {{^numbered}}<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>{{/numbered}}
        {{/sections}}
        """,
        "connect-credentials": """
        {{<layout}}{{$body}}
        {{> connect-header}}
        <p>{{intro}}</p>
        {{> guide-sections}}
        <h2>{{formTitle}}</h2>
        {{#error}}<p class="box error" id="form-error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        {{#fields}}
        <label for="{{name}}">{{label}}{{#hint}}<p class="hint">{{hint}}</p>{{/hint}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" autocomplete="off" spellcheck="false"{{#value}} value="{{value}}"{{/value}}{{#required}} required{{/required}}>
        {{/fields}}
        <button type="submit" id="test">{{testButton}}</button>
        </form>
        {{/body}}{{/layout}}
        """,
        "connect-results": """
        {{<layout}}{{$body}}
        {{> connect-header}}
        <p id="summary">{{summary}}</p><ul class="checks" id="checks">
        {{#checks}}
        <li data-check="{{id}}" data-status="{{status}}">
        <span class="{{status}}">{{statusLabel}}</span>
        · <strong>{{title}}</strong> <span class="muted">— {{enables}}</span>
        {{#note}}<p class="muted">{{note}}</p>{{/note}}
        {{#missing}}<p class="fix">{{missing}} <span class="muted">({{detail}})</span></p>
        <p class="fix"><strong>{{howToFix}}:</strong> {{fix}}</p>{{/missing}}
        </li>
        {{/checks}}
        </ul>
        {{#footnote}}<p class="muted">{{footnote}}</p>{{/footnote}}
        <p><a class="button secondary" id="retry" href="{{retryHref}}">{{retry}}</a>
        {{#continueHref}}<a class="button" id="continue" href="{{continueHref}}">{{continueLabel}}</a>{{/continueHref}}</p>
        {{/body}}{{/layout}}
        """,
        "connect-setup": """
        {{<layout}}{{$body}}
        {{> connect-header}}
        {{#setupIntro}}<p>{{setupIntro}}</p>{{/setupIntro}}
        <p>{{intro}}</p><div class="box"><ul>{{#points}}<li>{{.}}</li>{{/points}}</ul></div>
        {{#error}}<p class="box error" id="form-error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        {{#fields}}
        <label for="{{name}}">{{label}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}"{{#inputMode}} inputmode="{{inputMode}}"{{/inputMode}} value="{{value}}">
        {{/fields}}
        {{#skip}}<label><input type="checkbox" name="{{name}}" id="{{name}}" value="1"> {{label}}</label>{{/skip}}
        <button type="submit" id="finish">{{finishButton}}</button>
        </form>
        {{/body}}{{/layout}}
        """,
        "connect-done": """
        {{<layout}}{{$body}}
        <h1 id="done">{{title}}</h1>
        <p>{{message}}</p>
        <p class="muted">{{tokenLabel}}</p>
        <p id="activation" data-targets="{{targets}}"><code id="activation-token">{{activation}}</code></p>
        <script src="/assets/connect-done.js"></script>
        {{/body}}{{/layout}}
        """,
        "guide": """
        {{<layout}}{{$body}}
        {{> connect-header}}
        <p>{{intro}}</p>
        {{> guide-sections}}
        {{/body}}{{/layout}}
        """,
        "notice": """
        {{<layout}}{{$body}}
        <h1>{{title}}</h1><p class="muted">{{message}}</p>
        {{/body}}{{/layout}}
        """,
    ]
}
