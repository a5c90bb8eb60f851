import Foundation
import JobMatchRanking
import JobMatchSample
import JobMatchTestSupport
import Testing

@Suite("JSON Lines validation")
struct LoadingTests {
    func postings(_ text: String) -> LoadReport<Posting> { JSONLines.parsePostings(Array(text.utf8), file: "p.jsonl") }

    @Test func fixturesLoadCleanly() {
        let p = Fixtures.postings(Fixtures.postingLines)
        #expect(p.errors.isEmpty, "\(p.errors)")
        #expect(p.records.count == Fixtures.postingLines.count)
        let s = Fixtures.seekers(Fixtures.seekerLines)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(s.records.count == 3)
        #expect(s.records[0].regions == [Region(sido: "경기")])
        #expect(s.records[0].employmentTypes == [.regular, .contract])
    }

    @Test("each bad line is reported with line and field; good lines still load")
    func rejectionsNameLineAndField() {
        let text = """
            {"id":"A","title":"지게차 기사"}
            {"id":"B","title":"x","salaryMin":"3000"}
            {"id":"C"}
            {"id":"D","title":"x","employmentType":"월급쟁이"}
            {"id":"E","title":"x","region":"화성 동탄"}
            {"id":"F","title":"x","salaryMin":4000,"salaryMax":3000}
            [1,2]
            {"id":"A","title":"again"}
            {"id":"G","title":"x","deadline":"2026-02-30"}
            {"id":"H","title":"x","skills":["a",3]}
            {"id":"I","title":"x","status":"paused"}
            {"id":"J K","title":"x"}
            {"id":"L","title":"ok","unknownField":{"nested":true},"employmentType":"full-time","education":"university"}
            {"id":"M","title":"x","experienceMin":1.5}
            {"id":"N","title":"x
            """
        let r = postings(text)
        #expect(r.records.map(\.id) == ["A", "L"])
        #expect(r.records[1].employmentTypes == [.regular])
        #expect(r.records[1].education == .university)
        let got = r.errors.map { "\($0.line)|\($0.field ?? "-")" }
        #expect(got == ["2|salaryMin", "3|title", "4|employmentType", "5|region", "6|salaryMax", "7|-", "8|id", "9|deadline", "10|skills[1]", "11|status", "12|id", "14|experienceMin", "15|-"])
        #expect(r.errors[0].description == "p.jsonl:2: field 'salaryMin': expected an integer, got a string")
        #expect(r.errors[6].reason.contains("already used on line 1"), "duplicate names both lines")
        #expect(r.errors.last!.reason.contains("truncated"))
    }

    @Test("parsing in several line ranges side by side gives the same report as one thread")
    func partsGiveTheSameReport() {
        // rejections, duplicates far apart (they land in different parts), blank lines, CRLF,
        // a BOM, redactions and sample records
        let data = SampleGenerator.generate(SampleConfiguration(seed: 5, postings: 120, seekers: 40))
        var lines = data.postingsJSONL.split(separator: "\n").map(String.init)
        lines.insert(#"{"id":"B","title":"x","salaryMin":"3000"}"#, at: 3)
        lines.insert("", at: 10)
        lines.insert("   ", at: 11)
        lines.insert(#"[1,2]"#, at: 40)
        lines.insert(#"{"id":"X1","title":"문의 010-1234-5678","description":"메일 a.b@example.com"}"#, at: 50)
        lines.insert(#"{"id":"X1","title":"again"}"#, at: 110)
        lines.append(#"{"id":"P000001","title":"duplicate of the first sample id"}"#)
        lines.append(#"{"id":"N","title":"x"#)
        let text = "\u{FEFF}" + lines.enumerated().map { $0.offset % 7 == 3 ? $0.element + "\r" : $0.element }.joined(separator: "\n")
        let one = JSONLines.parsePostings(Array(text.utf8), file: "p.jsonl", parts: 1)
        #expect(one.records.count == 121)
        #expect(one.errors.map(\.line) == [4, 41, 111, lines.count - 1, lines.count])
        #expect(one.redactions >= 2)
        for parts in [2, 3, 7, 500] {
            let many = JSONLines.parsePostings(Array(text.utf8), file: "p.jsonl", parts: parts)
            #expect(many.records == one.records, "parts \(parts)")
            #expect(many.lines == one.lines, "parts \(parts)")
            #expect(many.errors == one.errors, "parts \(parts)")
            #expect(many.redactions == one.redactions, "parts \(parts)")
        }
        let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s.jsonl", parts: 1)
        let seekers3 = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "s.jsonl", parts: 3)
        #expect(seekers.records.count == 40 && seekers3.records == seekers.records && seekers3.lines == seekers.lines)
    }

    @Test("duplicate keys, empty list items and out-of-range values are rejected without echoing values")
    func strictObjects() {
        let r = postings("""
            {"id":"DK","title":"지게차","region":"부산","region":"서울"}
            {"id":"E1","title":"x","skills":["지게차",""]}
            {"id":"E2","title":"x","employmentType":"정규직, 담당 010-1234-5678"}
            {"id":"E3","title":"x","salaryMax":1012345678}
            {"id":"E4","title":"x","category":"홍길동 010-2222-3333"}
            {"id":"E5","title":"x"} trailing
            """)
        #expect(r.errors.map { "\($0.line)|\($0.field ?? "-")" } == ["1|region", "2|skills[1]", "3|employmentType", "4|salaryMax", "6|-"])
        for e in r.errors { #expect(!e.description.contains("1234") && !e.description.contains("1012345678"), "\(e)") }
        #expect(r.records.map(\.id) == ["E4"])
        #expect(r.records.first?.category == "홍길동 ***")
        #expect(r.errors.last?.reason == "not valid JSON at byte 25 of the line: expected the end of the text")
    }

    @Test("JSON types are kept apart: booleans are not numbers, 3000.0 is the integer 3000")
    func jsonTypes() {
        let r = postings("""
            {"id":"T1","title":"x","salaryMin":true}
            {"id":"T2","title":"x","salaryMin":3000.0,"salaryMax":4000}
            {"id":"T3","title":true}
            {"id":"T4","title":"x","skills":"Java"}
            {"id":"T5","title":"x","salaryMax":1e30}
            {"id":"T6","title":"x","salaryMax":4500.5}
            """)
        #expect(r.records.map(\.id) == ["T2"])
        #expect(r.records.first?.salaryMin == 3000)
        #expect(r.errors.map(\.reason) == [
            "expected an integer, got a boolean", "expected a string, got a boolean",
            "expected an array of strings, got a string", "is outside 0...1000000",
            "expected an integer, got a number with a fraction",
        ])
    }

    @Test func malformedUTF8IsRejectedOthersLoad() {
        var bytes = Array(#"{"id":"A","title":"ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"B","title":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"C","title":"ok"}"#.utf8)
        let r = JSONLines.parsePostings(bytes, file: "bad.jsonl")
        #expect(r.records.map(\.id) == ["A", "C"])
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.line == 2)
        #expect(r.errors.first?.reason.contains("malformed UTF-8") == true)
    }

    @Test("a 50 MB single line is refused by size, without parsing")
    func hugeLine() {
        var bytes = Array(#"{"id":"A","title":"ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"B","title":"x","description":""#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        bytes += Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"C","title":"ok"}"#.utf8)
        let r = JSONLines.parsePostings(bytes, file: "big.jsonl")
        #expect(r.records.map(\.id) == ["A", "C"])
        #expect(r.errors.first?.line == 2)
        #expect(r.errors.first?.reason.contains("bytes") == true)
    }

    @Test func blankLinesBOMAndCRLF() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"A\",\"title\":\"x\"}\r\n\r\n   \n{\"id\":\"B\",\"title\":\"y\"}\r\n".utf8)
        let r = JSONLines.parsePostings(bytes, file: "crlf.jsonl")
        #expect(r.records.map(\.id) == ["A", "B"])
        #expect(r.lines == [1, 4])
        #expect(r.errors.isEmpty)
        // files joined with `cat`: a byte-order mark opening a later line is skipped too, and an
        // error on such a line counts bytes from the line's start (the mark included)
        let joined: [UInt8] = bytes + [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"C\",\"title\":\"z\"}\n".utf8)
            + [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"D\",}\n{\"id\":\"E\",\"title\":\"\\ud800\n".utf8)
        let j = JSONLines.parsePostings(joined, file: "joined.jsonl")
        #expect(j.records.map(\.id) == ["A", "B", "C"])
        #expect(j.errors.map(\.line) == [6, 7])
        #expect(j.errors.first?.reason == "not valid JSON at byte 14 of the line: expected a field name in double quotes")
        #expect(j.errors.last?.reason == "not valid JSON: the text ends before the value is complete (truncated?)")
    }

    @Test("read block by block, a file gives the report of its bytes parsed whole, whatever the block size")
    func streamedLoadEqualsWholeParse() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func same<R: Equatable>(_ a: LoadReport<R>, _ b: LoadReport<R>, _ what: String) {
            #expect(a.records == b.records, "\(what): records")
            #expect(a.lines == b.lines && a.errors == b.errors && a.redactions == b.redactions && a.file == b.file, "\(what): \(a.errors) vs \(b.errors)")
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let line = { (id: String) in Array(#"{"id":"\#(id)","title":"간호사 채용","description":"연락 010-1234-5678"}"#.utf8) }
        // small: a byte-order mark, CR LF, blank and white lines, malformed UTF-8, a duplicate id,
        // a mark opening a later line, a bad line, and a last line without a line end
        var small = bom + line("A") + Array("\r\n\r\n \t \n".utf8) + line("B") + [0x0A]
        small += Array(#"{"id":"C","title":""#.utf8) + [0xFF] + Array("\"}\n".utf8)
        small += line("A") + [0x0A] + bom + line("D") + Array("\n{\"id\":\n\r\n".utf8) + line("E")
        let smallPath = dir.appendingPathComponent("small.jsonl").path
        #expect(FileManager.default.createFile(atPath: smallPath, contents: Data(small)))
        let whole = JSONLines.parsePostings(small, file: smallPath)
        #expect(whole.records.map(\.id) == ["A", "B", "D", "E"] && whole.errors.map(\.line) == [5, 6, 8] && whole.redactions == 4)
        for block in [1, 2, 3, 4, 5, 17, 64, 1 << 20] {
            same(try JSONLines.loadPostings(path: smallPath, blockBytes: block), whole, "block \(block)")
        }
        same(try JSONLines.loadPostings(path: smallPath), whole, "default block")
        // over-long lines stream past without being kept: one with text, one of blanks (skipped
        // as blank), both ending in CR LF; one exactly at the limit before its CR (refused for
        // its content); a CR kept as JSON white space; blanks around a CR (not blank); a last
        // over-long line ending in a CR
        let limit = JSONLines.maxLineBytes
        var big = line("F") + [0x0A]
        big += Array(#"{"id":"G","description":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: limit + 10) + Array("\"}\r\n".utf8)
        big += [UInt8](repeating: 0x20, count: limit + 3) + Array("\t\r\n".utf8)
        big += [UInt8](repeating: 0x20, count: limit - 2) + Array("{}\r\n".utf8)
        big += line("H") + Array("\r\r\n".utf8)
        big += [UInt8](repeating: 0x20, count: limit / 2) + [0x0D] + [UInt8](repeating: 0x20, count: limit / 2 + 10) + [0x0A]
        big += [UInt8](repeating: UInt8(ascii: "b"), count: limit + 1) + [0x0D]
        let bigPath = dir.appendingPathComponent("big.jsonl").path
        #expect(FileManager.default.createFile(atPath: bigPath, contents: Data(big)))
        let bigWhole = JSONLines.parsePostings(big, file: bigPath)
        #expect(bigWhole.records.map(\.id) == ["F", "H"] && bigWhole.errors.map(\.line) == [2, 4, 6, 7])
        #expect(bigWhole.errors.map(\.reason).filter { $0.contains("bytes; a posting record may be at most") }.count == 3)
        for block in [4093, 65_536, limit, limit + 1, limit + 2, 3 << 20] {
            same(try JSONLines.loadPostings(path: bigPath, blockBytes: block), bigWhole, "block \(block)")
        }
        // seekers go the same way
        let seekers = Array("{\"id\":\"S1\",\"desiredTitle\":\"간호사\"}\n\n{\"id\":\"S1\"}\r\n{\"id\":\"S2\",\"desiredTitle\":\"요양보호사\"}".utf8)
        let seekerPath = dir.appendingPathComponent("seekers.jsonl").path
        #expect(FileManager.default.createFile(atPath: seekerPath, contents: Data(seekers)))
        let seekerWhole = JSONLines.parseSeekers(seekers, file: seekerPath)
        #expect(seekerWhole.errors.map(\.line) == [3])
        for block in [1, 7, 1 << 20] { same(try JSONLines.loadSeekers(path: seekerPath, blockBytes: block), seekerWhole, "seekers, block \(block)") }
    }

    @Test func emptyAndMissingFilesAreClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.jsonl").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data("\n \n".utf8)))
        #expect(throws: JobMatchError("\(empty): the file is empty (no records)")) { try JSONLines.loadPostings(path: empty) }
        let bomOnly = dir.appendingPathComponent("bom.jsonl").path
        #expect(FileManager.default.createFile(atPath: bomOnly, contents: Data([0xEF, 0xBB, 0xBF, 0x0A, 0x0A])))
        #expect(throws: JobMatchError("\(bomOnly): the file is empty (no records)")) { try JSONLines.loadPostings(path: bomOnly) }
        #expect(throws: JobMatchError("\(dir.path)/nope.jsonl: no such file")) { try JSONLines.loadPostings(path: dir.path + "/nope.jsonl") }
        #expect(throws: JobMatchError("\(dir.path): is a directory, expected a JSON Lines file")) { try JSONLines.loadPostings(path: dir.path) }
        // the same whatever the block size, the byte-order mark split across reads
        for block in [1, 2, 3] {
            #expect(throws: JobMatchError("\(empty): the file is empty (no records)")) { try JSONLines.loadPostings(path: empty, blockBytes: block) }
            #expect(throws: JobMatchError("\(bomOnly): the file is empty (no records)")) { try JSONLines.loadSeekers(path: bomOnly, blockBytes: block) }
        }
        // two bytes of a mark are not a mark: a line of malformed UTF-8
        let halfMark = dir.appendingPathComponent("half.jsonl").path
        #expect(FileManager.default.createFile(atPath: halfMark, contents: Data([0xEF, 0xBB])))
        for block in [1, 2, 3, 1 << 20] {
            let r = try JSONLines.loadPostings(path: halfMark, blockBytes: block)
            #expect(r.records.isEmpty && r.errors.map(\.line) == [1] && r.errors.first?.reason == "malformed UTF-8 at byte 1 of the line", "block \(block)")
        }
        let unreadable = dir.appendingPathComponent("unreadable.jsonl").path
        #expect(FileManager.default.createFile(atPath: unreadable, contents: Data("{}".utf8), attributes: [.posixPermissions: 0]))
        if getuid() != 0 {  // root reads it anyway
            #expect(throws: JobMatchError("\(unreadable): cannot be read (Permission denied)")) { try JSONLines.loadPostings(path: unreadable) }
        }
        #if os(Linux)
        // a file that opens but whose reading fails, for root too (CI runs as root): this
        // process's memory, whose first page is not mapped
        #expect(throws: JobMatchError("/proc/self/mem: cannot be read after line 0 (Input/output error)")) {
            try JSONLines.loadPostings(path: "/proc/self/mem")
        }
        #endif
    }

    @Test("seekers: constraints parsed; resident-number ids refused without echoing them")
    func seekerValidation() {
        let r = JSONLines.parseSeekers(Array("""
            {"id":"S1","desiredTitle":"요양보호사","regions":["서울특별시 강남구","경기도"],"employmentTypes":["정규직 · 계약직","part-time"]}
            {"id":"900101-1234567","desiredTitle":"x"}
            {"id":"S3"}
            {"id":"S4","desiredTitle":"x","regions":["전국"]}
            {"id":"S5","desiredTitle":"x","desiredOccupations":["87 31"]}
            """.utf8), file: "s.jsonl")
        #expect(r.records.map(\.id) == ["S1", "S4"])
        #expect(r.records[0].regions == [Region(sido: "서울", districts: ["강남구"]), Region(sido: "경기")])
        #expect(r.records[0].employmentTypes == [.regular, .contract, .partTime])
        #expect(r.records[1].regionsNationwide)
        #expect(r.errors.map(\.line) == [2, 3, 5])
        #expect(r.errors[0].field == "id")
        #expect(!r.errors[0].description.contains("1234567"))
    }

    @Test("personal data in free text is redacted on load and counted")
    func redactionOnLoad() {
        let r = postings(#"{"id":"A","title":"상담원 모집 (문의 010-2222-3333)","description":"이메일 hr.team@company.example 또는 02-555-6666"}"#)
        #expect(r.records.first?.title == "상담원 모집 (문의 ***)")
        #expect(r.records.first?.description == "이메일 *** 또는 ***")
        #expect(r.redactions == 3)
        #expect(!r.summary.contains("3333"))
    }
}

@Suite("Regions and dates")
struct RegionTests {
    @Test func admission() {
        let seoul = Region.parse("서울")!, seongnam = Region.parse("경기 성남시")!
        #expect(seoul.admits(Region.parse("서울 강남구")!) == .admitted)
        #expect(seoul.admits(Region.parse("서울특별시")!) == .admitted)
        #expect(seoul.admits(Region.parse("경기 성남시")!) == .outside)
        #expect(seongnam.admits(Region.parse("경기도 성남시 분당구")!) == .admitted)
        #expect(seongnam.admits(Region.parse("경기 수원시")!) == .outside)
        #expect(seongnam.admits(Region.parse("경기")!) == .unstatedDistrict)
        #expect(Region.parse("화성") == nil)
        // names typed by hand: run together, or without 시
        #expect(Region.parse("경기 성남시분당구") == Region(sido: "경기", districts: ["성남시", "분당구"]))
        #expect(seongnam.admits(Region.parse("경기 성남시분당구")!) == .admitted)
        #expect(Region.parse("경기 성남")!.admits(Region.parse("경기 성남시 분당구")!) == .admitted)
        #expect(Region.parse("서울 중구")!.admits(Region.parse("서울 중랑구")!) == .outside)
        #expect(Region.parse("부산 중구")!.admits(Region.parse("부산 중")!) == .outside, "one-syllable names keep their ending")
        #expect(Region.parse("세종 세종시") == Region(sido: "세종"))
        #expect(Region.parse("세종 세종")!.admits(Region.parse("세종특별자치시")!) == .admitted)
        #expect(Region.parse("경북 군위군") == Region(sido: "대구", districts: ["군위군"]))
        #expect(Region.parse("대구 군위")!.admits(Region.parse("경상북도 군위군")!) == .admitted)
    }

    @Test func days() {
        #expect(Day.parse("2026-02-29") == nil)
        #expect(Day.parse("2028-02-29") != nil)
        #expect(Day.parse("2026-1-01") == nil)
        #expect(Day.parse("2026-12-31")! < Day.parse("2027-01-01")!)
        #expect(Day.parse("2026-12-31")!.adding(days: 1) == Day.parse("2027-01-01")!)
        #expect(Day.parse("2026-11-27")!.description == "2026-11-27")
    }
}

@Suite("Calibration (isotonic regression)")
struct CalibrationTests {
    @Test("pool-adjacent-violators on a hand example; interpolation between blocks")
    func handExample() {
        let c = Calibration.fit([(3, false), (1, false), (2, true), (5, true), (4, true)], top: 5)
        #expect(c.points == [
            .init(score: 1, probability: 0, pairs: 1), .init(score: 2.5, probability: 0.5, pairs: 2), .init(score: 4.5, probability: 1, pairs: 2),
        ])
        #expect(c.probability(0) == 0 && c.probability(9) == 1)
        #expect(abs(c.probability(2) - 1.0 / 3) < 1e-12)
        #expect(c.probability(3.5) == 0.75)
    }

    @Test("on outcomes drawn with P(relevant) = score the fit is monotone and calibrated; ECE and correlation say so")
    func calibratedOnSyntheticOutcomes() {
        var rng = SeededRandom(seed: 8)
        func draw(_ n: Int) -> [(score: Double, relevant: Bool)] {
            (0..<n).map { _ in
                let s = Double.random(in: 0...1, using: &rng)
                return (s, Double.random(in: 0...1, using: &rng) < s)
            }
        }
        let train = draw(20_000), test = draw(20_000)
        let c = Calibration.fit(train, top: 30)
        #expect(zip(c.points, c.points.dropFirst()).allSatisfy { $0.score < $1.score && $0.probability <= $1.probability })
        let q = CalibrationQuality.measure(probabilities: test.map { c.probability($0.score) }, scores: test.map(\.score), relevant: test.map(\.relevant))
        #expect(q.expectedCalibrationError < 0.02)
        #expect(abs(q.baseRate - 0.5) < 0.02)
        #expect(q.scoreCorrelation > 0.5)
        // a map that ignores the score is badly calibrated at the ends: ECE sees it
        let flat = CalibrationQuality.measure(probabilities: test.map { _ in 0.9 }, scores: test.map(\.score), relevant: test.map(\.relevant))
        #expect(flat.expectedCalibrationError > 0.3)
    }
}
