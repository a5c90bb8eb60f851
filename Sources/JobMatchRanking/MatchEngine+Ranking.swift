import Foundation
package import JobMatchIndex
import JobMatchKernels
import JobMatchText

/// Buffers reused from one query to the next (one per worker): no allocation per candidate.
package struct RankingScratch: Sendable {
    var accumulator: ScoreAccumulator
    var top: TopK
    /// BLAS cosines of the current seeker against every posting (dense stage, single seeker).
    var denseCosines: [Float] = []
    /// Text scores of a group of seekers (``MatchEngine/recommend(batch:queries:top:asOf:explain:scratch:denseCosines:)``).
    var block = BlockAccumulator()
    /// Shown results per company id for the diversity pass: all zeros between queries.
    package internal(set) var perCompany: [Int32] = []

    package init(documentCount: Int) {
        accumulator = ScoreAccumulator(capacity: documentCount)
        top = TopK(k: 10)
    }
}

/// A seeker's constraints compiled for the ranking loop.
struct Admission {
    var checkRegion: Bool
    /// Bit i: every region of province i is accepted.
    var provinceMask: UInt32
    /// Bit i: some districts of province i are accepted (see `districtVerdict`).
    var districtMask: UInt32
    /// For each region of `regionTable` in a province of `districtMask`: how the seeker's
    /// district-level regions take it (0 outside, 1 admitted, 2 only its district unstated).
    var districtVerdict: [UInt8]
    var typeMask: UInt16
    var salaryFloor: Int32
    var asOf: Int32
    var excludeUnstatedRegion: Bool
    var excludeUnstatedDistrict: Bool
    var excludeUnstatedType: Bool
    var excludeUnstatedSalary: Bool
}

extension MatchEngine {
    package func documentNumber(of postingID: String) -> Int? {
        let lo = SortedSearch.lowerBound(postings) { $0.id < postingID }
        return lo < postings.count && postings[lo].id == postingID ? lo : nil
    }

    func admission(_ seeker: Seeker, asOf: Day) -> Admission {
        let policy = model.ranking.policy
        let constrained = !seeker.regions.isEmpty && !seeker.regionsNationwide
        let districtRegions = seeker.regions.filter { !$0.districts.isEmpty }
        let districtMask = districtRegions.reduce(0) { $0 | Self.bit($1) }
        var verdict = [UInt8]()
        if constrained && districtMask != 0 {
            verdict = [UInt8](repeating: 0, count: regionTable.count)
            for (pi, ids) in regionsOfProvince.enumerated() where districtMask & (1 << UInt32(pi)) != 0 {
                for id in ids {
                    var v: UInt8 = 0
                    for s in districtRegions {
                        switch s.admits(regionTable[Int(id)]) {
                        case .admitted: v = 1
                        case .unstatedDistrict: if v == 0 { v = 2 }
                        case .outside: break
                        }
                    }
                    verdict[Int(id)] = v
                }
            }
        }
        return Admission(
            checkRegion: constrained,
            provinceMask: seeker.regions.filter { $0.districts.isEmpty }.reduce(0) { $0 | Self.bit($1) },
            districtMask: districtMask,
            districtVerdict: verdict,
            typeMask: Self.mask(seeker.employmentTypes),
            salaryFloor: Int32(seeker.salaryFloor ?? -1),
            asOf: Int32(asOf.ordinal),
            excludeUnstatedRegion: policy.unstatedRegion == .exclude,
            excludeUnstatedDistrict: policy.unstatedDistrict == .exclude,
            excludeUnstatedType: policy.unstatedEmploymentType == .exclude,
            excludeUnstatedSalary: policy.unstatedSalary == .exclude)
    }

    static func bit(_ r: Region) -> UInt32 { Region.provinceIndex(r.sido).map { 1 << UInt32($0) } ?? 0 }

    /// The fast form of `vetoes(…).isEmpty` (tests hold the two equal).
    @inline(__always)
    func admitted(_ a: Admission, doc d: Int) -> Bool {
        if !isOpenDoc(d) || deadlineOrdinal(d) < a.asOf { return false }
        if a.checkRegion {
            let pi = provinceOf(d)
            if pi < 0 {
                if a.excludeUnstatedRegion { return false }
            } else if a.provinceMask & (1 << UInt32(pi)) == 0 {
                // not a whole accepted province: only a district of it can admit the posting
                guard a.districtMask & (1 << UInt32(pi)) != 0 else { return false }
                let v = a.districtVerdict[Int(regionIDOf(d))]
                if v == 0 || (v == 2 && a.excludeUnstatedDistrict) { return false }
            }
        }
        if a.typeMask != 0 {
            let m = typeMaskOf(d)
            if m == 0 { if a.excludeUnstatedType { return false } } else if m & a.typeMask == 0 { return false }
        }
        if a.salaryFloor >= 0 {
            let hi = salaryMaxOf(d)
            if hi >= 0 {
                if hi < a.salaryFloor { return false }
            } else if !(salaryMinOf(d) >= a.salaryFloor) && a.excludeUnstatedSalary {
                return false
            }
        }
        return true
    }

    /// The best `top` open postings for a seeker that break none of the seeker's constraints,
    /// best first (ties by posting id); near-duplicates of the same company folded into one
    /// result and at most `maxPerCompany` postings per company (model `diversity`). With
    /// `explain`, each carries its reasons.
    ///
    /// With the model's dense stage on, `denseCosines` may carry the seeker's BLAS cosines from a
    /// block product (the batch); otherwise they are computed here with one `sgemv`. Either way
    /// the result is the same: BLAS values only select, scalar cosines score.
    /// `query`, when given, must be `query(for: seeker)` (the batch computes it once for both stages).
    /// `blockLane`: the batch has accumulated this query's text scores in that lane of
    /// `scratch.block`; only the postings the seeker's regions admit are taken from it.
    package func recommend(
        _ seeker: Seeker, top k: Int, asOf: Day, explain: Bool, scratch: inout RankingScratch,
        query given: SeekerQuery? = nil, denseCosines: DenseCosines? = nil, blockLane: Int? = nil
    ) -> [Recommendation] {
        let q = given ?? query(for: seeker)
        let a = admission(seeker, asOf: asOf)
        let lists = a.checkRegion ? admissibleLists(a) : []
        if let lane = blockLane {
            // only scores of postings `admitted` passes can reach the result (the ranking loop's
            // lists; elsewhere `admitted` is checked before a posting is kept), so the other
            // slots may keep another seeker's values: they are visited and discarded
            if a.checkRegion {
                scratch.accumulator.load(lane: lane, of: scratch.block, documents: lists)
            } else {
                scratch.accumulator.load(lane: lane, of: scratch.block)
            }
        } else {
            index.accumulate(q.terms, into: &scratch.accumulator)
        }
        let norm = Float(q.normalizer)
        let ctx = fitContext(seeker, scores: scratch.accumulator, normalizer: norm, admission: a)
        let dense = denseView(q, admission: a, given: denseCosines, scratch: &scratch)
        let qv = dense?.qv
        let scores = scratch.accumulator.scores
        /// The exact total of an eligible posting (scalar cosine), nil when it is no candidate.
        let exactTotal = { (d: Int) -> Float? in
            let text = scores[d] * norm
            let f = self.fit(ctx, doc: d)
            guard text > 0 || f.matched || dense?.isCandidate[d] == true else { return nil }
            let content = qv.map { self.denseContribution($0, doc: d) } ?? 0
            return text + f.occupation + f.experience + f.education + f.title + content
        }
        // The posting's occupation part (a table look-up), the most the experience and education
        // parts can add, and the title-start part (its most first; then the part itself, one
        // load when the title does not start with the seeker's first letter): a posting whose
        // text score plus these cannot reach the cut-off is passed over before the rest of its
        // fit is worked out. The bound holds in float arithmetic too: the total adds the same
        // occupation and title parts and parts no larger than these, in the same order.
        let structured = model.ranking.structured
        let fitB = max(0, Float(structured.experience)), fitC = max(0, Float(structured.education))
        let titleFirstLetter = ctx.titleFirstByte, titleMost = ctx.titleWeight
        // `cut`: the list's cut-off (`top.cutoff`) kept in a local, -∞ while the list is not
        // full or with a dense stage (whose approximate part the bound does not cover); it only
        // changes when an entry goes in
        let bounded = dense == nil
        let consider = { (d: Int, top: inout TopK, cut: inout Float) in
            let text = scores[d] * norm
            if bounded {
                let most = text + self.occupationPart(ctx, doc: d) + fitB + fitC
                // the title part is at most `titleMost`: most postings are passed over before its load
                if most + titleMost < cut || most + self.titlePartQuickly(ctx, first: titleFirstLetter, doc: d) < cut { return }
            }
            let f = self.fit(ctx, doc: d)
            guard text > 0 || f.matched || dense?.isCandidate[d] == true else { return }
            let total = text + f.occupation + f.experience + f.education + f.title + (dense?.approximate(d) ?? 0)
            guard top.wouldEnter(score: total, id: UInt32(d)), self.admitted(a, doc: d) else { return }
            top.insert(score: total, id: UInt32(d))
            if bounded, let c = top.cutoff { cut = c }
        }
        let diversity = model.ranking.diversity
        let diversify = diversity.collapseNearDuplicates || diversity.maxPerCompany < k
        // With diversity on, rank a larger pool so folded and capped postings can be replaced.
        var pool = diversify ? min(postings.count, k * 4 + 16) : k
        // With a dense stage, keep some entries past the pool: the rounding band around its cut-off.
        var margin = dense == nil ? 0 : 16
        while true {
            scratch.top.reset(k: pool + margin)
            var cut = -Float.infinity
            if ctx.occupations.isEmpty && ctx.groups.isEmpty && dense == nil {
                scratch.accumulator.forEachScored { d, _ in consider(d, &scratch.top, &cut) }
            } else if a.checkRegion {
                // only the open postings of the provinces the seeker accepts can be admitted (the
                // list's order does not matter: ties are broken by id)
                for list in lists {
                    for d in list { consider(Int(d), &scratch.top, &cut) }
                }
            } else {
                for d in 0..<postings.count { consider(d, &scratch.top, &cut) }
            }
            var ranked = scratch.top.sorted()
            if let dense {
                guard let exact = exactPool(ranked, pool: pool, kept: pool + margin, dense: dense, total: { exactTotal($0)! }) else {
                    margin *= 4
                    continue
                }
                ranked = exact
            }
            guard diversify else {
                return ranked.enumerated().map { (i, e) in
                    makeRecommendation(rank: i + 1, doc: Int(e.id), score: e.score, query: q, seeker: seeker, ctx: ctx, explain: explain, dense: qv)
                }
            }
            var shown = self.diversify(ranked, k: k, perCompany: &scratch.perCompany)
            if shown.results.count < k && ranked.count == pool && pool < postings.count {
                pool = min(postings.count, pool * 4)
                continue
            }
            if diversity.collapseNearDuplicates && ranked.count == pool {
                // near-duplicates ranked below the pool still belong under their shown posting
                let inPool = ranked.map(\.id).sorted()
                foldRemaining(&shown, skipping: inPool) { d in
                    // admission first: it is cheaper than the fit, and most of a company's other postings fail it
                    guard self.admitted(a, doc: d), let total = exactTotal(d) else { return nil }
                    return total
                }
            }
            return shown.results.enumerated().map { (i, r) in
                var rec = makeRecommendation(rank: i + 1, doc: Int(r.entry.id), score: r.entry.score, query: q, seeker: seeker, ctx: ctx, explain: explain, dense: qv)
                rec.duplicates = r.duplicates.map { postings[Int($0)].id }
                return rec
            }
        }
    }

    /// With a region constraint, the open postings `admitted` can accept are in these lists: those
    /// of the provinces the seeker accepts (whole or by district), and those that state no
    /// province unless the model excludes them.
    func admissibleLists(_ a: Admission) -> [[UInt32]] {
        let accepted = a.provinceMask | a.districtMask
        var lists = (0..<Region.provinces.count).filter { accepted & (1 << UInt32($0)) != 0 }.map { openDocumentsOfProvince[$0] }
        if !a.excludeUnstatedRegion { lists.append(openDocumentsOfProvince[Region.provinces.count]) }
        return lists
    }

    /// Folds every other eligible posting of a shown result's company (outside `skipping`) into
    /// the first shown result it nearly duplicates, in rank order; `score` is nil for postings
    /// that are not candidates. Postings outside the ranked pool all rank below it. `skipping`
    /// is sorted ascending.
    func foldRemaining(_ out: inout Diversified, skipping: [UInt32], score: (Int) -> Float?) {
        let threshold = model.ranking.diversity.duplicateSimilarity
        var extra = [[TopK.Entry]](repeating: [], count: out.results.count)
        var seenCompanies = Set<Int32>()
        var shown: [Int] = []
        for r in out.results {
            let c = companyOf(Int(r.entry.id))
            guard c >= 0, seenCompanies.insert(c).inserted else { continue }
            // the company's shown results, in rank order (a posting joins the first it nearly duplicates)
            shown.removeAll(keepingCapacity: true)
            for j in out.results.indices where companyOf(Int(out.results[j].entry.id)) == c { shown.append(j) }
            for d in companyDocuments[Int(c)] {
                // eligibility first: it is cheaper than the pool look-up and the MinHash
                // comparisons, and most of a large company's postings fail it (another region,
                // closed, no match)
                guard let s = score(Int(d)), !SortedSearch.contains(skipping, d),
                    let j = shown.first(where: { index.similarity(d, out.results[$0].entry.id) >= threshold })
                else { continue }
                extra[j].append(TopK.Entry(score: s, id: d))
            }
        }
        for j in extra.indices where !extra[j].isEmpty {
            let sorted = extra[j].sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            for e in sorted {
                out.results[j].duplicates.append(e.id)
                out.foldedInto[e.id] = j
            }
        }
    }

    /// What the diversity pass did with a ranked list.
    struct Diversified {
        var results: [(entry: TopK.Entry, duplicates: [UInt32])] = []
        /// Document → index in `results` it was folded into.
        var foldedInto: [UInt32: Int] = [:]
        /// Documents left out by the per-company cap.
        var capped: Set<UInt32> = []
    }

    /// Walks a ranked list (best first) and keeps `k` results: a posting whose company already
    /// has a shown posting with similar text (MinHash estimate of the Jaccard similarity of title +
    /// description terms, from the index) joins that result; a company at its cap is skipped.
    func diversify(_ ranked: [TopK.Entry], k: Int) -> Diversified {
        var perCompany: [Int32] = []
        return diversify(ranked, k: k, perCompany: &perCompany)
    }

    /// ``diversify(_:k:)`` counting shown results per company id in `perCompany` (only a company
    /// with one can have a result to fold into): a buffer of all zeros, one per company (an
    /// empty or other-sized one is made so), left all zeros again (the counted companies are
    /// those of the results), so a worker's scratch serves query after query.
    func diversify(_ ranked: [TopK.Entry], k: Int, perCompany: inout [Int32]) -> Diversified {
        let settings = model.ranking.diversity
        var out = Diversified()
        if perCompany.count != companyDocuments.count { perCompany = [Int32](repeating: 0, count: companyDocuments.count) }
        defer {
            for r in out.results {
                let c = companyOf(Int(r.entry.id))
                if c >= 0 { perCompany[Int(c)] = 0 }
            }
        }
        for e in ranked {
            let c = companyOf(Int(e.id))
            if settings.collapseNearDuplicates && c >= 0 && perCompany[Int(c)] > 0 {
                if let j = out.results.firstIndex(where: { r in
                    companyOf(Int(r.entry.id)) == c && index.similarity(e.id, r.entry.id) >= settings.duplicateSimilarity
                }) {
                    out.results[j].duplicates.append(e.id)
                    out.foldedInto[e.id] = j
                    continue
                }
            }
            if out.results.count == k { continue }  // only folding into shown results from here on
            if c >= 0 && Int(perCompany[Int(c)]) >= settings.maxPerCompany {
                out.capped.insert(e.id)
                continue
            }
            out.results.append((e, []))
            if c >= 0 { perCompany[Int(c)] += 1 }
        }
        return out
    }

    /// ``recommend(_:top:asOf:explain:scratch:query:denseCosines:blockLane:)`` for each of
    /// `seekers` (`queries[i]` = `query(for: seekers[i])`): the text scores of up to
    /// ``BlockAccumulator/width`` seekers are accumulated together, so each posting list their
    /// queries share is read once per group. With `partition` (``regionPartition()``), seekers
    /// who accept the same provinces are grouped together and a group's long lists add only the
    /// postings of the provinces its seekers accept (the ranking reads no other). The results,
    /// in the order of `seekers`, are exactly those of ranking the seekers one by one.
    /// `denseCosines(i)`: seeker `i`'s row of a dense block, if any.
    package func recommend(
        batch seekers: [Seeker], queries: [SeekerQuery], top k: Int, asOf: Day, explain: Bool,
        scratch: inout RankingScratch, partition: ClassPartition? = nil, denseCosines: (Int) -> DenseCosines? = { _ in nil }
    ) -> [[Recommendation]] {
        precondition(seekers.count == queries.count, "recommend(batch:): one query per seeker")
        var order = Array(seekers.indices)
        var classes: [UInt64] = []
        if let partition {
            precondition(partition.classCount == Region.provinces.count + 1, "recommend(batch:): not a region partition")
            classes = seekers.map(regionClasses)
            order.sort { classes[$0] != classes[$1] ? classes[$0] < classes[$1] : $0 < $1 }
        }
        var out = [[Recommendation]](repeating: [], count: seekers.count)
        var from = 0
        while from < order.count {
            let group = order[from..<min(order.count, from + BlockAccumulator.width)]
            var only: (partition: ClassPartition, accepted: UInt64)? = nil
            if let partition {
                let accepted = group.reduce(UInt64(0)) { $0 | classes[$1] }
                if accepted != Self.allRegionClasses { only = (partition, accepted) }
            }
            index.accumulate(block: group.map { queries[$0].terms }, into: &scratch.block, only: only)
            for (lane, i) in group.enumerated() {
                out[i] = recommend(seekers[i], top: k, asOf: asOf, explain: explain, scratch: &scratch,
                                   query: queries[i], denseCosines: denseCosines(i), blockLane: lane)
            }
            from = group.endIndex
        }
        return out
    }

    /// The index's long posting lists split by province, for ``recommend(batch:queries:top:asOf:explain:scratch:partition:denseCosines:)``
    /// (class 0: postings without a province; class 1 + i: province i). Costs one pass over the
    /// long lists and a copy of their entries (8 bytes each): worth it for a batch, not for one seeker.
    /// Lists shorter than `minimumLength` stay whole.
    package func regionPartition(minimumLength: Int = 256) -> ClassPartition {
        ClassPartition(index: index, classes: (0..<postings.count).map { d in provinceOf(d) >= 0 ? UInt8(provinceOf(d)) + 1 : 0 },
                       classCount: Region.provinces.count + 1, minimumLength: minimumLength)
    }

    /// The seekers' positions, sorted by the provinces they accept (ties by position): cut into
    /// blocks for ``recommend(batch:queries:top:asOf:explain:scratch:partition:denseCosines:)``,
    /// each group of 8 then shares its provinces.
    package func batchOrder(_ seekers: [Seeker]) -> [Int] {
        let classes = seekers.map(regionClasses)
        return seekers.indices.sorted { classes[$0] != classes[$1] ? classes[$0] < classes[$1] : $0 < $1 }
    }

    /// Every region class: bit 0 for postings without a province, bit 1 + i for province i.
    static var allRegionClasses: UInt64 { (1 << UInt64(Region.provinces.count + 1)) - 1 }

    /// The region classes of the postings ``admitted(_:doc:)`` can accept for this seeker: all
    /// without a region constraint; otherwise the provinces of the seeker's regions (whole or by
    /// district), and the postings without a province unless the model excludes them.
    func regionClasses(_ seeker: Seeker) -> UInt64 {
        guard !seeker.regions.isEmpty && !seeker.regionsNationwide else { return Self.allRegionClasses }
        var mask: UInt64 = model.ranking.policy.unstatedRegion == .exclude ? 0 : 1
        for r in seeker.regions { mask |= UInt64(Self.bit(r)) << 1 }
        return mask
    }

    package func recommend(_ seeker: Seeker, top k: Int, asOf: Day, explain: Bool = false) -> [Recommendation] {
        var scratch = RankingScratch(documentCount: postings.count)
        return recommend(seeker, top: k, asOf: asOf, explain: explain, scratch: &scratch)
    }

    func makeRecommendation(rank: Int, doc d: Int, score: Float, query q: SeekerQuery, seeker: Seeker?, ctx: SeekerFit?, explain: Bool, dense qv: [Float]? = nil) -> Recommendation {
        var fitTotal: Float = 0
        if let ctx {
            let f = fit(ctx, doc: d)
            fitTotal = f.occupation + f.experience + f.education + f.title
        }
        let content = denseContribution(qv, doc: d)
        var r = Recommendation(rank: rank, postingID: postings[d].id, doc: UInt32(d), score: Double(score),
                               textScore: Double(score - fitTotal - content), fitScore: Double(fitTotal), reasons: [])
        r.contentScore = Double(content)
        r.probability = model.calibration?.probability(Double(score))
        if explain { r.reasons = reasons(doc: d, query: q, seeker: seeker, ctx: ctx, dense: qv) }
        return r
    }

    /// Why `postingID` is not (or is) among a seeker's top `k`.
    package func whyNot(_ seeker: Seeker, postingID: String, top k: Int, asOf: Day) throws(JobMatchError) -> WhyNot {
        guard let doc = documentNumber(of: postingID) else { throw JobMatchError("no posting with id '\(postingID)' in the index") }
        let v = vetoes(seeker: seeker, doc: doc, asOf: asOf)
        if !v.isEmpty { return .vetoed(v) }
        let q = query(for: seeker)
        let a = admission(seeker, asOf: asOf)
        var acc = ScoreAccumulator(capacity: postings.count)
        index.accumulate(q.terms, into: &acc)
        let norm = Float(q.normalizer)
        let ctx = fitContext(seeker, scores: acc, normalizer: norm, admission: a)
        var scratch = RankingScratch(documentCount: 0)
        let dense = denseView(q, admission: a, given: nil, scratch: &scratch)
        var all: [TopK.Entry] = []
        for d in 0..<postings.count {
            let text = acc.scores[d] * norm
            let f = fit(ctx, doc: d)
            guard text > 0 || f.matched || dense?.isCandidate[d] == true, admitted(a, doc: d) else { continue }
            let content = dense.map { denseContribution($0.qv, doc: d) } ?? 0
            all.append(TopK.Entry(score: text + f.occupation + f.experience + f.education + f.title + content, id: UInt32(d)))
        }
        all.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        guard let pos = all.firstIndex(where: { $0.id == UInt32(doc) }) else { return .noMatch }
        let d = diversify(all, k: k)
        if let j = d.foldedInto[UInt32(doc)] { return .duplicateOf(postingID: postings[Int(d.results[j].entry.id)].id, rank: j + 1) }
        if d.capped.contains(UInt32(doc)) { return .companyCap(limit: model.ranking.diversity.maxPerCompany) }
        let cutoff = d.results.count >= k && k > 0 ? Double(d.results[k - 1].entry.score) : nil
        if let shownAt = d.results.firstIndex(where: { $0.entry.id == UInt32(doc) }) {
            return .ranked(rank: shownAt + 1, score: Double(all[pos].score), cutoffScore: cutoff, shown: k)
        }
        // below the list: its place in the list as it would go on (duplicates folded, caps kept)
        let full = diversify(all, k: all.count)
        let place = full.results.firstIndex { $0.entry.id == UInt32(doc) }.map { $0 + 1 } ?? pos + 1
        return .ranked(rank: place, score: Double(all[pos].score), cutoffScore: cutoff, shown: k)
    }

    /// Free-text search over postings (for counsellors' look-ups): word match only, open
    /// postings unless `includeClosed`.
    package func search(_ text: String, top k: Int, includeClosed: Bool, asOf: Day) -> [Recommendation] {
        let q = query(text: text)
        var acc = ScoreAccumulator(capacity: postings.count)
        index.accumulate(q.terms, into: &acc)
        var top = TopK(k: k)
        let norm = Float(q.normalizer)
        acc.forEachScored { di, raw in
            if !includeClosed && (!isOpenDoc(di) || deadlineOrdinal(di) < Int32(asOf.ordinal)) { return }
            let s = raw * norm
            if s > 0 { top.insert(score: s, id: UInt32(di)) }
        }
        return top.sorted().enumerated().map { (i, e) in
            makeRecommendation(rank: i + 1, doc: Int(e.id), score: e.score, query: q, seeker: nil, ctx: nil, explain: true)
        }
    }

    // MARK: Explanations

    /// The reasons for `doc`: matched words of the posting (each query term counted once, in
    /// the first place it appears), structured fit, and zero-contribution flags. Their
    /// contributions sum to the score.
    /// `ctx`: the seeker's fit constants as ranked (with any inferred occupations).
    func reasons(doc d: Int, query q: SeekerQuery, seeker: Seeker?, ctx: SeekerFit?, dense qv: [Float]? = nil) -> [Reason] {
        var contribution: [String: Double] = [:]
        for t in q.terms {
            let imp = index.impact(term: t.term, doc: UInt32(d))
            if imp > 0 { contribution[index.vocabulary.terms[Int(t.term)]] = Double(t.weight) * Double(imp) * q.normalizer }
        }
        var out: [Reason] = []
        if !contribution.isEmpty {
            let surfaces = matchedSurfaces(postings[d], terms: Set(contribution.keys))
            var assigned = Set<String>()
            var groups: [(words: String, value: Double, order: Int)] = []
            for (i, s) in surfaces.enumerated() {
                var v = 0.0
                for t in s.terms where !assigned.contains(t) {
                    assigned.insert(t)
                    v += contribution[t]!
                }
                if v > 0 {
                    if let j = groups.firstIndex(where: { $0.words == s.text }) { groups[j].value += v } else { groups.append((s.text, v, i)) }
                }
            }
            // A term seen by the index but not re-found (cannot happen with the same analyzer)
            // still counts, so the reasons always add up.
            let missed = contribution.filter { !assigned.contains($0.key) }.map(\.value).reduce(0, +)
            groups.sort { $0.value > $1.value || ($0.value == $1.value && $0.order < $1.order) }
            // Words worth naming: the strongest few; the rest (and crumbs under 0.01) fold into one line.
            let shown = groups.filter { $0.value >= 0.01 }.prefix(model.ranking.maxReasonTerms)
            for g in shown {
                out.append(Reason(kind: .matchedWord, label: "일치 단어 '\(g.words)'", words: g.words, contribution: g.value))
            }
            let rest = groups.dropFirst(shown.count)
            if !rest.isEmpty || missed > 0 {
                let v = rest.map(\.value).reduce(0, +) + missed
                out.append(Reason(kind: .otherWords, label: "그 밖의 일치 단어 \(rest.count)개", contribution: v))
            }
        }
        let content = denseContribution(qv, doc: d)
        if content > 0 {
            out.append(Reason(kind: .contentSimilarity, label: "직무 내용 유사", contribution: Double(content)))
        }
        if let seeker, let ctx {
            let p = postings[d]
            let f = fit(ctx, doc: d)
            if f.occupation > 0, let code = p.occupation {
                let name = model.occupations.name(code).map { " \($0)" } ?? ""
                if !f.matched, let i = ctx.inferred.firstIndex(of: occupationNumber(d)) {
                    out.append(Reason(kind: .occupationInferred,
                                      label: "이력과 가장 비슷한 공고 \(ctx.voters)건 중 \(ctx.inferredCount[i])건의 직종 (\(code)\(name))",
                                      contribution: Double(f.occupation)))
                } else if seeker.desiredOccupations.contains(code) {
                    out.append(Reason(kind: .occupationExact, label: "희망직종 일치 (\(code)\(name))", contribution: Double(f.occupation)))
                } else {
                    out.append(Reason(kind: .occupationGroup, label: "희망직종과 같은 직종군 (\(code)\(name), 코드 \(code.prefix(2))로 시작)", contribution: Double(f.occupation)))
                }
            }
            if f.experience > 0, let years = seeker.experienceYears {
                let range: String
                switch (p.experienceMin, p.experienceMax) {
                case let (lo?, hi?): range = lo == hi ? "\(lo)년" : "\(lo)~\(hi)년"
                case let (lo?, nil): range = lo == 0 ? "신입 가능" : "\(lo)년 이상"
                case let (nil, hi?): range = "\(hi)년 이하"
                default: range = ""
                }
                out.append(Reason(kind: .experience, label: "경력 조건 충족 (경력 \(years)년, 요구 \(range))", contribution: Double(f.experience)))
            }
            if f.education > 0, let e = p.education {
                let need = e == .any ? "학력무관" : "\(e.korean) 이상"
                out.append(Reason(kind: .education, label: "학력 조건 충족 (\(need))", contribution: Double(f.education)))
            }
            if f.title > 0 {
                let shared = ctx.titleKey.prefix(titleStart(ctx, doc: d).shared)
                let letters = String(String.UnicodeScalarView(shared.compactMap(Unicode.Scalar.init)))
                out.append(Reason(kind: .titleStart, label: "희망 직무명과 공고 제목의 앞부분 일치 '\(letters)'", words: letters, contribution: Double(f.title)))
            }
            out += unstatedFlags(seeker: seeker, doc: d)
        }
        return out
    }

    /// Spans of the posting's own text made of matched terms, in field order title → skills →
    /// certificates → description. Overlapping n-grams merge (`물류`,`류센`,`센터` → `물류센터`);
    /// spans never cross whitespace: an n-gram bridging two words belongs to the word it starts
    /// in, so `에서 의료 보조원` reads as the words `의료` and `보조원`, not one phrase.
    func matchedSurfaces(_ p: Posting, terms: Set<String>) -> [(text: String, terms: [String])] {
        var out: [(String, [String])] = []
        let texts = [p.title] + p.skills + p.certificates + [p.description ?? ""]
        for text in texts where !text.isEmpty {
            let utf16 = Array(text.utf16)
            // end of the whitespace-delimited word that starts at or contains each offset
            var wordEnd = [Int](repeating: utf16.count, count: utf16.count + 1)
            var next = utf16.count
            for i in stride(from: utf16.count - 1, through: 0, by: -1) {
                if Self.isSpace(utf16[i]) { next = i }
                wordEnd[i] = next
            }
            var cur: (start: Int, end: Int, limit: Int, terms: [String])? = nil
            func flush() {
                guard let c = cur, c.end > c.start else {
                    cur = nil
                    return
                }
                out.append((Self.shorten(String(decoding: utf16[c.start..<c.end], as: UTF16.self)), c.terms))
                cur = nil
            }
            for tok in analyzer.analyze(text) where terms.contains(tok.term) {
                let limit = wordEnd[tok.start]
                let end = min(tok.end, limit)
                if var c = cur, c.limit == limit, tok.start < c.end {
                    c.end = max(c.end, end)
                    c.terms.append(tok.term)
                    cur = c
                } else {
                    flush()
                    cur = (tok.start, end, limit, [tok.term])
                }
            }
            flush()
        }
        return out
    }

    static func isSpace(_ u: UInt16) -> Bool { u == 0x20 || u == 0x09 || u == 0x0A || u == 0x0D || u == 0x3000 || u == 0xA0 }

    static func shorten(_ s: String) -> String {
        let oneLine = s.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        return oneLine.count > 24 ? String(oneLine.prefix(23)) + "…" : oneLine
    }
}

extension MatchEngine {
    /// Top `k` documents by raw Σ weight·impact (no normalisation, no constraints): for
    /// cross-checks of the BM25 arithmetic against independent implementations.
    package func rawTextScores(_ q: SeekerQuery, top k: Int) -> [(doc: Int, score: Double)] {
        var acc = ScoreAccumulator(capacity: postings.count)
        index.accumulate(q.terms, into: &acc)
        var top = TopK(k: k)
        acc.forEachScored { d, s in if s > 0 { top.insert(score: s, id: UInt32(d)) } }
        return top.sorted().map { (Int($0.id), Double($0.score)) }
    }
}

extension MatchEngine {
    /// Whether `doc` passes the seeker's hard constraints (the ranking loop's own check).
    package func passesConstraints(_ seeker: Seeker, doc: Int, asOf: Day) -> Bool {
        admitted(admission(seeker, asOf: asOf), doc: doc)
    }
}

/// A seeker ranked for a posting (the employer direction, 입사제안 lists).
package struct SeekerCandidate: Sendable, Equatable {
    package var rank: Int
    package var seekerID: String
    package var score: Double
    package var textScore: Double
    package var fitScore: Double
    package var reasons: [Reason]
}

extension MatchEngine {
    /// The best `top` seekers for one open posting, with the same scoring as `recommend` (the
    /// seeker's words against the posting, structured fit) and the same vetoes applied from each
    /// seeker's side: a seeker whose regions, employment types or salary floor the posting breaks
    /// is never listed. Ties by seeker id.
    package func candidates(
        for postingID: String, seekers: [Seeker], top k: Int, asOf: Day, explain: Bool
    ) throws(JobMatchError) -> [SeekerCandidate] {
        guard let doc = documentNumber(of: postingID) else { throw JobMatchError("no posting with id '\(postingID)' in the index") }
        if !isOpenDoc(doc) { throw JobMatchError("posting '\(postingID)' is closed: it has no candidates") }
        if deadlineOrdinal(doc) < Int32(asOf.ordinal) {
            throw JobMatchError("posting '\(postingID)' is past its deadline (\(postings[doc].deadline?.description ?? "")) as of \(asOf): it has no candidates")
        }
        let ordered = seekers.sorted { $0.id < $1.id }
        var top = TopK(k: k)
        var queries: [SeekerQuery] = []
        var contexts: [SeekerFit] = []
        queries.reserveCapacity(ordered.count)
        contexts.reserveCapacity(ordered.count)
        // a seeker whose occupations are inferred needs their text scores over every posting
        var acc = ScoreAccumulator(capacity: 0)
        for (i, s) in ordered.enumerated() {
            let q = query(for: s)
            queries.append(q)
            let a = admission(s, asOf: asOf)
            if infersOccupations(s) {
                index.accumulate(q.terms, into: &acc)
                contexts.append(fitContext(s, scores: acc, normalizer: Float(q.normalizer), admission: a))
            } else {
                contexts.append(fitContext(s))
            }
            guard admitted(a, doc: doc) else { continue }
            var raw: Float = 0
            for t in q.terms { raw += t.weight * index.impact(term: t.term, doc: UInt32(doc)) }
            let text = raw * Float(q.normalizer)
            let f = fit(contexts[i], doc: doc)
            guard text > 0 || f.matched else { continue }
            top.insert(score: text + f.occupation + f.experience + f.education + f.title + denseContribution(denseQuery(q), doc: doc), id: UInt32(i))
        }
        return top.sorted().enumerated().map { (rank, e) in
            let s = ordered[Int(e.id)]
            let f = fit(contexts[Int(e.id)], doc: doc)
            let fitTotal = f.occupation + f.experience + f.education + f.title
            let qv = denseQuery(queries[Int(e.id)])
            let content = denseContribution(qv, doc: doc)
            return SeekerCandidate(
                rank: rank + 1, seekerID: s.id, score: Double(e.score), textScore: Double(e.score - fitTotal - content),
                fitScore: Double(fitTotal), reasons: explain ? reasons(doc: doc, query: queries[Int(e.id)], seeker: s, ctx: contexts[Int(e.id)], dense: qv) : [])
        }
    }
}
