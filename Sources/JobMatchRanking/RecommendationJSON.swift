/// JSON shape of one recommendation (CLI `--format json` and the HTTP API).
package struct RecommendationJSON: Encodable, Sendable {
    package var rank: Int
    package var postingId: String
    package var title: String
    package var company: String?
    package var region: String?
    package var employmentType: String?
    package var salaryMin: Int?
    package var salaryMax: Int?
    package var deadline: String?
    package var score: Double
    package var textScore: Double
    package var fitScore: Double
    package var contentScore: Double
    /// 적합도: probability of relevance from the model's calibration (absent without one).
    package var fitProbability: Double?
    package var reasons: [Reason]?
    /// Near-duplicates folded into this result.
    package var duplicates: [String]?
    /// The posting's own address (where to apply), when it has one.
    package var url: String?

    package init(_ r: Recommendation, _ p: Posting, explain: Bool) {
        rank = r.rank
        postingId = r.postingID
        title = p.title
        company = p.company
        region = p.regionText
        employmentType = p.employmentTypeText
        salaryMin = p.salaryMin
        salaryMax = p.salaryMax
        deadline = p.deadline?.description
        score = r.score
        textScore = r.textScore
        fitScore = r.fitScore
        contentScore = r.contentScore
        fitProbability = r.probability.map { ($0 * 1000).rounded() / 1000 }
        reasons = explain ? r.reasons : nil
        duplicates = r.duplicates.isEmpty ? nil : r.duplicates
        url = p.url
    }
}

