/// Term ↔ id, with document frequencies per field and overall. Ids are assigned in order of
/// first appearance over documents added in id order, so the same corpus always gives the
/// same ids.
package struct Vocabulary: Sendable, Equatable {
    package private(set) var terms: [String] = []
    package private(set) var ids: [String: UInt32] = [:]

    package init() {}

    package init(terms: [String]) {
        self.terms = terms
        ids.reserveCapacity(terms.count)
        for (i, t) in terms.enumerated() { ids[t] = UInt32(i) }
    }

    package var count: Int { terms.count }

    package func id(of term: String) -> UInt32? { ids[term] }

    package mutating func intern(_ term: String) -> UInt32 {
        if let id = ids[term] { return id }
        let id = UInt32(terms.count)
        terms.append(term)
        ids[term] = id
        return id
    }
}
