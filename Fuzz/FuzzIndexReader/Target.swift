import JobMatchIndex
import JobMatchKernels
import JobMatchRanking

/// The segment reader (every check of `IndexFile` and `PostingRecords`) on arbitrary bytes: never
/// traps; a file it accepts is exactly what the writer produces for what was read (re-encoding
/// gives the same bytes), so nothing unchecked gets through. Each input is read twice: as it is
/// (the checksums must catch the damage) and with its checksums recomputed, so that mutations
/// reach the structural checks behind them.
func fuzzOne(_ bytes: [UInt8]) {
    check(bytes)
    if let repaired = withChecksumsRecomputed(bytes), repaired != bytes { check(repaired) }
}

func check(_ bytes: [UInt8]) {
    let file = MappedBytes(bytes: bytes, name: "fuzz.bin")
    guard let (index, records) = try? IndexFile.decode(file) else { return }
    guard let postings = try? PostingRecords.decode(records) else { return }
    precondition(PostingRecords.encode(postings) == records, "records accepted but not canonical")
    precondition(IndexFile.encode(index, records: records) == bytes, "index accepted but not canonical")
}

/// The same bytes with every in-range section CRC, the table CRC and the footer's length
/// recomputed (nil when there is no table to read).
func withChecksumsRecomputed(_ input: [UInt8]) -> [UInt8]? {
    var b = input
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
    func put32(_ v: UInt32, _ at: Int) { for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }
    func put64(_ v: UInt64, _ at: Int) { for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
    guard b.count >= 32 else { return nil }
    let sections = Int(min(u32(8), 64))
    let tableEnd = 16 + 24 * sections
    guard tableEnd + 16 <= b.count else { return nil }
    for s in 0..<sections {
        let entry = 16 + 24 * s
        let offset = u64(entry + 8), length = u64(entry + 16)
        guard offset <= UInt64(b.count), length <= UInt64(b.count) - offset else { continue }
        put32(CRC32C.checksum(b[Int(offset)..<Int(offset + length)]), entry + 4)
    }
    put32(CRC32C.checksum(b[0..<tableEnd]), b.count - 12)
    put64(UInt64(b.count), b.count - 8)
    return b
}
