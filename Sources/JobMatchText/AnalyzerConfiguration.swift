/// Settings of the Korean analyzer, loaded from `Models/<name>/analyzer.json`.
package struct AnalyzerConfiguration: Sendable, Codable, Equatable {
    /// N-gram sizes for Hangul/Han runs, e.g. `[2]` or `[2, 3]`. A run shorter than the
    /// smallest size yields one unigram.
    package var ngramSizes: [Int]
    /// Join runs of the same script separated only by whitespace before n-gramming, so that
    /// `물류 센터` and `물류센터` give the same terms.
    package var joinAcrossSpaces: Bool
    /// Terms dropped after analysis (e.g. very common particle/ending bigrams).
    package var stopTerms: [String]
    /// Also emit every syllable of a Hangul/Han run as a unigram (Lucene's "unigrams + bigrams").
    package var outputUnigrams: Bool

    package init(ngramSizes: [Int] = [2], joinAcrossSpaces: Bool = true, stopTerms: [String] = [], outputUnigrams: Bool = false) {
        self.ngramSizes = ngramSizes
        self.joinAcrossSpaces = joinAcrossSpaces
        self.stopTerms = stopTerms
        self.outputUnigrams = outputUnigrams
    }

    enum CodingKeys: String, CodingKey { case ngramSizes, joinAcrossSpaces, stopTerms, outputUnigrams }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ngramSizes = try c.decode([Int].self, forKey: .ngramSizes)
        joinAcrossSpaces = try c.decodeIfPresent(Bool.self, forKey: .joinAcrossSpaces) ?? true
        stopTerms = try c.decodeIfPresent([String].self, forKey: .stopTerms) ?? []
        outputUnigrams = try c.decodeIfPresent(Bool.self, forKey: .outputUnigrams) ?? false
    }

    package static let standard = AnalyzerConfiguration()

    /// Checks the settings; the message names the field at fault.
    package func validate() throws(AnalyzerConfigurationError) {
        if ngramSizes.isEmpty { throw .init(field: "ngramSizes", reason: "must list at least one size") }
        for n in ngramSizes where !(2...4).contains(n) {
            throw .init(field: "ngramSizes", reason: "size \(n) is outside 2...4")
        }
        if Set(ngramSizes).count != ngramSizes.count { throw .init(field: "ngramSizes", reason: "sizes repeat") }
    }
}

package struct AnalyzerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package var field: String
    package var reason: String
    package var description: String { "analyzer setting '\(field)': \(reason)" }
}
