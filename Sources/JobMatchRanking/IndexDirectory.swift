import Foundation
package import JobMatchIndex
import JobMatchText
package import JobMatchKernels

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

/// An index directory (docs/index-format.md), format 4:
///
/// - `segment-NNNNNN.bin` — the base segment: the inverted index and the postings it covers
///   (``IndexFile`` with a `records` section), opened by memory-mapping;
/// - `delta-NNNNNN.jsonl` (optional) — postings added or changed since the segment was written,
///   validated interchange-schema JSON lines;
/// - `index.json` — the manifest, written last: format version, the model and the fingerprint
///   of its analyzer/BM25 settings, the live files with their checksums, the ids of segment
///   postings that are deleted or superseded, the catalog generation the index reflects.
///
/// Files are never overwritten: each write creates new names, fsyncs and renames them, then
/// replaces `index.json`, then removes the files it no longer names; a crash at any moment leaves
/// a manifest naming complete files. Loading checks every checksum and that the model is the one
/// the index was built with. With a delta, the segment and the delta are merged in memory
/// (``InvertedIndex/merged(_:_:order:parameters:)``): the statistics are those of exactly the
/// live postings, so the engine equals a fresh build of them.
package enum IndexDirectory {
    package static let formatVersion = 4
    /// Compact automatically once delta postings + deletion marks exceed this share of the segment.
    package static let defaultCompactRatio = 0.1

    package struct Meta: Codable, Sendable {
        package var formatVersion: Int
        package var modelName: String
        package var modelVersion: String
        package var modelFingerprint: String
        /// Live postings (segment − deleted + delta) and how many of them are open.
        package var documentCount: Int
        package var openCount: Int
        package var vocabularySize: Int
        /// Increases with every write; names the files.
        package var sequence: Int
        package var segment: String
        /// The segment's footer (hex): changes with any byte of the file.
        package var segmentFooter: String
        package var segmentDocuments: Int
        package var delta: String?
        package var deltaSHA256: String?
        package var deltaDocuments: Int
        /// Ids of segment postings that are deleted, or superseded by a delta posting.
        package var deleted: [String]
        /// The catalog generation the index reflects (nil when built from a file).
        package var catalogGeneration: Int?
        /// The catalog it was built from (a random number the catalog keeps; a restore renews it).
        package var catalogEpoch: Int?
    }

    /// Which catalog state an index reflects.
    package struct CatalogStamp: Sendable, Equatable {
        package var generation: Int
        package var epoch: Int
        package init(generation: Int, epoch: Int) {
            self.generation = generation
            self.epoch = epoch
        }
    }

    /// Writers (write, update, compact, restamp) hold `DIR/.lock` exclusively, readers (load, copy)
    /// shared: a reader never sees a writer remove the files it is reading, and two writers never
    /// pick the same file names. Without a lock file (read-only folder) reading goes ahead.
    static func lock(_ dir: String, exclusive: Bool) throws(JobMatchError) -> FileLock? {
        do { return try FileLock(dir + "/.lock", exclusive: exclusive) } catch {
            if !exclusive && [EACCES, EROFS, ENOENT, EPERM].contains(error.code) { return nil }
            throw JobMatchError("\(dir): cannot lock the index (\(error))")
        }
    }

    /// A fingerprint of the settings that shape the index (analyzer + BM25 + field weights).
    package static func fingerprint(_ model: Model) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let a = (try? enc.encode(model.analyzer)) ?? Data()
        let b = (try? enc.encode(model.ranking.bm25Parameters)) ?? Data()
        return SHA256.hex(SHA256.hash([UInt8](a) + [0] + [UInt8](b)))
    }

    static func name(_ prefix: String, _ sequence: Int, _ ext: String) -> String {
        let digits = String(sequence)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "." + ext
    }

    /// The manifest, if `dir` holds a readable index.json (not checked against any model).
    package static func meta(_ dir: String) throws(JobMatchError) -> Meta {
        let metaPath = dir + "/index.json"
        guard let metaData = FileManager.default.contents(atPath: metaPath) else {
            throw JobMatchError("\(metaPath): not found — is '\(dir)' an index directory? Build one with `jobmatch index`")
        }
        struct Version: Decodable { var formatVersion: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: metaData) else {
            throw JobMatchError("\(metaPath): damaged (not an index manifest)")
        }
        guard version.formatVersion == formatVersion else {
            throw JobMatchError("\(metaPath): index format \(version.formatVersion), this build reads \(formatVersion); rebuild with `jobmatch index`")
        }
        do { return try JSONDecoder().decode(Meta.self, from: metaData) } catch {
            throw JobMatchError("\(metaPath): damaged (\(Model.describe(error)))")
        }
    }

    /// Writes `engine` as a new segment (no delta) and makes it live.
    package static func write(_ engine: MatchEngine, to dir: String, catalog: CatalogStamp? = nil, io: any FileOperations = FileSystem.real) throws(JobMatchError) {
        let held = try lockForWriting(dir)
        defer { withExtendedLifetime(held) {} }
        try writeLocked(engine, to: dir, catalog: catalog, io: io)
    }

    /// What ``build(_:model:to:catalog:io:)`` wrote.
    package struct BuildSummary: Sendable {
        package var postings: Int
        package var open: Int
        package var vocabulary: Int
        package var indexBytes: Int
    }

    /// Builds the index of `postings` and writes it as a new segment (no delta), made live: the
    /// same files as ``write(_:to:catalog:io:)`` of `MatchEngine(postings:model:)`, without
    /// building the engine (its per-posting attributes are worked out when the index is
    /// opened). For a lower peak memory the postings' `records` section waits in a scratch file
    /// in `dir` (``SpillFile``, unlinked at once), the postings are let go batch by batch as
    /// they are analysed, and the impacts go to a second scratch file as they are worked out.
    /// The directory is locked only for writing the files, as ``write(_:to:catalog:io:)`` does.
    package static func build(_ postings: consuming [Posting], model: Model, to dir: String, catalog: CatalogStamp? = nil,
                              io: any FileOperations = FileSystem.real) throws(JobMatchError) -> BuildSummary {
        // built before the directory is locked: readers and updates wait only for the writing
        try createDirectory(dir)
        let sorted = postings.sorted { $0.id < $1.id }
        _ = consume postings
        let records: SpilledBytes
        do {
            var spill = try SpillFile(directory: dir)
            try PostingRecords.encode(sorted, chunkBytes: 1 << 20) { (chunk) throws(FileSystem.Failure) in try spill.append(chunk) }
            records = spill.finish()
        } catch {
            throw JobMatchError("\(error) while setting the postings aside for the new segment; the index was not changed (the previous one stays live)")
        }
        let count = sorted.count, open = sorted.count { $0.isOpen }
        let builder = MatchEngine.analysed(consuming: consume sorted, analyzer: KoreanAnalyzer(configuration: model.analyzer))
        // the impacts (the segment's largest section) wait in a scratch file too, written as
        // they are worked out
        let index: InvertedIndex
        let impacts: SpilledBytes
        do {
            var spill = try SpillFile(directory: dir)
            var bytes: [UInt8] = []
            index = try builder.build(parameters: model.ranking.bm25Parameters, impactsRun: 1 << 18) { (run: inout [Float]) throws(FileSystem.Failure) in
                bytes.removeAll(keepingCapacity: true)
                LittleEndian.append(run, to: &bytes)
                try spill.append(bytes)
            }
            impacts = spill.finish()
        } catch {
            throw JobMatchError("\(error) while setting the impacts aside for the new segment; the index was not changed (the previous one stays live)")
        }
        let held = try lock(dir, exclusive: true)
        defer { withExtendedLifetime(held) {} }
        try writeSegment(index, impacts: .spilled(impacts), records: .spilled(records), documents: count, open: open, model: model,
                         to: dir, catalog: catalog, io: io)
        return BuildSummary(postings: count, open: open, vocabulary: index.vocabulary.count, indexBytes: index.byteCount + impacts.count)
    }

    static func lockForWriting(_ dir: String) throws(JobMatchError) -> FileLock? {
        try createDirectory(dir)
        return try lock(dir, exclusive: true)
    }

    static func createDirectory(_ dir: String) throws(JobMatchError) {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw JobMatchError("\(dir): cannot create the index directory (\(error.localizedDescription))")
        }
    }

    static func writeLocked(_ engine: MatchEngine, to dir: String, catalog: CatalogStamp?, io: any FileOperations) throws(JobMatchError) {
        try writeSegment(engine.index, records: .bytes(PostingRecords.encode(engine.postings)), documents: engine.postings.count,
                         open: engine.postings.count { $0.isOpen }, model: engine.model, to: dir, catalog: catalog, io: io)
    }

    static func writeSegment(_ index: InvertedIndex, impacts: FilePiece? = nil, records: FilePiece, documents: Int, open: Int, model: Model,
                             to dir: String, catalog: CatalogStamp?, io: any FileOperations) throws(JobMatchError) {
        let sequence = ((try? meta(dir))?.sequence ?? 0) + 1
        let segment = name("segment", sequence, "bin")
        // written piece by piece from the index's arrays: no second copy of the segment in memory
        let pieces = IndexFile.pieces(index, impacts: impacts, records: records)
        try writeFile(dir + "/" + segment, pieces, io)
        let m = Meta(
            formatVersion: formatVersion, modelName: model.name, modelVersion: model.version,
            modelFingerprint: fingerprint(model), documentCount: documents,
            openCount: open, vocabularySize: index.vocabulary.count,
            sequence: sequence, segment: segment, segmentFooter: IndexFile.fingerprint(pieces), segmentDocuments: documents,
            delta: nil, deltaSHA256: nil, deltaDocuments: 0, deleted: [], catalogGeneration: catalog?.generation,
            catalogEpoch: catalog?.epoch)
        try commit(m, in: dir, io)
    }

    /// Temporary name, fsync, rename(2), directory fsync. On failure the temporary file is
    /// removed and the live index (named by index.json) is untouched.
    static func writeFile(_ path: String, _ bytes: [UInt8], _ io: any FileOperations) throws(JobMatchError) {
        try writeFile(path, [.bytes(bytes)], io)
    }

    /// ``writeFile(_:_:_:)`` of the pieces' bytes end to end.
    static func writeFile(_ path: String, _ pieces: [FilePiece], _ io: any FileOperations) throws(JobMatchError) {
        let tmp = path + ".tmp"
        do {
            try io.write(pieces: pieces, to: tmp)
            try io.atomicReplace(path, with: tmp)
        } catch {
            io.remove(tmp)
            if error.operation == "fsync" && error.path != tmp && FileManager.default.fileExists(atPath: path) {
                // the rename happened; only the directory's fsync failed
                throw JobMatchError("\(error) after renaming \(path) into place: the new file is live but may not survive a power failure")
            }
            throw JobMatchError("\(error) while writing \(pieces.reduce(0) { $0 + $1.count }) bytes; the index was not changed (the previous one stays live)")
        }
    }

    /// Makes `m` the live manifest, then removes the files it no longer names.
    static func commit(_ m: Meta, in dir: String, _ io: any FileOperations) throws(JobMatchError) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try writeFile(dir + "/index.json", [UInt8]((try? enc.encode(m)) ?? Data()) + [0x0A], io)
        let live: Set<String> = [m.segment, m.delta ?? "", "index.json"]
        for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        where !live.contains(f) && (f.hasPrefix("segment-") || f.hasPrefix("delta-") || ["index.bin", "postings.jsonl"].contains(f)) {
            try? FileManager.default.removeItem(atPath: dir + "/" + f)
        }
    }

    /// A segment's postings and index, every checksum checked.
    package static func readSegment(_ dir: String, _ m: Meta) throws(JobMatchError) -> (postings: [Posting], index: InvertedIndex) {
        let path = dir + "/" + m.segment
        let file: MappedBytes
        do { file = try MappedBytes(path: path) } catch { throw JobMatchError(error.description) }
        guard file.count >= 16, IndexFile.fingerprint(file.bytes((file.count - 16)..<file.count)) == m.segmentFooter else {
            throw JobMatchError("\(path): does not match index.json (another build's file, or damaged); the index is refused — rebuild with `jobmatch index`")
        }
        let layout: IndexFile.Layout
        do { layout = try IndexFile.verify(file) } catch { throw JobMatchError(error.description + " (the index is refused)") }
        // the inverted index and the postings are independent: decode them side by side
        let index = Locked<Result<InvertedIndex, IndexFileError>?>(nil)
        let records = Locked<Result<[Posting], JobMatchError>?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                let r = Result { () throws(IndexFileError) -> InvertedIndex in try IndexFile.index(file, layout) }
                index.withLock { $0 = r }
            } else {
                let r = Result { () throws(JobMatchError) -> [Posting] in
                    do { return try PostingRecords.decode(file.bytes(try IndexFile.records(file, layout))) } catch let e as IndexFileError {
                        throw JobMatchError(e.description + " (the index is refused)")
                    } catch {
                        throw JobMatchError("\(path): section 'records': \(error) (the index is refused — rebuild it)")
                    }
                }
                records.withLock { $0 = r }
            }
        }
        let decoded: (index: InvertedIndex, postings: [Posting])
        do {
            decoded = (try index.withLock { $0! }.get(), try records.withLock { $0! }.get())
        } catch let e as IndexFileError {
            throw JobMatchError(e.description + " (the index is refused)")
        } catch let e as JobMatchError {
            throw e
        } catch {
            throw JobMatchError("\(path): \(error)")
        }
        let postings = decoded.postings
        guard postings.count == decoded.index.documentCount, postings.count == m.segmentDocuments else {
            throw JobMatchError("\(path): \(postings.count) postings for \(decoded.index.documentCount) documents (index.json: \(m.segmentDocuments)); rebuild")
        }
        return (postings, decoded.index)
    }

    /// The delta's postings (validated again, checksum checked); empty without a delta.
    static func readDelta(_ dir: String, _ m: Meta) throws(JobMatchError) -> [Posting] {
        guard let delta = m.delta else { return [] }
        let path = dir + "/" + delta
        guard let data = FileManager.default.contents(atPath: path) else { throw JobMatchError("\(path): missing (named by index.json); rebuild") }
        let bytes = [UInt8](data)
        guard SHA256.hex(SHA256.hash(bytes)) == m.deltaSHA256 else {
            throw JobMatchError("\(path): checksum mismatch with index.json; the index is refused — rebuild with `jobmatch index`")
        }
        let report = JSONLines.parsePostings(bytes, file: path)
        if let e = report.errors.first { throw JobMatchError("\(e) (the index is damaged — rebuild it)") }
        guard report.records.count == m.deltaDocuments else { throw JobMatchError("\(path): \(report.records.count) postings, index.json says \(m.deltaDocuments); rebuild") }
        return report.records
    }

    package static func load(_ dir: String, model: Model) throws(JobMatchError) -> MatchEngine {
        let held = try lock(dir, exclusive: false)
        defer { withExtendedLifetime(held) {} }
        return try loadLocked(dir, model: model)
    }

    static func loadLocked(_ dir: String, model: Model) throws(JobMatchError) -> MatchEngine {
        let m = try meta(dir)
        guard m.modelFingerprint == fingerprint(model) else {
            throw JobMatchError("\(dir): built with model \(m.modelName) \(m.modelVersion) whose analyzer/BM25 settings differ from model \(model.name) \(model.version) at \(model.directory); rebuild with `jobmatch index`")
        }
        let base = try readSegment(dir, m)
        let delta = try readDelta(dir, m)
        if delta.isEmpty && m.deleted.isEmpty {
            return MatchEngine(postings: base.postings, model: model, index: base.index, sorted: true)
        }
        return try merge(base, delta: delta, deleted: Set(m.deleted), model: model)
    }

    /// The segment's postings minus `deleted`, plus `delta` (which replaces segment postings of
    /// the same id), as one engine whose index is merged, not rebuilt: only the delta is analysed.
    package static func merge(_ base: (postings: [Posting], index: InvertedIndex), delta unsorted: [Posting], deleted: Set<String>, model: Model) throws(JobMatchError) -> MatchEngine {
        let delta = unsorted.sorted { $0.id < $1.id }
        let analyzer = KoreanAnalyzer(configuration: model.analyzer)
        var builder = IndexBuilder()
        for p in delta { builder.add(MatchEngine.documentTerms(p, analyzer)) }
        let deltaIndex = builder.build(parameters: model.ranking.bm25Parameters)
        let replaced = Set(delta.map(\.id))
        var order: [(segment: Int, doc: UInt32)] = []
        var postings: [Posting] = []
        order.reserveCapacity(base.postings.count + delta.count)
        postings.reserveCapacity(base.postings.count + delta.count)
        var i = 0, j = 0
        while i < base.postings.count || j < delta.count {
            if j >= delta.count || (i < base.postings.count && base.postings[i].id < delta[j].id) {
                let p = base.postings[i]
                if !deleted.contains(p.id) && !replaced.contains(p.id) {
                    order.append((0, UInt32(i)))
                    postings.append(p)
                }
                i += 1
            } else {
                if i < base.postings.count && base.postings[i].id == delta[j].id { i += 1 }
                order.append((1, UInt32(j)))
                postings.append(delta[j])
                j += 1
            }
        }
        let index: InvertedIndex
        do { index = try InvertedIndex.merged(base.index, deltaIndex, order: order, parameters: model.ranking.bm25Parameters) } catch {
            throw JobMatchError("merging the index delta: \(error)")
        }
        return MatchEngine(postings: postings, model: model, index: index, sorted: true)
    }

    package struct UpdateSummary: Sendable, Codable, Equatable {
        package var upserted = 0
        package var deleted = 0
        package var compacted = false
        package var deltaDocuments = 0
        package var deletionMarks = 0
        package var segmentDocuments = 0
    }

    /// Applies changed postings and deletions to the index in `dir` without rebuilding it: they
    /// go to a new delta (plus deletion marks for the segment's copies), or, once the delta and
    /// marks pass `compactRatio` of the segment, everything is merged into a new segment.
    package static func update(
        _ dir: String, model: Model, upserts: [Posting], deletes: [String], catalog: CatalogStamp?,
        compactRatio: Double = defaultCompactRatio, io: any FileOperations = FileSystem.real
    ) throws(JobMatchError) -> UpdateSummary {
        let held = try lock(dir, exclusive: true)
        defer { withExtendedLifetime(held) {} }
        let m = try meta(dir)
        guard m.modelFingerprint == fingerprint(model) else {
            throw JobMatchError("\(dir): built with another model's analyzer/BM25 settings; rebuild with `jobmatch index`")
        }
        let base = try readSegment(dir, m)
        var delta: [String: Posting] = [:]
        for p in try readDelta(dir, m) { delta[p.id] = p }
        var deleted = Set(m.deleted)
        let baseIDs = Set(base.postings.map(\.id))
        var summary = UpdateSummary()
        for p in upserts {
            delta[p.id] = p
            if baseIDs.contains(p.id) { deleted.insert(p.id) }
            summary.upserted += 1
        }
        for id in deletes {
            delta.removeValue(forKey: id)
            if baseIDs.contains(id) { deleted.insert(id) }
            summary.deleted += 1
        }
        let deltaPostings = delta.values.sorted { $0.id < $1.id }
        if Double(deltaPostings.count + deleted.count) > compactRatio * Double(max(base.postings.count, 1)) {
            let engine = try merge(base, delta: deltaPostings, deleted: deleted, model: model)
            try writeLocked(engine, to: dir, catalog: catalog, io: io)
            summary.compacted = true
            summary.segmentDocuments = engine.postings.count
            return summary
        }
        // the live counts: segment postings not deleted, plus the delta
        var live = base.postings.filter { !deleted.contains($0.id) }
        live += deltaPostings
        var next = m
        next.sequence = m.sequence + 1
        next.deleted = deleted.sorted()
        next.deltaDocuments = deltaPostings.count
        next.documentCount = live.count
        next.openCount = live.filter(\.isOpen).count
        next.catalogGeneration = catalog?.generation
        next.catalogEpoch = catalog?.epoch
        if deltaPostings.isEmpty {
            next.delta = nil
            next.deltaSHA256 = nil
        } else {
            var bytes: [UInt8] = []
            let encoder = PostingDTO.encoder()
            for p in deltaPostings {
                bytes += p.jsonLine(using: encoder).utf8
                bytes.append(0x0A)
            }
            let file = name("delta", next.sequence, "jsonl")
            try writeFile(dir + "/" + file, bytes, io)
            next.delta = file
            next.deltaSHA256 = SHA256.hex(SHA256.hash(bytes))
        }
        try commit(next, in: dir, io)
        summary.deltaDocuments = deltaPostings.count
        summary.deletionMarks = deleted.count
        summary.segmentDocuments = base.postings.count
        return summary
    }

    /// Merges the delta into a new segment (nothing to do without one).
    package static func compact(_ dir: String, model: Model, io: any FileOperations = FileSystem.real) throws(JobMatchError) -> Bool {
        let held = try lock(dir, exclusive: true)
        defer { withExtendedLifetime(held) {} }
        let m = try meta(dir)
        guard m.delta != nil || !m.deleted.isEmpty else { return false }
        let engine = try loadLocked(dir, model: model)
        let stamp = m.catalogGeneration.flatMap { g in m.catalogEpoch.map { CatalogStamp(generation: g, epoch: $0) } }
        try writeLocked(engine, to: dir, catalog: stamp, io: io)
        return true
    }

    /// Records that the index belongs to the catalog with `epoch` (after a restore put a catalog
    /// and the index snapshotted with it back together).
    package static func restamp(_ dir: String, epoch: Int) throws(JobMatchError) {
        let held = try lock(dir, exclusive: true)
        defer { withExtendedLifetime(held) {} }
        var m = try meta(dir)
        m.catalogEpoch = epoch
        m.sequence += 1
        try commit(m, in: dir, FileSystem.real)
    }

    /// Copies the live files (those index.json names, and index.json) into `destination`, under the
    /// shared lock so that no writer changes them meanwhile. Returns the names copied.
    package static func copyLive(_ dir: String, to destination: String) throws(JobMatchError) -> [String] {
        let held = try lock(dir, exclusive: false)
        defer { withExtendedLifetime(held) {} }
        let m = try meta(dir)
        let names = [m.segment] + (m.delta.map { [$0] } ?? []) + ["index.json"]
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            for n in names { try FileManager.default.copyItem(atPath: dir + "/" + n, toPath: destination + "/" + n) }
        } catch {
            throw JobMatchError("\(destination): cannot copy the index (\(error.localizedDescription))")
        }
        return names
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
    var office: String?

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
        office = s.office
    }
}

extension Seeker {
    /// One JSON line in the interchange schema (sorted keys; deterministic). Parsing it gives
    /// this seeker back.
    package var jsonLine: String {
        String(decoding: (try? PostingDTO.encoder().encode(SeekerDTO(self))) ?? Data(), as: UTF8.self)
    }
}
