import Hummingbird

/// The dashboard's pages behind a sign-in, on their route group: a request without a live session
/// goes to the sign-in page; with one, the handler finds the session's workspace in the context
/// (`requireWorkspace()`), as an API handler finds its key's. Form posts still check their form
/// token in the handler, which reads the body.
struct DashboardSignInMiddleware: RouterMiddleware {
    let session: DashboardSession

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let workspaceID = try await session.workspace(request) else {
            return DashboardController.redirect("/dashboard")
        }
        var context = context
        context.workspaceID = workspaceID
        return try await next(request, context)
    }
}
