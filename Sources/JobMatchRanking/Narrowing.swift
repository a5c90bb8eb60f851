/// A counsellor's filter over one seeker's recommendations. It can only narrow what the seeker
/// stated — a region inside one of the seeker's regions, one of the seeker's employment types, a
/// salary floor at or above the seeker's own — never widen it: the engine's constraints stay the
/// seeker's word.
package struct Narrowing: Sendable, Equatable {
    package var region: String?
    package var employmentType: String?
    package var minSalary: Int?

    package init(region: String? = nil, employmentType: String? = nil, minSalary: Int? = nil) {
        self.region = region
        self.employmentType = employmentType
        self.minSalary = minSalary
    }

    package var isEmpty: Bool { region == nil && employmentType == nil && minSalary == nil }

    /// Why a filter was refused: the parameter and a sentence.
    package struct Refusal: Error, Sendable, Equatable {
        package var field: String
        package var reason: String
    }
}

extension Seeker {
    /// The seeker with `filter` applied, or the parameter that would widen (or cannot be read).
    package func narrowed(by filter: Narrowing) throws(Narrowing.Refusal) -> Seeker {
        var s = self
        if let text = filter.region {
            guard let region = Region.parse(text) else {
                throw Narrowing.Refusal(field: "region", reason: "'\(text)' is not a region (a 시도 such as 서울 or 경기, then districts)")
            }
            let inside = regionsNationwide || regions.isEmpty || regions.contains { $0.admits(region) == .admitted }
            guard inside else {
                throw Narrowing.Refusal(field: "region", reason: "'\(region)' is outside the seeker's regions (\(regions.map(\.description).joined(separator: ", ")))")
            }
            s.regions = [region]
            s.regionsNationwide = false
        }
        if let text = filter.employmentType {
            let parsed = EmploymentType.parseList(text)
            guard parsed.types.count == 1, parsed.unknown.isEmpty, let type = parsed.types.first else {
                throw Narrowing.Refusal(field: "employmentType", reason: "'\(text)' is not one employment type (\(EmploymentType.acceptedLabels))")
            }
            guard employmentTypes.isEmpty || employmentTypes.contains(type) else {
                throw Narrowing.Refusal(field: "employmentType", reason: "\(type.korean) is not among the seeker's employment types (\(employmentTypes.map(\.korean).joined(separator: ", ")))")
            }
            s.employmentTypes = [type]
        }
        if let floor = filter.minSalary {
            guard (0...RecordParsing.maxSalary).contains(floor) else {
                throw Narrowing.Refusal(field: "minSalary", reason: "must be within 0...\(RecordParsing.maxSalary) (만원 a year), got \(floor)")
            }
            if let own = salaryFloor, floor < own {
                throw Narrowing.Refusal(field: "minSalary", reason: "\(floor) is below the seeker's own floor of \(own) (만원 a year)")
            }
            s.salaryFloor = floor
        }
        return s
    }
}
