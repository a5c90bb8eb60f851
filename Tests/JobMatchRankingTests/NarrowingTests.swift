import Testing
@testable import JobMatchRanking

@Suite("Narrowing a seeker's constraints")
struct NarrowingTests {
    func seeker() -> Seeker {
        var s = Seeker(id: "S1")
        s.regions = [Region.parse("서울")!, Region.parse("경기 성남시")!]
        s.employmentTypes = [.regular, .contract]
        s.salaryFloor = 3000
        return s
    }

    @Test("a region inside one of the seeker's, one of its types, a higher floor: applied")
    func narrows() throws {
        let s = try seeker().narrowed(by: Narrowing(region: "서울특별시 강남구", employmentType: "계약직", minSalary: 3600))
        #expect(s.regions == [Region.parse("서울 강남구")!])
        #expect(s.employmentTypes == [.contract])
        #expect(s.salaryFloor == 3600)
        let same = try seeker().narrowed(by: Narrowing(region: "경기 성남시 분당구"))
        #expect(same.regions.map(\.description) == ["경기 성남시 분당구"])
        #expect(same.employmentTypes == [.regular, .contract] && same.salaryFloor == 3000)
        #expect(try seeker().narrowed(by: Narrowing()) == seeker())
    }

    @Test("anything that would widen is refused, naming the parameter")
    func refuses() {
        func refusal(_ n: Narrowing) -> String? {
            do { _ = try seeker().narrowed(by: n); return nil } catch { return error.field }
        }
        #expect(refusal(Narrowing(region: "부산")) == "region")
        #expect(refusal(Narrowing(region: "경기")) == "region")          // wider than 경기 성남시
        #expect(refusal(Narrowing(region: "경기 수원시")) == "region")
        #expect(refusal(Narrowing(region: "어딘가")) == "region")
        #expect(refusal(Narrowing(employmentType: "시간제")) == "employmentType")
        #expect(refusal(Narrowing(employmentType: "정규직 · 계약직")) == "employmentType")
        #expect(refusal(Narrowing(employmentType: "없는형태")) == "employmentType")
        #expect(refusal(Narrowing(minSalary: 2999)) == "minSalary")
        #expect(refusal(Narrowing(minSalary: -1)) == "minSalary")
        #expect(refusal(Narrowing(minSalary: 2_000_000)) == "minSalary")
    }

    @Test("a seeker who stated no region, no type and no floor may be narrowed to any")
    func unconstrained() throws {
        let s = try Seeker(id: "S2").narrowed(by: Narrowing(region: "부산", employmentType: "정규직", minSalary: 0))
        #expect(s.regions.map(\.description) == ["부산"] && s.employmentTypes == [.regular] && s.salaryFloor == 0)
        var nationwide = Seeker(id: "S3")
        nationwide.regionsNationwide = true
        let n = try nationwide.narrowed(by: Narrowing(region: "제주"))
        #expect(n.regions.map(\.description) == ["제주"] && !n.regionsNationwide)
    }
}
