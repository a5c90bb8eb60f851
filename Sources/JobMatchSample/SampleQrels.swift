/// Graded relevance judgments derived from the generator's ground truth.
///
/// A posting is judged for a seeker only if it is open, not past its deadline (or has none) and
/// meets the seeker's hard constraints:
/// - region: when the seeker lists regions, the posting must have one admitted by at least one of them
///   ("서울" admits any "서울 …"; "경기 성남시" admits "경기 성남시 …" only);
/// - employment type: when the seeker lists types, the posting must list at least one of them
///   (a posting without an employment type does not qualify);
/// - salary: when both are given, salaryFloor ≤ salaryMax.
///
/// rel 2 = the seeker's own (true) occupation; rel 1 = same 2-digit KECO group, different code.
/// At most 200 per seeker: rel 2 first, then rel 1, each in posting order; output sorted by posting id.
enum SampleQrels {
    static let capPerSeeker = 200

    /// The filter-relevant facts of a posting, as a trivially copyable value (no reference counting
    /// in the hot loop).
    private struct PostingKey {
        var occupation: Int32
        var province: Int16
        var district: Int16
        var employmentMask: UInt8
        var salaryMax: Int32
    }

    static func judge(seekers: [SeekerRecord], postings: [PostingRecord], asOfDay: Int) -> String {
        let keys: [PostingKey] = postings.map { p in
            var mask: UInt8 = 0
            for e in p.employment { mask |= 1 << UInt8(e) }
            return PostingKey(
                occupation: Int32(p.occupation),
                province: Int16(p.region?.province ?? -1),
                district: Int16(p.region?.district ?? -1),
                employmentMask: mask,
                salaryMax: Int32(p.salaryMax ?? Int(Int32.max)))
        }
        // Judgeable postings, in id order, bucketed by occupation / 2-digit group, and additionally by 시도
        // so that seekers with regions only look at postings in their 시도.
        let provinceCount = SampleRegions.provinces.count
        let occupationCount = SampleOccupations.all.count
        let groupCount = SampleOccupations.groups.count
        var byOccupation = [[Int32]](repeating: [], count: occupationCount)
        var byGroup = [[Int32]](repeating: [], count: groupCount)
        var byOccupationProvince = [[Int32]](repeating: [], count: occupationCount * provinceCount)
        var byGroupProvince = [[Int32]](repeating: [], count: groupCount * provinceCount)
        for i in postings.indices {
            let p = postings[i]
            guard !p.closed else { continue }
            if let deadline = p.deadline, deadline < asOfDay { continue }
            let group = SampleOccupations.groupIndex[p.occupation]
            byOccupation[p.occupation].append(Int32(i))
            byGroup[group].append(Int32(i))
            if let region = p.region {
                byOccupationProvince[p.occupation * provinceCount + region.province].append(Int32(i))
                byGroupProvince[group * provinceCount + region.province].append(Int32(i))
            }
        }

        let postingIDs = postings.map(\.id)
        var out: [UInt8] = []
        out.reserveCapacity(seekers.count * 64)
        var selected: [(index: Int32, rel: UInt8)] = []
        var found: [Int32] = []
        var regions: [(province: Int16, district: Int16)] = []
        for seeker in seekers {
            selected.removeAll(keepingCapacity: true)
            regions.removeAll(keepingCapacity: true)
            for r in seeker.regions { regions.append((Int16(r.province), Int16(r.district))) }
            let own = seeker.occupation
            let group = SampleOccupations.groupIndex[own]
            var employmentMask: UInt8 = 0
            for e in seeker.employment { employmentMask |= 1 << UInt8(e) }
            let floor = Int32(seeker.salaryFloor ?? 0)

            func qualifies(_ k: PostingKey) -> Bool {
                if !regions.isEmpty {
                    if k.province < 0 { return false }
                    var admitted = false
                    for r in regions where r.province == k.province && (r.district < 0 || r.district == k.district) {
                        admitted = true
                        break
                    }
                    if !admitted { return false }
                }
                if employmentMask != 0 && k.employmentMask & employmentMask == 0 { return false }
                return floor <= k.salaryMax
            }

            if regions.isEmpty {
                for i in byOccupation[own] where selected.count < capPerSeeker {
                    if qualifies(keys[Int(i)]) { selected.append((i, 2)) }
                }
                for i in byGroup[group] where selected.count < capPerSeeker {
                    let k = keys[Int(i)]
                    if k.occupation != Int32(own) && qualifies(k) { selected.append((i, 1)) }
                }
            } else {
                // Seeker regions name distinct 시도, so the buckets below never overlap.
                for rel: UInt8 in [2, 1] where selected.count < capPerSeeker {
                    found.removeAll(keepingCapacity: true)
                    for r in seeker.regions {
                        let bucket = rel == 2
                            ? byOccupationProvince[own * provinceCount + r.province]
                            : byGroupProvince[group * provinceCount + r.province]
                        for i in bucket {
                            let k = keys[Int(i)]
                            if (rel == 2 || k.occupation != Int32(own)) && qualifies(k) { found.append(i) }
                        }
                    }
                    found.sort()
                    for i in found.prefix(capPerSeeker - selected.count) { selected.append((i, rel)) }
                }
            }
            selected.sort { $0.index < $1.index }
            for s in selected {
                out.append(contentsOf: seeker.id.utf8)
                out.append(contentsOf: " 0 ".utf8)
                out.append(contentsOf: postingIDs[Int(s.index)].utf8)
                out.append(UInt8(ascii: " "))
                out.append(UInt8(ascii: "0") + s.rel)
                out.append(UInt8(ascii: "\n"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
