import Foundation
import Synchronization
import JobMatchKernels
import JobMatchRanking
import JobMatchSample
import JobMatchStore
import JobMatchTestSupport
import Testing

func freshDirectory(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("jm-store-\(name)-\(UUID().uuidString)").path
}

@Suite("Catalog (SQLite through GRDB)")
struct CatalogTests {
    let data = SampleGenerator.generate(SampleConfiguration(seed: 4, postings: 120, seekers: 30))
    var postings: [Posting] { JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "p").records }
    var seekers: [Seeker] { JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s").records }

    @Test("WAL, and synchronous = FULL on the writer even though GRDB resets it when opening a pool")
    func durabilitySettings() throws {
        let dir = freshDirectory("pragmas")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        #expect(try catalog.writerSynchronous() == 2)
        #expect(try catalog.journalMode() == "wal")
        #expect(try catalog.integrityCheck() == ["ok"])
        // and again after reopening an existing catalog
        let again = try Catalog(directory: dir)
        #expect(try again.writerSynchronous() == 2)
    }

    @Test("ingest counts: inserted, then unchanged, then updated; close, reopen, delete; everything read back validates")
    func upsertCloseDelete() throws {
        let dir = freshDirectory("upsert")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        var c = try catalog.upsert(postings: postings)
        #expect(c.inserted == 120 && c.updated == 0 && c.unchanged == 0)
        c = try catalog.upsert(postings: postings)
        #expect(c.inserted == 0 && c.unchanged == 120)
        var changed = postings
        changed[3].title += " (수정)"
        changed[7].salaryMax = (changed[7].salaryMax ?? 3000) + 100
        c = try catalog.upsert(postings: changed)
        #expect(c.updated == 2 && c.unchanged == 118)
        let back = try catalog.postings()
        #expect(back.errors.isEmpty && back.records.count == 120)
        #expect(back.records == changed.sorted { $0.id < $1.id }, "what was stored is what was given")
        let open = changed.filter(\.isOpen).map(\.id)
        var r = try catalog.setOpen([open[0], open[1], "NO-SUCH"], open: false)
        #expect(r.changed == [open[0], open[1]] && r.missing == ["NO-SUCH"])
        r = try catalog.setOpen([open[0]], open: false)
        #expect(r.unchanged == [open[0]])
        #expect(try catalog.postings().records.first { $0.id == open[0] }?.isOpen == false)
        #expect(try catalog.setOpen([open[0]], open: true).changed == [open[0]])
        #expect(try catalog.summary().openPostings == open.count - 1)
        let d = try catalog.delete(.postings, ids: [open[2], "NO-SUCH"])
        #expect(d.deleted == [open[2]] && d.missing == ["NO-SUCH"])
        #expect(try catalog.summary().postings == 119)
    }

    @Test("seekers round-trip through their JSON line")
    func seekersRoundTrip() throws {
        let dir = freshDirectory("seekers")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        for s in seekers {
            let again = JSONLines.parseSeekers(Array(s.jsonLine.utf8), file: "line").records
            #expect(again == [s], "\(s.id)")
        }
        #expect(try catalog.upsert(seekers: seekers).inserted == 30)
        #expect(try catalog.seekers().records == seekers.sorted { $0.id < $1.id })
    }

    @Test("personal data never reaches the catalog file")
    func noPersonalData() throws {
        let dir = freshDirectory("pii")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let line = #"{"id":"P1","title":"지게차 기사 (연락처 010-9876-5432, 담당 kim.hr@example.com)","description":"주민번호 900101-1234567 제출"}"#
        let report = JSONLines.parsePostings(Array(line.utf8), file: "p")
        let catalog = try Catalog(directory: dir)
        #expect(try catalog.upsert(postings: report.records).inserted == 1)
        // checkpoint so the WAL is folded into the main file, then read every byte on disk
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        for f in files {
            let bytes = FileManager.default.contents(atPath: dir + "/" + f) ?? Data()
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in ["9876", "5432", "kim.hr", "example.com", "900101", "1234567"] {
                #expect(!text.contains(secret), "\(f) holds '\(secret)'")
            }
        }
    }

    @Test("generations: every change to postings bumps it once per commit; changes since g are exactly what changed")
    func generations() throws {
        let dir = freshDirectory("generations")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        #expect(try catalog.generation() == 0)
        _ = try catalog.upsert(postings: Array(postings.prefix(50)))
        #expect(try catalog.generation() == 1)
        _ = try catalog.upsert(postings: Array(postings.prefix(50)))  // unchanged: no new generation
        #expect(try catalog.generation() == 1)
        _ = try catalog.upsert(seekers: seekers)  // seekers do not touch the postings' generation
        #expect(try catalog.generation() == 1)
        let closed = postings[3].id, deleted = postings[4].id
        _ = try catalog.setOpen([closed], open: false)
        _ = try catalog.delete(.postings, ids: [deleted, "NOPE"])
        #expect(try catalog.generation() == 3)
        let changes = try catalog.postingChanges(since: 1)
        #expect(changes.generation == 3)
        #expect(changes.upserts.records.map(\.id) == [closed] && changes.upserts.records[0].isOpen == false)
        #expect(changes.deleted == [deleted])
        // deleted, then added again: an upsert, not a deletion
        _ = try catalog.upsert(postings: [postings[4]])
        let again = try catalog.postingChanges(since: 1)
        #expect(again.deleted.isEmpty && again.upserts.records.map(\.id).sorted() == [closed, deleted].sorted())
        #expect(try catalog.postingChanges(since: again.generation).upserts.records.isEmpty)
        let all = try catalog.postingsWithGeneration()
        let epoch = try catalog.epoch()
        #expect(all.stamp.generation == 4 && all.postings.records.count == 50 && all.stamp.epoch == epoch)
    }

    @Test("property: after any seeded sequence of upserts, closes and deletes, the incrementally kept index equals a fresh build of the catalog")
    func incrementalIndexProperty() throws {
        let model = Fixtures.model()
        let asOf = Day.parse("2026-11-27")!
        for seed in 1...4 {
            let dir = freshDirectory("property")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let catalog = try Catalog(directory: dir)
            var rng = SeededRandom(seed: UInt64(100 + seed))
            _ = try catalog.upsert(postings: Array(postings.prefix(60)))
            let indexDir = IndexMaintenance.indexDirectory(of: catalog)
            #expect(try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: true) == .rebuilt(reason: "no index yet"))
            var updates = 0, compactions = 0
            for step in 0..<15 {
                let current = try catalog.postings().records
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let fresh = postings[Int.random(in: 60..<postings.count, using: &rng)...].prefix(Int.random(in: 1...4, using: &rng))
                    _ = try catalog.upsert(postings: Array(fresh))
                case 1:
                    guard var p = current.randomElement(using: &rng) else { continue }
                    p.title += " 개정\(step)"
                    p.skills.append("엑셀")
                    _ = try catalog.upsert(postings: [p])
                case 2:
                    guard let p = current.randomElement(using: &rng) else { continue }
                    _ = try catalog.setOpen([p.id], open: !p.isOpen)
                default:
                    let ids = (0..<Int.random(in: 1...3, using: &rng)).compactMap { _ in current.randomElement(using: &rng)?.id }
                    _ = try catalog.delete(.postings, ids: ids)
                }
                // sometimes the index is not told (a crash between commit and update): it catches up later
                if Int.random(in: 0..<3, using: &rng) == 0 { continue }
                switch try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: false, compactRatio: 0.15) {
                case .updated(let s):
                    updates += 1
                    if s.compacted { compactions += 1 }
                case .current: break
                case let other: Issue.record("seed \(seed) step \(step): unexpected \(other)")
                }
                let (engine, notes) = try IndexMaintenance.engine(catalog, model: model)
                #expect(!notes.contains { $0.contains("rebuilt") }, "\(notes)")
                let fresh = MatchEngine(postings: try catalog.postings().records, model: model)
                #expect(engine.postings == fresh.postings, "seed \(seed) step \(step)")
                #expect(engine.index == fresh.index, "seed \(seed) step \(step): index differs from a fresh build")
                for s in seekers.prefix(6) {
                    #expect(engine.recommend(s, top: 10, asOf: asOf, explain: true) == fresh.recommend(s, top: 10, asOf: asOf, explain: true))
                }
            }
            #expect(updates > 5, "seed \(seed): \(updates) incremental updates")
            _ = compactions
        }
    }

    @Test("a refused index is rebuilt from the catalog, never served; another model's index is left alone unless asked")
    func refusedIndexRebuilt() throws {
        let dir = freshDirectory("refused")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        _ = try catalog.upsert(postings: Array(postings.prefix(40)))
        let model = Fixtures.model()
        let indexDir = IndexMaintenance.indexDirectory(of: catalog)
        _ = try IndexMaintenance.engine(catalog, model: model)
        let segment = indexDir + "/" + (try IndexDirectory.meta(indexDir)).segment
        var bytes = [UInt8](FileManager.default.contents(atPath: segment)!)
        bytes[bytes.count / 2] ^= 0x01
        #expect(FileManager.default.createFile(atPath: segment, contents: Data(bytes)))
        let (engine, notes) = try IndexMaintenance.engine(catalog, model: model)
        #expect(notes.contains { $0.contains("refused") && $0.contains("CRC-32C") }, "\(notes)")
        #expect(engine.index == MatchEngine(postings: try catalog.postings().records, model: model).index)
        // an index of another model's settings: refresh without rebuild leaves it
        let other = Fixtures.model(ngramSizes: [2, 3])
        _ = try catalog.setOpen([postings[0].id], open: false)
        if case .otherModel = try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: other, rebuild: false) {} else {
            Issue.record("another model's refresh touched the index")
        }
    }

    @Test("a full catalog (SQLITE_FULL): the whole ingest is rolled back, nothing partial; with room again it succeeds")
    func catalogFull() throws {
        let dir = freshDirectory("full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        _ = try catalog.upsert(postings: Array(postings.prefix(10)))
        let before = try catalog.summary(), generation = try catalog.generation()
        let pages = try #require(try catalog.pageCount())
        try catalog.limitPages(pages + 2)
        do {
            _ = try catalog.upsert(postings: postings)
            Issue.record("110 postings fitted in 2 pages")
        } catch {
            #expect("\(error)".contains("database or disk is full"), "\(error)")
        }
        #expect(try catalog.summary() == before, "nothing partial")
        #expect(try catalog.generation() == generation)
        #expect(try catalog.integrityCheck() == ["ok"])
        try catalog.limitPages(1 << 30)
        let c = try catalog.upsert(postings: postings)
        #expect(c.inserted == 110 && c.unchanged == 10)
    }

    @Test("an index of the catalog before a restore (another epoch) is never taken as current, even when the generations line up")
    func epochAfterRestore() throws {
        let dir = freshDirectory("epoch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = try Catalog(directory: dir)
        let model = Fixtures.model()
        _ = try catalog.upsert(postings: Array(postings.prefix(30)))
        let indexDir = IndexMaintenance.indexDirectory(of: catalog)
        _ = try IndexMaintenance.engine(catalog, model: model)
        #expect(try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: false) == .current)
        try catalog.renewEpoch()
        if case .refused(let why) = try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: false) {
            #expect(why.contains("another state of the catalog"))
        } else {
            Issue.record("an index of another epoch was not refused")
        }
        if case .rebuilt = try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: true) {} else {
            Issue.record("not rebuilt")
        }
        #expect(try IndexMaintenance.refresh(catalog, indexDirectory: indexDir, model: model, rebuild: false) == .current)
    }

    @Test("concurrent writers and readers of one index directory: the lock keeps every update, and readers always open a whole index")
    func concurrentUpdates() throws {
        let dir = freshDirectory("concurrent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = Fixtures.model()
        let base = Array(postings.prefix(40))
        try IndexDirectory.write(MatchEngine(postings: base, model: model), to: dir)
        let extra = Array(postings[40..<100])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                if worker < 2 {  // writers: each adds its own postings, a few at a time
                    for chunk in stride(from: worker * 30, to: worker * 30 + 30, by: 5) {
                        _ = try IndexDirectory.update(dir, model: model, upserts: Array(extra[chunk..<(chunk + 5)]), deletes: [], catalog: nil,
                                                      compactRatio: 0.5)
                    }
                } else {  // readers
                    for _ in 0..<15 { _ = try IndexDirectory.load(dir, model: model) }
                }
            } catch {
                failures.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let final = try IndexDirectory.load(dir, model: model)
        let everyUpdateKept = final.index == MatchEngine(postings: base + extra, model: model).index
        #expect(everyUpdateKept, "\(final.postings.count) postings of \(base.count + extra.count)")
    }
}
