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
        var byOccupation = [[Int32]](repeating: [], count: SampleOccupations.all.count)
        var byGroup = [[Int32]](repeating: [], count: SampleOccupations.groups.count)
        for (i, p) in postings.enumerated() {
            guard !p.closed else { continue }
            if let deadline = p.deadline, deadline < asOfDay { continue }
            byOccupation[p.occupation].append(Int32(i))
            byGroup[SampleOccupations.groupIndex[p.occupation]].append(Int32(i))
        }

        var out: [UInt8] = []
        out.reserveCapacity(seekers.count * 64)
        var selected: [(index: Int32, rel: UInt8)] = []
        var regions: [(province: Int16, district: Int16)] = []
        for seeker in seekers {
            selected.removeAll(keepingCapacity: true)
            regions.removeAll(keepingCapacity: true)
            for r in seeker.regions { regions.append((Int16(r.province), Int16(r.district))) }
            let own = Int32(seeker.occupation)
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

            for i in byOccupation[Int(own)] where selected.count < capPerSeeker {
                if qualifies(keys[Int(i)]) { selected.append((i, 2)) }
            }
            if selected.count < capPerSeeker {
                for i in byGroup[SampleOccupations.groupIndex[Int(own)]] where selected.count < capPerSeeker {
                    let k = keys[Int(i)]
                    if k.occupation != own && qualifies(k) { selected.append((i, 1)) }
                }
            }
            selected.sort { $0.index < $1.index }
            for s in selected {
                out.append(contentsOf: seeker.id.utf8)
                out.append(contentsOf: " 0 ".utf8)
                out.append(contentsOf: postings[Int(s.index)].id.utf8)
                out.append(UInt8(ascii: " "))
                out.append(UInt8(ascii: "0") + s.rel)
                out.append(UInt8(ascii: "\n"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
