import Foundation
import JobMatchKernels
import JobMatchRanking
import JobMatchText

/// stdout/stderr helpers. Nothing here prints personal data: records are redacted on load.
enum Console {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func err(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { Terminal.standardErrorIsTerminal }

    /// A progress line on stderr, only when it is a terminal.
    static func progress(_ s: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + s).utf8))
    }

    static func progressDone() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func json<T: Encodable>(_ value: T) -> String {
        encode(value, [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    static func jsonLine<T: Encodable>(_ value: T) -> String {
        encode(value, [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Never prints nothing in silence: a value JSON cannot hold (a non-finite number) is a bug,
    /// reported on stderr with exit status 2.
    private static func encode<T: Encodable>(_ value: T, _ formatting: JSONEncoder.OutputFormatting) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = formatting
        do { return String(decoding: try enc.encode(value), as: UTF8.self) } catch {
            err("internal error: the output cannot be written as JSON (\(error))")
            exit(2)
        }
    }
}

/// A table whose columns line up by display width (Korean takes two cells).
struct TextTable {
    var headers: [String]
    var rightAligned: Set<Int> = []
    var maxWidths: [Int: Int] = [:]
    var rows: [[String]] = []
    /// Extra lines printed under a row (reasons).
    var notes: [Int: [String]] = [:]

    func render() -> String {
        var widths = headers.map(DisplayWidth.of)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        for (i, m) in maxWidths { widths[i] = min(widths[i], m) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { DisplayWidth.pad($1, to: widths[$0], alignRight: rightAligned.contains($0)) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(headers), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        for (i, r) in rows.enumerated() {
            out.append(line(r))
            for n in notes[i] ?? [] { out.append("      " + n) }
        }
        return out.joined(separator: "\n")
    }
}

extension Posting {
    var regionLabel: String { regionText ?? "미기재" }
    var salaryLabel: String {
        switch (salaryMin, salaryMax) {
        case let (lo?, hi?): lo == hi ? "\(lo)만원" : "\(lo)~\(hi)만원"
        case let (lo?, nil): "\(lo)만원~"
        case let (nil, hi?): "~\(hi)만원"
        default: "-"
        }
    }
}

enum Render {
    static let titleWidth = 36

    /// The title, shortened so that "외 N건" (near-duplicates folded in) always shows.
    static func title(_ title: String, folded: Int) -> String {
        guard folded > 0 else { return title }
        let suffix = " 외 \(folded)건"
        let room = titleWidth - DisplayWidth.of(suffix)
        let short = DisplayWidth.of(title) <= room ? title : DisplayWidth.pad(title, to: room)
        return short.trimmingCharacters(in: .whitespaces) + suffix
    }

    static func recommendations(_ recs: [Recommendation], engine: MatchEngine, explain: Bool) -> String {
        if recs.isEmpty { return "추천할 공고가 없습니다 (no posting matched within the seeker's constraints)." }
        let calibrated = engine.model.calibration != nil
        var t = TextTable(headers: ["순위", "점수"] + (calibrated ? ["적합도"] : []) + ["공고ID", "제목", "회사", "지역", "고용형태", "마감"])
        t.rightAligned = calibrated ? [0, 1, 2] : [0, 1]
        let shift = calibrated ? 1 : 0
        t.maxWidths = [3 + shift: titleWidth, 4 + shift: 18, 5 + shift: 16]
        for (i, r) in recs.enumerated() {
            let p = engine.postings[Int(r.doc)]
            t.rows.append([String(r.rank), Reason.format(r.score)] + (calibrated ? [r.probability.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"] : []) + [
                r.postingID,
                Self.title(p.title, folded: r.duplicates.count), p.company ?? "-", p.regionLabel,
                p.employmentTypes.isEmpty ? "-" : p.employmentTypes.map(\.korean).joined(separator: "·"),
                p.deadline?.description ?? "-",
            ])
            if explain {
                let figures = Reason.displayed(r.reasons, total: r.score)
                t.notes[i] = zip(r.reasons, figures).map { "· \($0.label) \($1)" }
                if !r.duplicates.isEmpty { t.notes[i]!.append("· 같은 공고로 묶음: \(r.duplicates.joined(separator: ", "))") }
            }
        }
        return t.render()
    }
}

/// Parses `--as-of`, defaulting to today's date in Korea (Asia/Seoul).
func parseAsOf(_ s: String?) throws -> Day {
    if let s {
        guard let d = Day.parse(s) else { throw ValidationErrorMessage("--as-of: expected a date YYYY-MM-DD, got '\(s)'") }
        return d
    }
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: "Asia/Seoul") ?? .current
    let c = cal.dateComponents([.year, .month, .day], from: Date())
    return Day(year: c.year!, month: c.month!, day: c.day!)!
}

struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
