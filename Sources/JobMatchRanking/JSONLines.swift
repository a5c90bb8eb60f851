import Foundation
import JobMatchText
import JobMatchKernels

/// A rejected record: file, 1-based line, field (when one is at fault) and reason.
package struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var field: String?
    package var reason: String

    package var description: String {
        if let field { return "\(file):\(line): field '\(field)': \(reason)" }
        return "\(file):\(line): \(reason)"
    }
}

/// A problem with a whole input (missing, unreadable, empty, a bad model), with a message for people.
package struct JobMatchError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Records loaded from a JSON Lines file, with every rejection.
package struct LoadReport<Record: Sendable>: Sendable {
    package var file: String
    package var records: [Record] = []
    /// Line number of each record in `records`.
    package var lines: [Int] = []
    package var errors: [RecordError] = []
    /// Personal-data items removed from free text.
    package var redactions = 0

    package var summary: String {
        "\(file): \(records.count) loaded, \(errors.count) rejected" + (redactions > 0 ? ", \(redactions) personal-data item(s) redacted" : "")
    }
}

/// Reads JSON Lines in the interchange schema (docs/data-format.md).
///
/// Every line is checked on its own: malformed UTF-8, invalid JSON, a non-object, wrong field
/// types and values, over-long lines and duplicate ids are reported with file, line and
/// field, and the valid records still load. Blank lines are skipped; a file with no records
/// at all is an error.
package enum JSONLines {
    /// Longest accepted line; a longer one is rejected (not parsed) with its size.
    package static let maxLineBytes = 1 << 20

    /// The file read in blocks of `blockBytes` (``load(_:kind:_:id:blockBytes:)``): the same
    /// report as ``parsePostings(_:file:parts:)`` of its bytes, without holding them all.
    package static func loadPostings(path: String) throws(JobMatchError) -> LoadReport<Posting> {
        try loadPostings(path: path, blockBytes: defaultBlockBytes)
    }

    package static func loadPostings(path: String, blockBytes: Int) throws(JobMatchError) -> LoadReport<Posting> {
        try load(path, kind: "posting", RecordParsing.posting, id: \.id, blockBytes: blockBytes)
    }

    package static func loadSeekers(path: String) throws(JobMatchError) -> LoadReport<Seeker> {
        try loadSeekers(path: path, blockBytes: defaultBlockBytes)
    }

    package static func loadSeekers(path: String, blockBytes: Int) throws(JobMatchError) -> LoadReport<Seeker> {
        try load(path, kind: "seeker", RecordParsing.seeker, id: \.id, blockBytes: blockBytes)
    }

    package static let defaultBlockBytes = 8 << 20

    /// `parts`: line ranges parsed side by side (default: one per core for a file of 1 MiB or
    /// more); the report does not depend on it.
    package static func parsePostings(_ bytes: [UInt8], file: String, parts: Int? = nil) -> LoadReport<Posting> {
        parse(bytes, file: file, kind: "posting", RecordParsing.posting, id: \.id, parts: parts)
    }

    package static func parseSeekers(_ bytes: [UInt8], file: String, parts: Int? = nil) -> LoadReport<Seeker> {
        parse(bytes, file: file, kind: "seeker", RecordParsing.seeker, id: \.id, parts: parts)
    }

    /// Parses one JSON object (e.g. `--profile`) as a seeker.
    package static func parseSeeker(json: [UInt8], source: String) -> Result<Seeker, RecordError> {
        let report = parseSeekers(json.filter { $0 != 0x0A && $0 != 0x0D }, file: source)
        if let e = report.errors.first { return .failure(e) }
        guard let s = report.records.first else { return .failure(RecordError(file: source, line: 1, reason: "no profile given")) }
        return .success(s)
    }

    /// Reads the file at `path` block by block and parses its complete lines as they arrive, so
    /// that only the records (not the file's bytes) are held. The report is the same as
    /// ``parse(_:file:kind:_:id:parts:)`` of the whole file: a byte-order mark opening the file
    /// is skipped, a line may end in CR LF, a final line needs no line end, and a line longer
    /// than ``maxLineBytes`` is rejected with its size without being kept (it is skipped as it
    /// streams past). A file with nothing but white space is an error.
    static func load<R: Sendable>(
        _ path: String, kind: String,
        _ parseRecord: @Sendable (RecordFields, inout Int) throws(FieldError) -> R, id: (R) -> String,
        blockBytes: Int
    ) throws(JobMatchError) -> LoadReport<R> {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw JobMatchError("\(path): no such file")
        }
        if isDir.boolValue { throw JobMatchError("\(path): is a directory, expected a JSON Lines file") }
        var reader: FileBlockReader
        do { reader = try FileBlockReader(path: path, blockBytes: blockBytes) } catch {
            throw JobMatchError("\(path): cannot be read (\(String(cString: strerror(error.code))))")
        }
        var merger = LineMerger<R>(file: path)
        var pending: [UInt8] = []
        var bomChecked = false, sawContent = false, atEnd = false
        // an over-long line streaming past: its bytes so far, whether they are all blanks (a CR
        // that may end the line is held back in `heldCR`)
        var skipping: (bytes: Int, blank: Bool, heldCR: Bool)?
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func skip(_ bytes: ArraySlice<UInt8>, _ s: inout (bytes: Int, blank: Bool, heldCR: Bool)) {
            for b in bytes {
                if s.heldCR { s.blank = false }
                s.heldCR = b == 0x0D
                if !s.heldCR && !isBlank(b) { s.blank = false }
                s.bytes += 1
            }
        }
        func finishSkipped(_ s: (bytes: Int, blank: Bool, heldCR: Bool)) {
            let length = s.bytes - (s.heldCR ? 1 : 0)
            merger.add(s.blank ? .blank : .rejected(field: nil, reason: Self.overLong(length, kind: kind)), id: id)
        }
        while !atEnd {
            let block: ArraySlice<UInt8>?
            do { block = try reader.next() } catch {
                throw JobMatchError("\(path): cannot be read after line \(merger.lineCount) (\(String(cString: strerror(error.code))))")
            }
            atEnd = block == nil
            var chunk = block ?? []
            if !bomChecked {
                pending.append(contentsOf: chunk)
                guard pending.count >= 3 || atEnd else { continue }
                bomChecked = true
                let bom = pending.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
                chunk = pending[bom...]
                pending = []
            }
            if !sawContent { sawContent = chunk.contains { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) } }
            if var s = skipping {
                // the rest of an over-long line: up to its line end, if this chunk has it
                let end = chunk.firstIndex(of: 0x0A) ?? chunk.endIndex
                skip(chunk[..<end], &s)
                if end == chunk.endIndex && !atEnd {
                    skipping = s
                    continue
                }
                finishSkipped(s)
                skipping = nil
                chunk = end < chunk.endIndex ? chunk[(end + 1)...] : chunk[chunk.endIndex...]
            }
            // complete lines: up to the last line end (at the end of the file, everything); what
            // was pending before holds no line end
            let after = chunk.lastIndex(of: 0x0A).map { chunk.endIndex - $0 - 1 }
            pending.append(contentsOf: chunk)
            let complete = atEnd ? pending.count : after.map { pending.count - $0 } ?? 0
            if complete > 0 {
                merger.parse(pending[..<complete], kind: kind, parseRecord, id: id)
                pending.removeFirst(complete)
            }
            if !atEnd && pending.count > maxLineBytes + 1 {
                // longer than any accepted line (even with a CR) and no line end yet
                var s = (bytes: 0, blank: true, heldCR: false)
                skip(pending[...], &s)
                skipping = s
                pending = []
            }
        }
        if !sawContent { throw JobMatchError("\(path): the file is empty (no records)") }
        return merger.report
    }

    static func overLong(_ length: Int, kind: String) -> String {
        "the line is \(length) bytes; a \(kind) record may be at most \(maxLineBytes) bytes"
    }

    /// Outcomes of lines added in file order into a report: line numbers, duplicate ids (the
    /// first line with an id keeps it), redaction counts.
    struct LineMerger<R: Sendable> {
        var report: LoadReport<R>
        var lineCount = 0
        var firstLine: [String: Int] = [:]

        init(file: String) { report = LoadReport(file: file) }

        mutating func add(_ outcome: LineOutcome<R>, id: (R) -> String) {
            lineCount += 1
            let lineNo = lineCount
            switch outcome {
            case .blank:
                return
            case .rejected(let field, let reason):
                report.errors.append(RecordError(file: report.file, line: lineNo, field: field, reason: reason))
            case .parsed(let record, let redactions):
                let rid = id(record)
                if let first = firstLine[rid] {
                    report.errors.append(RecordError(file: report.file, line: lineNo, field: "id", reason: "duplicate id '\(rid)': already used on line \(first)"))
                    return
                }
                firstLine[rid] = lineNo
                report.records.append(record)
                report.lines.append(lineNo)
                report.redactions += redactions
            }
        }

        /// The lines of `bytes` (split at LF; a CR before it is not part of the line; the last
        /// line needs no LF), parsed side by side (`parts`, default one per core for 1 MiB or
        /// more) and added in order.
        mutating func parse(
            _ bytes: ArraySlice<UInt8>, kind: String, _ parseRecord: @Sendable (RecordFields, inout Int) throws(FieldError) -> R,
            id: (R) -> String, parts: Int? = nil
        ) {
            var lines: [Range<Int>] = []
            var start = bytes.startIndex
            while start < bytes.endIndex {
                var end = start
                while end < bytes.endIndex && bytes[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lines.append(start..<lineEnd)
                start = end + 1
            }
            let n = parts ?? (bytes.count >= parallelBytes ? Parallel.processors : 1)
            let outcomes = Parallel.map(count: lines.count, parts: n) { [lines] range in
                range.map { i in parseLine(bytes[lines[i]], kind: kind, parseRecord) }
            }
            for outcome in outcomes { add(outcome, id: id) }
        }
    }

    /// What one line gave: nothing (blank), a rejection, or a record.
    enum LineOutcome<R: Sendable>: Sendable {
        case blank
        case rejected(field: String?, reason: String)
        case parsed(R, redactions: Int)
    }

    /// Files at least this large are parsed on every core (in line ranges, merged in order).
    static let parallelBytes = 1 << 20

    /// `parts`: how many line ranges to parse side by side (default: one per core for a large
    /// file, else 1). The report is the same for any number of parts: lines are checked on their
    /// own, then duplicate ids are found in line order.
    static func parse<R: Sendable>(
        _ bytes: [UInt8], file: String, kind: String,
        _ parseRecord: @Sendable (RecordFields, inout Int) throws(FieldError) -> R, id: (R) -> String,
        parts: Int? = nil
    ) -> LoadReport<R> {
        var merger = LineMerger<R>(file: file)
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        merger.parse(body, kind: kind, parseRecord, id: id, parts: parts)
        return merger.report
    }

    /// One line checked on its own (everything but duplicate ids).
    static func parseLine<R: Sendable>(
        _ line: ArraySlice<UInt8>, kind: String, _ parseRecord: (RecordFields, inout Int) throws(FieldError) -> R
    ) -> LineOutcome<R> {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        if line.count > maxLineBytes {
            return .rejected(field: nil, reason: overLong(line.count, kind: kind))
        }
        let value: JSONValue
        let duplicate: String?
        // a byte-order mark opening a line (files joined with `cat`) is not part of the JSON
        let bom = line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        do {
            (value, duplicate) = try JSONValue.parseReportingDuplicate(line.dropFirst(bom))
        } catch {
            // malformed UTF-8 always fails the parse (inside a string its text is refused, outside
            // any byte over 0x7F is a syntax error), so it is looked for only then, and named first
            if let bad = firstInvalidUTF8(line) {
                return .rejected(field: nil, reason: "malformed UTF-8 at byte \(bad + 1) of the line")
            }
            var e = error
            e.offset += bom
            return .rejected(field: nil, reason: e.reason(in: "of the line"))
        }
        guard case .object(let object) = value else {
            return .rejected(field: nil, reason: "expected a JSON object, got \(value.typeName)")
        }
        if let key = duplicate {
            let printable = key.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            return .rejected(field: PersonalDataRedactor.redact(printable).text, reason: "appears twice in the object; give each field once")
        }
        var redactions = 0
        do {
            let record = try parseRecord(RecordFields(object), &redactions)
            return .parsed(record, redactions: redactions)
        } catch {
            return .rejected(field: error.field, reason: error.reason)
        }
    }

    /// Offset of the first byte that is not part of well-formed UTF-8, or nil.
    package static func firstInvalidUTF8(_ s: ArraySlice<UInt8>) -> Int? {
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var minNext: UInt8 = 0x80, maxNext: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; minNext = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; maxNext = 0x9F
            case 0xF0: need = 3; minNext = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; maxNext = 0x8F
            default: return i - s.startIndex
            }
            for k in 1...need {
                guard i + k < s.endIndex else { return i - s.startIndex }
                let c = s[i + k]
                let lo = k == 1 ? minNext : 0x80, hi = k == 1 ? maxNext : 0xBF
                if c < lo || c > hi { return i - s.startIndex }
            }
            i += need + 1
        }
        return nil
    }
}
