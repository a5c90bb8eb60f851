import JobMatchKernels

/// The postings of an index segment in binary (the `records` section of `index.bin`), so that
/// opening an index copies strings instead of parsing and re-validating JSON.
///
/// ```
/// UInt64 count, then per posting (ascending id):
///   UInt32 flags (bit: 0 company, 1 description, 2 occupation, 3 region, 4 nationwide,
///                 5 salaryMin, 6 salaryMax, 7 experienceMin, 8 experienceMax, 9 education,
///                 10 deadline, 11 open, 12 category, 13 source, 14 url)
///   str id · str title · [str company] · [str description] · [str occupation]
///   [str sido · UInt32 n · n × str district] · UInt8 n · n × UInt8 employment type
///   [Int64 salaryMin] · [Int64 salaryMax] · [Int64 experienceMin] · [Int64 experienceMax]
///   [UInt8 education] · [UInt16 year · UInt8 month · UInt8 day]
///   UInt32 n · n × str skill · UInt32 n · n × str certificate
///   [str category] · [str source] · [str url]
/// str = UInt32 byte length + UTF-8; [..] present only when its flag is set.
/// ```
package enum PostingRecords {
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package var record: Int
        package var field: String
        package var reason: String
        package var description: String { "record \(record + 1): field '\(field)': \(reason)" }
    }

    package static func encode(_ postings: [Posting]) -> [UInt8] {
        var all: [UInt8] = []
        encode(postings, chunkBytes: 1 << 20) { all.append(contentsOf: $0) }
        return all
    }

    /// ``encode(_:)`` handed to `sink` in runs of about `chunkBytes` (to a file, without holding
    /// the whole section): the runs end to end are exactly ``encode(_:)``'s bytes.
    package static func encode<E: Error>(_ postings: [Posting], chunkBytes: Int, to sink: ([UInt8]) throws(E) -> Void) throws(E) {
        var w = RecordWriter()
        w.u64(UInt64(postings.count))
        for p in postings {
            if w.out.count >= chunkBytes {
                try sink(w.out)
                w.out.removeAll(keepingCapacity: true)
            }
            var flags: UInt32 = 0
            func flag(_ bit: UInt32, _ on: Bool) { if on { flags |= 1 << bit } }
            flag(0, p.company != nil)
            flag(1, p.description != nil)
            flag(2, p.occupation != nil)
            flag(3, p.region != nil)
            flag(4, p.regionNationwide)
            flag(5, p.salaryMin != nil)
            flag(6, p.salaryMax != nil)
            flag(7, p.experienceMin != nil)
            flag(8, p.experienceMax != nil)
            flag(9, p.education != nil)
            flag(10, p.deadline != nil)
            flag(11, p.isOpen)
            flag(12, p.category != nil)
            flag(13, p.source != nil)
            flag(14, p.url != nil)
            w.u32(flags)
            w.str(p.id)
            w.str(p.title)
            for s in [p.company, p.description, p.occupation] { if let s { w.str(s) } }
            if let r = p.region {
                w.str(r.sido)
                w.u32(UInt32(r.districts.count))
                for d in r.districts { w.str(d) }
            }
            w.u8(UInt8(p.employmentTypes.count))
            for t in p.employmentTypes { w.u8(UInt8(EmploymentType.allCases.firstIndex(of: t)!)) }
            for v in [p.salaryMin, p.salaryMax, p.experienceMin, p.experienceMax] { if let v { w.u64(UInt64(bitPattern: Int64(v))) } }
            if let e = p.education { w.u8(UInt8(e.rawValue)) }
            if let d = p.deadline {
                w.u16(UInt16(d.year))
                w.u8(UInt8(d.month))
                w.u8(UInt8(d.day))
            }
            for list in [p.skills, p.certificates] {
                w.u32(UInt32(list.count))
                for s in list { w.str(s) }
            }
            for s in [p.category, p.source, p.url] { if let s { w.str(s) } }
        }
        try sink(w.out)
    }

    /// The postings back; any structural damage is a ``Failure`` naming the record and field.
    /// Ids must ascend strictly (document number = position).
    package static func decode(_ bytes: [UInt8]) throws(Failure) -> [Posting] {
        var r = RecordReader(bytes: bytes)
        var record = 0
        var field = "count"
        func fail(_ reason: String) -> Failure { Failure(record: record, field: field, reason: reason) }
        guard let count = r.u64(), count <= UInt64(bytes.count / 13) else { throw fail("implausible count") }
        var out: [Posting] = []
        out.reserveCapacity(Int(count))
        func str(_ name: String) throws(Failure) -> String {
            field = name
            guard let s = r.str() else { throw fail("truncated or not UTF-8") }
            return s
        }
        func int(_ name: String) throws(Failure) -> Int {
            field = name
            guard let v = r.u64() else { throw fail("truncated") }
            return Int(Int64(bitPattern: v))
        }
        func list(_ name: String) throws(Failure) -> [String] {
            field = name
            guard let n = r.u32(), Int(n) <= r.remaining / 4 else { throw fail("truncated or implausible length") }
            var items: [String] = []
            items.reserveCapacity(Int(n))
            for _ in 0..<n { items.append(try str(name)) }
            return items
        }
        for i in 0..<Int(count) {
            record = i
            field = "flags"
            guard let flags = r.u32(), flags < 1 << 15 else { throw fail("truncated or unknown flags") }
            func has(_ bit: UInt32) -> Bool { flags & (1 << bit) != 0 }
            var p = Posting(id: try str("id"), title: try str("title"))
            if let last = out.last, !(last.id < p.id) { field = "id"; throw fail("ids are not in ascending order ('\(last.id)' then '\(p.id)')") }
            if has(0) { p.company = try str("company") }
            if has(1) { p.description = try str("description") }
            if has(2) { p.occupation = try str("occupation") }
            if has(3) {
                let sido = try str("region")
                field = "region"
                guard let n = r.u32(), Int(n) <= r.remaining / 4 else { throw fail("truncated") }
                var districts: [String] = []
                for _ in 0..<n { districts.append(try str("region")) }
                p.region = Region(sido: sido, districts: districts)
            }
            p.regionNationwide = has(4)
            field = "employmentType"
            guard let types = r.u8() else { throw fail("truncated") }
            var lastType = -1
            for _ in 0..<types {
                guard let t = r.u8(), Int(t) < EmploymentType.allCases.count, Int(t) > lastType else {
                    throw fail("truncated, unknown, repeated or unsorted type")
                }
                lastType = Int(t)
                p.employmentTypes.append(EmploymentType.allCases[Int(t)])
            }
            // the same ranges the interchange schema enforces (the engine relies on them)
            func bounded(_ name: String, _ range: ClosedRange<Int>) throws(Failure) -> Int {
                let v = try int(name)
                guard range.contains(v) else { throw fail("\(v) is outside \(range.lowerBound)...\(range.upperBound)") }
                return v
            }
            if has(5) { p.salaryMin = try bounded("salaryMin", 0...RecordParsing.maxSalary) }
            if has(6) { p.salaryMax = try bounded("salaryMax", 0...RecordParsing.maxSalary) }
            if let lo = p.salaryMin, let hi = p.salaryMax, lo > hi { throw fail("salaryMax \(hi) is below salaryMin \(lo)") }
            if has(7) { p.experienceMin = try bounded("experienceMin", 0...RecordParsing.maxYears) }
            if has(8) { p.experienceMax = try bounded("experienceMax", 0...RecordParsing.maxYears) }
            if let lo = p.experienceMin, let hi = p.experienceMax, lo > hi { throw fail("experienceMax \(hi) is below experienceMin \(lo)") }
            if has(9) {
                field = "education"
                guard let e = r.u8(), let education = Education(rawValue: Int(e)) else { throw fail("truncated or unknown level") }
                p.education = education
            }
            if has(10) {
                field = "deadline"
                guard let y = r.u16(), let m = r.u8(), let d = r.u8(), let day = Day(year: Int(y), month: Int(m), day: Int(d)) else {
                    throw fail("truncated or not a date")
                }
                p.deadline = day
            }
            p.isOpen = has(11)
            p.skills = try list("skills")
            p.certificates = try list("certificates")
            if has(12) { p.category = try str("category") }
            if has(13) { p.source = try str("source") }
            if has(14) { p.url = try str("url") }
            out.append(p)
        }
        record = Int(count)
        field = "end"
        guard r.remaining == 0 else { throw fail("\(r.remaining) bytes after the last record") }
        return out
    }
}

struct RecordWriter {
    var out: [UInt8] = []
    mutating func u8(_ v: UInt8) { out.append(v) }
    mutating func u16(_ v: UInt16) { out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    mutating func str(_ s: String) {
        u32(UInt32(s.utf8.count))
        out.append(contentsOf: s.utf8)
    }
}

struct RecordReader {
    let bytes: [UInt8]
    var position = 0
    var remaining: Int { bytes.count - position }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
    mutating func u16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { position += 2 }
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }
    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }
    mutating func u64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }
    mutating func str() -> String? {
        guard let n = u32(), Int(n) <= remaining else { return nil }
        defer { position += Int(n) }
        return UTF8Text.string(exactly: bytes[position..<(position + Int(n))])  // nil: malformed UTF-8
    }
}
