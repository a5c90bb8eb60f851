import Foundation
import JobMatchEval

/// `jobmatch eval --report FILE`: one self-contained HTML page (inline CSS and SVG, no external
/// assets), Korean labels: the table of means with significance, measure@k curves per run, and
/// each run's per-query differences from the baseline, sorted.
enum EvalHTML {
    static let curveKinds: [(Measure.Kind, String)] = [(.ndcg, "nDCG@k"), (.precision, "P@k (정밀도)"), (.recall, "R@k (재현율)")]
    static let curveCutoffs = [1, 3, 5, 10, 20, 50, 100]
    static let colors = ["#1f5fbf", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#4b5563"]

    static func render(report: EvalReport, runs: [Run], qrels: Qrels, qrelsFile: String, alpha: Double) -> String {
        let curveMeasures = curveKinds.flatMap { kind in curveCutoffs.map { Measure(kind.0, $0) } }
        let evaluated = Set(report.queries)
        let restricted = Qrels(judgments: qrels.judgments.filter { evaluated.contains($0.key) })
        let curves = runs.map { Evaluator.evaluate($0, qrels: restricted, measures: curveMeasures, complete: report.complete) }
        var h = """
            <!DOCTYPE html>
            <html lang="ko"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>JobMatch 평가 보고서</title>
            <style>
            body{font-family:"Noto Sans CJK KR","Noto Sans KR","Malgun Gothic","Apple SD Gothic Neo",sans-serif;margin:24px auto;max-width:1180px;color:#1f2937;padding:0 16px;line-height:1.5}
            h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px;border-bottom:2px solid #e5e7eb;padding-bottom:4px}
            .meta{color:#4b5563;font-size:.9rem}table{border-collapse:collapse;font-size:.9rem;margin:8px 0}
            th,td{border:1px solid #d1d5db;padding:4px 8px;text-align:right}th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}
            .up{color:#15803d;font-weight:600}.down{color:#b91c1c;font-weight:600}.charts{display:flex;flex-wrap:wrap;gap:16px}
            figure{margin:0}figcaption{font-size:.9rem;color:#374151;margin-top:2px}.legend span{display:inline-block;margin-right:14px;font-size:.9rem}
            .swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
            </style></head><body>
            <h1>JobMatch 평가 보고서</h1>

            """
        h += "<p class=\"meta\">판정 파일 \(esc(qrelsFile)) · 평가 질의(구직자) \(report.queries.count)개"
            + (report.complete ? " · 실행에 없는 질의는 0점(-c)" : " · 판정과 모든 실행에 있는 질의만")
            + " · 측정 규칙은 trec_eval과 같음</p>\n"
        // legend
        h += "<p class=\"legend\">" + report.tags.indices.map { r in
            "<span><i class=\"swatch\" style=\"background:\(color(r))\"></i>\(EvalReport.letter(r)) \(esc(report.tags[r])) (\(esc(report.files[r])))</span>"
        }.joined() + "</p>\n"
        // means
        h += "<h2>평균 성능</h2>\n<table><tr><th>실행</th>" + report.measures.map { "<th>\(esc($0.description))</th>" }.joined() + "</tr>\n"
        for (r, e) in report.evaluations.enumerated() {
            h += "<tr><td>\(EvalReport.letter(r)) \(esc(report.tags[r]))</td>"
            for m in report.measures.indices {
                var cell = String(format: "%.4f", e.means[m])
                if r > 0, let p = report.tests[r - 1][m].p, p < alpha {
                    cell = report.tests[r - 1][m].difference > 0 ? "<span class=\"up\">\(cell) ▲</span>" : "<span class=\"down\">\(cell) ▼</span>"
                }
                h += "<td>\(cell)</td>"
            }
            h += "</tr>\n"
        }
        h += "</table>\n"
        if report.evaluations.count > 1 {
            h += "<p class=\"meta\">▲/▼: 기준 실행 A와의 차이가 유의함 (대응표본 t-검정 p &lt; \(alpha)). 아래 표는 차이, t-검정 p, 무작위화 검정 p (\(report.trials)회 부호 뒤집기).</p>\n"
            h += "<table><tr><th>실행</th><th>값</th>" + report.measures.map { "<th>\(esc($0.description))</th>" }.joined() + "</tr>\n"
            for r in 1..<report.evaluations.count {
                let t = report.tests[r - 1]
                h += "<tr><td rowspan=\"3\">\(EvalReport.letter(r)) − A</td><td>차이</td>" + t.map { "<td>\(String(format: "%+.4f", $0.difference))</td>" }.joined() + "</tr>\n"
                h += "<tr><td>t-검정 p</td>" + t.map { "<td>\($0.p.map { String(format: "%.4g", $0) } ?? "-")</td>" }.joined() + "</tr>\n"
                h += "<tr><td>무작위화 p</td>" + t.map { "<td>\(String(format: "%.4g", $0.randomizationP))</td>" }.joined() + "</tr>\n"
            }
            h += "</table>\n"
        }
        // curves
        h += "<h2>순위 깊이별 성능 (k = \(curveCutoffs.map(String.init).joined(separator: ", ")))</h2>\n<div class=\"charts\">\n"
        for (i, kind) in curveKinds.enumerated() {
            let series = curves.map { e in (0..<curveCutoffs.count).map { e.means[i * curveCutoffs.count + $0] } }
            h += "<figure>" + lineChart(series: series, title: kind.1) + "<figcaption>\(esc(kind.1)): 실행별 평균 (A 실선, 나머지 점선)</figcaption></figure>\n"
        }
        h += "</div>\n"
        // per-query differences
        if report.evaluations.count > 1 {
            let m = 0
            h += "<h2>질의별 차이 (\(esc(report.measures[m].description)), 기준 A 대비, 정렬)</h2>\n<div class=\"charts\">\n"
            for r in 1..<report.evaluations.count {
                let diffs = zip(report.evaluations[r].values[m], report.evaluations[0].values[m]).map { $0 - $1 }.sorted()
                let better = diffs.filter { $0 > 0 }.count, worse = diffs.filter { $0 < 0 }.count
                h += "<figure>" + barChart(diffs) + "<figcaption>\(EvalReport.letter(r)) − A: 좋아짐 \(better) · 같음 \(diffs.count - better - worse) · 나빠짐 \(worse) (질의 \(diffs.count)개)</figcaption></figure>\n"
            }
            h += "</div>\n"
        }
        h += "<p class=\"meta\">JobMatch가 만든 보고서입니다. 외부 글꼴·스크립트 없이 이 파일 하나로 열립니다.</p>\n</body></html>\n"
        return h
    }

    static func color(_ i: Int) -> String { colors[i % colors.count] }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Lines of `series` (one per run, one value per cutoff) on a 0…max y axis.
    static func lineChart(series: [[Double]], title: String) -> String {
        let w = 360.0, hgt = 240.0, left = 44.0, right = 12.0, top = 16.0, bottom = 32.0
        let highest: Double = max(0.05, series.flatMap { $0 }.max() ?? 1)
        // a round tick step giving 4 to 6 intervals, the axis up to the first tick above the data
        let step: Double = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25].first { highest / $0 <= 6 } ?? 0.25
        let maxY: Double = min(1, (highest / step).rounded(.up) * step)
        let n = curveCutoffs.count
        func x(_ i: Int) -> Double { left + (w - left - right) * Double(i) / Double(max(1, n - 1)) }
        func y(_ v: Double) -> Double { top + (hgt - top - bottom) * (1 - v / maxY) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" role=\"img\" aria-label=\"\(esc(title))\">"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" fill=\"#fff\"/>"
        for t in stride(from: 0.0, through: maxY + 1e-9, by: step) {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(w - right))\" y1=\"\(f(y(t)))\" y2=\"\(f(y(t)))\" stroke=\"#e5e7eb\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\">\(String(format: "%.2f", t))</text>"
        }
        for (i, k) in curveCutoffs.enumerated() {
            s += "<text x=\"\(f(x(i)))\" y=\"\(f(hgt - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4b5563\">\(k)</text>"
        }
        s += "<text x=\"\(f(left))\" y=\"12\" font-size=\"12\" fill=\"#111827\">\(esc(title))</text>"
        s += "<text x=\"\(f(w - right))\" y=\"\(f(hgt - 2))\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\">k</text>"
        for (r, values) in series.enumerated() {
            let points = values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
            // the baseline solid and wide, the others dashed on top: overlapping lines stay visible
            let style = r == 0 ? "stroke-width=\"4\" stroke-opacity=\"0.55\"" : "stroke-width=\"2\" stroke-dasharray=\"6 4\""
            s += "<polyline fill=\"none\" stroke=\"\(color(r))\" \(style) points=\"\(points)\"/>"
            for (i, v) in values.enumerated() {
                s += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"3\" fill=\"\(color(r))\"><title>\(EvalReport.letter(r)) k=\(curveCutoffs[i]): \(String(format: "%.4f", v))</title></circle>"
            }
        }
        return s + "</svg>"
    }

    /// Sorted per-query differences as bars around a zero line.
    static func barChart(_ diffs: [Double]) -> String {
        let w = 560.0, hgt = 220.0, left = 44.0, right = 8.0, top = 10.0, bottom = 20.0
        let m = max(0.05, diffs.map(abs).max() ?? 0.05)
        let zero = top + (hgt - top - bottom) / 2
        func y(_ v: Double) -> Double { zero - (hgt - top - bottom) / 2 * v / m }
        let bw = (w - left - right) / Double(max(1, diffs.count))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" role=\"img\" aria-label=\"질의별 차이\">"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" fill=\"#fff\"/>"
        for v in [m, m / 2, 0, -m / 2, -m] {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(w - right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"\(v == 0 ? "#6b7280" : "#e5e7eb")\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\">\(String(format: "%+.2f", v))</text>"
        }
        for (i, d) in diffs.enumerated() where d != 0 {
            let y0 = min(y(d), zero), hh = abs(y(d) - zero)
            s += "<rect x=\"\(f(left + Double(i) * bw))\" y=\"\(f(y0))\" width=\"\(f(max(0.5, bw)))\" height=\"\(f(max(0.5, hh)))\" fill=\"\(d > 0 ? "#15803d" : "#b91c1c")\"/>"
        }
        return s + "</svg>"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

