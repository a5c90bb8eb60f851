import Foundation

/// The API's operations. Each has one route; `Route.all` is the table the service dispatches on
/// and the table the tests compare with `openapi.yaml` (every route documented, nothing else).
package enum Operation: String, Sendable, CaseIterable {
    case healthz, readyz, metrics, openapi, webPage, webAsset, whoami
    case getSeeker, putSeeker, seekerRecommendations, seekerWhyNot, profileRecommendations
    case getPosting, putPosting, importPostings, closePosting, postingCandidates, search
    case recordOutcome, seekerOutcomes
    case listKeys, createKey, revokeKey

    /// What a role may do. Counsellors read seekers of their office and recommend; staff write
    /// postings; admins do both and manage keys. Public operations need no key.
    package var permission: Permission {
        switch self {
        case .healthz, .readyz, .metrics, .openapi, .webPage, .webAsset: .public
        case .getSeeker, .putSeeker, .seekerRecommendations, .seekerWhyNot, .profileRecommendations,
             .postingCandidates, .recordOutcome, .seekerOutcomes: .counselling
        case .getPosting, .search, .whoami: .anyKey
        case .putPosting, .importPostings, .closePosting: .postingsWrite
        case .listKeys, .createKey, .revokeKey: .keys
        }
    }

    /// Whether the operation reads a seeker's personal data (each such read is access-logged).
    package var accessLogAction: String? {
        switch self {
        case .getSeeker: "seeker.read"
        case .putSeeker: "seeker.write"
        case .seekerRecommendations: "recommendations"
        case .seekerWhyNot: "why-not"
        case .profileRecommendations: "profile.recommend"
        case .postingCandidates: "candidates"
        case .recordOutcome: "outcome.record"
        case .seekerOutcomes: "outcome.read"
        default: nil
        }
    }
}

package enum Permission: Sendable {
    case `public`, anyKey, counselling, postingsWrite, keys

    package func allows(_ role: RoleName) -> Bool {
        switch self {
        case .public, .anyKey: true
        case .counselling: role == .counsellor || role == .admin
        case .postingsWrite: role == .staff || role == .admin
        case .keys: role == .admin
        }
    }
}

/// Mirrors `JobMatchStore.Role` without making the routing table depend on the store.
package enum RoleName: String, Sendable { case counsellor, staff, admin }

package struct Route: Sendable, Equatable {
    package let method: String
    /// OpenAPI-style template: `/v1/seekers/{id}/recommendations`, `/v1/postings/{id}:close`.
    package let template: String
    package let operation: Operation
    let segments: [Segment]
    let literalCount: Int
    /// Parameter segments with a literal suffix (`{id}:close`).
    let suffixCount: Int

    init(method: String, template: String, operation: Operation) {
        self.method = method
        self.template = template
        self.operation = operation
        segments = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { s in
            guard s.hasPrefix("{"), let close = s.firstIndex(of: "}") else { return .literal(String(s)) }
            return .parameter(name: String(s[s.index(after: s.startIndex)..<close]), suffix: String(s[s.index(after: close)...]))
        }
        literalCount = segments.filter { if case .literal = $0 { true } else { false } }.count
        suffixCount = segments.filter { if case .parameter(_, let s) = $0 { !s.isEmpty } else { false } }.count
    }

    package static let all: [Route] = [
        Route(method: "GET", template: "/healthz", operation: .healthz),
        Route(method: "GET", template: "/readyz", operation: .readyz),
        Route(method: "GET", template: "/metrics", operation: .metrics),
        Route(method: "GET", template: "/openapi.yaml", operation: .openapi),
        Route(method: "GET", template: "/", operation: .webPage),
        Route(method: "GET", template: "/web/{file}", operation: .webAsset),
        Route(method: "GET", template: "/v1/me", operation: .whoami),
        Route(method: "GET", template: "/v1/seekers/{id}", operation: .getSeeker),
        Route(method: "PUT", template: "/v1/seekers/{id}", operation: .putSeeker),
        Route(method: "GET", template: "/v1/seekers/{id}/recommendations", operation: .seekerRecommendations),
        Route(method: "GET", template: "/v1/seekers/{id}/why-not/{postingId}", operation: .seekerWhyNot),
        Route(method: "GET", template: "/v1/seekers/{id}/outcomes", operation: .seekerOutcomes),
        Route(method: "POST", template: "/v1/recommendations", operation: .profileRecommendations),
        Route(method: "GET", template: "/v1/postings/{id}", operation: .getPosting),
        Route(method: "PUT", template: "/v1/postings/{id}", operation: .putPosting),
        Route(method: "POST", template: "/v1/postings:import", operation: .importPostings),
        Route(method: "POST", template: "/v1/postings/{id}:close", operation: .closePosting),
        Route(method: "GET", template: "/v1/postings/{id}/candidates", operation: .postingCandidates),
        Route(method: "GET", template: "/v1/search", operation: .search),
        Route(method: "POST", template: "/v1/outcomes", operation: .recordOutcome),
        Route(method: "GET", template: "/v1/keys", operation: .listKeys),
        Route(method: "POST", template: "/v1/keys", operation: .createKey),
        Route(method: "POST", template: "/v1/keys/{id}:revoke", operation: .revokeKey),
    ]

    enum Segment: Sendable, Equatable {
        case literal(String)
        /// `{name}` followed by a literal suffix (may be empty).
        case parameter(name: String, suffix: String)
    }

    /// The parameters when `components` (percent-decoded path segments) fit the template.
    func match(_ components: [String]) -> [String: String]? {
        guard segments.count == components.count else { return nil }
        var params: [String: String] = [:]
        for (seg, c) in zip(segments, components) {
            switch seg {
            case .literal(let l): if l != c { return nil }
            case .parameter(let name, let suffix):
                guard c.hasSuffix(suffix), c.count > suffix.count else { return nil }
                params[name] = String(c.dropLast(suffix.count))
            }
        }
        return params
    }

    package enum Resolution: Sendable, Equatable {
        case found(Route, [String: String])
        /// The path exists, not with this method.
        case methodNotAllowed(allow: [String])
        case notFound
    }

    /// Literal routes win over parameter routes of the same shape (most literal segments first).
    package static func resolve(method: String, path: String) -> Resolution {
        guard path.hasPrefix("/") else { return .notFound }
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var components: [String] = []
        for r in raw {
            guard let d = String(r).removingPercentEncoding else { return .notFound }
            components.append(d)
        }
        // most specific first: more literal segments, then more literal suffixes (`{id}:close`
        // over `{id}`, so `GET /v1/postings/X:close` is a 405, not a look-up of posting "X:close")
        let candidates = all.compactMap { r in r.match(components).map { (r, $0) } }
            .sorted { a, b in (a.0.literalCount, a.0.suffixCount) > (b.0.literalCount, b.0.suffixCount) }
        guard let best = candidates.first else { return .notFound }
        let sameShape = candidates.filter { ($0.0.literalCount, $0.0.suffixCount) == (best.0.literalCount, best.0.suffixCount) }
        if let hit = sameShape.first(where: { $0.0.method == method }) { return .found(hit.0, hit.1) }
        if method == "HEAD", let get = sameShape.first(where: { $0.0.method == "GET" }) { return .found(get.0, get.1) }
        return .methodNotAllowed(allow: Array(Set(sameShape.map(\.0.method))).sorted())
    }

}
