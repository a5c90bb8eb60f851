/// The 17 시도 (short names) with a plausible selection of 시군구 and, for some cities, 구.
struct Province: Sendable {
    let name: String
    /// Relative share of postings (weighted toward 서울/경기).
    let weight: Int
    let districts: [District]
    let neighbors: [String]
}

struct District: Sendable {
    let name: String
    let subdistricts: [String]
}

/// A region as indices into `SampleRegions.provinces`: 시도, optional 시군구, optional 구.
struct RegionRef: Sendable, Equatable {
    var province: Int
    var district: Int = -1
    var subdistrict: Int = -1

    var text: String {
        let p = SampleRegions.provinces[province]
        guard district >= 0 else { return p.name }
        let d = p.districts[district]
        guard subdistrict >= 0 else { return p.name + " " + d.name }
        return p.name + " " + d.name + " " + d.subdistricts[subdistrict]
    }

    /// The district (or 시도) alone, as used in title tags like "[성남시]".
    var shortName: String {
        let p = SampleRegions.provinces[province]
        return district >= 0 ? p.districts[district].name : p.name
    }

    /// Seeker-side semantics: "서울" admits every "서울 …"; "경기 성남시" admits "경기 성남시 …" only.
    func admits(_ posting: RegionRef) -> Bool {
        posting.province == province && (district < 0 || posting.district == district)
    }
}

enum SampleRegions {
    static let provinces: [Province] = [
        province("서울", 26, "강남구 서초구 송파구 마포구 영등포구 구로구 금천구 강서구 성동구 중구 종로구 관악구 노원구 동대문구 광진구 은평구",
                 neighbors: "경기 인천"),
        province("부산", 7, "해운대구 부산진구 사상구 강서구 남구 동래구 사하구 기장군 연제구", neighbors: "경남 울산"),
        province("대구", 5, "달서구 북구 수성구 동구 달성군 중구", neighbors: "경북"),
        province("인천", 6, "남동구 서구 연수구 부평구 미추홀구 중구 계양구", neighbors: "서울 경기"),
        province("광주", 3, "광산구 북구 서구 남구 동구", neighbors: "전남"),
        province("대전", 3, "유성구 서구 대덕구 중구 동구", neighbors: "세종 충남 충북"),
        province("울산", 3, "남구 북구 울주군 중구 동구", neighbors: "부산 경남 경북"),
        province("세종", 1, "", neighbors: "대전 충남 충북"),
        province("경기", 26, "성남시(분당구,수정구,중원구) 수원시(영통구,권선구,팔달구,장안구) 화성시 용인시(기흥구,수지구,처인구) 고양시(일산동구,일산서구,덕양구) 부천시 안산시(단원구,상록구) 평택시 시흥시 김포시 파주시 이천시 의정부시 남양주시 광명시 하남시 안양시(동안구,만안구) 광주시",
                 neighbors: "서울 인천"),
        province("강원", 2, "춘천시 원주시 강릉시 속초시 동해시", neighbors: "경기 충북"),
        province("충북", 3, "청주시(흥덕구,서원구,청원구,상당구) 충주시 음성군 진천군 제천시", neighbors: "대전 세종 충남"),
        province("충남", 4, "천안시(서북구,동남구) 아산시 당진시 서산시 논산시 홍성군", neighbors: "대전 세종 충북"),
        province("전북", 2, "전주시(덕진구,완산구) 군산시 익산시 정읍시 완주군", neighbors: "전남 충남"),
        province("전남", 2, "여수시 순천시 목포시 광양시 나주시 무안군", neighbors: "광주 전북"),
        province("경북", 4, "포항시(남구,북구) 구미시 경산시 경주시 안동시 칠곡군", neighbors: "대구 울산"),
        province("경남", 5, "창원시(성산구,의창구,마산회원구) 김해시 양산시 진주시 거제시 통영시", neighbors: "부산 울산"),
        province("제주", 1, "제주시 서귀포시", neighbors: ""),
    ]

    static let provinceChoice = WeightedChoice(weights: provinces.map(\.weight))

    static let neighborIndices: [[Int]] = provinces.map { p in p.neighbors.compactMap { provinceIndex($0) } }

    static func provinceIndex(_ name: String) -> Int? {
        provinces.firstIndex { $0.name == name }
    }

    /// A posting's region: ~15% 시도 only; otherwise 시군구, with a 구 for half of the cities that have them.
    static func postingRegion(_ rng: inout SampleRandom) -> RegionRef {
        let p = provinceChoice.pick(&rng)
        var ref = RegionRef(province: p)
        let districts = provinces[p].districts
        guard !districts.isEmpty, !rng.chance(0.15) else { return ref }
        ref.district = rng.below(districts.count)
        let subs = districts[ref.district].subdistricts
        if !subs.isEmpty && rng.chance(0.5) {
            ref.subdistrict = rng.below(subs.count)
        }
        return ref
    }

    /// Regions a seeker is willing to work in: 0–3 distinct 시도, some narrowed to a 시군구.
    static func seekerRegions(_ rng: inout SampleRandom) -> [RegionRef] {
        let r = rng.unit()
        let count = r < 0.15 ? 0 : r < 0.70 ? 1 : r < 0.93 ? 2 : 3
        guard count > 0 else { return [] }
        let home = provinceChoice.pick(&rng)
        var chosen = [home]
        var attempts = 0
        while chosen.count < count && attempts < 20 {
            attempts += 1
            let neighbors = neighborIndices[home]
            let candidate: Int
            if !neighbors.isEmpty && rng.chance(0.6) {
                candidate = rng.pick(neighbors)
            } else {
                candidate = provinceChoice.pick(&rng)
            }
            if !chosen.contains(candidate) { chosen.append(candidate) }
        }
        return chosen.enumerated().map { position, p in
            var ref = RegionRef(province: p)
            let districts = provinces[p].districts
            let narrow = position == 0 ? 0.45 : 0.3
            if !districts.isEmpty && rng.chance(narrow) {
                ref.district = rng.below(districts.count)
            }
            return ref
        }
    }

    private static func province(_ name: String, _ weight: Int, _ districts: String, neighbors: String) -> Province {
        let parsed = districts.split(separator: " ").map { token -> District in
            guard let open = token.firstIndex(of: "(") else { return District(name: String(token), subdistricts: []) }
            let name = String(token[..<open])
            let inner = token[token.index(after: open)..<(token.lastIndex(of: ")") ?? token.endIndex)]
            return District(name: name, subdistricts: inner.split(separator: ",").map(String.init))
        }
        return Province(name: name, weight: weight, districts: parsed,
                        neighbors: neighbors.split(separator: " ").map(String.init))
    }
}
