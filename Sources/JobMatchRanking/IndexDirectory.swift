import Foundation
import JobMatchIndex
import JobMatchKernels

/// Interchange-schema JSON for a posting (keys sorted, absent fields omitted).
struct PostingDTO: Codable {
    var id: String
    var title: String
    var company: String?
    var description: String?
    var occupation: String?
    var region: String?
    var employmentType: String?
    var salaryMin: Int?
    var salaryMax: Int?
    var experienceMin: Int?
    var experienceMax: Int?
    var education: String?
    var skills: [String]?
    var certificates: [String]?
    var deadline: String?
    var status: String
    var category: String?
    var source: String?
    var url: String?

    static func encoder() -> JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return enc
    }

    init(_ p: Posting) {
        id = p.id
        title = p.title
        company = p.company
        description = p.description
        occupation = p.occupation
        region = p.regionText
        employmentType = p.employmentTypeText
        salaryMin = p.salaryMin
        salaryMax = p.salaryMax
        experienceMin = p.experienceMin
        experienceMax = p.experienceMax
        education = p.education?.korean
        skills = p.skills.isEmpty ? nil : p.skills
        certificates = p.certificates.isEmpty ? nil : p.certificates
        deadline = p.deadline?.description
        status = p.isOpen ? "open" : "closed"
        category = p.category
        source = p.source
        url = p.url
    }
}

extension Posting {
    /// The region as the interchange schema writes it (`전국` when so stated), nil when not stated.
    package var regionText: String? { region?.description ?? (regionNationwide ? "전국" : nil) }

    /// Employment types joined as in the schema (`정규직 · 계약직`), nil when not stated.
    package var employmentTypeText: String? {
        employmentTypes.isEmpty ? nil : employmentTypes.map(\.korean).joined(separator: " · ")
    }

    /// One JSON line in the interchange schema (sorted keys; deterministic).
    package var jsonLine: String { jsonLine(using: PostingDTO.encoder()) }

    func jsonLine(using encoder: JSONEncoder) -> String {
        String(decoding: (try? encoder.encode(PostingDTO(self))) ?? Data(), as: UTF8.self)
    }
}

/// An index directory written by `jobmatch index`:
///
/// - `postings.jsonl` — the validated, redacted postings in id order (document number = line − 1);
/// - `index.bin` — the inverted index (``IndexFile``);
/// - `index.json` — format version, the model it was built with, counts, the SHA-256 of
///   `postings.jsonl` and the SHA-256 that `index.bin` carries in its trailer (its body's digest).
///
/// Loading checks every checksum and that the model is the one the index was built with.
package enum IndexDirectory {
    package static let formatVersion = 3

    struct Meta: Codable {
        var formatVersion: Int
        var modelName: String
        var modelVersion: String
        var modelFingerprint: String
        var documentCount: Int
        var openCount: Int
        var vocabularySize: Int
        var files: [String: String]
    }

    /// A fingerprint of the settings that shape the index (analyzer + BM25 + field weights).
    static func fingerprint(_ model: Model) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let a = (try? enc.encode(model.analyzer)) ?? Data()
        let b = (try? enc.encode(model.ranking.bm25Parameters)) ?? Data()
        return SHA256.hex(SHA256.hash([UInt8](a) + [0] + [UInt8](b)))
    }

    package static func write(_ engine: MatchEngine, to dir: String) throws(JobMatchError) {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw JobMatchError("\(dir): cannot create the index directory (\(error.localizedDescription))")
        }
        var postingsBytes: [UInt8] = []
        let encoder = PostingDTO.encoder()
        for p in engine.postings {
            postingsBytes += p.jsonLine(using: encoder).utf8
            postingsBytes.append(0x0A)
        }
        let indexBytes = IndexFile.encode(engine.index)
        let meta = Meta(
            formatVersion: formatVersion, modelName: engine.model.name, modelVersion: engine.model.version,
            modelFingerprint: fingerprint(engine.model), documentCount: engine.postings.count,
            openCount: engine.postings.filter(\.isOpen).count, vocabularySize: engine.index.vocabulary.count,
            files: ["postings.jsonl": SHA256.hex(SHA256.hash(postingsBytes)), "index.bin": IndexFile.fingerprint(indexBytes)])
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        let metaBytes = [UInt8]((try? enc.encode(meta)) ?? Data()) + [0x0A]
        // each file: temporary name, fsync, rename(2), directory fsync; index.json (which names
        // the others by checksum) last, so a crash leaves either the old index or the new one
        for (name, bytes) in [("postings.jsonl", postingsBytes), ("index.bin", indexBytes), ("index.json", metaBytes)] {
            let path = dir + "/" + name
            let tmp = path + ".tmp"
            guard fm.createFile(atPath: tmp, contents: Data(bytes)) else { throw JobMatchError("\(tmp): cannot write (disk full or no permission?)") }
            do { try FileSystem.atomicReplace(path, with: tmp) } catch {
                try? fm.removeItem(atPath: tmp)
                throw JobMatchError("\(path): cannot replace (\(error))")
            }
        }
    }

    /// Whether the index in `dir` was built from exactly `postings` (its recorded SHA-256 of
    /// postings.jsonl equals theirs): false means the catalog changed since (a stale index).
    package static func isCurrent(_ dir: String, postings: [Posting]) -> Bool {
        guard let data = FileManager.default.contents(atPath: dir + "/index.json"),
            let meta = try? JSONDecoder().decode(Meta.self, from: data)
        else { return false }
        var bytes: [UInt8] = []
        let encoder = PostingDTO.encoder()
        for p in postings.sorted(by: { $0.id < $1.id }) {
            bytes += p.jsonLine(using: encoder).utf8
            bytes.append(0x0A)
        }
        return meta.files["postings.jsonl"] == SHA256.hex(SHA256.hash(bytes))
    }

    package static func load(_ dir: String, model: Model) throws(JobMatchError) -> MatchEngine {
        let fm = FileManager.default
        let metaPath = dir + "/index.json"
        guard let metaData = fm.contents(atPath: metaPath) else {
            throw JobMatchError("\(metaPath): not found — is '\(dir)' an index directory? Build one with `jobmatch index`")
        }
        let meta: Meta
        do { meta = try JSONDecoder().decode(Meta.self, from: metaData) } catch {
            throw JobMatchError("\(metaPath): damaged (\(Model.describe(error)))")
        }
        guard meta.formatVersion == formatVersion else {
            throw JobMatchError("\(metaPath): index format \(meta.formatVersion), this build reads \(formatVersion); rebuild with `jobmatch index`")
        }
        guard meta.modelFingerprint == fingerprint(model) else {
            throw JobMatchError("\(dir): built with model \(meta.modelName) \(meta.modelVersion) whose analyzer/BM25 settings differ from model \(model.name) \(model.version) at \(model.directory); rebuild with `jobmatch index`")
        }
        var contents: [String: [UInt8]] = [:]
        for name in ["postings.jsonl", "index.bin"] {
            let path = dir + "/" + name
            guard let data = fm.contents(atPath: path) else { throw JobMatchError("\(path): missing") }
            let bytes = [UInt8](data)
            // index.bin checks its own sections (CRC-32C) when decoded; index.json records its
            // footer, so the two files must belong together.
            let digest = name == "index.bin" ? IndexFile.fingerprint(bytes) : SHA256.hex(SHA256.hash(bytes))
            guard digest == meta.files[name] else {
                throw JobMatchError("\(path): checksum mismatch with index.json; the index is damaged — rebuild with `jobmatch index`")
            }
            contents[name] = bytes
        }
        let report = JSONLines.parsePostings(contents["postings.jsonl"]!, file: dir + "/postings.jsonl")
        if let e = report.errors.first { throw JobMatchError("\(e) (the index is damaged — rebuild it)") }
        let index: InvertedIndex
        do { index = try IndexFile.decode(contents["index.bin"]!, file: dir + "/index.bin") } catch { throw JobMatchError(error.description) }
        guard index.documentCount == report.records.count, report.records.count == meta.documentCount else {
            throw JobMatchError("\(dir): index.bin and postings.jsonl disagree on the number of postings; rebuild")
        }
        return MatchEngine(postings: report.records, model: model, index: index)
    }
}

/// Interchange-schema JSON for a seeker (keys sorted, absent fields omitted).
struct SeekerDTO: Codable {
    var id: String
    var desiredTitle: String?
    var desiredOccupations: [String]?
    var regions: [String]?
    var employmentTypes: [String]?
    var salaryFloor: Int?
    var experienceYears: Int?
    var education: String?
    var skills: [String]?
    var certificates: [String]?
    var profile: String?

    init(_ s: Seeker) {
        id = s.id
        desiredTitle = s.desiredTitle
        desiredOccupations = s.desiredOccupations.isEmpty ? nil : s.desiredOccupations
        let regionTexts = s.regions.map(\.description) + (s.regionsNationwide ? ["전국"] : [])
        regions = regionTexts.isEmpty ? nil : regionTexts
        employmentTypes = s.employmentTypes.isEmpty ? nil : s.employmentTypes.map(\.korean)
        salaryFloor = s.salaryFloor
        experienceYears = s.experienceYears
        education = s.education?.korean
        skills = s.skills.isEmpty ? nil : s.skills
        certificates = s.certificates.isEmpty ? nil : s.certificates
        profile = s.profile
    }
}

extension Seeker {
    /// One JSON line in the interchange schema (sorted keys; deterministic). Parsing it gives
    /// this seeker back.
    package var jsonLine: String {
        String(decoding: (try? PostingDTO.encoder().encode(SeekerDTO(self))) ?? Data(), as: UTF8.self)
    }
}
