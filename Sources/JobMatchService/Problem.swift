import Foundation

/// An RFC 9457 problem: `application/problem+json` with a stable `type`, a human title, the
/// status, a detail that names the field at fault — never internals (paths, SQL, stack traces).
package struct Problem: Error, Sendable, Encodable, Equatable {
    package var type: String
    package var title: String
    package var status: Int
    package var detail: String
    /// The request field at fault (JSON member, path or query parameter, header).
    package var field: String?
    /// Per-line errors of a JSON Lines import.
    package var errors: [LineError]?
    /// Seconds to wait (429, also sent as `Retry-After`).
    package var retryAfter: Int?
    /// Methods the path allows (405, also sent as `Allow`).
    package var allow: [String]?
    /// Why a key was refused (401): `missing`, `invalid`, `locked`, `expired` or `revoked` —
    /// for clients that explain it in their own words (the web page does, in Korean).
    package var reason: String?

    package struct LineError: Sendable, Encodable, Equatable {
        package var line: Int
        package var field: String?
        package var reason: String
    }

    package init(_ slug: Slug, status: Int, detail: String, field: String? = nil) {
        self.type = "urn:jobmatch:problem:" + slug.rawValue
        self.title = slug.title
        self.status = status
        self.detail = detail
        self.field = field
    }

    /// The problem types (docs/api.md lists them; the OpenAPI spec's Problem schema names them).
    package enum Slug: String, Sendable, CaseIterable {
        case unauthorized = "unauthorized"
        case forbidden = "forbidden"
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case notAcceptable = "not-acceptable"
        case payloadTooLarge = "payload-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case invalidRequest = "invalid-request"
        case invalidRecord = "invalid-record"
        case conflict = "conflict"
        case rateLimited = "rate-limited"
        case deadlineExceeded = "deadline-exceeded"
        case unavailable = "unavailable"
        case internalError = "internal-error"

        var title: String {
            switch self {
            case .unauthorized: "Authentication required"
            case .forbidden: "Not allowed for this key's role"
            case .notFound: "Not found"
            case .methodNotAllowed: "Method not allowed"
            case .notAcceptable: "Not acceptable"
            case .payloadTooLarge: "Request body too large"
            case .unsupportedMediaType: "Unsupported media type"
            case .invalidRequest: "Invalid request"
            case .invalidRecord: "Invalid record"
            case .conflict: "Conflict"
            case .rateLimited: "Too many requests"
            case .deadlineExceeded: "Request took too long"
            case .unavailable: "Service not ready"
            case .internalError: "Internal error"
            }
        }
    }

    static func notFound(_ what: String) -> Problem { Problem(.notFound, status: 404, detail: "\(what) not found") }
    static func invalid(_ field: String, _ reason: String) -> Problem {
        Problem(.invalidRequest, status: 400, detail: "\(field): \(reason)", field: field)
    }
    static func invalidRecord(_ field: String?, _ reason: String) -> Problem {
        Problem(.invalidRecord, status: 422, detail: field.map { "\($0): \(reason)" } ?? reason, field: field)
    }
}
