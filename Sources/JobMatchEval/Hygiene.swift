import Foundation
package import JobMatchRanking

/// Marketplace hygiene of any system's run: what a counsellor would object to in the lists,
/// judged from the postings and seekers themselves (no relevance judgments needed).
package struct HygieneReport: Sendable, Encodable {
    /// Figures for one group of recommendations (all, or one region / occupation).
    package struct Figures: Sendable, Encodable, Equatable {
        package var seekers = 0
        package var recommendations = 0
        /// Posting's stated region outside the seeker's regions (or 시군구).
        package var outsideRegion = 0
        /// Posting's stated employment types none of the seeker's.
        package var employmentTypeMismatch = 0
        /// Posting's maximum salary below the seeker's floor.
        package var salaryBelowFloor = 0
        /// Any of the three above (a recommendation counted once).
        package var constraintViolations = 0
        /// No violation, but the posting does not state something the seeker constrains (region,
        /// 시군구, employment type, salary): not verifiable.
        package var unverifiable = 0
        package var closed = 0
        /// Deadline before the as-of date.
        package var expired = 0
        /// Near-duplicates of a posting ranked higher in the same list (same company, similar text).
        package var nearDuplicates = 0

        package var violationRate: Double { rate(constraintViolations) }
        package func rate(_ n: Int) -> Double { recommendations > 0 ? Double(n) / Double(recommendations) : 0 }
    }

    /// Coverage and concentration over a group of open postings.
    package struct Catalogue: Sendable, Encodable, Equatable {
        package var openPostings = 0
        /// Open postings recommended to at least one seeker.
        package var recommendedPostings = 0
        package var coverage: Double { openPostings > 0 ? Double(recommendedPostings) / Double(openPostings) : 0 }
        /// Gini coefficient of recommendations per company (companies with an open posting, zeros
        /// included): 0 = spread evenly, 1 = all to one company.
        package var companyGini = 0.0
        package var companies = 0
    }

    package var cutoff: Int
    package var asOf: String
    package var overall = Figures()
    /// By the seeker's first region's 시도 (`미기재` / `전국`).
    package var bySeekerRegion: [String: Figures] = [:]
    /// By the seeker's first desired occupation's KECO group (two characters, `미기재`).
    package var bySeekerOccupation: [String: Figures] = [:]
    package var catalogue = Catalogue()
    /// By the posting's 시도 and by its occupation group.
    package var catalogueByRegion: [String: Catalogue] = [:]
    package var catalogueByOccupation: [String: Catalogue] = [:]
    /// Lines within the top `cutoff` naming a seeker or posting not in the files (reported, never scored).
    package var unknownSeekers = 0
    package var unknownPostings = 0
    /// Up to 10 examples of violations: seeker, posting, what.
    package var examples: [String] = []
}

package enum Hygiene {
    /// Judges the top `cutoff` of every seeker's list in `run` (trec_eval order).
    package static func judge(run: Run, engine: MatchEngine, seekers: [Seeker], cutoff: Int, asOf: Day) -> HygieneReport {
        var report = HygieneReport(cutoff: cutoff, asOf: asOf.description)
        let seekerByID = Dictionary(seekers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var recommendedCount = [Int](repeating: 0, count: engine.postings.count)
        let threshold = engine.model.ranking.diversity.duplicateSimilarity
        for qid in run.rankings.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let seeker = seekerByID[qid] else {
                report.unknownSeekers += min(cutoff, run.rankings[qid]!.count)
                continue
            }
            let region = seeker.regionsNationwide ? "전국" : (seeker.regions.first?.sido ?? "미기재")
            let occupation = seeker.desiredOccupations.first.map { String($0.prefix(2)) } ?? "미기재"
            var figures = HygieneReport.Figures()
            figures.seekers = 1
            var shown: [Int] = []
            for entry in run.rankings[qid]!.prefix(cutoff) {
                guard let d = engine.documentNumber(of: entry.docid) else {
                    report.unknownPostings += 1
                    continue
                }
                figures.recommendations += 1
                recommendedCount[d] += 1
                var violated = false, unverifiable = false
                for v in engine.vetoes(seeker: seeker, doc: d, asOf: asOf) {
                    switch v {
                    case .closed: figures.closed += 1
                    case .deadlinePassed: figures.expired += 1
                    case .outsideRegion: figures.outsideRegion += 1; violated = true
                    case .employmentTypeMismatch: figures.employmentTypeMismatch += 1; violated = true
                    case .salaryBelowFloor: figures.salaryBelowFloor += 1; violated = true
                    case .regionUnstated, .regionNationwide, .districtUnstated, .employmentTypeUnstated, .salaryUnstated: unverifiable = true
                    }
                }
                // the policy's exclusions are not violations of what the seeker stated; a field
                // the posting leaves unstated counts as unverifiable whatever the model's policy
                if !violated && !unverifiable { unverifiable = engine.hasUnstatedConstraint(seeker: seeker, doc: d) }
                if violated {
                    figures.constraintViolations += 1
                    if report.examples.count < 10 {
                        report.examples.append("\(qid) × \(entry.docid): " + engine.vetoes(seeker: seeker, doc: d, asOf: asOf).map(\.description).joined(separator: "; "))
                    }
                }
                if unverifiable && !violated { figures.unverifiable += 1 }
                if shown.contains(where: { engine.nearDuplicates($0, d, threshold: threshold) }) { figures.nearDuplicates += 1 }
                shown.append(d)
            }
            report.overall.add(figures)
            report.bySeekerRegion[region, default: .init()].add(figures)
            report.bySeekerOccupation[occupation, default: .init()].add(figures)
        }
        // catalogue: open postings (open status, deadline not passed)
        var perRegion: [String: [(company: String, count: Int)]] = [:], perOccupation: [String: [(company: String, count: Int)]] = [:]
        var all: [(company: String, count: Int)] = []
        for (d, p) in engine.postings.enumerated() where p.isOpen && !(p.deadline.map { $0 < asOf } ?? false) {
            let company = engine.companyKey(of: d) ?? "#\(p.id)"  // a posting without a company is its own
            let region = p.regionNationwide ? "전국" : (p.region?.sido ?? "미기재")
            let occupation = p.occupation.map { String($0.prefix(2)) } ?? "미기재"
            let item = (company, recommendedCount[d])
            all.append(item)
            perRegion[region, default: []].append(item)
            perOccupation[occupation, default: []].append(item)
        }
        report.catalogue = Self.catalogue(all)
        report.catalogueByRegion = perRegion.mapValues(Self.catalogue)
        report.catalogueByOccupation = perOccupation.mapValues(Self.catalogue)
        return report
    }

    static func catalogue(_ items: [(company: String, count: Int)]) -> HygieneReport.Catalogue {
        var c = HygieneReport.Catalogue()
        c.openPostings = items.count
        c.recommendedPostings = items.filter { $0.count > 0 }.count
        var byCompany: [String: Int] = [:]
        for i in items { byCompany[i.company, default: 0] += i.count }
        c.companies = byCompany.count
        c.companyGini = gini(byCompany.values.sorted())
        return c
    }

    /// Gini coefficient of non-negative values: Σ_i (2i − n − 1)·x_i / (n·Σx), x sorted ascending.
    package static func gini(_ sortedValues: [Int]) -> Double {
        let n = sortedValues.count
        let total = sortedValues.reduce(0, +)
        guard n > 1, total > 0 else { return 0 }
        var s = 0.0
        for (i, x) in sortedValues.enumerated() { s += Double(2 * (i + 1) - n - 1) * Double(x) }
        return s / (Double(n) * Double(total))
    }
}

extension HygieneReport.Figures {
    mutating func add(_ o: Self) {
        seekers += o.seekers
        recommendations += o.recommendations
        outsideRegion += o.outsideRegion
        employmentTypeMismatch += o.employmentTypeMismatch
        salaryBelowFloor += o.salaryBelowFloor
        constraintViolations += o.constraintViolations
        unverifiable += o.unverifiable
        closed += o.closed
        expired += o.expired
        nearDuplicates += o.nearDuplicates
    }
}
