import Foundation
package import JobMatchIndex
import JobMatchKernels
package import JobMatchText

/// A ranked, explained recommendation.
package struct Recommendation: Sendable, Equatable {
    package var rank: Int
    package var postingID: String
    package var doc: UInt32
    /// Total score: the sum of the reasons' contributions.
    package var score: Double
    /// Word-match part (query-normalised BM25).
    package var textScore: Double
    /// Structured-fit part (occupation, experience, education, title start).
    package var fitScore: Double
    /// Dense part: denseWeight × cosine of the LSA vectors (0 without a dense model).
    package var contentScore: Double = 0
    /// Probability that the posting is relevant, from the model's calibration (nil without one).
    package var probability: Double? = nil
    /// Filled when explanations are asked for.
    package var reasons: [Reason]
    /// Near-duplicate postings of the same company folded into this result ("외 N건").
    package var duplicates: [String] = []
}

/// The seeker's words as a weighted query.
package struct SeekerQuery: Sendable, Equatable {
    /// Known terms, sorted by term id (a fixed summation order: same inputs, same bits).
    package var terms: [WeightedTerm]
    /// 1 / Σ weight·idf over all query terms (known or not): scores become "share of the
    /// query's information matched" rather than raw BM25.
    package var normalizer: Double
}

/// What `why-not` found.
package enum WhyNot: Sendable, Equatable {
    case vetoed([Veto])
    case noMatch
    case ranked(rank: Int, score: Double, cutoffScore: Double?, shown: Int)
    /// Folded into a shown posting of the same company as a near-duplicate.
    case duplicateOf(postingID: String, rank: Int)
    /// Would have been shown, but its company already has the most postings a list may hold.
    case companyCap(limit: Int)
}

/// The engine: postings (sorted by id; a document number is a position in that order), their
/// inverted index, per-posting constraint features in flat arrays, and the model.
package struct MatchEngine: Sendable {
    package let model: Model
    package let analyzer: KoreanAnalyzer
    package let postings: [Posting]
    package let index: InvertedIndex

    // Per-document features, in document order (no dictionary look-ups in the ranking loop).
    private let isOpen: [Bool]
    private let deadline: [Int32]  // day ordinal; Int32.max when none
    private let salaryMax: [Int32]  // -1 when not stated
    private let salaryMin: [Int32]  // -1 when not stated
    private let typeMask: [UInt16]  // 0 when not stated
    private let province: [Int8]  // index into Region.provinces; -1 when not stated (or 전국)
    /// The posting's region as an index into `regionTable`; -1 when not stated (or 전국).
    private let regionID: [Int32]
    /// The distinct regions of the postings, and their ids by province (a seeker's district-level
    /// regions are compared with each distinct region once per query, not once per posting).
    let regionTable: [Region]
    let regionsOfProvince: [[Int32]]
    /// The open postings of each province (index into `Region.provinces`), ascending; the last
    /// list holds those that state no province. A seeker's region constraint confines the ranking
    /// loop to the lists of the provinces it accepts.
    let openDocumentsOfProvince: [[UInt32]]
    private let occupation: [Int32]  // code number; -1 none
    /// Occupation code number → its group number (-1 none): a seeker's occupation part of the fit
    /// is worked out once per code (``SeekerFit/occupationBonus``), not once per posting.
    private let groupOfOccupation: [Int32]
    private let experienceMin: [Int16]  // -1 none
    private let experienceMax: [Int16]  // -1 none
    private let educationRequired: [Int8]  // -1 none
    /// Normalised company name id; -1 when not stated.
    private let company: [Int32]
    /// Every posting's ``titleKey(_:)``, one after another; posting d's is
    /// `titleLetters[titleStarts[d]..<titleStarts[d + 1]]` (the title-start part of the fit).
    private let titleLetters: [UInt32]
    private let titleStarts: [Int32]
    /// The low byte of the first letter of every posting's title key (0 for an empty key; a
    /// one-byte fingerprint keeps the array small beside the others the ranking loop reads), so
    /// the loop's bound can tell with one load that most postings' titles do not start like the
    /// seeker's.
    private let titleFirst: [UInt8]
    /// Documents of each company id, ascending.
    let companyDocuments: [[UInt32]]
    /// Unit-length LSA vectors of the postings (documents × rank), when the model's dense stage is on.
    let denseDocuments: DenseMatrix?
    /// Index term id → row of the projection (-1 when the projection does not know the term).
    let denseRowOfTerm: [Int32]
    private let occupationIDs: [String: Int32]
    private let groupIDs: [String: Int32]

    /// Builds the engine; `index` may be given when loaded from an index directory (it must
    /// have been built from exactly these postings and this model).
    package init(postings unsorted: [Posting], model: Model, index prebuilt: InvertedIndex? = nil, sorted: Bool = false) {
        let postings = sorted ? unsorted : unsorted.sorted { $0.id < $1.id }
        self.postings = postings
        self.model = model
        let analyzer = KoreanAnalyzer(configuration: model.analyzer)
        self.analyzer = analyzer
        if let prebuilt {
            precondition(prebuilt.documentCount == postings.count, "MatchEngine: index and postings differ in size")
            index = prebuilt
        } else {
            index = Self.buildIndex(postings, analyzer: analyzer, parameters: model.ranking.bm25Parameters)
        }
        // Per-posting attributes. Dictionaries are keyed by UTF-8 bytes: hashing Korean Strings
        // normalises them first, which dominated opening an index.
        var occByBytes: [[UInt8]: Int32] = [:], grpByBytes: [[UInt8]: Int32] = [:]
        var occIDs: [String: Int32] = [:], grpIDs: [String: Int32] = [:]
        var groupOfCode: [[UInt8]: Int32] = [:]
        func occ(_ c: String?) -> Int32 {
            guard let c else { return -1 }
            let key = Array(c.utf8)
            if let id = occByBytes[key] { return id }
            let id = Int32(occByBytes.count)
            occByBytes[key] = id
            occIDs[c] = id
            return id
        }
        func grp(_ c: String?) -> Int32 {
            guard let c else { return -1 }
            let codeKey = Array(c.utf8)
            if let id = groupOfCode[codeKey] { return id }
            var id: Int32 = -1
            if let g = Self.group(c) {
                let gKey = Array(g.utf8)
                if let known = grpByBytes[gKey] { id = known } else {
                    id = Int32(grpByBytes.count)
                    grpByBytes[gKey] = id
                    grpIDs[g] = id
                }
            }
            groupOfCode[codeKey] = id
            return id
        }
        isOpen = postings.map(\.isOpen)
        deadline = postings.map { $0.deadline.map { Int32($0.ordinal) } ?? Int32.max }
        salaryMax = postings.map { Int32($0.salaryMax ?? -1) }
        salaryMin = postings.map { Int32($0.salaryMin ?? -1) }
        typeMask = postings.map { Self.mask($0.employmentTypes) }
        let province = postings.map { p in Int8(p.region.flatMap { Region.provinceIndex($0.sido) } ?? -1) }
        self.province = province
        var regionByBytes: [[UInt8]: Int32] = [:]
        var table: [Region] = []
        regionID = postings.indices.map { d -> Int32 in
            guard let r = postings[d].region, province[d] >= 0 else { return -1 }
            let key = Array(r.description.utf8)
            if let id = regionByBytes[key] { return id }
            let id = Int32(table.count)
            regionByBytes[key] = id
            table.append(r)
            return id
        }
        regionTable = table
        var byProvince = [[Int32]](repeating: [], count: Region.provinces.count)
        for (id, r) in table.enumerated() { byProvince[Region.provinceIndex(r.sido)!].append(Int32(id)) }
        regionsOfProvince = byProvince
        var openByProvince = [[UInt32]](repeating: [], count: Region.provinces.count + 1)
        for d in postings.indices where isOpen[d] {
            openByProvince[province[d] >= 0 ? Int(province[d]) : Region.provinces.count].append(UInt32(d))
        }
        openDocumentsOfProvince = openByProvince
        occupation = postings.map { occ($0.occupation) }
        let occupationGroup = postings.map { grp($0.occupation) }  // group number; -1 none
        var groupOf = [Int32](repeating: -1, count: occByBytes.count)
        for d in postings.indices where occupation[d] >= 0 { groupOf[Int(occupation[d])] = occupationGroup[d] }
        groupOfOccupation = groupOf
        experienceMin = postings.map { Int16($0.experienceMin ?? -1) }
        experienceMax = postings.map { Int16($0.experienceMax ?? -1) }
        educationRequired = postings.map { Int8($0.education?.rawValue ?? -1) }
        occupationIDs = occIDs
        groupIDs = grpIDs
        var companyIDs: [[UInt8]: Int32] = [:]
        var idOfName: [[UInt8]: Int32] = [:]  // many postings share a company name
        let company = postings.map { p -> Int32 in
            guard let name = p.company else { return -1 }
            let nameKey = Array(name.utf8)
            if let id = idOfName[nameKey] { return id }
            let key = Array(Self.companyKey(name).utf8)
            var id: Int32 = -1
            if !key.isEmpty {
                if let known = companyIDs[key] { id = known } else {
                    id = Int32(companyIDs.count)
                    companyIDs[key] = id
                }
            }
            idOfName[nameKey] = id
            return id
        }
        self.company = company
        var letters: [UInt32] = [], starts: [Int32] = [0]
        starts.reserveCapacity(postings.count + 1)
        if model.ranking.titleStartWeight > 0 {
            var normalized = NormalizedText(keepsOffsets: false)
            for p in postings {
                Self.appendTitleKey(p.title, to: &letters, normalized: &normalized)
                starts.append(Int32(letters.count))
            }
        }
        titleLetters = letters
        titleStarts = starts
        titleFirst = starts.count > 1 ? postings.indices.map { d in starts[d] < starts[d + 1] ? UInt8(truncatingIfNeeded: letters[Int(starts[d])]) : 0 } : []
        if let projection = model.dense, model.ranking.denseWeight > 0 {
            var rowOf: [String: Int32] = [:]
            for (i, t) in projection.terms.enumerated() { rowOf[t] = Int32(i) }
            let rows = index.vocabulary.terms.map { rowOf[$0] ?? -1 }
            let r = projection.rank
            // the projection's rows in index term order (zero for terms it does not know), then A·P
            var aligned = DenseMatrix(rows: rows.count, cols: r)
            for (t, row) in rows.enumerated() where row >= 0 {
                for c in 0..<r { aligned.storage[t * r + c] = projection.matrix.storage[Int(row) * r + c] }
            }
            var docsMatrix = index.documentsTimes(aligned)
            for d in 0..<postings.count {
                var norm = 0.0
                for c in 0..<r { norm += Double(docsMatrix.storage[d * r + c]) * Double(docsMatrix.storage[d * r + c]) }
                if norm > 0 { let inv = Float(1 / norm.squareRoot()); for c in 0..<r { docsMatrix.storage[d * r + c] *= inv } }
            }
            denseDocuments = docsMatrix
            denseRowOfTerm = rows
        } else {
            denseDocuments = nil
            denseRowOfTerm = []
        }
        var byCompany = [[UInt32]](repeating: [], count: companyIDs.count)
        for (d, c) in company.enumerated() where c >= 0 { byCompany[Int(c)].append(UInt32(d)) }
        companyDocuments = byCompany
    }

    @inline(__always) func isOpenDoc(_ d: Int) -> Bool { isOpen[d] }
    @inline(__always) func deadlineOrdinal(_ d: Int) -> Int32 { deadline[d] }
    @inline(__always) func typeMaskOf(_ d: Int) -> UInt16 { typeMask[d] }
    @inline(__always) func salaryMaxOf(_ d: Int) -> Int32 { salaryMax[d] }
    @inline(__always) func salaryMinOf(_ d: Int) -> Int32 { salaryMin[d] }

    @inline(__always) func provinceOf(_ d: Int) -> Int8 { province[d] }
    @inline(__always) func regionIDOf(_ d: Int) -> Int32 { regionID[d] }
    @inline(__always) func companyOf(_ d: Int) -> Int32 { company[d] }
    /// The posting's occupation code number (-1: none).
    @inline(__always) func occupationNumber(_ d: Int) -> Int32 { occupation[d] }

    /// A title as the title-start part of the fit compares it: normalised (NFKC, case folded),
    /// with bracketed parts (`[급구]`, `(PD)`, `【…】`, `「…」`, `<…>`) and everything but letters and
    /// digits (Hangul, Han, kana, Latin, digits) left out, as Unicode scalar values:
    /// `[급구] 음향기기 조립반장(경력)` → `음향기기조립반장`. A bracket never closed keeps what follows
    /// it (`[급구 용접공` → `급구용접공`); a closing bracket without an opening one is dropped.
    package static func titleKey(_ title: String) -> [UInt32] {
        var out: [UInt32] = []
        var normalized = NormalizedText(keepsOffsets: false)
        appendTitleKey(title, to: &out, normalized: &normalized)
        return out
    }

    /// ``titleKey(_:)`` appended to `out`, normalising in the reused buffer `normalized`.
    static func appendTitleKey(_ title: String, to out: inout [UInt32], normalized text: inout NormalizedText) {
        TextNormalizer.normalize(title, into: &text)
        var depth = 0
        // where the outermost open bracket began: a bracket never closed (`[급구 용접공`) keeps
        // what follows it
        var openedAt = out.count
        for (s, c) in zip(text.scalars, text.classes) {
            switch s.value {
            // ( [ { < 〈 《 「 『 【 〔 〖 (full-width forms are folded to ASCII by NFKC)
            case 0x28, 0x5B, 0x7B, 0x3C, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016:
                if depth == 0 { openedAt = out.count }
                depth += 1
            case 0x29, 0x5D, 0x7D, 0x3E, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017:
                guard depth > 0 else { continue }
                depth -= 1
                if depth == 0 { out.removeSubrange(openedAt...) }
            default:
                switch c {
                case .hangul, .han, .kana, .letter, .digit: out.append(s.value)
                default: break
                }
            }
        }
    }

    /// A company name without legal-form marks, spaces or punctuation: `(주)대성정밀` = `대성정밀 주식회사`.
    package static func companyKey(_ name: String) -> String {
        // NFKC and full lower-casing only when some scalar could change under them (Hangul
        // syllables and ASCII do not; ASCII is lower-cased here)
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII || (0xAC00...0xD7A3).contains($0.value) }
        var scalars: [Unicode.Scalar] = plain
            ? name.unicodeScalars.map { (0x41...0x5A).contains($0.value) ? Unicode.Scalar($0.value + 0x20)! : $0 }
            : Array(name.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
        for mark in companyMarks {
            var i = 0
            var kept: [Unicode.Scalar] = []
            var found = false
            while i < scalars.count {
                if i + mark.count <= scalars.count && scalars[i] == mark[0] && Array(scalars[i..<(i + mark.count)]) == mark {
                    i += mark.count
                    found = true
                } else {
                    kept.append(scalars[i])
                    i += 1
                }
            }
            if found { scalars = kept }
        }
        var out = String.UnicodeScalarView()
        for u in scalars {
            let keep = u.isASCII ? ((0x30...0x39).contains(u.value) || (0x61...0x7A).contains(u.value))
                : (0xAC00...0xD7A3).contains(u.value) || u.properties.isAlphabetic || u.properties.numericType != nil
            if keep { out.append(u) }
        }
        return String(out)
    }

    static let companyMarks: [[Unicode.Scalar]] = ["주식회사", "(주)", "(유)", "(재)", "(사)", "유한회사", "co.,ltd", "co., ltd", "inc.", "corp."].map { Array($0.unicodeScalars) }

    /// The occupation group a code belongs to, within its own scheme: KECO-2018 4-digit codes
    /// by their first two digits (중분류); KECO-2025 codes by their 2-digit top level (a 2-digit
    /// code is itself a top level). Codes of different schemes never share a group.
    static func group(_ code: String) -> String? {
        switch code.count {
        case 4: "2018:" + code.prefix(2)
        case 3: "2025:" + code.prefix(2)
        case 2: "2025:" + code
        default: nil
        }
    }

    static func mask(_ types: [EmploymentType]) -> UInt16 {
        var m: UInt16 = 0
        for t in types { m |= 1 << UInt16(EmploymentType.allCases.firstIndex(of: t)!) }
        return m
    }

    /// The index of `postings` (in this order). With two or more cores, analysis runs one batch
    /// ahead on a second thread while the first adds the previous batch: the same index as
    /// adding one posting after another (documents and terms are added in the same order).
    package static func buildIndex(_ postings: [Posting], analyzer: KoreanAnalyzer, parameters: BM25Parameters, batch: Int = 1024, pipelined: Bool? = nil) -> InvertedIndex {
        analysed(postings, analyzer: analyzer, batch: batch, pipelined: pipelined).build(parameters: parameters)
    }

    /// ``buildIndex(_:analyzer:parameters:batch:pipelined:)`` before the posting lists are laid
    /// out: every posting analysed and added.
    package static func analysed(_ postings: [Posting], analyzer: KoreanAnalyzer, batch: Int = 1024, pipelined: Bool? = nil) -> IndexBuilder {
        let size = max(1, batch)
        let count = (postings.count + size - 1) / size
        return analysed(batches: count, analyzer: analyzer, pipelined: pipelined) { b in
            Array(postings[(b * size)..<min(b * size + size, postings.count)])
        }
    }

    /// ``analysed(_:analyzer:batch:pipelined:)`` that lets the postings go batch by batch as
    /// they are analysed (the allocator reuses their memory for the analysis), then hands the
    /// free pages back (``Memory``): a build that needs the postings no longer then holds them
    /// and the posting lists together. (Trimming every few batches as well lowered no peak and
    /// cost time: the pages came back as the builder grew.)
    package static func analysed(consuming postings: consuming [Posting], analyzer: KoreanAnalyzer, batch: Int = 1024, pipelined: Bool? = nil) -> IndexBuilder {
        let size = max(1, batch)
        let count = (postings.count + size - 1) / size
        var stack = consume postings
        stack.reverse()  // taken from the end: each batch leaves the array as it is taken
        let builder = analysed(batches: count, analyzer: analyzer, pipelined: pipelined) { b in
            // the pages of the postings analysed so far go back to the system as the builder's
            // entries grow (glibc keeps freed memory otherwise)
            if b % 4 == 3 { Memory.releaseFreePages() }
            return (0..<min(size, stack.count)).map { _ in stack.removeLast() }
        }
        stack = []  // its capacity too
        Memory.releaseFreePages()
        return builder
    }

    /// Adds batches `0..<batches` in order, `take(b)` giving batch `b`'s postings (called once
    /// per batch, in order, on the calling thread). With two or more cores (or `pipelined`),
    /// batch b + 1 is analysed in small pieces claimed by both threads while the builder (one
    /// thread, documents in order) adds batch b; the pieces are put back in order, so the index
    /// is the same as one thread's. The analysing threads also count each document's terms
    /// with the ids the builder had given before batch b (``DocumentTerms/count(with:_:)``),
    /// which leaves the builder only the entries to append.
    static func analysed(batches: Int, analyzer: KoreanAnalyzer, pipelined: Bool?, take: (Int) -> [Posting]) -> IndexBuilder {
        guard pipelined ?? (Parallel.processors >= 2 && batches >= 2) else {
            var builder = IndexBuilder()
            for b in 0..<batches {
                var scratch = NormalizedText(keepsOffsets: false)
                for p in take(b) { builder.add(Self.documentTerms(p, analyzer, scratch: &scratch)) }
            }
            return builder
        }
        let piece = 64
        let builder = Locked(IndexBuilder())
        var scratch = NormalizedText(keepsOffsets: false)
        var ready = batches == 0 ? [] : take(0).map { Self.documentTerms($0, analyzer, scratch: &scratch) }
        for b in 0..<batches {
            let current = ready
            let next = b + 1 < batches ? take(b + 1) : []
            let pieces = stride(from: 0, to: next.count, by: piece).map { $0..<min($0 + piece, next.count) }
            let claimed = Locked(0)
            let done = Locked([[DocumentTerms]?](repeating: nil, count: pieces.count))
            // the terms the builder knows before adding batch b: documents of batch b + 1 whose
            // terms are all among them are counted here, so the builder need not look them up
            let known = builder.withLock { $0.knownTerms }
            let work = { @Sendable in
                var scratch = NormalizedText(keepsOffsets: false)
                var counter = TermCounter()
                while true {
                    let i = claimed.withLock { n in
                        defer { n += 1 }
                        return n
                    }
                    guard i < pieces.count else { return }
                    let terms = pieces[i].map {
                        var d = Self.documentTerms(next[$0], analyzer, scratch: &scratch)
                        d.count(with: known, &counter)
                        return d
                    }
                    done.withLock { $0[i] = terms }
                }
            }
            Parallel.both({
                builder.withLock { for document in current { $0.add(document) } }
                work()
            }, work)
            ready = done.withLock { d in d.flatMap { $0! } }
        }
        return builder.withLock { b in
            defer { b = IndexBuilder() }
            return b
        }
    }

    /// Terms of each indexed field of a posting, as Strings (for `sample export` and tests): the
    /// fields of ``documentTerms(_:_:)``.
    package static func fieldTerms(_ p: Posting, _ analyzer: KoreanAnalyzer) -> [[String]] {
        documentTerms(p, analyzer).fields
    }

    /// Terms of each indexed field of a posting, as UTF-8 bytes for ``IndexBuilder/add(_:)``:
    /// title; skills and certificates (each item analysed on its own); description.
    package static func documentTerms(_ p: Posting, _ analyzer: KoreanAnalyzer) -> DocumentTerms {
        var scratch = NormalizedText(keepsOffsets: false)
        return documentTerms(p, analyzer, scratch: &scratch)
    }

    /// ``documentTerms(_:_:)`` normalising into `scratch` (reused from posting to posting).
    static func documentTerms(_ p: Posting, _ analyzer: KoreanAnalyzer, scratch: inout NormalizedText) -> DocumentTerms {
        var d = DocumentTerms()
        analyzer.appendTerms(p.title, to: &d.terms, scratch: &scratch)
        d.endField()
        for s in p.skills { analyzer.appendTerms(s, to: &d.terms, scratch: &scratch) }
        for s in p.certificates { analyzer.appendTerms(s, to: &d.terms, scratch: &scratch) }
        d.endField()
        analyzer.appendTerms(p.description ?? "", to: &d.terms, scratch: &scratch)
        d.endField()
        return d
    }

    // MARK: Queries

    /// The seeker's words, weighted per field: Σ_field w · g(tf), g from the model (default 1 + ln tf).
    package func query(for seeker: Seeker) -> SeekerQuery {
        let w = model.ranking.seekerFieldWeights
        var fields: [(Double, [String])] = [(w.desiredTitle, analyzer.terms(seeker.desiredTitle ?? ""))]
        fields.append((w.skills, seeker.skills.flatMap { analyzer.terms($0) }))
        fields.append((w.certificates, seeker.certificates.flatMap { analyzer.terms($0) }))
        fields.append((w.profile, analyzer.terms(seeker.profile ?? "")))
        return query(fields: fields)
    }

    /// Free text as a query (for `search`).
    package func query(text: String) -> SeekerQuery {
        query(fields: [(1.0, analyzer.terms(text))])
    }

    /// Σ over fields (in field order) of w · kind · g(tf) per distinct term; the normaliser sums
    /// weight · idf over the distinct terms in code-point order (the order of `String`'s `<` on
    /// the analyser's NFKC terms). Terms are grouped by sorting their UTF-8 bytes, not by hashing:
    /// a Korean `String` hashes through Unicode normalisation, which cost more than the ranking.
    func query(fields: [(Double, [String])]) -> SeekerQuery {
        let isUnigram = { (t: String) in t.unicodeScalars.count == 1 && TextNormalizer.classify(t.unicodeScalars.first!) == .hangul }
        // every occurrence of a weighted field's terms, grouped by term (UTF-8 byte order) then
        // field: sorted as packed keys (``TermKey``), not as Strings
        var terms: [String] = []
        var occurrences: [(key: TermKey, field: Int)] = []
        for (f, (w, fieldTerms)) in fields.enumerated() where w > 0 {
            for t in fieldTerms {
                occurrences.append((TermKey(t, at: terms.count), f))
                terms.append(t)
            }
        }
        occurrences.sort { a, b in
            let c = a.key.compare(b.key, terms)
            return c != 0 ? c < 0 : a.field < b.field
        }
        // distinct terms: (term, [(field, tf)] in field order)
        var distinct: [(term: String, counts: [(field: Int, n: Int)], unigram: Bool)] = []
        var i = 0
        while i < occurrences.count {
            let first = occurrences[i].key
            var counts: [(field: Int, n: Int)] = []
            while i < occurrences.count && occurrences[i].key.compare(first, terms) == 0 {
                let f = occurrences[i].field
                var n = 0
                while i < occurrences.count && occurrences[i].field == f && occurrences[i].key.compare(first, terms) == 0 {
                    n += 1
                    i += 1
                }
                counts.append((f, n))
            }
            let t = terms[first.at]
            distinct.append((t, counts, isUnigram(t)))
        }
        var uni = model.ranking.unigramQueryWeight
        if let limit = model.ranking.unigramQueryTermLimit, distinct.count(where: { !$0.unigram }) > limit { uni = 0 }
        var known: [WeightedTerm] = []
        var z = 0.0
        for d in distinct {
            var q = 0.0
            let kind = uni != 1 && d.unigram ? uni : 1
            for c in d.counts { q += fields[c.field].0 * kind * model.ranking.queryTermFrequency.weight(c.n) }
            let id = index.vocabulary.id(of: d.term)
            z += q * index.documentIDF(id)
            // a term of weight 0 adds nothing to any score (x + 0 · impact = x): it is left out
            if let id, Float(q) > 0 { known.append(WeightedTerm(term: id, weight: Float(q))) }
        }
        known.sort { $0.term < $1.term }
        // Terms the vocabulary takes as one (canonically equivalent, different bytes: never from
        // the analyser) become one entry, as the block accumulator needs distinct ascending terms.
        var merged: [WeightedTerm] = []
        merged.reserveCapacity(known.count)
        for t in known {
            if let last = merged.last, last.term == t.term { merged[merged.count - 1].weight += t.weight } else { merged.append(t) }
        }
        let norm = z > 0 ? 1 / z : 0
        return SeekerQuery(terms: merged, normalizer: norm)
    }

    /// The seeker's dense vector (unit length), or nil without a dense stage.
    package func denseQuery(_ q: SeekerQuery) -> [Float]? {
        guard let projection = model.dense, denseDocuments != nil else { return nil }
        return projection.project(q.terms.compactMap { t in
            let row = denseRowOfTerm[Int(t.term)]
            return row >= 0 ? (Int(row), t.weight) : nil
        })
    }

    /// denseWeight × max(0, cosine) for one posting.
    func denseContribution(_ qv: [Float]?, doc d: Int) -> Float {
        guard let qv, denseDocuments != nil else { return 0 }
        return Float(model.ranking.denseWeight) * max(0, exactCosine(qv, doc: d))
    }

    // MARK: Constraints

    /// Every veto that applies to `doc` for this seeker, in a fixed order.
    package func vetoes(seeker: Seeker, doc: Int, asOf: Day) -> [Veto] {
        var out: [Veto] = []
        let p = postings[doc]
        let policy = model.ranking.policy
        if !isOpen[doc] { out.append(.closed) }
        if deadline[doc] < Int32(asOf.ordinal), let d = p.deadline { out.append(.deadlinePassed(deadline: d.description, asOf: asOf.description)) }
        if !seeker.regions.isEmpty && !seeker.regionsNationwide {
            if let r = p.region {
                let best = seeker.regions.map { $0.admits(r) }
                if !best.contains(.admitted) {
                    if best.contains(.unstatedDistrict) {
                        if policy.unstatedDistrict == .exclude {
                            out.append(.districtUnstated(posting: r.description, accepted: seeker.regions.map(\.description)))
                        }
                    } else {
                        out.append(.outsideRegion(posting: r.description, accepted: seeker.regions.map(\.description)))
                    }
                }
            } else if policy.unstatedRegion == .exclude {
                out.append(p.regionNationwide ? .regionNationwide : .regionUnstated)
            }
        }
        if !seeker.employmentTypes.isEmpty {
            if typeMask[doc] == 0 {
                if policy.unstatedEmploymentType == .exclude { out.append(.employmentTypeUnstated) }
            } else if typeMask[doc] & Self.mask(seeker.employmentTypes) == 0 {
                out.append(.employmentTypeMismatch(posting: p.employmentTypes.map(\.korean), accepted: seeker.employmentTypes.map(\.korean)))
            }
        }
        if let floor = seeker.salaryFloor {
            if salaryMax[doc] >= 0 {
                if Int(salaryMax[doc]) < floor { out.append(.salaryBelowFloor(postingMax: Int(salaryMax[doc]), floor: floor)) }
            } else if salaryMin[doc] >= 0 && Int(salaryMin[doc]) >= floor {
                // the minimum already meets the floor
            } else if policy.unstatedSalary == .exclude {
                out.append(.salaryUnstated)
            }
        }
        return out
    }

    /// The zero-contribution flags of an admitted posting (constraints it does not state).
    func unstatedFlags(seeker: Seeker, doc: Int) -> [Reason] {
        var out: [Reason] = []
        let p = postings[doc]
        if !seeker.regions.isEmpty && !seeker.regionsNationwide {
            if let r = p.region {
                if !seeker.regions.contains(where: { $0.admits(r) == .admitted }) {
                    out.append(Reason(kind: .unstated, label: "근무지역 시군구 미기재('\(r)') — 희망 지역인지 확인 필요", contribution: 0))
                }
            } else {
                out.append(Reason(kind: .unstated, label: p.regionNationwide ? "근무지역 '전국' — 실제 근무지 확인 필요" : "근무지역 미기재 — 확인 필요", contribution: 0))
            }
        }
        if !seeker.employmentTypes.isEmpty && typeMask[doc] == 0 {
            out.append(Reason(kind: .unstated, label: "고용형태 미기재 — 확인 필요", contribution: 0))
        }
        if let floor = seeker.salaryFloor, salaryMax[doc] < 0, !(salaryMin[doc] >= 0 && Int(salaryMin[doc]) >= floor) {
            out.append(Reason(kind: .unstated, label: "급여 미기재 — 희망 급여 충족 여부 확인 필요", contribution: 0))
        }
        return out
    }

    // MARK: Structured fit

    /// Per-seeker constants for the ranking loop.
    struct SeekerFit {
        var occupations: [Int32]
        var groups: [Int32]
        var experience: Int
        var education: Int
        /// Occupations inferred from the seeker's words (``inferOccupations(_:scores:normalizer:admission:)``),
        /// best vote first, with what each adds and how many of the voting postings had it.
        var inferred: [Int32] = []
        var inferredBonus: [Float] = []
        var inferredCount: [Int] = []
        /// How many postings voted (0: no inference).
        var voters = 0
        /// The seeker's desired title as ``MatchEngine/titleKey(_:)`` (empty: no title-start part).
        var titleKey: [UInt32] = []
        /// The model's `titleStartWeight`: the most the title-start part can add (the two keys equal).
        var titleWeight: Float = 0
        /// The low byte of `titleKey`'s first letter (nil: no key), as ``MatchEngine`` keeps it
        /// for every posting.
        var titleFirstByte: UInt8? { titleKey.first.map { UInt8(truncatingIfNeeded: $0) } }
        /// Occupation code number → the occupation part of the fit of a posting with that code,
        /// and whether it is a match (desired code or group; an inferred code only reorders).
        /// Filled by ``tabulate(groupOfOccupation:exact:group:)`` once the codes above are final.
        private(set) var occupationBonus: [Float] = []
        private(set) var occupationMatched: [Bool] = []

        /// Fills the tables from `occupations`, `groups` and `inferred` (desired code first,
        /// then group, then inferred code): `groupOfOccupation[o]` is code o's group.
        mutating func tabulate(groupOfOccupation: [Int32], exact: Float, group: Float) {
            occupationBonus = [Float](repeating: 0, count: groupOfOccupation.count)
            occupationMatched = [Bool](repeating: false, count: groupOfOccupation.count)
            for o in groupOfOccupation.indices {
                let g = groupOfOccupation[o]
                if occupations.contains(Int32(o)) {
                    occupationBonus[o] = exact
                    occupationMatched[o] = true
                } else if g >= 0 && groups.contains(g) {
                    occupationBonus[o] = group
                    occupationMatched[o] = true
                } else if let i = inferred.firstIndex(of: Int32(o)) {
                    occupationBonus[o] = inferredBonus[i]
                }
            }
        }
    }

    /// The seeker's fit constants without inferred occupations (see ``fitContext(_:scores:normalizer:admission:)``).
    func fitContext(_ seeker: Seeker) -> SeekerFit {
        var f = untabulatedFit(seeker)
        tabulate(&f)
        return f
    }

    private func untabulatedFit(_ seeker: Seeker) -> SeekerFit {
        var f = SeekerFit(
            occupations: seeker.desiredOccupations.compactMap { occupationIDs[$0] },
            groups: seeker.desiredOccupations.compactMap { Self.group($0).flatMap { groupIDs[$0] } },
            experience: seeker.experienceYears ?? -1,
            education: seeker.education?.rawValue ?? -1)
        let weight = model.ranking.titleStartWeight
        if weight > 0, let title = seeker.desiredTitle {
            f.titleKey = Self.titleKey(title)
            f.titleWeight = f.titleKey.isEmpty ? 0 : Float(weight)
        }
        return f
    }

    /// How many letters from the start `d`'s title key shares with the seeker's desired title's,
    /// and the length of the longer of the two keys.
    @inline(__always)
    func titleStart(_ f: SeekerFit, doc d: Int) -> (shared: Int, longer: Int) {
        guard !f.titleKey.isEmpty else { return (0, 0) }
        let lo = Int(titleStarts[d]), hi = Int(titleStarts[d + 1])
        let most = min(hi - lo, f.titleKey.count)
        var n = 0
        while n < most && titleLetters[lo + n] == f.titleKey[n] { n += 1 }
        return (n, max(hi - lo, f.titleKey.count))
    }

    /// ``titlePart(_:doc:)``, with one load for the usual posting whose title key does not start
    /// with the seeker's first letter (the part is then 0). `first` must be
    /// ``SeekerFit/titleFirstByte`` (nil: nothing is loaded; the engine keeps no keys when the
    /// model's weight is 0, and a seeker then has no key either).
    @inline(__always)
    func titlePartQuickly(_ f: SeekerFit, first: UInt8?, doc d: Int) -> Float {
        guard let first, titleFirst[d] == first else { return 0 }
        return titlePart(f, doc: d)
    }

    /// The title-start part of the fit: `titleStartWeight × shared / longer` (``titleStart(_:doc:)``);
    /// never more than ``SeekerFit/titleWeight`` in float arithmetic (shared ≤ longer, so the
    /// ratio rounds to at most 1).
    @inline(__always)
    func titlePart(_ f: SeekerFit, doc d: Int) -> Float {
        let t = titleStart(f, doc: d)
        return t.shared > 0 ? f.titleWeight * (Float(t.shared) / Float(t.longer)) : 0
    }

    private func tabulate(_ f: inout SeekerFit) {
        let s = model.ranking.structured
        f.tabulate(groupOfOccupation: groupOfOccupation, exact: Float(s.occupationExact), group: Float(s.occupationGroup))
    }

    /// The occupation part of the fit of `d` (``fit(_:doc:)``'s first value), from the table.
    @inline(__always)
    func occupationPart(_ f: SeekerFit, doc d: Int) -> Float {
        let o = occupation[d]
        return o >= 0 ? f.occupationBonus[Int(o)] : 0
    }

    /// The seeker's fit constants, with the occupations inferred from the seeker's words when the
    /// model infers them for this seeker; `scores` holds the seeker's accumulated text scores
    /// (times `normalizer`: the text part of the score) of at least every posting `admission`
    /// admits.
    func fitContext(_ seeker: Seeker, scores: ScoreAccumulator, normalizer: Float, admission: Admission) -> SeekerFit {
        var f = untabulatedFit(seeker)
        if infersOccupations(seeker) { inferOccupations(&f, scores: scores, normalizer: normalizer, admission: admission) }
        tabulate(&f)
        return f
    }

    /// Whether the model infers this seeker's occupations: it is switched on, the seeker names no
    /// desired occupation and writes a profile.
    package func infersOccupations(_ seeker: Seeker) -> Bool {
        model.ranking.inferredOccupations.weight > 0 && seeker.desiredOccupations.isEmpty
            && (seeker.profile ?? "").contains { !$0.isWhitespace }
    }

    /// Votes for occupations among the `neighbours` best word matches that have a KECO code and
    /// that the seeker's hard constraints admit (ties by document number), as
    /// ``RankingSettings/InferredOccupations`` describes. Only admitted postings vote, so the
    /// batch, which scores only the provinces a seeker accepts, infers the same.
    func inferOccupations(_ f: inout SeekerFit, scores: ScoreAccumulator, normalizer: Float, admission a: Admission) {
        let settings = model.ranking.inferredOccupations
        var top = TopK(k: settings.neighbours)
        scores.forEachScored { d, raw in
            let text = raw * normalizer
            guard text > 0, occupation[d] >= 0, top.wouldEnter(score: text, id: UInt32(d)), admitted(a, doc: d) else { return }
            top.insert(score: text, id: UInt32(d))
        }
        let voters = top.sorted()
        guard let best = voters.first?.score, best > 0 else { return }
        // each occupation: its voters' scores, best first (the voters are in score order)
        var codes: [Int32] = []
        var shares: [[Float]] = []
        for v in voters {
            let c = occupation[Int(v.id)]
            if let i = codes.firstIndex(of: c) { shares[i].append(v.score / best) } else {
                codes.append(c)
                shares.append([v.score / best])
            }
        }
        var votes = shares.map { $0.prefix(settings.perOccupation).reduce(0, +) }
        let most = votes.max()!
        for i in votes.indices { votes[i] /= most }
        // best vote first; equal votes by the code's first voter (already in that order)
        let order = votes.indices.sorted { votes[$0] > votes[$1] || (votes[$0] == votes[$1] && $0 < $1) }
        let scale = Float(settings.weight) * best
        f.inferred = order.map { codes[$0] }
        f.inferredBonus = order.map { scale * votes[$0] }
        f.inferredCount = order.map { shares[$0].count }
        f.voters = voters.count
    }

    /// (occupation part, whether it is an occupation match, experience part, education part,
    /// title-start part).
    @inline(__always)
    func fit(_ f: SeekerFit, doc d: Int) -> (occupation: Float, matched: Bool, experience: Float, education: Float, title: Float) {
        let s = model.ranking.structured
        var occ: Float = 0
        var matched = false
        let o = occupation[d]
        if o >= 0 {
            occ = f.occupationBonus[Int(o)]
            matched = f.occupationMatched[Int(o)]
        }
        var exp: Float = 0
        if f.experience >= 0 && (experienceMin[d] >= 0 || experienceMax[d] >= 0) {
            if f.experience >= Int(max(0, experienceMin[d])) && (experienceMax[d] < 0 || f.experience <= Int(experienceMax[d])) {
                exp = Float(s.experience)
            }
        }
        var edu: Float = 0
        if f.education >= 0 && educationRequired[d] >= 0 && f.education >= Int(educationRequired[d]) {
            edu = Float(s.education)
        }
        return (occ, matched, exp, edu, titlePartQuickly(f, first: f.titleFirstByte, doc: d))
    }
}

extension MatchEngine {
    /// Whether `doc` leaves unstated something the seeker constrains (region or 시군구,
    /// employment type, salary): the recommendation cannot be verified against it.
    package func hasUnstatedConstraint(seeker: Seeker, doc: Int) -> Bool {
        !unstatedFlags(seeker: seeker, doc: doc).isEmpty
    }

    /// The company key the near-duplicate folding and the per-company cap use (nil: no company).
    package func companyKey(of d: Int) -> String? {
        guard let name = postings[d].company else { return nil }
        let key = Self.companyKey(name)
        return key.isEmpty ? nil : key
    }

    /// Same company and similar title + description terms (MinHash estimate ≥ `threshold`).
    package func nearDuplicates(_ a: Int, _ b: Int, threshold: Double) -> Bool {
        let c = companyOf(a)
        return c >= 0 && c == companyOf(b) && index.similarity(UInt32(a), UInt32(b)) >= threshold
    }
}

/// A query term's sort key: its first 16 UTF-8 bytes, big-endian in two words and zero-padded,
/// so comparing the words compares the bytes; `exact` when those are all its bytes and none is
/// zero (then equal words mean equal terms). Otherwise the term's own bytes decide. The order is
/// ``UTF8Order/compare(_:_:)``'s, at a fraction of the cost for the short n-grams queries hold.
package struct TermKey {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var exact = true
    /// The term's position in the caller's list of terms.
    var at: Int

    package init(_ term: String, at: Int) {
        self.at = at
        var n = 0
        for b in term.utf8 {
            guard n < 16 else {
                exact = false
                break
            }
            if b == 0 { exact = false }
            if n < 8 { high |= UInt64(b) << (56 - 8 * n) } else { low |= UInt64(b) << (56 - 8 * (n - 8)) }
            n += 1
        }
    }

    /// Negative, zero or positive as this term's bytes sort before, equal or after `other`'s
    /// (`terms`: the list both keys' positions refer to).
    @inline(__always)
    package func compare(_ other: TermKey, _ terms: [String]) -> Int {
        if high != other.high { return high < other.high ? -1 : 1 }
        if low != other.low { return low < other.low ? -1 : 1 }
        return exact && other.exact ? 0 : UTF8Order.compare(terms[at], terms[other.at])
    }
}
