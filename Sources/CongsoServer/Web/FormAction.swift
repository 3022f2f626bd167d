import Vapor

/// A form post on a record's page: run the change, flash the outcome, go back to the page.
/// A refusal the person can act on (422, 409, 403, 413) is shown on the page as a message;
/// anything else (a record out of reach: 404) is an error page.
enum FormAction {
    static func run(_ req: Request, back: String, flash: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            WebPage.flash(req, flash)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden, .payloadTooLarge].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: back)
    }
}
