import Foundation
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
}
