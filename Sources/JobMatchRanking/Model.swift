import Foundation
package import JobMatchIndex
package import JobMatchText
import JobMatchKernels

/// Weights and policies of a model (`ranking.json`).
package struct RankingSettings: Sendable, Codable, Equatable {
    package struct BM25: Sendable, Codable, Equatable {
        package var k1: Double
        package var b: Double
        package init(k1: Double, b: Double) {
            self.k1 = k1
            self.b = b
        }
    }
    package struct PostingFields: Sendable, Codable, Equatable {
        package var title: Double
        package var skills: Double
        package var description: Double
        package init(title: Double, skills: Double, description: Double) {
            self.title = title
            self.skills = skills
            self.description = description
        }
    }
    package struct SeekerFields: Sendable, Codable, Equatable {
        package var desiredTitle: Double
        package var skills: Double
        package var certificates: Double
        package var profile: Double
        package init(desiredTitle: Double, skills: Double, certificates: Double, profile: Double) {
            self.desiredTitle = desiredTitle
            self.skills = skills
            self.certificates = certificates
            self.profile = profile
        }
    }
    package struct Structured: Sendable, Codable, Equatable {
        /// Same KECO code as one of the seeker's desired occupations.
        package var occupationExact: Double
        /// Same KECO group (first two characters of the code).
        package var occupationGroup: Double
        /// Seeker's experience within the posting's range.
        package var experience: Double
        /// Seeker's education meets the requirement.
        package var education: Double
        package init(occupationExact: Double, occupationGroup: Double, experience: Double, education: Double) {
            self.occupationExact = occupationExact
            self.occupationGroup = occupationGroup
            self.experience = experience
            self.education = education
        }
    }
    /// What to do with a posting that does not state a region / employment type / salary
    /// the seeker constrains: `include` (recommended, with a flag in the reasons) or `exclude`.
    package struct Policy: Sendable, Codable, Equatable {
        /// The posting states no region (or `전국`).
        package var unstatedRegion: UnstatedPolicy
        /// The posting names the seeker's 시도 but not the 시군구 the seeker asked for
        /// (posting `경기`, seeker `경기 성남시`): it may be anywhere in 경기.
        package var unstatedDistrict: UnstatedPolicy
        package var unstatedEmploymentType: UnstatedPolicy
        package var unstatedSalary: UnstatedPolicy
        package init(unstatedRegion: UnstatedPolicy, unstatedDistrict: UnstatedPolicy = .exclude, unstatedEmploymentType: UnstatedPolicy, unstatedSalary: UnstatedPolicy) {
            self.unstatedRegion = unstatedRegion
            self.unstatedDistrict = unstatedDistrict
            self.unstatedEmploymentType = unstatedEmploymentType
            self.unstatedSalary = unstatedSalary
        }

        enum CodingKeys: String, CodingKey { case unstatedRegion, unstatedDistrict, unstatedEmploymentType, unstatedSalary }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            unstatedRegion = try c.decode(UnstatedPolicy.self, forKey: .unstatedRegion)
            unstatedDistrict = try c.decodeIfPresent(UnstatedPolicy.self, forKey: .unstatedDistrict) ?? .exclude
            unstatedEmploymentType = try c.decode(UnstatedPolicy.self, forKey: .unstatedEmploymentType)
            unstatedSalary = try c.decode(UnstatedPolicy.self, forKey: .unstatedSalary)
        }
    }
    package var bm25: BM25
    package var postingFieldWeights: PostingFields
    package var seekerFieldWeights: SeekerFields
    package var structured: Structured
    package var policy: Policy
    /// How many matched words a reason list names before folding the rest into one line.
    package var maxReasonTerms: Int
    /// How a term repeated in the seeker's text counts: `log` (1 + ln tf), `raw` (tf) or `binary` (1).
    package var queryTermFrequency: QueryTermFrequency = .log
    /// Multiplier of a single-syllable (unigram) query term's weight; only matters when the
    /// analyzer emits unigrams next to bigrams.
    package var unigramQueryWeight: Double = 1
    /// Hangul unigrams count only in short queries: a query with more than this many distinct
    /// other terms (bigrams, Latin words, Han characters, …) leaves its Hangul unigrams out. They help a title of a few
    /// syllables find its variants; in a long profile they add little but cost most of the
    /// ranking time (each is a list over most postings). nil: unigrams always count.
    package var unigramQueryTermLimit: Int? = nil
    /// Marketplace hygiene in a result list.
    package var diversity = Diversity()
    /// Weight of the dense (LSA) cosine in the score; 0 switches the dense stage off. Needs
    /// `lsa.f32` in the model.
    package var denseWeight: Double = 0
    /// How many best dense matches join the word-match candidates.
    package var denseCandidates: Int = 100
    /// Weight of the title start: a posting whose title begins with the same letters as the
    /// seeker's desired title gets `titleStartWeight × (letters in common from the start) /
    /// (letters of the longer of the two titles)`, letters compared after normalisation with
    /// bracketed parts, spaces and punctuation left out (``MatchEngine/titleKey(_:)``). Korean occupation
    /// names put the trade first and the role last (`음향기기조립반장` → `음향기기조립현장감독자`):
    /// a shared start is the trade, which the bag of n-grams does not see. 0 switches it off.
    package var titleStartWeight: Double = 0
    /// Occupations inferred from a seeker's career text when the seeker names none.
    package var inferredOccupations = InferredOccupations()

    /// For a seeker who states no desired occupation but writes a `profile` (career history):
    /// the `neighbours` best word matches (postings with a KECO code) vote for their occupations.
    /// Each occupation's vote is the sum of its best `perOccupation` text
    /// scores among them, relative to the best text score; the best-voted occupation then adds
    /// `weight` × the best text score to every posting of it, the others in proportion to their
    /// vote. It reorders word matches only: a posting still needs a word match to be a candidate.
    /// A seeker who gives only a title gets no inference (a title names its job directly).
    package struct InferredOccupations: Sendable, Codable, Equatable {
        /// 0 switches the inference off.
        package var weight: Double = 0
        package var neighbours: Int = 10
        package var perOccupation: Int = 3

        package init(weight: Double = 0, neighbours: Int = 10, perOccupation: Int = 3) {
            self.weight = weight
            self.neighbours = neighbours
            self.perOccupation = perOccupation
        }

        enum CodingKeys: String, CodingKey { case weight, neighbours, perOccupation }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 0
            neighbours = try c.decodeIfPresent(Int.self, forKey: .neighbours) ?? 10
            perOccupation = try c.decodeIfPresent(Int.self, forKey: .perOccupation) ?? 3
        }
    }

    package struct Diversity: Sendable, Codable, Equatable {
        /// Fold a posting of the same company whose title + description terms overlap a shown
        /// posting's by at least `duplicateSimilarity` (Jaccard) into that result ("외 N건").
        package var collapseNearDuplicates: Bool = true
        package var duplicateSimilarity: Double = 0.8
        /// At most this many postings of one company in a result list.
        package var maxPerCompany: Int = 3

        package init(collapseNearDuplicates: Bool = true, duplicateSimilarity: Double = 0.8, maxPerCompany: Int = 3) {
            self.collapseNearDuplicates = collapseNearDuplicates
            self.duplicateSimilarity = duplicateSimilarity
            self.maxPerCompany = maxPerCompany
        }
    }

    package init(bm25: BM25, postingFieldWeights: PostingFields, seekerFieldWeights: SeekerFields, structured: Structured, policy: Policy, maxReasonTerms: Int) {
        self.bm25 = bm25
        self.postingFieldWeights = postingFieldWeights
        self.seekerFieldWeights = seekerFieldWeights
        self.structured = structured
        self.policy = policy
        self.maxReasonTerms = maxReasonTerms
    }

    enum CodingKeys: String, CodingKey {
        case bm25, postingFieldWeights, seekerFieldWeights, structured, policy, maxReasonTerms, queryTermFrequency, unigramQueryWeight, unigramQueryTermLimit, diversity, denseWeight, denseCandidates, inferredOccupations
        case titleStartWeight
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bm25 = try c.decode(BM25.self, forKey: .bm25)
        postingFieldWeights = try c.decode(PostingFields.self, forKey: .postingFieldWeights)
        seekerFieldWeights = try c.decode(SeekerFields.self, forKey: .seekerFieldWeights)
        structured = try c.decode(Structured.self, forKey: .structured)
        policy = try c.decode(Policy.self, forKey: .policy)
        maxReasonTerms = try c.decode(Int.self, forKey: .maxReasonTerms)
        queryTermFrequency = try c.decodeIfPresent(QueryTermFrequency.self, forKey: .queryTermFrequency) ?? .log
        unigramQueryWeight = try c.decodeIfPresent(Double.self, forKey: .unigramQueryWeight) ?? 1
        unigramQueryTermLimit = try c.decodeIfPresent(Int.self, forKey: .unigramQueryTermLimit)
        diversity = try c.decodeIfPresent(Diversity.self, forKey: .diversity) ?? Diversity()
        denseWeight = try c.decodeIfPresent(Double.self, forKey: .denseWeight) ?? 0
        denseCandidates = try c.decodeIfPresent(Int.self, forKey: .denseCandidates) ?? 100
        titleStartWeight = try c.decodeIfPresent(Double.self, forKey: .titleStartWeight) ?? 0
        inferredOccupations = try c.decodeIfPresent(InferredOccupations.self, forKey: .inferredOccupations) ?? InferredOccupations()
    }

    package var bm25Parameters: BM25Parameters {
        BM25Parameters(k1: bm25.k1, b: bm25.b, fieldWeights: [postingFieldWeights.title, postingFieldWeights.skills, postingFieldWeights.description])
    }

    package func validate() throws(FieldError) {
        if !(0.0...3.0).contains(bm25.k1) { throw FieldError(field: "bm25.k1", reason: "must be within 0...3") }
        if !(0.0...1.0).contains(bm25.b) { throw FieldError(field: "bm25.b", reason: "must be within 0...1") }
        let weights: [(String, Double)] = [
            ("postingFieldWeights.title", postingFieldWeights.title), ("postingFieldWeights.skills", postingFieldWeights.skills),
            ("postingFieldWeights.description", postingFieldWeights.description),
            ("seekerFieldWeights.desiredTitle", seekerFieldWeights.desiredTitle), ("seekerFieldWeights.skills", seekerFieldWeights.skills),
            ("seekerFieldWeights.certificates", seekerFieldWeights.certificates), ("seekerFieldWeights.profile", seekerFieldWeights.profile),
            ("structured.occupationExact", structured.occupationExact), ("structured.occupationGroup", structured.occupationGroup),
            ("structured.experience", structured.experience), ("structured.education", structured.education),
        ]
        for (name, w) in weights where !(w >= 0 && w <= 100) { throw FieldError(field: name, reason: "must be within 0...100") }
        if !(unigramQueryWeight >= 0 && unigramQueryWeight <= 10) { throw FieldError(field: "unigramQueryWeight", reason: "must be within 0...10") }
        if let limit = unigramQueryTermLimit, !(0...100_000).contains(limit) { throw FieldError(field: "unigramQueryTermLimit", reason: "must be within 0...100000") }
        if !(denseWeight >= 0 && denseWeight <= 10) { throw FieldError(field: "denseWeight", reason: "must be within 0...10") }
        if !(titleStartWeight >= 0 && titleStartWeight <= 10) { throw FieldError(field: "titleStartWeight", reason: "must be within 0...10") }
        if !(0...100_000).contains(denseCandidates) { throw FieldError(field: "denseCandidates", reason: "must be within 0...100000") }
        if !(0...1).contains(diversity.duplicateSimilarity) { throw FieldError(field: "diversity.duplicateSimilarity", reason: "must be within 0...1") }
        if !(inferredOccupations.weight >= 0 && inferredOccupations.weight <= 10) {
            throw FieldError(field: "inferredOccupations.weight", reason: "must be within 0...10")
        }
        if !(1...1000).contains(inferredOccupations.neighbours) {
            throw FieldError(field: "inferredOccupations.neighbours", reason: "must be within 1...1000")
        }
        if !(1...inferredOccupations.neighbours).contains(inferredOccupations.perOccupation) {
            throw FieldError(field: "inferredOccupations.perOccupation", reason: "must be within 1...neighbours")
        }
        if diversity.maxPerCompany < 1 { throw FieldError(field: "diversity.maxPerCompany", reason: "must be at least 1") }
        if maxReasonTerms < 1 { throw FieldError(field: "maxReasonTerms", reason: "must be at least 1") }
    }
}

package enum QueryTermFrequency: String, Sendable, Codable, Equatable {
    case log, raw, binary

    @inline(__always)
    package func weight(_ tf: Int) -> Double {
        switch self {
        case .log: 1 + Foundation.log(Double(tf))
        case .raw: Double(tf)
        case .binary: 1
        }
    }
}

package enum UnstatedPolicy: String, Sendable, Codable, Equatable {
    case include, exclude
}

/// KECO code tables (facts: codes and names), for naming occupations in reasons.
package struct OccupationTable: Sendable, Equatable {
    package var names: [String: String] = [:]

    package init(names: [String: String] = [:]) { self.names = names }

    package func name(_ code: String) -> String? { names[code] }

    /// Reads `code<TAB>name` lines (a header line starting with `code` is skipped).
    package static func parseTSV(_ text: String, file: String) throws(JobMatchError) -> [String: String] {
        var out: [String: String] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.trimmingCharacters(in: "\r")
            if l.isEmpty || (i == 0 && l.hasPrefix("code")) { continue }
            let cols = l.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == 2, !cols[0].isEmpty, !cols[1].isEmpty else {
                throw JobMatchError("\(file):\(i + 1): expected 'code<TAB>name'")
            }
            out[String(cols[0])] = String(cols[1])
        }
        return out
    }
}

/// What `manifest.json` holds when written.
struct ManifestOut<P: Encodable>: Encodable {
    var name: String
    var version: String
    var files: [String: String]
    var provenance: P?
}

/// A loaded, checksum-verified model directory (`Models/<name>/`).
package struct Model: Sendable {
    package var name: String
    package var version: String
    package var directory: String
    package var analyzer: AnalyzerConfiguration
    package var ranking: RankingSettings
    package var occupations: OccupationTable
    /// The LSA projection (`lsa.f32`), when the model has one (`jobmatch train`).
    package var dense: LatentProjection? = nil
    /// Score → probability of relevance (`calibration.json`), when fitted (`jobmatch calibrate`).
    package var calibration: Calibration? = nil

    package init(name: String, version: String, directory: String, analyzer: AnalyzerConfiguration, ranking: RankingSettings, occupations: OccupationTable) {
        self.name = name
        self.version = version
        self.directory = directory
        self.analyzer = analyzer
        self.ranking = ranking
        self.occupations = occupations
    }

    package static let requiredFiles = ["analyzer.json", "ranking.json", "keco2018.tsv", "keco2025.tsv"]

    struct Manifest: Decodable {
        var name: String
        var version: String
        var files: [String: String]
    }

    /// Loads `dir`, refusing any file whose SHA-256 differs from the manifest (the message
    /// names the file) and any required file the manifest does not list.
    package static func load(directory dir: String) throws(JobMatchError) -> Model {
        let manifestPath = dir + "/manifest.json"
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw JobMatchError("\(manifestPath): model manifest not found (use --model DIR or set JOBMATCH_MODEL)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: manifestData) } catch {
            throw JobMatchError("\(manifestPath): not a valid manifest (\(Self.describe(error)))")
        }
        var contents: [String: Data] = [:]
        for file in requiredFiles where manifest.files[file] == nil {
            throw JobMatchError("\(manifestPath): does not list required file \(file)")
        }
        for (file, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JobMatchError("\(path): listed in the manifest but missing")
            }
            let actual = SHA256.hex(SHA256.hash([UInt8](data)))
            guard actual == expected.lowercased() else {
                throw JobMatchError("\(path): checksum mismatch (manifest sha256 \(expected), file sha256 \(actual)); the model is refused")
            }
            contents[file] = data
        }
        let analyzer: AnalyzerConfiguration
        let ranking: RankingSettings
        do {
            analyzer = try JSONDecoder().decode(AnalyzerConfiguration.self, from: contents["analyzer.json"]!)
        } catch { throw JobMatchError("\(dir)/analyzer.json: \(Self.describe(error))") }
        do { try analyzer.validate() } catch { throw JobMatchError("\(dir)/analyzer.json: \(error)") }
        do {
            ranking = try JSONDecoder().decode(RankingSettings.self, from: contents["ranking.json"]!)
        } catch { throw JobMatchError("\(dir)/ranking.json: \(Self.describe(error))") }
        do { try ranking.validate() } catch { throw JobMatchError("\(dir)/ranking.json: field '\(error.field)' \(error.reason)") }
        var occupations = OccupationTable()
        for file in ["keco2018.tsv", "keco2025.tsv"] {
            let text = String(decoding: contents[file]!, as: UTF8.self)
            occupations.names.merge(try OccupationTable.parseTSV(text, file: dir + "/" + file)) { a, _ in a }
        }
        var model = Model(name: manifest.name, version: manifest.version, directory: dir, analyzer: analyzer, ranking: ranking, occupations: occupations)
        if let data = contents["lsa.f32"] {
            do { model.dense = try LatentProjectionFile.decode([UInt8](data), file: dir + "/lsa.f32") } catch { throw JobMatchError(error.description) }
        }
        if let data = contents["calibration.json"] {
            do { model.calibration = try JSONDecoder().decode(Calibration.self, from: data) } catch {
                throw JobMatchError("\(dir)/calibration.json: \(Self.describe(error))")
            }
            let points = model.calibration!.points
            let monotone = zip(points, points.dropFirst()).allSatisfy { $0.score <= $1.score && $0.probability <= $1.probability }
            guard !points.isEmpty, monotone, points.allSatisfy({ (0...1).contains($0.probability) && $0.score.isFinite }) else {
                throw JobMatchError("\(dir)/calibration.json: points must be non-empty, ascending in score and probability, probabilities within 0...1")
            }
        }
        if model.ranking.denseWeight > 0 && model.dense == nil {
            throw JobMatchError("\(dir)/ranking.json: denseWeight is set but the model has no lsa.f32 (train one with `jobmatch train`)")
        }
        return model
    }

    /// Writes `manifest.json` for the files of `dir` (every file but the manifest and README.md),
    /// with their SHA-256, sorted keys: the same bytes for the same files.
    package static func writeManifest(directory dir: String, name: String, version: String) throws(JobMatchError) {
        try writeManifest(directory: dir, name: name, version: version, provenance: Optional<String>.none)
    }

    /// The same, with a `provenance` object (what data and procedure produced the model: tuning
    /// and calibration record their data checksums, folds, search space and figures here).
    package static func writeManifest<P: Encodable>(directory dir: String, name: String, version: String, provenance: P?) throws(JobMatchError) {
        let fm = FileManager.default
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: dir).filter { $0 != "manifest.json" && $0 != "README.md" }.sorted() } catch {
            throw JobMatchError("\(dir): cannot list the model folder")
        }
        var files: [String: String] = [:]
        for n in names {
            guard let data = fm.contents(atPath: dir + "/" + n) else { throw JobMatchError("\(dir)/\(n): cannot be read") }
            files[n] = SHA256.hex(SHA256.hash([UInt8](data)))
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let body = try? enc.encode(ManifestOut(name: name, version: version, files: files, provenance: provenance)),
            fm.createFile(atPath: dir + "/manifest.json", contents: body + Data("\n".utf8))
        else { throw JobMatchError("\(dir)/manifest.json: cannot be written") }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing field '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "field '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted(let ctx):
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "field '\(path)' is invalid"
        default:
            return "\(error)"
        }
    }

    /// Finds a model directory: an explicit path, `$JOBMATCH_MODEL`, or `Models/default` in the
    /// working directory or any parent of it or of the executable.
    package static func locate(explicit: String?) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["JOBMATCH_MODEL"], !env.isEmpty { return env }
        let fm = FileManager.default
        var starts = [fm.currentDirectoryPath]
        if let exe = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: exe, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).resolvingSymlinksInPath()
            starts.append(url.deletingLastPathComponent().path)
        }
        for start in starts {
            var dir = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("Models/default")
                if fm.fileExists(atPath: candidate.appendingPathComponent("manifest.json").path) { return candidate.path }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return "Models/default"
    }
}
