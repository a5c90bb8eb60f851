import Foundation
import JobMatchIndex
import JobMatchKernels
import JobMatchRanking
import JobMatchSample
import JobMatchText
import JobMatchTestSupport
import Testing

let asOf = Day.parse("2026-11-27")!

func fixtureEngine(_ model: Model = Fixtures.model()) -> (MatchEngine, [Seeker]) {
    (MatchEngine(postings: Fixtures.postings(Fixtures.postingLines).records, model: model), Fixtures.seekers(Fixtures.seekerLines).records)
}

@Suite("Hard constraints are vetoes")
struct ConstraintTests {
    @Test("the forklift seeker in 경기 sees no posting outside 경기, closed, expired, of another type or below the salary floor")
    func forkliftSeeker() {
        let (engine, seekers) = fixtureEngine()
        let recs = engine.recommend(seekers[0], top: 10, asOf: asOf, explain: true)
        let ids = recs.map(\.postingID)
        #expect(ids.contains("P01"))
        #expect(ids.contains("P07"), "no region/type stated: included with flags under the include policy")
        for vetoed in ["P02", "P03", "P05", "P06", "P08"] { #expect(!ids.contains(vetoed), "\(vetoed) must be vetoed") }
        let p07 = recs.first { $0.postingID == "P07" }!
        #expect(p07.reasons.contains { $0.kind == .unstated && $0.label.contains("근무지역 미기재") })
        #expect(p07.reasons.contains { $0.kind == .unstated && $0.label.contains("고용형태") })
        #expect(p07.reasons.contains { $0.kind == .unstated && $0.label.contains("급여") })
    }

    @Test("exclude policy drops postings that do not state a constrained field")
    func excludePolicy() {
        let (engine, seekers) = fixtureEngine(Fixtures.model(unstated: .exclude))
        let ids = engine.recommend(seekers[0], top: 10, asOf: asOf).map(\.postingID)
        #expect(ids == ["P01"])
    }

    @Test func districtRegions() {
        let (engine, seekers) = fixtureEngine()
        let ids = Set(engine.recommend(seekers[2], top: 10, asOf: asOf).map(\.postingID))
        #expect(ids.isSuperset(of: ["P02", "P08"]))
        #expect(ids.isDisjoint(with: ["P01", "P04", "P05", "P06"]))
    }

    @Test("a posting naming only the 시도 is not shown to a seeker who asked for one 시군구 (unless the policy includes it, flagged)")
    func districtNotStated() throws {
        let postings = Fixtures.postings([
            #"{"id":"A","title":"지게차 기사","region":"경기"}"#,
            #"{"id":"B","title":"지게차 기사","region":"경기 성남시 분당구"}"#,
            #"{"id":"C","title":"지게차 기사","region":"경기 수원시"}"#,
        ]).records
        var s = Seeker(id: "S")
        s.desiredTitle = "지게차"
        s.regions = [Region.parse("경기 성남시")!]
        let strict = MatchEngine(postings: postings, model: Fixtures.model())
        #expect(strict.recommend(s, top: 5, asOf: asOf).map(\.postingID) == ["B"])
        #expect(try strict.whyNot(s, postingID: "A", top: 5, asOf: asOf) == .vetoed([.districtUnstated(posting: "경기", accepted: ["경기 성남시"])]))
        #expect(try strict.whyNot(s, postingID: "C", top: 5, asOf: asOf) == .vetoed([.outsideRegion(posting: "경기 수원시", accepted: ["경기 성남시"])]))
        let nationwide = MatchEngine(postings: Fixtures.postings([#"{"id":"N","title":"지게차 기사","region":"전국"}"#]).records,
                                     model: Fixtures.model(unstated: .exclude))
        #expect(try nationwide.whyNot(s, postingID: "N", top: 5, asOf: asOf) == .vetoed([.regionNationwide]))
        var model = Fixtures.model()
        model.ranking.policy.unstatedDistrict = .include
        let lenient = MatchEngine(postings: postings, model: model)
        let recs = lenient.recommend(s, top: 5, asOf: asOf, explain: true)
        #expect(Set(recs.map(\.postingID)) == ["A", "B"])
        #expect(recs.first { $0.postingID == "A" }!.reasons.contains { $0.kind == .unstated && $0.label.contains("시군구 미기재") })
    }

    @Test("why-not names the veto, or the rank and the gap")
    func whyNot() throws {
        let (engine, seekers) = fixtureEngine()
        #expect(try engine.whyNot(seekers[0], postingID: "P02", top: 10, asOf: asOf)
            == .vetoed([.outsideRegion(posting: "서울 송파구", accepted: ["경기"]), .salaryBelowFloor(postingMax: 2800, floor: 3000)]))
        #expect(try engine.whyNot(seekers[0], postingID: "P05", top: 10, asOf: asOf) == .vetoed([.closed]))
        #expect(try engine.whyNot(seekers[0], postingID: "P06", top: 10, asOf: asOf) == .vetoed([.deadlinePassed(deadline: "2025-01-01", asOf: "2026-11-27")]))
        guard case .ranked(let rank, _, _, _) = try engine.whyNot(seekers[0], postingID: "P01", top: 10, asOf: asOf) else {
            Issue.record("P01 should be ranked")
            return
        }
        #expect(rank == 1)
        guard case .ranked(let r2, let s2, let cutoff, _) = try engine.whyNot(seekers[0], postingID: "P07", top: 1, asOf: asOf) else {
            Issue.record("P07 should be ranked")
            return
        }
        #expect(r2 == 2 && cutoff != nil && cutoff! > s2)
        #expect(throws: JobMatchError.self) { try engine.whyNot(seekers[0], postingID: "NOPE", top: 10, asOf: asOf) }
    }

    @Test("analysing the next batch in pieces on both threads while this one is added builds the same index as one posting after another")
    func pipelinedBuildIsTheSame() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 6, postings: 700, seekers: 1))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records.sorted { $0.id < $1.id }
        let analyzer = KoreanAnalyzer(configuration: Fixtures.model().analyzer)
        let parameters = Fixtures.model().ranking.bm25Parameters
        let serial = MatchEngine.buildIndex(postings, analyzer: analyzer, parameters: parameters, pipelined: false)
        #expect(serial.documentCount == 700)
        for batch in [1, 64, 65, 130, 699, 5000] {
            let piped = MatchEngine.buildIndex(postings, analyzer: analyzer, parameters: parameters, batch: batch, pipelined: true)
            #expect(piped == serial, "batch \(batch)")
            // and letting the postings go batch by batch as they are analysed (`jobmatch index`)
            for pipelined in [false, true] {
                let consumed = MatchEngine.analysed(consuming: postings, analyzer: analyzer, batch: batch, pipelined: pipelined)
                #expect(consumed.build(parameters: parameters) == serial, "batch \(batch), consuming, pipelined \(pipelined)")
            }
        }
        #expect(MatchEngine.analysed(consuming: [], analyzer: analyzer).build(parameters: parameters) == MatchEngine.buildIndex([], analyzer: analyzer, parameters: parameters))
        // and the same as the engine's own build
        #expect(MatchEngine(postings: postings, model: Fixtures.model()).index == serial)
        // and as adding each posting's terms as Strings (the bytes path is the same analysis)
        var strings = IndexBuilder()
        for p in postings {
            let fields = [
                analyzer.terms(p.title),
                (p.skills + p.certificates).flatMap { analyzer.terms($0) },
                analyzer.terms(p.description ?? ""),
            ]
            #expect(MatchEngine.fieldTerms(p, analyzer) == fields, "\(p.id)")
            var d = DocumentTerms()
            for f in fields {
                for t in f { d.terms.append(t) }
                d.endField()
            }
            #expect(MatchEngine.documentTerms(p, analyzer) == d, "\(p.id)")
            strings.add(fields: fields)
        }
        #expect(strings.build(parameters: parameters) == serial)
    }

    @Test("ranking seekers in a batch (text scores of 8 at a time) gives exactly the one-by-one results")
    func batchEqualsOneByOne() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 8, postings: 900, seekers: 45))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records
        var seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records
        // a third name no occupation: ranked over every scored posting (the batch leaves the
        // slots of postings their regions exclude unloaded), or with occupations inferred
        for i in stride(from: 0, to: seekers.count, by: 3) { seekers[i].desiredOccupations = [] }
        #expect(seekers.contains { $0.desiredOccupations.isEmpty && !$0.regions.isEmpty && !($0.profile ?? "").isEmpty })
        for (limit, dense, policy) in [(nil, false, .include), (0, false, .exclude), (32, false, .include), (32, true, .exclude)] as [(Int?, Bool, UnstatedPolicy)] {
            var model = Fixtures.model(unstated: policy)
            model.analyzer = AnalyzerConfiguration(ngramSizes: [2], outputUnigrams: true)
            model.ranking.unigramQueryWeight = 0.2
            model.ranking.unigramQueryTermLimit = limit
            if limit == 0 { model.ranking.inferredOccupations.weight = 0.5 }
            // the title-start part (sample seekers all give a desired title)
            if limit == 32 { model.ranking.titleStartWeight = 0.6 }
            if dense {
                // the dense stage as `jobmatch batch` runs it: one block of cosines, one row per seeker
                model.dense = MatchEngine(postings: postings, model: model).index.latentProjection(rank: 16, oversample: 4, powerIterations: 1, seed: 4)
                model.ranking.denseWeight = 0.3
                model.ranking.denseCandidates = 25
            }
            let engine = MatchEngine(postings: postings, model: model)
            var cosines = DenseMatrix(rows: 0, cols: 0)
            #expect(engine.denseCosineBlock(seekers.map(engine.query(for:)), into: &cosines) == dense)
            var scratch = RankingScratch(documentCount: engine.postings.count)
            // the long lists split by province (all lists, and only the longer ones)
            let partitions: [ClassPartition?] = [nil, engine.regionPartition(minimumLength: 1), engine.regionPartition(minimumLength: 60)]
            for k in [5, 40] {
                for (n, partition) in partitions.enumerated() {
                    let batch = engine.recommend(batch: seekers, queries: seekers.map(engine.query(for:)), top: k, asOf: asOf, explain: true, scratch: &scratch,
                                                 partition: partition, denseCosines: { dense ? DenseCosines(block: cosines, row: $0) : nil })
                    #expect(batch.count == seekers.count)
                    for (s, got) in zip(seekers, batch) {
                        let alone = engine.recommend(s, top: k, asOf: asOf, explain: true)
                        #expect(got == alone, "limit \(String(describing: limit)) dense \(dense) top \(k) partition \(n) seeker \(s.id)")
                        #expect(got.map(\.score.bitPattern) == alone.map(\.score.bitPattern))
                    }
                }
            }
        }
    }

    @Test("the ranking loop visits only the accepted provinces' open postings and misses none (why-not's full scan agrees)")
    func provinceListsMissNothing() throws {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 13, postings: 320, seekers: 1))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records + Fixtures.postings(Fixtures.postingLines).records
        var rng = SeededRandom(seed: 5)
        let regions = ["서울", "경기", "경기 성남시", "부산 해운대구", "서울 송파구", "인천", "경기 이천시", "울산"]
        for (policy, diversity) in [(UnstatedPolicy.include, true), (.exclude, true), (.include, false)] {
            var model = Fixtures.model(unstated: policy)
            model.ranking.policy.unstatedDistrict = policy
            // without the diversity pass the ranked pool is the list itself: a posting the
            // loop's bound passes over wrongly is then missing from it
            if !diversity { model.ranking.diversity = .init(collapseNearDuplicates: false, maxPerCompany: 1_000) }
            // occupations inferred for seekers who name none (the loop's bound then uses the
            // inferred part of each posting's code)
            model.ranking.inferredOccupations.weight = policy == .include ? 0.5 : 0
            // the title-start part: the bound adds it only to postings whose title starts with
            // the seeker's first letter (at weight 10 it outweighs every word match, so a posting
            // the bound passed over wrongly would be the top of the full scan)
            model.ranking.titleStartWeight = diversity ? 0.6 : 10
            let engine = MatchEngine(postings: postings, model: model)
            var titled = 0
            for i in 0..<12 {
                var s = Seeker(id: "V\(i)")
                s.desiredTitle = ["지게차", "요양보호사", "사무 보조", "경비"][i % 4]
                s.desiredOccupations = i % 2 == 0 ? ["8731"] : []
                s.profile = "성실하게 근무하겠습니다 물류 경력"
                // the last four accept every region: more postings whose titles start alike
                s.regions = i >= 8 ? [] : regions.shuffled(using: &rng).prefix(1 + i % 3).map { Region.parse($0)! }
                // experience and education parts too: the bound allows their most, the fit may add less
                s.experienceYears = i % 3 == 0 ? nil : i
                s.education = [nil, .highSchool, .university][i % 3]
                let k = 6
                let list = engine.recommend(s, top: k, asOf: asOf, explain: true)
                titled += list.filter { r in r.reasons.contains { $0.kind == .titleStart } }.count
                let shown = list.map(\.postingID)
                for p in engine.postings {
                    if case .ranked(let rank, _, _, _) = try engine.whyNot(s, postingID: p.id, top: k, asOf: asOf), rank <= k {
                        #expect(rank <= shown.count && shown[rank - 1] == p.id, "\(policy) diversity \(diversity) \(s.id): \(p.id) ranks \(rank) in the full scan; the list is \(shown)")
                    }
                }
            }
            #expect(titled >= 4, "\(policy) diversity \(diversity): the title part is in some shown results (\(titled))")
        }
    }

    @Test("unigrams count in short queries only (unigramQueryTermLimit); weight-0 terms are left out of the query")
    func unigramsOnlyInShortQueries() throws {
        var model = Fixtures.model()
        model.analyzer = AnalyzerConfiguration(ngramSizes: [2], outputUnigrams: true)
        model.ranking.unigramQueryWeight = 0.2
        model.ranking.unigramQueryTermLimit = 6
        let engine = MatchEngine(postings: Fixtures.postings(Fixtures.postingLines).records, model: model)
        let isUnigram = { (t: UInt32) in engine.index.vocabulary.terms[Int(t)].count == 1 }
        var short = Seeker(id: "S1")
        short.desiredTitle = "지게차 기사"  // 4 bigrams: unigrams kept
        let qs = engine.query(for: short)
        #expect(qs.terms.contains { isUnigram($0.term) })
        var long = short
        long.profile = "물류센터에서 지게차 운전 경력 삼년"  // many more bigrams: unigrams left out
        let ql = engine.query(for: long)
        #expect(!ql.terms.contains { isUnigram($0.term) })
        #expect(ql.terms.count > 6)
        // the same long query without a limit keeps them; with weight 0 they are never in the query
        model.ranking.unigramQueryTermLimit = nil
        let open = MatchEngine(postings: engine.postings, model: model, index: engine.index, sorted: true)
        #expect(open.query(for: long).terms.contains { isUnigram($0.term) })
        model.ranking.unigramQueryWeight = 0
        let zero = MatchEngine(postings: engine.postings, model: model, index: engine.index, sorted: true)
        #expect(!zero.query(for: short).terms.contains { isUnigram($0.term) })
        // a left-out unigram changes nothing but speed: the scores equal those of weight 0
        #expect(zero.recommend(long, top: 10, asOf: asOf).map(\.score) == engine.recommend(long, top: 10, asOf: asOf).map(\.score))
        // the model file: read, checked
        var settings = model.ranking
        settings.unigramQueryTermLimit = -1
        #expect(throws: (any Error).self) { try settings.validate() }
    }

    @Test("the ranking loop's fast check equals the listed vetoes (seeded random seekers over sample postings)")
    func fastCheckEqualsVetoes() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 3, postings: 600, seekers: 5))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "sample").records + Fixtures.postings(Fixtures.postingLines).records
        for policy in [UnstatedPolicy.include, .exclude] {
            var model = Fixtures.model(unstated: policy)
            model.ranking.policy.unstatedDistrict = policy
            let engine = MatchEngine(postings: postings, model: model)
            var rng = SeededRandom(seed: 77)
            let regions = ["서울", "경기", "경기 성남시", "부산 해운대구", "서울 송파구", "제주", "경기 이천시"]
            let types = ["정규직", "계약직", "시간제", "인턴"]
            for i in 0..<60 {
                var s = Seeker(id: "R\(i)")
                s.desiredTitle = "지게차"
                s.regions = regions.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)).map { Region.parse($0)! }
                s.employmentTypes = types.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)).compactMap { EmploymentType.parseList($0).types.first }
                s.salaryFloor = Bool.random(using: &rng) ? Int.random(in: 2000...5000, using: &rng) : nil
                let day = Day(year: 2026, month: Int.random(in: 1...12, using: &rng), day: 1)!
                for d in 0..<engine.postings.count {
                    #expect(engine.passesConstraints(s, doc: d, asOf: day) == engine.vetoes(seeker: s, doc: d, asOf: day).isEmpty,
                            "\(s.id) × \(engine.postings[d].id)")
                }
            }
        }
    }
}

@Suite("Scores, reasons and determinism")
struct RankingTests {
    @Test("a seeker's query equals the plain definition: string-keyed term frequencies, idf summed in String order")
    func queryEqualsPlainDefinition() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 21, postings: 400, seekers: 60))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records
        var seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records
        // mixed scripts, repeats, full-width forms, a decomposed syllable and an empty profile
        seekers[0].profile = "Excel 엑셀 ＥＸＣＥＬ 지게차 지게차 지게차 운전 \u{1100}\u{1161}나다 C++ 3년"
        seekers[1].profile = nil
        seekers[1].skills = []
        // terms longer than the 16 bytes the sort key holds, two of them alike in those 16
        seekers[2].profile = "internationalization internationalizations 국제화 internationalization"
        for limit in [nil, 0, 32] as [Int?] {
            var model = Fixtures.model()
            model.analyzer = AnalyzerConfiguration(ngramSizes: [2, 3], outputUnigrams: true)
            model.ranking.unigramQueryWeight = 0.3
            model.ranking.unigramQueryTermLimit = limit
            let engine = MatchEngine(postings: postings, model: model)
            let w = model.ranking.seekerFieldWeights
            for s in seekers {
                let fields: [(Double, [String])] = [
                    (w.desiredTitle, engine.analyzer.terms(s.desiredTitle ?? "")),
                    (w.skills, s.skills.flatMap { engine.analyzer.terms($0) }),
                    (w.certificates, s.certificates.flatMap { engine.analyzer.terms($0) }),
                    (w.profile, engine.analyzer.terms(s.profile ?? "")),
                ]
                let isUnigram = { (t: String) in t.unicodeScalars.count == 1 && TextNormalizer.classify(t.unicodeScalars.first!) == .hangul }
                var uni = model.ranking.unigramQueryWeight
                if let limit, Set(fields.filter { $0.0 > 0 }.flatMap { $0.1.filter { !isUnigram($0) } }).count > limit { uni = 0 }
                var weights: [String: Double] = [:]
                for (fw, terms) in fields where fw > 0 {
                    var tf: [String: Int] = [:]
                    for t in terms { tf[t, default: 0] += 1 }
                    for (t, n) in tf { weights[t, default: 0] += fw * (uni != 1 && isUnigram(t) ? uni : 1) * model.ranking.queryTermFrequency.weight(n) }
                }
                var z = 0.0
                var expected: [WeightedTerm] = []
                for (t, q) in weights.sorted(by: { $0.key < $1.key }) {
                    let id = engine.index.vocabulary.id(of: t)
                    z += q * engine.index.documentIDF(id)
                    if let id, Float(q) > 0 { expected.append(WeightedTerm(term: id, weight: Float(q))) }
                }
                expected.sort { $0.term < $1.term }
                let got = engine.query(for: s)
                #expect(got.terms.map(\.term) == expected.map(\.term), "seeker \(s.id)")
                #expect(got.terms.map(\.weight.bitPattern) == expected.map(\.weight.bitPattern), "seeker \(s.id)")
                #expect(got.normalizer.bitPattern == (z > 0 ? 1 / z : 0).bitPattern, "seeker \(s.id)")
            }
        }
    }

    @Test("query terms' sort keys order as their UTF-8 bytes: short, long, alike in 16 bytes, with zero bytes")
    func termKeysOrderAsBytes() {
        var rng = SeededRandom(seed: 77)
        let pieces = ["a", "b", "z", "\u{0}", "가", "각", "힣", "中", "é", "internationaliza", "x"]
        var terms: [String] = ["", "internationalization", "internationalizations", "internationalizatio\u{0}", "가나다", "가나", "가나다라마바"]
        for _ in 0..<300 {
            let n = Int.random(in: 1...6, using: &rng)
            terms.append((0..<n).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined())
        }
        let keys = terms.indices.map { TermKey(terms[$0], at: $0) }
        for i in keys.indices {
            for j in keys.indices {
                let expected = UTF8Order.compare(terms[i], terms[j]).signum()
                #expect(keys[i].compare(keys[j], terms).signum() == expected, "\(terms[i].debugDescription) vs \(terms[j].debugDescription)")
            }
        }
    }

    @Test("reasons name the posting's words and the structured fit")
    func readableReasons() {
        let (engine, seekers) = fixtureEngine()
        let top = engine.recommend(seekers[0], top: 3, asOf: asOf, explain: true)
        #expect(top.first?.postingID == "P01")
        let labels = top.first!.reasons.map(\.label)
        #expect(labels.contains { $0.contains("'지게차") }, "\(labels)")
        #expect(labels.contains { $0.hasPrefix("희망직종 일치 (8731 지게차 운전원)") }, "\(labels)")
        #expect(labels.contains { $0.hasPrefix("경력 조건 충족 (경력 2년, 요구 1~5년)") }, "\(labels)")
        #expect(labels.contains { $0.hasPrefix("학력 조건 충족 (고졸 이상)") }, "\(labels)")
        // 물류센터 is shown as the posting wrote it, not as bigrams
        #expect(labels.contains { $0 == "일치 단어 '물류센터'" } || labels.contains { $0.contains("물류") }, "\(labels)")
    }

    @Test("reasons add up to the score (sample data, every seeker); the employer direction agrees")
    func reasonsSumToScore() throws {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 9, postings: 800, seekers: 60))
        var model = Fixtures.model()
        model.ranking.titleStartWeight = 0.6
        let engine = MatchEngine(postings: JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records, model: model)
        let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records
        var checked = 0
        var titled = 0
        for s in seekers {
            for r in engine.recommend(s, top: 10, asOf: asOf, explain: true) {
                let sum = r.reasons.map(\.contribution).reduce(0, +)
                #expect(abs(sum - r.score) <= 1e-4, "\(s.id) × \(r.postingID): reasons \(sum) vs score \(r.score)")
                #expect(abs(r.textScore + r.fitScore - r.score) <= 1e-4)
                // the two-decimal figures shown to people add up to the two-decimal total
                let shown = Reason.displayed(r.reasons, total: r.score).map { Int($0.dropFirst().replacingOccurrences(of: ".", with: ""))! }
                #expect(shown.reduce(0, +) == Int((r.score * 100).rounded()), "\(s.id) × \(r.postingID)")
                checked += 1
                if r.reasons.contains(where: { $0.kind == .titleStart }) { titled += 1 }
            }
            // the employer direction scores the seeker's best posting as recommend does (title part included)
            if let first = engine.recommend(s, top: 1, asOf: asOf).first {
                let found = try #require(try engine.candidates(for: first.postingID, seekers: [s], top: 1, asOf: asOf, explain: false).first)
                #expect(Float(found.score) == Float(first.score) && found.fitScore == first.fitScore, "\(s.id) × \(first.postingID)")
            }
        }
        #expect(checked > 100)
        #expect(titled > 10, "the title-start part is among the reasons")
    }

    @Test("the title start: normalised title keys, the part's value, its reason, and what it changes in the ranking")
    func titleStart() throws {
        // keys: bracketed parts, spaces and punctuation out; NFKC and case folded; letters and digits kept
        #expect(MatchEngine.titleKey("[급구] 음향기기 조립반장(경력)") == Array("음향기기조립반장".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("게임피디(PD)") == Array("게임피디".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("【서울】 ＡＩ 엔지니어 2명") == Array("ai엔지니어2명".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("(주) ((중첩)) 끝") == Array("끝".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("닫힘) 괄호만") == Array("닫힘괄호만".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("··· - !").isEmpty)
        #expect(MatchEngine.titleKey("「급구」 <신입> 『경력』 〖정규직〗 용접공") == Array("용접공".unicodeScalars.map(\.value)))
        // a bracket never closed keeps what follows it
        #expect(MatchEngine.titleKey("[급구 용접공") == Array("급구용접공".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("용접공 (주간") == Array("용접공주간".unicodeScalars.map(\.value)))
        #expect(MatchEngine.titleKey("용접공 (주간 (2교대)") == Array("용접공주간2교대".unicodeScalars.map(\.value)))

        let lines = [
            #"{"id":"A","title":"음향기기조립현장감독자","description":"조립 작업을 감독한다","region":"서울","deadline":"2099-01-01"}"#,
            #"{"id":"B","title":"음향기기조립원","description":"음향기기를 조립한다","region":"서울","deadline":"2099-01-01"}"#,
            #"{"id":"C","title":"[급구] 조립반장 (음향기기)","description":"음향기기 조립반장을 구한다","region":"서울","deadline":"2099-01-01"}"#,
            #"{"id":"D","title":"가구조립원","description":"가구를 조립한다","region":"서울","deadline":"2099-01-01"}"#,
            #"{"id":"E","title":"조립원 (음향기기)","description":"음향기기를 조립한다","region":"서울","deadline":"2099-01-01"}"#,
        ]
        let postings = Fixtures.postings(lines)
        #expect(postings.errors.isEmpty && postings.records.count == 5)
        var seeker = Seeker(id: "S")
        seeker.desiredTitle = "음향기기 조립반장"
        var model = Fixtures.model()
        let plain = MatchEngine(postings: postings.records, model: model)
        model.ranking.titleStartWeight = 0.8
        let engine = MatchEngine(postings: postings.records, model: model)
        let before = plain.recommend(seeker, top: 5, asOf: asOf, explain: true)
        let after = engine.recommend(seeker, top: 5, asOf: asOf, explain: true)
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.postingID, $0) })
        let beforeByID = Dictionary(uniqueKeysWithValues: before.map { ($0.postingID, $0) })
        // A shares 6 letters (음향기기조립) of the longer key, its own 11; B 6 of 8 (the seeker's);
        // C's key starts with 조립반장, D's with 가구, E's with 조립원: no part
        func part(_ id: String) -> Double { byID[id]!.score - beforeByID[id]!.score }
        #expect(abs(part("A") - 0.8 * 6 / 11) < 1e-5, "\(part("A"))")
        #expect(abs(part("B") - 0.8 * 6 / 8) < 1e-5, "\(part("B"))")
        #expect(part("C") == 0 && part("D") == 0 && part("E") == 0)
        #expect(abs(byID["B"]!.fitScore - 0.8 * 6 / 8) < 1e-5 && abs(byID["B"]!.textScore - beforeByID["B"]!.textScore) < 1e-6)
        let reason = try #require(byID["B"]!.reasons.first { $0.kind == .titleStart })
        #expect(reason.label == "희망 직무명과 공고 제목의 앞부분 일치 '음향기기조립'" && reason.words == "음향기기조립")
        #expect(abs(reason.contribution - 0.8 * 6 / 8) < 1e-6)
        #expect(!byID["C"]!.reasons.contains { $0.kind == .titleStart })
        #expect(!before.flatMap(\.reasons).contains { $0.kind == .titleStart })
        // the part moves A (the 현장감독자 of the seeker's trade) above E, whose words match
        // better but whose title starts elsewhere
        let rank = { (list: [Recommendation], id: String) in list.firstIndex { $0.postingID == id }! }
        #expect(rank(before, "E") < rank(before, "A"))
        #expect(rank(after, "A") < rank(after, "E"))
        // short lists without the diversity pool: the loop's bound passes over postings, never
        // one of the best (the full list's head)
        var lean = model
        lean.ranking.diversity = .init(collapseNearDuplicates: false, maxPerCompany: 1_000)
        let leanEngine = MatchEngine(postings: postings.records, model: lean)
        for k in 1...3 {
            #expect(leanEngine.recommend(seeker, top: k, asOf: asOf).map(\.postingID) == after.prefix(k).map(\.postingID), "top \(k)")
        }
        // the employer direction scores the seeker as recommend does, title part included
        let found = try #require(try engine.candidates(for: "A", seekers: [seeker], top: 1, asOf: asOf, explain: true).first)
        #expect(Float(found.score) == Float(byID["A"]!.score) && found.fitScore == byID["A"]!.fitScore)
        #expect(found.reasons.contains { $0.kind == .titleStart })
        // a seeker without a desired title gets no part; the same postings and scores as the plain model
        var profileOnly = Seeker(id: "P")
        profileOnly.profile = "음향기기 조립반장 경력"
        #expect(engine.recommend(profileOnly, top: 5, asOf: asOf, explain: true) == plain.recommend(profileOnly, top: 5, asOf: asOf, explain: true))
    }

    @Test("same inputs give the same bytes, whatever the input order")
    func determinism() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 4, postings: 500, seekers: 30))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records
        var rng = SeededRandom(seed: 1)
        let a = MatchEngine(postings: postings, model: Fixtures.model())
        let b = MatchEngine(postings: postings.shuffled(using: &rng), model: Fixtures.model())
        for s in JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records {
            let ra = a.recommend(s, top: 20, asOf: asOf, explain: true)
            let rb = b.recommend(s, top: 20, asOf: asOf, explain: true)
            #expect(ra == rb)
            // ties are broken by posting id
            for (x, y) in zip(ra, ra.dropFirst()) where x.score == y.score { #expect(x.postingID < y.postingID) }
        }
    }

    @Test("structured fit alone can recommend (desired occupation, no words)")
    func occupationOnly() {
        let (engine, _) = fixtureEngine()
        var s = Seeker(id: "X")
        s.desiredOccupations = ["8731"]
        s.regions = [Region(sido: "경기")]
        let recs = engine.recommend(s, top: 10, asOf: asOf, explain: true)
        #expect(recs.map(\.postingID) == ["P01", "P07"])
        #expect(recs[0].reasons.map(\.kind) == [.occupationExact])
    }

    @Test("search finds open postings by words; closed ones only on request")
    func search() {
        let (engine, _) = fixtureEngine()
        let ids = engine.search("지게차", top: 20, includeClosed: false, asOf: asOf).map(\.postingID)
        #expect(Set(ids) == ["P01", "P02", "P07", "P08"])
        let all = engine.search("지게차", top: 20, includeClosed: true, asOf: asOf).map(\.postingID)
        #expect(Set(all) == ["P01", "P02", "P05", "P06", "P07", "P08"])
        #expect(engine.search("java 백엔드", top: 5, includeClosed: false, asOf: asOf).first?.postingID == "P04")
    }

    @Test("canary personal data never reaches the vocabulary, the index files or any output")
    func piiCanaries() throws {
        let lines = [
            #"{"id":"C1","title":"지게차 기사 010-4826-7391","description":"담당자 kim.canary@mailhost.example / 주민 770412-1859263 / (031) 492-8163","skills":["지게차 010 4826 7391"]}"#,
        ]
        let report = Fixtures.postings(lines)
        let engine = MatchEngine(postings: report.records, model: Fixtures.model())
        var seeker = Seeker(id: "S")
        seeker.desiredTitle = "지게차 4826 7391 canary"
        let canaries = ["4826", "7391", "1859263", "770412", "492", "8163", "canary@", "mailhost"]
        let vocabulary = engine.index.vocabulary.terms.joined(separator: " ")
        let recs = engine.recommend(seeker, top: 5, asOf: asOf, explain: true)
        let outputs = recs.flatMap(\.reasons).map(\.text).joined() + engine.postings.map(\.jsonLine).joined()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-canary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try IndexDirectory.write(engine, to: dir)
        // `jobmatch index` builds without the engine and sets the records aside in a scratch
        // file: the same files, byte for byte, and no scratch file left behind
        let built = dir + "-built"
        defer { try? FileManager.default.removeItem(atPath: built) }
        let summary = try IndexDirectory.build(report.records, model: Fixtures.model(), to: built)
        #expect(summary.postings == 1 && summary.open == 1 && summary.vocabulary == engine.index.vocabulary.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: built).sorted() == names(dir))
        for f in try names(dir) where f != ".lock" {
            #expect(FileManager.default.contents(atPath: built + "/" + f) == FileManager.default.contents(atPath: dir + "/" + f), "\(f)")
        }
        var files = ""
        let listed = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(listed.filter { !$0.hasPrefix(".") }.count == 2, "segment and index.json (and the lock file): \(listed)")
        for f in listed { files += String(decoding: FileManager.default.contents(atPath: dir + "/" + f)!, as: UTF8.self) }
        for c in canaries {
            #expect(!vocabulary.contains(c), "\(c) in vocabulary")
            #expect(!outputs.contains(c), "\(c) in outputs")
            #expect(!files.contains(c), "\(c) in index files")
        }
        #expect(report.redactions == 5)
    }

    private func names(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }
}

@Suite("Employer direction")
struct CandidateTests {
    @Test("seekers for a posting: same scores as recommend, the seekers' own vetoes applied")
    func candidatesForAPosting() throws {
        let (engine, seekers) = fixtureEngine()
        let found = try engine.candidates(for: "P01", seekers: seekers, top: 10, asOf: asOf, explain: true)
        #expect(found.map(\.seekerID) == ["S01"], "S02 wants 서울, S03 서울 송파구 or 부산: P01 is in 경기")
        let fromRecommend = try #require(engine.recommend(seekers[0], top: 10, asOf: asOf, explain: true).first { $0.postingID == "P01" })
        #expect(abs(found[0].score - fromRecommend.score) <= 1e-5)
        #expect(abs(found[0].reasons.map(\.contribution).reduce(0, +) - found[0].score) <= 1e-4)
        let p02 = try engine.candidates(for: "P02", seekers: seekers, top: 10, asOf: asOf, explain: false)
        #expect(p02.map(\.seekerID) == ["S03"], "S01's salary floor 3000 > P02's max 2800 and 경기 only")
        #expect(throws: JobMatchError.self) { try engine.candidates(for: "P05", seekers: seekers, top: 10, asOf: asOf, explain: false) }
        #expect(throws: JobMatchError.self) { try engine.candidates(for: "NOPE", seekers: seekers, top: 10, asOf: asOf, explain: false) }
    }
}

@Suite("Marketplace hygiene in a result list")
struct DiversityTests {
    func engine(_ lines: [String], _ diversity: RankingSettings.Diversity = .init()) -> MatchEngine {
        var model = Fixtures.model()
        model.ranking.diversity = diversity
        let report = Fixtures.postings(lines)
        #expect(report.errors.isEmpty, "\(report.errors)")
        return MatchEngine(postings: report.records, model: model)
    }

    let text = "물류센터 지게차 상하차 및 적재, 재고 정리. 지게차운전기능사 소지자 우대, 주간 근무"

    @Test("a re-posted job of the same company is one result with 외 N건; another company's copy stays")
    func nearDuplicatesCollapse() throws {
        let e = engine([
            #"{"id":"A1","title":"지게차 운전원 모집","company":"(주)한빛물류","description":"\#(text)"}"#,
            #"{"id":"A2","title":"지게차 운전원 모집 (재공고)","company":"한빛물류 주식회사","description":"\#(text)"}"#,
            #"{"id":"A3","title":"지게차 운전원 모집","company":"한빛물류","description":"\#(text) 급구"}"#,
            #"{"id":"B1","title":"지게차 운전원 모집","company":"대성로지스","description":"\#(text)"}"#,
            #"{"id":"A4","title":"사무 보조원","company":"한빛물류","description":"서류 정리와 전화 응대, 지게차 관련 서류"}"#,
        ])
        var s = Seeker(id: "S")
        s.desiredTitle = "지게차 운전원"
        let recs = e.recommend(s, top: 10, asOf: asOf, explain: true)
        #expect(recs.map(\.postingID).contains("B1"))
        let a = try #require(recs.first { $0.postingID.hasPrefix("A") && $0.postingID != "A4" })
        #expect(a.duplicates.count == 2)
        #expect(Set([a.postingID] + a.duplicates) == ["A1", "A2", "A3"])
        #expect(recs.map(\.postingID).contains("A4"), "different text of the same company is not a duplicate")
        let folded = a.duplicates[0]
        #expect(try e.whyNot(s, postingID: folded, top: 10, asOf: asOf) == .duplicateOf(postingID: a.postingID, rank: a.rank))
        for r in recs { #expect(abs(r.reasons.map(\.contribution).reduce(0, +) - r.score) <= 1e-4) }
        // switched off: every posting is its own result
        let plain = engine([
            #"{"id":"A1","title":"지게차 운전원 모집","company":"(주)한빛물류","description":"\#(text)"}"#,
            #"{"id":"A2","title":"지게차 운전원 모집 (재공고)","company":"한빛물류 주식회사","description":"\#(text)"}"#,
        ], .init(collapseNearDuplicates: false, maxPerCompany: 10))
        #expect(plain.recommend(s, top: 10, asOf: asOf).count == 2)
    }

    @Test("one scratch from seeker to seeker: the same lists as a fresh one, its company counts all zeros after each")
    func reusedScratch() {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 5, postings: 800, seekers: 60))
        var model = Fixtures.model()
        model.ranking.diversity = .init(collapseNearDuplicates: true, duplicateSimilarity: 0.5, maxPerCompany: 1)
        let engine = MatchEngine(postings: JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records, model: model)
        var scratch = RankingScratch(documentCount: engine.postings.count)
        var shown = 0
        for s in JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records {
            let recs = engine.recommend(s, top: 8, asOf: asOf, explain: false, scratch: &scratch)
            #expect(recs == engine.recommend(s, top: 8, asOf: asOf), "\(s.id)")
            #expect(!scratch.perCompany.isEmpty && scratch.perCompany.allSatisfy { $0 == 0 }, "\(s.id)")
            shown += recs.count
        }
        #expect(shown > 100)
    }

    @Test("at most maxPerCompany postings of one company; the next best company fills the list")
    func companyCap() throws {
        let jobs = ["지게차 운전원", "지게차 기사 주간", "지게차 상하차 기사", "야간 지게차 운전", "지게차 정비 보조"]
        var lines = jobs.enumerated().map { i, t in #"{"id":"C\#(i)","title":"\#(t)","company":"큰물류","description":"업무 \#(i): \#(t)"}"# }
        lines.append(#"{"id":"D1","title":"지게차","company":"작은물류","description":"창고"}"#)
        let e = engine(lines, .init(collapseNearDuplicates: true, duplicateSimilarity: 0.8, maxPerCompany: 3))
        var s = Seeker(id: "S")
        s.desiredTitle = "지게차 운전 기사"
        let recs = e.recommend(s, top: 4, asOf: asOf)
        #expect(recs.filter { $0.postingID.hasPrefix("C") }.count == 3)
        #expect(recs.map(\.postingID).contains("D1"))
        let left = try #require(Set(lines.indices.dropLast().map { "C\($0)" }).subtracting(recs.map(\.postingID)).sorted().first)
        #expect(try e.whyNot(s, postingID: left, top: 4, asOf: asOf) == .companyCap(limit: 3))
    }
}

@Suite("Hybrid score with the dense (LSA) stage")
struct DenseStageTests {
    @Test("dense part: a reason line, reasons still add up, why-not agrees, same bytes twice")
    func hybrid() throws {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 12, postings: 600, seekers: 30))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records
        var model = Fixtures.model()
        let plain = MatchEngine(postings: postings, model: model)
        model.dense = plain.index.latentProjection(rank: 16, oversample: 4, powerIterations: 1, seed: 2)
        model.ranking.denseWeight = 0.3
        model.ranking.denseCandidates = 20
        let engine = MatchEngine(postings: postings, model: model)
        let twin = MatchEngine(postings: postings, model: model)
        var sawContent = false
        for s in JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records {
            let recs = engine.recommend(s, top: 10, asOf: asOf, explain: true)
            #expect(recs == twin.recommend(s, top: 10, asOf: asOf, explain: true))
            for r in recs {
                #expect(abs(r.reasons.map(\.contribution).reduce(0, +) - r.score) <= 1e-4, "\(s.id) × \(r.postingID)")
                #expect(abs(r.textScore + r.fitScore + r.contentScore - r.score) <= 1e-4)
                if r.contentScore > 0 {
                    sawContent = true
                    #expect(r.reasons.contains { $0.kind == .contentSimilarity })
                }
            }
            if let first = recs.first {
                guard case .ranked(let rank, _, _, _) = try engine.whyNot(s, postingID: first.postingID, top: 10, asOf: asOf) else {
                    Issue.record("why-not disagrees with recommend for \(s.id)")
                    continue
                }
                #expect(rank == 1)
            }
        }
        #expect(sawContent)
    }
}

extension DenseStageTests {
    @Test("BLAS cosines only select: block rows, sgemv and cosines moved anywhere within the error bound give the same lists")
    func blasSelectsScalarScores() throws {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 21, postings: 700, seekers: 40))
        let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records
        let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records
        var model = Fixtures.model()
        model.dense = MatchEngine(postings: postings, model: model).index.latentProjection(rank: 24, oversample: 4, powerIterations: 1, seed: 5)
        model.ranking.denseWeight = 0.5
        model.ranking.denseCandidates = 30
        let engine = MatchEngine(postings: postings, model: model)
        #expect(engine.hasDenseStage)
        let bound = engine.denseCosineError
        var block = DenseMatrix(rows: 0, cols: 0)
        #expect(engine.denseCosineBlock(seekers.map(engine.query(for:)), into: &block))
        #expect(block.rows == seekers.count && block.cols == engine.postings.count)
        var rng = SeededRandom(seed: 99)
        var scratch = RankingScratch(documentCount: engine.postings.count)
        var changedByLargeNoise = 0
        for (i, s) in seekers.enumerated() {
            let reference = engine.recommend(s, top: 12, asOf: asOf, explain: false, scratch: &scratch)
            // a row of the whole block, and of a block of one
            #expect(engine.recommend(s, top: 12, asOf: asOf, explain: false, scratch: &scratch, query: engine.query(for: s),
                                     denseCosines: DenseCosines(block: block, row: i)) == reference, "\(s.id): block row")
            var single = DenseMatrix(rows: 0, cols: 0)
            engine.denseCosineBlock([engine.query(for: s)], into: &single)
            #expect(engine.recommend(s, top: 12, asOf: asOf, explain: false, scratch: &scratch,
                                     denseCosines: DenseCosines(block: single, row: 0)) == reference, "\(s.id): block of one")
            // any rounding within the bound: the same list, the same scores
            let row = Array(block.storage[(i * block.cols)..<((i + 1) * block.cols)])
            for _ in 0..<3 {
                let noisy = row.map { $0 + Float.random(in: -bound...bound, using: &rng) * 0.95 }
                #expect(engine.recommend(s, top: 12, asOf: asOf, explain: false, scratch: &scratch,
                                         denseCosines: DenseCosines(vector: noisy)) == reference, "\(s.id): noise within the bound")
            }
            // cosines that are simply wrong change the lists: the comparison above can fail
            let wrong = row.map { _ in Float.random(in: -1...1, using: &rng) }
            if engine.recommend(s, top: 12, asOf: asOf, explain: false, scratch: &scratch, denseCosines: DenseCosines(vector: wrong)) != reference {
                changedByLargeNoise += 1
            }
            // every shown posting is where the all-scalar why-not ranking puts it
            for r in reference.prefix(4) {
                guard case .ranked(let rank, let score, _, _) = try engine.whyNot(s, postingID: r.postingID, top: 12, asOf: asOf) else {
                    Issue.record("\(s.id) × \(r.postingID): why-not does not rank it")
                    continue
                }
                #expect(rank == r.rank && Float(score) == Float(r.score), "\(s.id) × \(r.postingID)")
            }
        }
        #expect(changedByLargeNoise > 0)
    }
}

@Suite("Diversity beyond the first pool")
struct DiversityPoolTests {
    @Test("a capped company beyond the first pool: the list is still filled, duplicates below the pool still counted")
    func poolRetryAndLateDuplicates() throws {
        var lines: [String] = []
        // 60 distinct postings of one big company score highest
        for i in 0..<60 { lines.append(#"{"id":"A\#(String(format: "%02d", i))","title":"지게차 지게차 지게차 운전 \#(i)","company":"큰물류","description":"지게차 업무 번호\#(i) 고유\#(i * 7)"}"#) }
        // other companies, weaker
        lines.append(#"{"id":"B1","title":"지게차 운전","company":"작은물류","description":"창고 업무"}"#)
        lines.append(#"{"id":"C1","title":"지게차","company":"중간물류","description":"야간 상하차"}"#)
        // a near-duplicate of B1 that scores lowest of all
        lines.append(#"{"id":"B9","title":"지게차 운전","company":"작은물류","description":"창고 업무 ."}"#)
        var model = Fixtures.model()
        model.ranking.diversity = .init(collapseNearDuplicates: true, duplicateSimilarity: 0.8, maxPerCompany: 1)
        let engine = MatchEngine(postings: Fixtures.postings(lines).records, model: model)
        var s = Seeker(id: "S")
        s.desiredTitle = "지게차 운전"
        let recs = engine.recommend(s, top: 3, asOf: asOf)
        #expect(recs.count == 3)
        #expect(Set(recs.map(\.postingID).dropFirst()) == ["B1", "C1"])
        let b1 = try #require(recs.first { $0.postingID == "B1" })
        #expect(b1.duplicates == ["B9"])
        #expect(try engine.whyNot(s, postingID: "B9", top: 3, asOf: asOf) == .duplicateOf(postingID: "B1", rank: b1.rank))
        // the same duplicates whatever the list length
        #expect(engine.recommend(s, top: 2, asOf: asOf).first { $0.postingID == "B1" }.map(\.duplicates) ?? ["B9"] == ["B9"])
    }
}

@Suite("Models and index directories")
struct ModelTests {
    func copyModel() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-model-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Models/default", toPath: dir)
        return dir
    }

    @Test func defaultModelLoadsAndIsDocumented() throws {
        let m = try Fixtures.defaultModel()
        #expect(m.name == "default")
        #expect(m.occupations.name("8731") != nil)
        #expect(m.analyzer.ngramSizes.contains(2))
        #expect(FileManager.default.fileExists(atPath: Fixtures.repositoryRoot + "/Models/README.md"))
    }

    @Test("a file whose checksum differs is refused, naming the file")
    func tamperedModelRefused() throws {
        let dir = try copyModel()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ranking.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"k1\": 1.2", with: "\"k1\": 1.9")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Model.load(directory: dir)
            Issue.record("tampered model accepted")
        } catch {
            #expect(error.message.contains("ranking.json"))
            #expect(error.message.contains("checksum mismatch"))
        }
        try FileManager.default.removeItem(atPath: dir + "/manifest.json")
        #expect(throws: JobMatchError.self) { try Model.load(directory: dir) }
    }

    @Test("index directory round trip, damage and model mismatch")
    func indexDirectory() throws {
        let (engine, seekers) = fixtureEngine()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try IndexDirectory.write(engine, to: dir)
        let loaded = try IndexDirectory.load(dir, model: Fixtures.model())
        #expect(loaded.index == engine.index)
        for s in seekers { #expect(loaded.recommend(s, top: 5, asOf: asOf, explain: true) == engine.recommend(s, top: 5, asOf: asOf, explain: true)) }
        // building without the engine (records set aside in a scratch file, postings let go as
        // analysed), from postings in another order, writes the same bytes
        let built = dir + "-built"
        defer { try? FileManager.default.removeItem(atPath: built) }
        let summary = try IndexDirectory.build(engine.postings.reversed(), model: Fixtures.model(), to: built)
        #expect(summary.postings == engine.postings.count && summary.open == engine.postings.count { $0.isOpen })
        #expect(summary.vocabulary == engine.index.vocabulary.count && summary.indexBytes == engine.index.byteCount)
        for f in ["index.json", try IndexDirectory.meta(dir).segment] {
            #expect(FileManager.default.contents(atPath: built + "/" + f) == FileManager.default.contents(atPath: dir + "/" + f), "\(f)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: built).sorted() == FileManager.default.contentsOfDirectory(atPath: dir).sorted())
        #expect(throws: JobMatchError.self) { try IndexDirectory.load(dir, model: Fixtures.model(ngramSizes: [2, 3])) }
        // a flipped byte inside the postings' records section
        let segment = dir + "/" + (try IndexDirectory.meta(dir)).segment
        var bytes = [UInt8](FileManager.default.contents(atPath: segment)!)
        bytes[bytes.count - 100] ^= 1
        #expect(FileManager.default.createFile(atPath: segment, contents: Data(bytes)))
        do {
            _ = try IndexDirectory.load(dir, model: Fixtures.model())
            Issue.record("damaged index accepted")
        } catch {
            #expect(error.message.contains("section 'records': CRC-32C mismatch"), "\(error.message)")
        }
    }

    @Test("posting records: binary round trip of every field; damage names the record and field")
    func postingRecords() throws {
        let (engine, _) = fixtureEngine()
        var postings = engine.postings
        postings[0].regionNationwide = true
        postings[0].url = "https://example.org/공고?id=1"
        postings[1].deadline = Day(year: 2027, month: 2, day: 28)
        postings[1].salaryMin = 0
        postings[1].salaryMax = 1_000_000
        let bytes = PostingRecords.encode(postings)
        #expect(try PostingRecords.decode(bytes) == postings)
        for chunkBytes in [1, 40, 1_000] {  // handed over in runs: the same bytes end to end
            var runs: [[UInt8]] = []
            PostingRecords.encode(postings, chunkBytes: chunkBytes) { runs.append($0) }
            #expect(runs.joined().elementsEqual(bytes) && runs.count > 1, "\(chunkBytes)")
        }
        #expect(PostingRecords.encode(try PostingRecords.decode(bytes)) == bytes)
        #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(Array(bytes.dropLast(3))) }
        #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(bytes + [0]) }
        // ids out of order
        #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(PostingRecords.encode(postings.reversed())) }
        // a string's bytes made invalid UTF-8: the first posting's id starts after count + flags + length
        var bad = bytes
        bad[8 + 4 + 4] = 0xFF
        do {
            _ = try PostingRecords.decode(bad)
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.record == 0 && error.field == "id", "\(error)")
        }
        // values the schema forbids are refused as the JSON reader refuses them (the engine's
        // narrow integer columns rely on it): a salary of 2^31, inverted ranges, repeated types
        for bad in [{ (p: inout Posting) in p.salaryMax = 1 << 31 }, { $0.salaryMin = 5; $0.salaryMax = 4 },
                    { $0.experienceMin = -1 }, { $0.experienceMin = 3; $0.experienceMax = 2 },
                    { $0.employmentTypes = [.contract, .regular] }, { $0.employmentTypes = [.regular, .regular] }] {
            var broken = postings
            bad(&broken[2])
            #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(PostingRecords.encode(broken)) }
        }
        // a 3-byte invalid sequence (a truncated 4-byte one) repairs to a 3-byte U+FFFD: still refused
        var truncatedSequence = postings
        truncatedSequence[0].title = "ABC"
        var raw = PostingRecords.encode(truncatedSequence)
        let at = raw.indices.first { raw[$0] == 0x41 && raw[$0 + 1] == 0x42 && raw[$0 + 2] == 0x43 }!
        raw[at] = 0xF1; raw[at + 1] = 0x80; raw[at + 2] = 0x80
        #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(raw) }
        // valid text that holds U+FFFD itself (a replacement mark in the source) is kept as it is
        var marked = postings
        marked[1].title = "\u{FFFD}배송\u{FFFD} 기사"
        marked[1].description = "\u{FFFD}"
        #expect(try PostingRecords.decode(PostingRecords.encode(marked)) == marked)
        // every truncation is refused, never a crash
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(throws: PostingRecords.Failure.self) { try PostingRecords.decode(Array(bytes.prefix(cut))) }
        }
    }

    @Test("company key: legal-form marks, width, case and punctuation do not separate companies")
    func companyKeys() {
        #expect(MatchEngine.companyKey("(주)대성정밀") == MatchEngine.companyKey("대성정밀 주식회사"))
        #expect(MatchEngine.companyKey("대성정밀 주식회사") == "대성정밀")
        #expect(MatchEngine.companyKey("ＡＢＣ Co., Ltd") == "abc")
        #expect(MatchEngine.companyKey("Hanil Corp.") == MatchEngine.companyKey("HANIL"))
        #expect(MatchEngine.companyKey("한일(유)") == "한일")
        #expect(MatchEngine.companyKey("(주)") == "")
        #expect(MatchEngine.companyKey("ｶﾀｶﾅ 상사") == MatchEngine.companyKey("カタカナ상사"))
    }

    @Test("incremental updates: after seeded upserts, closes and deletes, the index equals a fresh build")
    func incrementalEqualsFresh() throws {
        let model = Fixtures.model()
        let data = SampleGenerator.generate(SampleConfiguration(seed: 11, postings: 160, seekers: 30))
        let all = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "sample").records
        let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "sample").records
        for seed in 1...6 {
            var rng = SeededRandom(seed: UInt64(seed))
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-delta-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var live: [String: Posting] = [:]
            for p in all.prefix(100) { live[p.id] = p }
            try IndexDirectory.write(MatchEngine(postings: Array(live.values), model: model), to: dir)
            var compactions = 0
            for step in 0..<12 {
                var upserts: [Posting] = [], deletes: [String] = []
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0:  // a new posting
                        let p = all[Int.random(in: 100..<all.count, using: &rng)]
                        upserts.append(p)
                    case 1:  // a changed one (title and text)
                        guard var p = live.values.sorted(by: { $0.id < $1.id }).randomElement(using: &rng) else { continue }
                        p.title += " 변경\(step)"
                        p.description = (p.description ?? "") + " 추가 업무 \(step)"
                        upserts.append(p)
                    case 2:  // closed or reopened
                        guard var p = live.values.sorted(by: { $0.id < $1.id }).randomElement(using: &rng) else { continue }
                        p.isOpen.toggle()
                        upserts.append(p)
                    default:
                        guard let id = live.keys.sorted().randomElement(using: &rng) else { continue }
                        deletes.append(id)
                    }
                }
                // the catalog's order: upserts of one change, then its deletes
                for p in upserts { live[p.id] = p }
                for id in deletes { live.removeValue(forKey: id) }
                let deletedNow = Set(deletes)
                let summary = try IndexDirectory.update(
                    dir, model: model, upserts: upserts.filter { !deletedNow.contains($0.id) }, deletes: deletes,
                    catalog: IndexDirectory.CatalogStamp(generation: step, epoch: 1), compactRatio: seed % 2 == 0 ? 0.1 : .infinity)
                if summary.compacted { compactions += 1 }
                let loaded = try IndexDirectory.load(dir, model: model)
                let fresh = MatchEngine(postings: Array(live.values), model: model)
                #expect(loaded.postings == fresh.postings, "seed \(seed) step \(step): postings")
                #expect(loaded.index == fresh.index, "seed \(seed) step \(step): the merged index differs from a fresh build")
                for s in seekers.prefix(8) {
                    #expect(loaded.recommend(s, top: 10, asOf: asOf, explain: true) == fresh.recommend(s, top: 10, asOf: asOf, explain: true),
                            "seed \(seed) step \(step): recommendations for \(s.id)")
                }
            }
            if seed % 2 == 0 { #expect(compactions > 0, "seed \(seed): the 10% ratio never compacted") }
            let meta = try IndexDirectory.meta(dir)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
            #expect(Set(files) == Set([meta.segment, "index.json"] + (meta.delta.map { [$0] } ?? [])), "only live files remain: \(files)")
            // compaction gives the same engine
            _ = try IndexDirectory.compact(dir, model: model)
            let compacted = try IndexDirectory.load(dir, model: model)
            #expect(compacted.index == MatchEngine(postings: Array(live.values), model: model).index)
            #expect(try IndexDirectory.meta(dir).delta == nil)
        }
    }

    @Test("disk full and I/O errors while writing an update or a compaction: the previous index stays live and intact, the error says what happened")
    func diskFullAndIOErrors() throws {
        let model = Fixtures.model()
        let (engine, seekers) = fixtureEngine()
        var changed = Array(engine.postings.prefix(3))
        for i in changed.indices { changed[i].title += " 변경" }
        let deleted = [engine.postings[5].id]
        let expected = try IndexDirectory.merge(
            (engine.postings, engine.index), delta: changed, deleted: Set(deleted + changed.map(\.id)), model: model)
        func attempt(_ io: FaultyFiles, compact: Bool) throws -> (String, Result<IndexDirectory.UpdateSummary, JobMatchError>) {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-faults-\(UUID().uuidString)").path
            try IndexDirectory.write(engine, to: dir)
            let r = Result { () throws(JobMatchError) in
                try IndexDirectory.update(dir, model: model, upserts: changed, deletes: deleted, catalog: nil,
                                          compactRatio: compact ? 0 : .infinity, io: io)
            }
            return (dir, r)
        }
        for compact in [false, true] {
            // what the whole update writes when nothing fails
            let probe = FaultyFiles()
            let (probeDir, ok) = try attempt(probe, compact: compact)
            defer { try? FileManager.default.removeItem(atPath: probeDir) }
            #expect(try ok.get().compacted == compact)
            #expect(try IndexDirectory.load(probeDir, model: model).index == expected.index)
            var failures = 0
            // a disk that fills up anywhere along the way, then an I/O error at each operation
            let budgets = stride(from: 0, to: probe.bytes, by: max(1, probe.bytes / 40)).map { FaultyFiles(budget: $0) }
            let errors = (0..<probe.operations).map { FaultyFiles(failAt: $0) }
            for io in budgets + errors {
                let (dir, r) = try attempt(io, compact: compact)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                guard case .failure(let error) = r else { continue }
                failures += 1
                #expect(error.message.contains("No space left on device") || error.message.contains("Input/output error"), "\(error)")
                #expect(error.message.contains("the index was not changed"), "\(error)")
                // the previous commit is live and whole
                let live = try IndexDirectory.load(dir, model: model)
                #expect(live.index == engine.index && live.postings == engine.postings)
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".tmp") })
                // with space again, the same update succeeds
                _ = try IndexDirectory.update(dir, model: model, upserts: changed, deletes: deleted, catalog: nil,
                                              compactRatio: compact ? 0 : .infinity)
                let after = try IndexDirectory.load(dir, model: model)
                #expect(after.index == expected.index)
                #expect(after.recommend(seekers[0], top: 5, asOf: asOf) == expected.recommend(seekers[0], top: 5, asOf: asOf))
            }
            #expect(failures >= 40, "compact \(compact): \(failures) failing writes exercised")
        }
    }

    @Test("disk full and I/O errors while a full build replaces an index (records set aside in a scratch file): the previous index stays live, nothing is left behind")
    func buildDiskFullAndIOErrors() throws {
        let model = Fixtures.model()
        let (engine, _) = fixtureEngine()
        var next = engine.postings
        for i in next.indices where i % 2 == 0 { next[i].title += " 새로" }
        let expected = MatchEngine(postings: next, model: model)
        func attempt(_ io: FaultyFiles) throws -> (String, Result<IndexDirectory.BuildSummary, JobMatchError>) {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-build-faults-\(UUID().uuidString)").path
            try IndexDirectory.write(engine, to: dir)
            return (dir, Result { () throws(JobMatchError) in try IndexDirectory.build(next, model: model, to: dir, io: io) })
        }
        let probe = FaultyFiles()
        let (probeDir, ok) = try attempt(probe)
        defer { try? FileManager.default.removeItem(atPath: probeDir) }
        #expect(try ok.get().postings == next.count)
        #expect(try IndexDirectory.load(probeDir, model: model).index == expected.index)
        var failures = 0
        let budgets = stride(from: 0, to: probe.bytes, by: max(1, probe.bytes / 30)).map { FaultyFiles(budget: $0) }
        let errors = (0..<probe.operations).map { FaultyFiles(failAt: $0) }
        for io in budgets + errors {
            let (dir, r) = try attempt(io)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            guard case .failure(let error) = r else { continue }
            failures += 1
            #expect(error.message.contains("No space left on device") || error.message.contains("Input/output error"), "\(error)")
            #expect(error.message.contains("the index was not changed"), "\(error)")
            let live = try IndexDirectory.load(dir, model: model)
            #expect(live.index == engine.index && live.postings == engine.postings)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary or scratch file")
        }
        #expect(failures >= 30, "\(failures) failing writes exercised")
    }
}

@Suite("Occupations inferred from the seeker's words")
struct InferredOccupationTests {
    /// Sample postings; seekers who name no occupation (and no experience or education, so the
    /// score is text + inferred occupation only) but keep their profile, regions and types.
    func setting(weight: Double) -> (MatchEngine, [Seeker]) {
        let data = SampleGenerator.generate(SampleConfiguration(seed: 21, postings: 700, seekers: 40))
        var model = Fixtures.model()
        model.ranking.diversity = .init(collapseNearDuplicates: false, maxPerCompany: 1000)
        model.ranking.inferredOccupations = .init(weight: weight, neighbours: 10, perOccupation: 3)
        let engine = MatchEngine(postings: JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "s").records, model: model)
        let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records.map { s in
            var s = s
            s.desiredOccupations = []
            s.experienceYears = nil
            s.education = nil
            return s
        }
        return (engine, seekers)
    }

    @Test("each posting gets text + weight × best text score × its occupation's relative vote among the 10 best admitted matches")
    func plainDefinition() throws {
        let (plain, seekers) = setting(weight: 0)
        let (inferring, _) = setting(weight: 1.5)
        var reordered = 0
        for s in seekers {
            #expect(inferring.infersOccupations(s) && !plain.infersOccupations(s))
            // every candidate with its text score (no fit parts: the inference is off)
            let all = plain.recommend(s, top: plain.postings.count, asOf: asOf)
            #expect(all.allSatisfy { $0.fitScore == 0 })
            let code = { (r: Recommendation) in plain.postings[Int(r.doc)].occupation }
            let voters = Array(all.filter { code($0) != nil }.prefix(10))
            let best = Float(try #require(voters.first).score)
            var shares: [(code: String, scores: [Float])] = []
            for v in voters {
                let share = Float(v.score) / best
                if let i = shares.firstIndex(where: { $0.code == code(v) }) { shares[i].scores.append(share) } else { shares.append((code(v)!, [share])) }
            }
            let votes = shares.map { $0.scores.prefix(3).reduce(0, +) }
            let most = votes.max()!
            var bonus: [String: Float] = [:]
            for (i, sh) in shares.enumerated() { bonus[sh.code] = Float(1.5) * best * (votes[i] / most) }
            var expected = all.map { r in (score: Float(r.score) + (code(r).flatMap { bonus[$0] } ?? 0), doc: r.doc, id: r.postingID) }
            expected.sort { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
            let got = inferring.recommend(s, top: plain.postings.count, asOf: asOf)
            #expect(got.map(\.postingID) == expected.map(\.id), "\(s.id)")
            #expect(got.map { Float($0.score).bitPattern } == expected.map(\.score.bitPattern), "\(s.id)")
            if got.prefix(10).map(\.postingID) != all.prefix(10).map(\.postingID) { reordered += 1 }
        }
        #expect(reordered >= 10, "the inference changes the top 10 of many seekers (\(reordered) of \(seekers.count))")
    }

    @Test("the reason line names the occupation and the vote; reasons add up; why-not, the batch and the employer direction agree")
    func reasonsAndAgreement() throws {
        let (engine, seekers) = setting(weight: 1)
        var named = 0
        for s in seekers.prefix(12) {
            let list = engine.recommend(s, top: 10, asOf: asOf, explain: true)
            for r in list {
                #expect(abs(r.reasons.map(\.contribution).reduce(0, +) - r.score) <= 1e-4, "\(s.id) × \(r.postingID)")
                if let line = r.reasons.first(where: { $0.kind == .occupationInferred }) {
                    let code = try #require(engine.postings[Int(r.doc)].occupation)
                    #expect(line.label.hasPrefix("이력과 가장 비슷한 공고 10건 중 ") && line.label.contains("건의 직종 (\(code)"), "\(line.label)")
                    #expect(abs(line.contribution - r.fitScore) <= 1e-6)
                    named += 1
                }
                guard case .ranked(let rank, let score, _, _) = try engine.whyNot(s, postingID: r.postingID, top: 10, asOf: asOf) else {
                    Issue.record("why-not does not rank \(r.postingID) for \(s.id)")
                    continue
                }
                #expect(rank == r.rank && score == r.score, "\(s.id) × \(r.postingID)")
            }
            // the employer direction scores this seeker as recommend does
            if let first = list.first {
                let found = try engine.candidates(for: first.postingID, seekers: [s], top: 1, asOf: asOf, explain: true)
                let candidate = try #require(found.first)
                #expect(abs(candidate.score - first.score) <= 1e-5 && candidate.fitScore == first.fitScore, "\(s.id) × \(first.postingID)")
            }
        }
        #expect(named > 20)
        // the batch (text scores 8 at a time, long lists split by province) gives the one-by-one lists
        var scratch = RankingScratch(documentCount: engine.postings.count)
        for partition in [nil, engine.regionPartition(minimumLength: 1)] {
            let batch = engine.recommend(batch: seekers, queries: seekers.map(engine.query(for:)), top: 15, asOf: asOf, explain: true,
                                         scratch: &scratch, partition: partition)
            for (s, got) in zip(seekers, batch) { #expect(got == engine.recommend(s, top: 15, asOf: asOf, explain: true), "\(s.id)") }
        }
    }

    @Test("no inference for a seeker who names an occupation or gives only a title, nor when the weight is 0")
    func onlyForProfilesWithoutOccupations() throws {
        let (off, seekers) = setting(weight: 0)
        let (on, _) = setting(weight: 1)
        let original = JSONLines.parseSeekers(Array(SampleGenerator.generate(SampleConfiguration(seed: 21, postings: 700, seekers: 40)).seekersJSONL.utf8), file: "s").records
        for (s, named) in zip(seekers.prefix(10), original) {
            var titleOnly = s
            titleOnly.profile = "  "
            var withOccupation = s
            withOccupation.desiredOccupations = named.desiredOccupations
            for variant in [titleOnly, withOccupation] {
                #expect(!on.infersOccupations(variant))
                #expect(on.recommend(variant, top: 20, asOf: asOf, explain: true) == off.recommend(variant, top: 20, asOf: asOf, explain: true))
            }
        }
        var bad = Fixtures.model()
        bad.ranking.inferredOccupations.perOccupation = 11
        #expect(throws: FieldError.self) { try bad.ranking.validate() }
    }
}
