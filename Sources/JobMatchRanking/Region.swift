/// A region as `시도` plus an optional `시군구` part (`서울`, `경기 성남시`, `경기 성남시 분당구`).
package struct Region: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Short 시도 name (`서울`, `경기`, …).
    package var sido: String
    /// Space-separated district parts below the 시도, empty when none.
    package var districts: [String]

    package var description: String { ([sido] + districts).joined(separator: " ") }

    package static func < (a: Region, b: Region) -> Bool { a.description < b.description }

    /// The 17 시도 by short name, with their official long names and common variants.
    package static let provinces: [(short: String, names: [String])] = [
        ("서울", ["서울특별시", "서울시"]), ("부산", ["부산광역시", "부산시"]), ("대구", ["대구광역시", "대구시"]),
        ("인천", ["인천광역시", "인천시"]), ("광주", ["광주광역시"]), ("대전", ["대전광역시", "대전시"]),
        ("울산", ["울산광역시", "울산시"]), ("세종", ["세종특별자치시", "세종시"]), ("경기", ["경기도"]),
        ("강원", ["강원특별자치도", "강원도"]), ("충북", ["충청북도"]), ("충남", ["충청남도"]),
        ("전북", ["전북특별자치도", "전라북도"]), ("전남", ["전라남도"]), ("경북", ["경상북도"]),
        ("경남", ["경상남도"]), ("제주", ["제주특별자치도", "제주도"]),
    ]

    /// Position of a short 시도 name in ``provinces`` (0..<17).
    /// Byte comparison: short names are stored exactly as in ``provinces`` (and comparing bytes
    /// skips String's Unicode-equivalence work on every posting when an index opens).
    package static func provinceIndex(_ sido: String) -> Int? { provinces.firstIndex { $0.short.utf8.elementsEqual(sido.utf8) } }

    private static let sidoByName: [String: String] = {
        var m: [String: String] = [:]
        for p in provinces {
            m[p.short] = p.short
            for n in p.names { m[n] = p.short }
        }
        return m
    }()

    package static let nationwideLabels: Set<String> = ["전국", "nationwide"]

    package init(sido: String, districts: [String] = []) {
        self.sido = sido
        self.districts = districts
    }

    /// Parses `서울 강남구`, `서울특별시 강남구`, `경기도 성남시 분당구`; nil when the 시도 is unknown.
    package static func parse(_ text: String) -> Region? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = parts.first, var sido = sidoByName[first] else { return nil }
        var districts = parts.dropFirst().flatMap(splitDistricts)
        // 세종 has no 시군구: "세종 세종시" is just 세종.
        if sido == "세종" { districts.removeAll { districtKey($0) == "세종" } }
        // 군위군 moved from 경북 to 대구 on 2023-07-01.
        if sido == "경북", let d = districts.first, districtKey(d) == "군위" || d == "군위" { sido = "대구" }
        return Region(sido: sido, districts: districts)
    }

    /// Splits run-together district names at their 시/군/구 ending: `성남시분당구` → `성남시`, `분당구`.
    static func splitDistricts(_ word: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(word)
        for (i, c) in chars.enumerated() {
            current.append(c)
            if "시군구".contains(c) && current.count >= 2 && i + 2 < chars.count { // a 2+-syllable name follows
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// A district name without its 시/군/구 ending when the rest is at least two syllables
    /// (`성남시` ~ `성남`; `중구` stays `중구`).
    static func districtKey(_ name: String) -> Substring {
        if name.count >= 3, let last = name.last, "시군구".contains(last) { return name.dropLast() }
        return Substring(name)
    }

    /// How a seeker's acceptable region relates to a posting's stated region.
    package enum Admission: Sendable, Equatable {
        case admitted
        /// The posting names the 시도 but not the district the seeker asked for.
        case unstatedDistrict
        case outside
    }

    /// `서울` admits every `서울 …`; `경기 성남시` admits `경기 성남시` and `경기 성남시 분당구` only.
    package func admits(_ posting: Region) -> Admission {
        guard posting.sido == sido else { return .outside }
        let shared = min(districts.count, posting.districts.count)
        for i in 0..<shared where Self.districtKey(districts[i]) != Self.districtKey(posting.districts[i]) { return .outside }
        return posting.districts.count >= districts.count ? .admitted : .unstatedDistrict
    }
}

/// A calendar date (`YYYY-MM-DD`), compared by day number.
package struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Strict `YYYY-MM-DD`.
    package static func parse(_ s: String) -> Day? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    /// Days since 0000-03-01 (a monotone day number).
    package var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let m = month <= 2 ? month + 9 : month - 3
        return 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
    }

    package static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    package var description: String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    package func adding(days: Int) -> Day {
        var d = self
        var left = days
        while left > 0 {
            if d.day < Day.daysIn(month: d.month, year: d.year) {
                d.day += 1
            } else if d.month < 12 {
                d.month += 1
                d.day = 1
            } else {
                d.year += 1
                d.month = 1
                d.day = 1
            }
            left -= 1
        }
        return d
    }
}
