import Foundation
package import JobMatchIndex
package import JobMatchRanking
import JobMatchText
package import JobMatchKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small deterministic PRNG for seeded property tests (SplitMix64).
package struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

package enum Fixtures {
    /// The repository root (for reading Models/default in tests).
    package static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Models/default as shipped (checksums verified).
    package static func defaultModel() throws -> Model {
        try Model.load(directory: repositoryRoot + "/Models/default")
    }

    /// A model built in code, independent of the files on disk.
    package static func model(
        ngramSizes: [Int] = [2],
        unstated: UnstatedPolicy = .include
    ) -> Model {
        Model(
            name: "test", version: "0", directory: "(memory)",
            analyzer: AnalyzerConfiguration(ngramSizes: ngramSizes),
            ranking: RankingSettings(
                bm25: .init(k1: 1.2, b: 0.75),
                postingFieldWeights: .init(title: 2.0, skills: 1.5, description: 1.0),
                seekerFieldWeights: .init(desiredTitle: 2.0, skills: 1.5, certificates: 1.5, profile: 1.0),
                structured: .init(occupationExact: 0.3, occupationGroup: 0.1, experience: 0.1, education: 0.05),
                policy: .init(unstatedRegion: unstated, unstatedEmploymentType: unstated, unstatedSalary: unstated),
                maxReasonTerms: 5),
            occupations: OccupationTable(names: ["8731": "지게차 운전원", "8732": "크레인 운전원", "1342": "웹 개발자"]))
    }

    /// Parses postings JSON lines (failing the test on any rejection is the caller's job).
    package static func postings(_ lines: [String]) -> LoadReport<Posting> {
        JSONLines.parsePostings(Array(lines.joined(separator: "\n").utf8), file: "test-postings.jsonl")
    }

    package static func seekers(_ lines: [String]) -> LoadReport<Seeker> {
        JSONLines.parseSeekers(Array(lines.joined(separator: "\n").utf8), file: "test-seekers.jsonl")
    }

    /// A small hand-written Korean corpus covering regions, types, salaries, states.
    package static let postingLines: [String] = [
        #"{"id":"P01","title":"물류센터 지게차 운전원 모집","company":"한빛물류","description":"물류 센터에서 지게차로 상하차 및 적재 업무\n지게차운전기능사 소지자 우대","occupation":"8731","region":"경기 이천시","employmentType":"정규직","salaryMin":3000,"salaryMax":3600,"experienceMin":1,"experienceMax":5,"education":"고졸","skills":["지게차"],"certificates":["지게차운전기능사"],"deadline":"2026-12-31","status":"open"}"#,
        #"{"id":"P02","title":"지게차 기사 (주간)","company":"대성로지스","description":"냉동 창고 지게차 운전","occupation":"8731","region":"서울 송파구","employmentType":"계약직","salaryMax":2800,"deadline":"2026-12-15"}"#,
        #"{"id":"P03","title":"물류 센터 포장 사원","company":"한빛물류","description":"택배 물품 분류 및 포장","occupation":"9221","region":"경기 성남시 분당구","employmentType":"시간제"}"#,
        #"{"id":"P04","title":"웹 개발자 (Java/Spring)","company":"누리소프트","description":"Java, Spring 기반 백엔드 개발. C++ 경험 우대. .NET 가능자","occupation":"1342","region":"서울 강남구","employmentType":"정규직","salaryMin":4000,"salaryMax":6000,"experienceMin":3,"education":"대졸","skills":["Java","Spring","SQL"]}"#,
        #"{"id":"P05","title":"지게차 운전원","company":"마감물류","description":"지게차 운전","occupation":"8731","region":"경기 이천시","status":"closed"}"#,
        #"{"id":"P06","title":"지게차 운전원 급구","company":"지난물류","description":"지게차 운전","occupation":"8731","region":"경기 이천시","deadline":"2025-01-01"}"#,
        #"{"id":"P07","title":"지게차 운전 기사","company":"어디물류","description":"지게차 상하차","occupation":"8731"}"#,
        #"{"id":"P08","title":"크레인 운전원","company":"항만산업","description":"항만 크레인 운전 및 지게차 보조","occupation":"8732","region":"부산 강서구","employmentType":"정규직","salaryMin":3500,"salaryMax":4500}"#,
    ]

    package static let seekerLines: [String] = [
        #"{"id":"S01","desiredTitle":"지게차 기사","desiredOccupations":["8731"],"regions":["경기"],"employmentTypes":["정규직","계약직"],"salaryFloor":3000,"experienceYears":2,"education":"고졸","certificates":["지게차운전기능사"],"profile":"물류센터 지게차 3년"}"#,
        #"{"id":"S02","desiredTitle":"백엔드 개발자","desiredOccupations":["1342"],"regions":["서울"],"skills":["Java","Spring"],"experienceYears":5,"education":"대졸"}"#,
        #"{"id":"S03","desiredTitle":"지게차","regions":["서울 송파구","부산"]}"#,
    ]
}

/// Brute-force scoring straight from the BM25 definition, for cross-checking the index.
package enum ReferenceScorer {
    /// Σ_t w_t · Σ_f fw_f · idf_f(t) · tf/(tf + k1·(1 − b + b·len/avg)), per document, in Double.
    package static func scores(documents: [[[String]]], query: [String: Double], parameters p: BM25Parameters) -> [Double] {
        let n = documents.count
        let fields = IndexField.allCases.count
        var avg = [Double](repeating: 0, count: fields)
        for d in documents { for f in 0..<fields { avg[f] += Double(d[f].count) } }
        avg = avg.map { n > 0 ? $0 / Double(n) : 0 }
        var out = [Double](repeating: 0, count: n)
        for (term, w) in query {
            var df = [Int](repeating: 0, count: fields)
            for d in documents { for f in 0..<fields where d[f].contains(term) { df[f] += 1 } }
            for (i, d) in documents.enumerated() {
                var s = 0.0
                for f in 0..<fields {
                    let tf = d[f].filter { $0 == term }.count
                    guard tf > 0 else { continue }
                    let idf = log(1 + (Double(n) - Double(df[f]) + 0.5) / (Double(df[f]) + 0.5))
                    let norm = avg[f] > 0 ? Double(d[f].count) / avg[f] : 1
                    s += p.fieldWeights[f] * idf * Double(tf) / (Double(tf) + p.k1 * (1 - p.b + p.b * norm))
                }
                out[i] += w * s
            }
        }
        return out
    }
}

/// File operations that fail on purpose (Lucene's MockDirectoryWrapper idea): a byte budget after
/// which writes stop with ENOSPC (the bytes that fit are written, like a real full disk), and/or
/// an I/O error (EIO) at one chosen operation. Counts operations and bytes. Both `write`s go
/// through the real writers, so a cut-short file is what a full disk leaves.
package final class FaultyFiles: FileOperations {
    struct State {
        var budget: Int
        var failAt: Int?
        var operations = 0
        var bytes = 0
    }
    private let state: Mutex<State>

    package init(budget: Int = .max, failAt: Int? = nil) { state = Mutex(State(budget: budget, failAt: failAt)) }

    package var operations: Int { state.withLock { $0.operations } }
    package var bytes: Int { state.withLock { $0.bytes } }

    private func next(_ path: String) throws(FileSystem.Failure) {
        let fail = state.withLock { s -> Bool in
            defer { s.operations += 1 }
            return s.failAt == s.operations
        }
        if fail { throw FileSystem.Failure(operation: "write", path: path, code: EIO) }
    }

    package func write(_ bytes: [UInt8], to path: String) throws(FileSystem.Failure) {
        try next(path)
        let fits = state.withLock { s -> Int in
            let n = min(bytes.count, s.budget)
            s.budget -= n
            s.bytes += n
            return n
        }
        try FileSystem.write(Array(bytes.prefix(fits)), to: path)
        if fits < bytes.count { throw FileSystem.Failure(operation: "write", path: path, code: ENOSPC) }
    }

    /// Writes through the real streaming writer (``FileSystem/write(pieces:to:permissions:parallelBytes:)``):
    /// the pieces that fit whole, then the bytes of the one the budget cuts short.
    package func write(pieces: [FilePiece], to path: String) throws(FileSystem.Failure) {
        try next(path)
        let total = pieces.reduce(0) { $0 + $1.count }
        let fits = state.withLock { s -> Int in
            let n = min(total, s.budget)
            s.budget -= n
            s.bytes += n
            return n
        }
        var kept: [FilePiece] = []
        var left = fits
        for p in pieces {
            if p.count <= left {
                kept.append(p)
                left -= p.count
                continue
            }
            if left > 0 {
                var cut: [UInt8] = []
                p.append(to: &cut)
                kept.append(.bytes(Array(cut.prefix(left))))
            }
            break
        }
        try FileSystem.write(pieces: kept, to: path)
        if fits < total { throw FileSystem.Failure(operation: "write", path: path, code: ENOSPC) }
    }

    package func atomicReplace(_ destination: String, with source: String) throws(FileSystem.Failure) {
        try next(source)
        try FileSystem.atomicReplace(destination, with: source)
    }

    package func remove(_ path: String) { FileSystem.real.remove(path) }
}
