import Foundation
import JobMatchKernels

/// A problem in a qrels or run file: the file, the 1-based line and the field at fault.
package struct EvalInputError: Error, CustomStringConvertible, Sendable, Equatable {
    package var file: String
    package var line: Int
    package var field: String
    package var reason: String

    package init(file: String, line: Int, field: String, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    package var description: String {
        line > 0 ? "\(file):\(line): field '\(field)': \(reason)" : "\(file): \(reason)"
    }
}

/// TREC relevance judgments: `qid iter docid rel` per line (iter ignored, rel an integer; a
/// document is relevant when rel ≥ 1, trec_eval's default relevance level; grades are the gains
/// of nDCG, non-positive grades gain nothing).
package struct Qrels: Sendable, Equatable {
    /// qid → docid → grade.
    package var judgments: [String: [String: Int]]

    package init(judgments: [String: [String: Int]]) { self.judgments = judgments }

    package static func parse(_ text: String, file: String) throws(EvalInputError) -> Qrels {
        var out: [String: [String: Int]] = [:]
        var n = 0
        for raw in lines(text) {
            n += 1
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            guard fields.count == 4 else {
                throw EvalInputError(file: file, line: n, field: "line",
                                     reason: "expected 4 columns 'qid iter docid rel', found \(fields.count)")
            }
            guard let grade = Int(fields[3]) else {
                throw EvalInputError(file: file, line: n, field: "rel", reason: "'\(Self.clip(fields[3]))' is not an integer")
            }
            let qid = String(fields[0]), doc = String(fields[2])
            try requireSameBytes(out.index(forKey: qid).map { out[$0].key }, qid, file: file, line: n, field: "qid")
            if let judged = out[qid], let i = judged.index(forKey: doc) {
                try requireSameBytes(judged[i].key, doc, file: file, line: n, field: "docid")
                throw EvalInputError(file: file, line: n, field: "docid", reason: "'\(Self.clip(fields[2]))' judged twice for query '\(Self.clip(fields[0]))'")
            }
            out[qid, default: [:]][doc] = grade
        }
        return Qrels(judgments: out)
    }

    static func clip(_ s: Substring) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : String(s) }
}

/// A TREC run: `qid Q0 docid rank score tag` per line. As in trec_eval, the rank column is
/// ignored and the score is kept as a 32-bit float (trec_eval's `float sim`): documents whose
/// scores round to the same float are tied, and ties go to the larger docid (byte order).
package struct Run: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var docid: String
        package var score: Float
        package init(docid: String, score: Float) {
            self.docid = docid
            self.score = score
        }
    }

    /// qid → documents in trec_eval's order (score descending, ties by docid descending).
    package var rankings: [String: [Entry]]
    /// The tag of the last line (as trec_eval reports it), or the file name when empty.
    package var tag: String

    package init(rankings: [String: [Entry]], tag: String) {
        self.rankings = rankings.mapValues(Self.ordered)
        self.tag = tag
    }

    /// trec_eval's order: score descending, then docid descending by bytes (strcmp).
    package static func ordered(_ entries: [Entry]) -> [Entry] {
        entries.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return b.docid.utf8.lexicographicallyPrecedes(a.docid.utf8)
        }
    }

    package static func parse(_ text: String, file: String) throws(EvalInputError) -> Run {
        var out: [String: [Entry]] = [:]
        var seen: [String: Set<String>] = [:]
        var tag = ""
        var n = 0
        for raw in lines(text) {
            n += 1
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            guard fields.count == 6 else {
                throw EvalInputError(file: file, line: n, field: "line",
                                     reason: "expected 6 columns 'qid Q0 docid rank score tag', found \(fields.count)")
            }
            guard let value = Double(fields[4]) else {
                throw EvalInputError(file: file, line: n, field: "score", reason: "'\(Qrels.clip(fields[4]))' is not a number")
            }
            let score = Float(value)
            guard value.isFinite, score.isFinite else {
                throw EvalInputError(file: file, line: n, field: "score", reason: "'\(Qrels.clip(fields[4]))' is not a finite 32-bit number")
            }
            let qid = String(fields[0]), doc = String(fields[2])
            try requireSameBytes(out.index(forKey: qid).map { out[$0].key }, qid, file: file, line: n, field: "qid")
            if let earlier = seen[qid]?.firstIndex(of: doc) { try requireSameBytes(seen[qid]![earlier], doc, file: file, line: n, field: "docid") }
            guard seen[qid, default: []].insert(doc).inserted else {
                throw EvalInputError(file: file, line: n, field: "docid",
                                     reason: "'\(Qrels.clip(fields[2]))' listed twice for query '\(Qrels.clip(fields[0]))' (trec_eval refuses duplicate docs)")
            }
            out[qid, default: []].append(Entry(docid: doc, score: score))
            tag = String(fields[5])
        }
        return Run(rankings: out, tag: tag.isEmpty ? URL(fileURLWithPath: file).lastPathComponent : tag)
    }
}

extension Qrels {
    package static func load(_ path: String) throws(EvalInputError) -> Qrels {
        try parse(try readText(path), file: path)
    }
}

extension Run {
    package static func load(_ path: String) throws(EvalInputError) -> Run {
        try parse(try readText(path), file: path)
    }

    /// Appends one run line, `qid Q0 docid rank score tag` and a line feed, as bytes; the score
    /// printed as `%.9g` (enough digits to give a `Float` back exactly). Every TREC output of
    /// the CLI is written through this.
    package static func appendLine(to out: inout [UInt8], query: String, doc: String, rank: Int, score: Double, tag: String) {
        out.append(contentsOf: query.utf8)
        out.append(contentsOf: " Q0 ".utf8)
        out.append(contentsOf: doc.utf8)
        out.append(0x20)
        out.append(contentsOf: String(rank).utf8)
        out.append(0x20)
        CFormat.appendSignificant9(score, to: &out)
        out.append(0x20)
        out.append(contentsOf: tag.utf8)
        out.append(0x0A)
    }
}

/// Lines of a text file: "\n", "\r\n" (one Character in Swift) and "\r" all end a line.
func lines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
}

/// Swift compares strings by canonical equivalence, trec_eval by bytes: two ids that are equal
/// only after Unicode normalisation (e.g. NFC and NFD Hangul) would be merged here and kept
/// apart there. Such input is refused rather than evaluated differently.
func requireSameBytes(_ earlier: String?, _ id: String, file: String, line: Int, field: String) throws(EvalInputError) {
    guard let earlier, !earlier.utf8.elementsEqual(id.utf8) else { return }
    throw EvalInputError(file: file, line: line, field: field,
                         reason: "'\(Qrels.clip(Substring(id)))' equals an earlier id only after Unicode normalisation (NFC/NFD); trec_eval compares bytes — normalise the ids first")
}

func readText(_ path: String) throws(EvalInputError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw EvalInputError(file: path, line: 0, field: "", reason: "cannot be read (missing or not a file)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw EvalInputError(file: path, line: 0, field: "", reason: "is not valid UTF-8")
    }
    return text
}
