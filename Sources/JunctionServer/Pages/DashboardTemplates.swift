/// The dashboard's pages (operator UI, English) in the connect pages' layout, wide where they
/// hold tables. One template per page; the shared navigation is a partial. Every value is escaped by `{{…}}`.
extension Templates {
    static let dashboardSources: [String: String] = [
        "dashboard-nav": """
        <nav><a href="/dashboard">Integrations</a><a href="/dashboard#custom-fields">Custom fields</a>
        <form method="post" action="/dashboard/sign-out" class="inline"><input type="hidden" name="form_token" value="{{formToken}}"><button class="secondary small" id="sign-out">Sign out</button></form></nav>
        """,
        "dashboard-error": """
        {{#error}}<p class="box error" id="form-error">{{error}}</p>{{/error}}
        """,
        "dashboard-sign-in": """
        {{<layout}}{{$language}}en{{/language}}{{$body}}
        <h1>Junction dashboard</h1><p class="muted">Sign in with an API key of your workspace.</p>
        {{> dashboard-error}}
        <form method="post" action="/dashboard/sign-in">
        <input type="hidden" name="sign_in_token" value="{{signInToken}}">
        <label for="api_key">API key</label>
        <input id="api_key" name="api_key" type="password" autocomplete="off" required>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        {{/body}}{{/layout}}
        """,
        "dashboard-not-found": """
        {{<layout}}{{$language}}en{{/language}}{{$body}}
        <h1>Integration not found</h1><p><a href="/dashboard">Back to the dashboard</a></p>
        {{/body}}{{/layout}}
        """,
        "dashboard-overview": """
        {{<layout}}{{$language}}en{{/language}}{{$width}}wide{{/width}}{{$body}}
        {{> dashboard-nav}}<h1>Integrations</h1>
        {{> dashboard-error}}
        <table id="integrations"><tr><th>Integration</th><th>Organisation</th><th>Status</th><th>Setup</th>
        <th>Last sync</th><th>Data confirmed</th><th>Next sync</th><th>Records</th><th>Error or warning</th></tr>
        {{#integrations}}
        <tr data-integration="{{id}}"><td><a href="{{href}}">{{id}}</a></td>
        <td>{{organization}}</td>
        <td><span class="pill">{{status}}</span></td><td>{{setup}}</td>
        <td>{{lastSync}}</td><td class="fresh">{{fresh}}</td><td>{{nextSync}}</td><td>{{counts}}</td>
        <td>{{#notes}}<span class="note">{{.}}</span> {{/notes}}</td></tr>
        {{/integrations}}
        </table><h2>Connect flows</h2><table id="connect-flows"><tr><th>Created</th><th>Kind</th><th>Organisation</th><th>State</th></tr>
        {{#links}}
        <tr><td>{{created}}</td><td>{{kind}}</td><td>{{organization}}</td><td>{{state}}</td></tr>
        {{/links}}
        </table><h2 id="webhooks">Webhooks</h2><table id="webhook-list"><tr><th>URL</th><th>Events</th><th>Added</th></tr>
        {{#webhooks}}
        <tr><td><a href="/dashboard/webhooks/{{id}}">{{url}}</a></td><td>{{events}}</td><td>{{added}}</td></tr>
        {{/webhooks}}
        </table>
        <form method="post" action="/dashboard/webhooks"><input type="hidden" name="form_token" value="{{formToken}}">
        <label for="webhook-url">Endpoint URL</label><input id="webhook-url" name="url" type="text" required>
        <button type="submit" id="add-webhook">Add webhook endpoint</button></form>
        <h2 id="custom-fields">Custom fields</h2>
        <p class="muted">Keys your app reads from records' <code>custom_fields</code>; map them per integration.</p>
        <table id="custom-field-list"><tr><th>Model</th><th>Key</th><th>Label</th></tr>
        {{#customFields}}
        <tr><td>{{model}}</td><td><code>{{key}}</code></td><td>{{label}}</td></tr>
        {{/customFields}}
        </table>
        <form method="post" action="/dashboard/custom-fields"><input type="hidden" name="form_token" value="{{formToken}}">
        <label for="cf-model">Model</label><select id="cf-model" name="model">
        {{#models}}<option>{{.}}</option>{{/models}}</select>
        <label for="cf-key">Key</label><input id="cf-key" name="key" type="text" required>
        <label for="cf-label">Label</label><input id="cf-label" name="label" type="text">
        <button type="submit" id="add-custom-field">Add custom field</button></form>
        {{/body}}{{/layout}}
        """,
        "dashboard-integration": """
        {{<layout}}{{$language}}en{{/language}}{{$width}}wide{{/width}}{{$body}}
        {{> dashboard-nav}}<h1>{{title}}</h1>
        <p class="muted"><code>{{id}}</code> · <span class="pill" id="status">{{status}}</span>
        · setup {{setup}}</p>
        {{> dashboard-error}}
        {{#syncKinds}}
        <form method="post" action="{{base}}/sync" class="inline"><input type="hidden" name="form_token" value="{{formToken}}">
        <input type="hidden" name="type" value="{{kind}}"><button type="submit" class="secondary">Sync {{label}} now</button></form>
        {{/syncKinds}}
        <h2>Sync runs</h2><table id="sync-runs"><tr><th>Started</th><th>Type</th><th>Status</th><th>Duration</th><th>Records</th><th>Requests</th><th>Error or warning</th></tr>
        {{#runs}}
        <tr id="run-{{id}}" data-run="{{id}}"><td>{{started}}</td><td>{{kind}}</td><td>{{status}}</td>
        <td>{{duration}}</td><td>{{counts}}</td><td>{{requests}}</td>
        <td class="run-notes">{{#notes}}<span class="note">{{.}}</span> {{/notes}}</td></tr>
        {{/runs}}
        </table><h2>Writes and passthrough</h2><table id="activity"><tr><th>When</th><th>Kind</th><th>Request</th><th>Status</th><th>ms</th><th>Error</th></tr>
        {{#activity}}
        <tr><td>{{when}}</td><td>{{kind}}</td>
        <td><code>{{method}} {{path}}</code></td><td>{{status}}</td>
        <td>{{milliseconds}}</td><td>{{error}}</td></tr>
        {{/activity}}
        </table>
        <h2 id="explorer">Custom field explorer</h2>
        <p class="muted">Every field path found in the synced payloads (the newest {{sample}} records per model).</p>
        <h3>Custom field mappings</h3><table id="mappings"><tr><th>Custom field</th><th>Model</th><th>Mapped to</th></tr>
        {{#mappings}}
        <tr><td><code>{{key}}</code></td><td>{{model}}</td><td>
        <form method="post" action="{{base}}/custom-fields/{{id}}"><input type="hidden" name="form_token" value="{{formToken}}">
        <select name="integration_field_id" id="map-{{key}}"><option value="">(not mapped)</option>{{#options}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{key}}</option>{{/options}}</select>
        <button type="submit" class="tight">Save</button></form></td></tr>
        {{/mappings}}
        </table>
        {{#models}}
        <h3>{{model}}</h3><table data-model="{{model}}"><tr><th>Field</th><th>Type</th><th>Set in</th><th>Samples</th><th>Passthrough</th></tr>
        {{#fields}}
        <tr data-field="{{key}}"><td><code>{{key}}</code></td>
        <td>{{types}}</td><td>{{setIn}}</td>
        <td class="muted">{{samples}}</td>
        <td><form method="post" action="{{base}}/fields/{{id}}"><input type="hidden" name="form_token" value="{{formToken}}">
        <input type="hidden" name="passthrough" value="{{toggleTo}}">
        <button type="submit" class="{{buttonClass}}">{{buttonLabel}}</button></form></td></tr>
        {{/fields}}
        </table>
        {{/models}}
        {{#settings}}
        <h3>{{title}}</h3>
        <p class="muted">{{help}}</p>
        <form method="post" action="{{base}}/{{path}}"><input type="hidden" name="form_token" value="{{formToken}}">
        <textarea name="value" id="{{path}}" rows="8">{{value}}</textarea>
        <button type="submit">Save {{lowercasedTitle}}</button></form>
        {{/settings}}
        {{/body}}{{/layout}}
        """,
        "dashboard-webhook": """
        {{<layout}}{{$language}}en{{/language}}{{$width}}wide{{/width}}{{$body}}
        {{> dashboard-nav}}<h1>Webhook deliveries</h1><p><code>{{url}}</code></p>
        <table id="deliveries"><tr><th>Created</th><th>Event</th><th>Integration</th><th>State</th><th>Attempts</th><th></th></tr>
        {{#deliveries}}
        <tr data-delivery="{{id}}"><td>{{created}}</td><td>{{event}}</td>
        <td>{{integration}}</td><td>{{state}}</td>
        <td class="muted">{{#attempts}}<span class="attempt">{{.}}</span> {{/attempts}}</td>
        <td><form method="post" action="/dashboard/webhooks/{{endpointID}}/deliveries/{{id}}/redeliver"><input type="hidden" name="form_token" value="{{formToken}}">
        <button type="submit" class="secondary small">Redeliver</button></form></td></tr>
        {{/deliveries}}
        </table>
        {{/body}}{{/layout}}
        """,
        "dashboard-log-entry": """
        {{<layout}}{{$language}}en{{/language}}{{$width}}wide{{/width}}{{$body}}
        {{> dashboard-nav}}<h1>Request {{id}}</h1>
        <table id="log-entry">
        <tr><th>When</th><td>{{when}}</td></tr>
        <tr><th>Request</th><td><code>{{method}} {{path}}</code></td></tr>
        <tr><th>Integration</th><td>{{integration}}</td></tr>
        <tr><th>Status</th><td>{{status}}</td></tr>
        <tr><th>Error</th><td><code>{{code}}</code></td></tr>
        <tr><th>Message</th><td id="log-message">{{message}}</td></tr>
        </table>
        {{/body}}{{/layout}}
        """,
        "dashboard-webhook-added": """
        {{<layout}}{{$language}}en{{/language}}{{$body}}
        {{> dashboard-nav}}<h1>Webhook endpoint added</h1>
        <p><code>{{url}}</code></p>
        <p>Its signing secret, shown only now (verify <code>X-Kombo-Signature</code> with it):</p>
        <p><code id="webhook-secret">{{secret}}</code></p>
        <p><a href="/dashboard#webhooks">Back to the dashboard</a></p>
        {{/body}}{{/layout}}
        """,
    ]
}
