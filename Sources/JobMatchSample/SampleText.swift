/// Composition of free text: company names, posting titles, descriptions and seeker profiles.
enum SampleText {
    static let companyStems = [
        "한빛", "대성", "세움", "새한", "동양", "미래", "한결", "푸른", "다온", "누리", "해솔", "가온", "태양", "보람",
        "성원", "진성", "삼진", "청솔", "늘봄", "한마음", "대원", "신영", "영진", "금강", "한라", "서해", "동방", "알찬",
        "해오름", "온누리", "새빛", "바른", "든든", "하늘", "초록", "은하", "별빛", "나래", "아름", "다솜", "미소", "정성",
        "한울", "우성", "신화", "동일", "광명", "제일", "대림", "참빛", "늘푸른", "새솔", "그린나래", "행복한", "두리",
        "태광", "일신", "경원", "해든", "청림",
    ]

    static let benefits = [
        "4대보험", "퇴직금", "중식 제공", "석식 제공(잔업 시)", "통근버스 운행", "기숙사 제공", "명절 상여금", "연차 휴가",
        "경조사비 지원", "자기계발비 지원", "주차 지원", "건강검진 지원", "장기근속 포상", "유니폼 지급", "교통비 지원",
        "휴게실 완비", "인센티브 별도",
    ]

    static let genericQualifications = [
        "성실하고 책임감 있는 분", "장기 근무가 가능한 분", "동료와 원만하게 협업할 수 있는 분", "기본적인 컴퓨터 사용이 가능한 분",
    ]

    static let genericPreferences = [
        "인근 거주자", "즉시 출근 가능자", "장기 근속 가능자", "보훈 대상자 및 장애인 (관련 법령에 따라 우대)", "중장년 지원 환영",
        "관련 학과 졸업자",
    ]

    static let genericSeekerSkills = ["Excel", "PowerPoint", "한글(HWP)", "고객 응대", "영어 회화"]

    static let virtues = [
        "맡은 일은 끝까지 책임지는 편입니다.",
        "동료와 협력하며 일하는 것을 좋아합니다.",
        "꼼꼼하게 확인하는 습관이 있어 실수가 적습니다.",
        "체력이 좋아 오래 서서 일하는 것도 문제없습니다.",
        "새로운 업무도 빠르게 배우는 편입니다.",
        "교대 근무와 주말 근무도 가능합니다.",
        "경력 단절 후 다시 일을 시작하려고 합니다.",
        "한 직장에서 오래 일하고 싶습니다.",
        "건강하며 성실하게 근무할 자신이 있습니다.",
        "출퇴근 시간을 잘 지키고 결근이 거의 없었습니다.",
        "고객을 대할 때 친절함을 가장 중요하게 생각합니다.",
    ]

    private struct SectionStyle {
        let duties: String
        let qualifications: String
        let preferences: String
        let conditions: String
        let process: String
        let bullet: String
    }

    private static let styles = [
        SectionStyle(duties: "■ 담당 업무", qualifications: "■ 자격 요건", preferences: "■ 우대 사항",
                     conditions: "■ 근무 조건", process: "■ 전형 절차", bullet: "- "),
        SectionStyle(duties: "[담당업무]", qualifications: "[자격요건]", preferences: "[우대사항]",
                     conditions: "[근무조건]", process: "[전형절차]", bullet: "· "),
        SectionStyle(duties: "◆ 주요 업무", qualifications: "◆ 지원 자격", preferences: "◆ 우대 조건",
                     conditions: "◆ 근무 환경", process: "◆ 채용 절차", bullet: "• "),
        SectionStyle(duties: "1. 하는 일", qualifications: "2. 지원 자격", preferences: "3. 우대 사항",
                     conditions: "4. 근무 조건", process: "5. 채용 절차", bullet: "- "),
    ]

    // MARK: Company

    static func company(for occupation: Occupation, _ rng: inout SampleRandom) -> String {
        let stem = rng.pick(companyStems)
        let kind = rng.pick(occupation.companyKinds)
        if kind.hasPrefix("!") {
            return stem + kind.dropFirst()
        }
        let base = stem + kind
        switch rng.below(10) {
        case 0, 1, 2: return "(주)" + base
        case 3: return base + "(주)"
        case 4: return "주식회사 " + base
        default: return base
        }
    }

    // MARK: Title

    static func postingTitle(for occupation: Occupation, region: RegionRef?, employment: [Int],
                             _ rng: inout SampleRandom) -> String {
        var title = rng.pick(occupation.titles)
        if rng.chance(0.12) { title = Korean.dropOneSpace(title, &rng) }
        let endsWithVerb = title.hasSuffix("모집") || title.hasSuffix("채용") || title.hasSuffix("구인")
        let r = rng.unit()
        if r < 0.18 && !endsWithVerb {
            title += rng.pick([" 모집", " 채용", " 구인"])
        } else if r < 0.26 && employment.contains(0) && !title.hasSuffix(")") {
            title += " (정규직)"
        } else if r < 0.32 && !title.hasSuffix(")") {
            title += rng.pick([" (경력 우대)", " (신입 가능)", " (주5일)", " (초보 가능)"])
        }
        let p = rng.unit()
        if p < 0.14, let region {
            title = "[" + region.shortName + "] " + title
        } else if p < 0.22 {
            title = rng.pick(["[급구] ", "[신입/경력] ", "[상시채용] ", "[장기근무] "]) + title
        }
        return title
    }

    /// A small wording change for near-duplicate postings.
    static func nearDuplicateTitle(_ title: String, _ rng: inout SampleRandom) -> String {
        switch rng.below(4) {
        case 0 where title.contains(" "):
            return Korean.dropOneSpace(title, &rng)
        case 1:
            return "[재공고] " + title
        case 2 where title.hasSuffix("모집"):
            return String(title.dropLast(2)) + "채용"
        case 2 where title.hasSuffix("채용") || title.hasSuffix("구인"):
            return String(title.dropLast(2)) + "모집"
        default:
            return title + rng.pick([" 모집", " (재공고)", " 추가 모집"])
        }
    }

    // MARK: Description

    struct PostingFacts {
        let occupation: Occupation
        let company: String
        let region: RegionRef?
        let employment: [Int]
        let salary: (min: Int, max: Int)?
        let experience: (min: Int, max: Int)
        let education: String
        let skills: [String]
        let certificates: [String]
        let deadline: String?
    }

    static func postingDescription(_ f: PostingFacts, _ rng: inout SampleRandom) -> String {
        let occ = f.occupation
        let style = rng.pick(styles)
        let b = style.bullet
        var lines: [String] = []

        let place = f.region.map { $0.text } ?? "본사"
        switch rng.below(6) {
        case 0: lines.append("\(f.company)에서 \(Korean.eul(occ.role)) 모집합니다.")
        case 1: lines.append("\(place) 소재 \(f.company)에서 함께 일할 \(Korean.eul(occ.role)) 찾습니다.")
        case 2: lines.append("\(occ.role) 채용 공고입니다. 성실하게 함께 일하실 분의 많은 지원 바랍니다.")
        case 3: lines.append("사업 확장으로 \(occ.role) 인력을 충원합니다.")
        case 4: lines.append("결원 충원을 위해 \(Korean.eul(occ.role)) 채용합니다. (근무지: \(place))")
        default: lines.append("\(f.company) \(occ.role) 신규 채용 안내")
        }

        lines.append("")
        lines.append(style.duties)
        for duty in rng.sample(occ.duties, count: rng.int(in: 2...4)) {
            lines.append(b + duty)
        }

        lines.append("")
        lines.append(style.qualifications)
        lines.append(b + "학력: " + educationRequirement(f.education))
        lines.append(b + "경력: " + experienceRequirement(f.experience))
        let qualifications = rng.sample(occ.qualifications, count: rng.int(in: 1...2))
        for q in qualifications {
            lines.append(b + q)
        }
        if rng.chance(0.3) { lines.append(b + rng.pick(genericQualifications)) }
        let certificateRequired = !f.certificates.isEmpty && rng.chance(0.35)
        if certificateRequired {
            lines.append(b + "필수 자격: " + f.certificates[0])
        }
        if !f.skills.isEmpty && rng.chance(0.55) {
            lines.append(b + "활용 기술: " + f.skills.joined(separator: ", "))
        }

        var preferences = rng.sample(occ.preferences, count: rng.int(in: 1...3))
        let extraCertificates = certificateRequired ? Array(f.certificates.dropFirst()) : f.certificates
        for cert in extraCertificates where !qualifications.contains(where: { $0.contains(cert) }) {
            preferences.append(cert + " 소지자")
        }
        if rng.chance(0.35) { preferences.append(rng.pick(genericPreferences)) }
        lines.append("")
        lines.append(style.preferences)
        for p in preferences { lines.append(b + p) }

        lines.append("")
        lines.append(style.conditions)
        if !f.employment.isEmpty {
            var form = f.employment.map { EmploymentType.labels[$0] }.joined(separator: " 또는 ")
            if f.employment.contains(0) && rng.chance(0.3) { form += " (수습 3개월)" }
            lines.append(b + "근무 형태: " + form)
        }
        lines.append(b + "근무 시간: " + rng.pick(occ.schedules))
        if let region = f.region {
            lines.append(b + "근무지: " + region.text + (rng.chance(0.2) ? " (대중교통 이용 편리)" : ""))
        }
        lines.append(b + "급여: " + salaryText(f.salary, &rng))
        let perks = rng.sample(benefits, count: rng.int(in: 2...5))
        lines.append(b + "복리후생: " + perks.joined(separator: ", "))

        if rng.chance(0.6) {
            lines.append("")
            lines.append(style.process)
            lines.append(rng.pick(["서류 전형 → 면접 → 최종 합격", "서류 검토 → 면접 (1회) → 출근일 협의",
                                   "서류 전형 → 실무 면접 → 처우 협의 → 최종 합격"]))
        }
        if rng.chance(0.5) {
            lines.append("")
            if let deadline = f.deadline {
                lines.append("※ 접수 마감: \(deadline)" + (rng.chance(0.5) ? " (채용 시 조기 마감될 수 있습니다)" : ""))
            } else {
                lines.append("※ 상시 채용이며 적임자 채용 시 마감합니다.")
            }
            if rng.chance(0.5) {
                lines.append(rng.pick(["※ 제출 서류: 이력서, 자기소개서 (자유 양식)",
                                       "※ 온라인 입사지원으로 접수합니다.",
                                       "※ 면접 일정은 서류 합격자에게 개별 안내합니다."]))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func educationRequirement(_ education: String) -> String {
        switch education {
        case "학력무관": return "학력 무관"
        case "고졸": return "고졸 이상"
        case "초대졸": return "초대졸(2·3년제) 이상"
        case "대졸": return "대졸(4년제) 이상"
        case "석사": return "석사 이상"
        default: return "박사 학위 소지자"
        }
    }

    static func experienceRequirement(_ e: (min: Int, max: Int)) -> String {
        if e.min == 0 && e.max == 0 { return "신입" }
        if e.min == 0 { return "신입 가능 (경력 \(e.max)년 이하 우대)" }
        if e.min == e.max { return "경력 \(e.min)년" }
        return "경력 \(e.min)~\(e.max)년"
    }

    static func salaryText(_ salary: (min: Int, max: Int)?, _ rng: inout SampleRandom) -> String {
        guard let salary else {
            return rng.pick(["회사 내규에 따름 (면접 후 결정)", "경력에 따라 협의", "면접 시 협의"])
        }
        let amount = salary.min == salary.max
            ? "연봉 \(Korean.grouped(salary.min))만원"
            : "연봉 \(Korean.grouped(salary.min))~\(Korean.grouped(salary.max))만원"
        let note = rng.pick(["", "", " (경력 및 역량에 따라 협의)", " (퇴직금 별도)", " (수당 포함)", " (연장·야간 수당 별도)"])
        return amount + note
    }

    // MARK: Seeker

    static func desiredTitle(for occupation: Occupation, _ rng: inout SampleRandom) -> String {
        var title = rng.pick(occupation.seekerTitles)
        if rng.chance(0.15) { title = Korean.dropOneSpace(title, &rng) }
        if rng.chance(0.12) && !title.hasSuffix("일자리") {
            title += rng.pick([" 희망", " 구직", " 자리 구합니다"])
        }
        return title
    }

    struct SeekerFacts {
        let occupation: Occupation
        let experienceYears: Int
        let education: String
        let skills: [String]
        let certificates: [String]
        let regions: [String]
        let employment: [String]
    }

    static func profile(_ f: SeekerFacts, _ rng: inout SampleRandom) -> String {
        let occ = f.occupation
        var sentences: [String] = []
        if f.experienceYears == 0 {
            let schooling: String
            switch f.education {
            case "고졸": schooling = "고등학교를 졸업한"
            case "초대졸": schooling = "전문대학을 졸업한"
            case "대졸": schooling = "대학교를 졸업한"
            case "석사": schooling = "대학원 석사 과정을 마친"
            case "박사": schooling = "박사 학위를 받은"
            default: schooling = "직업훈련 과정을 수료한"
            }
            switch rng.below(3) {
            case 0: sentences.append("\(schooling) 뒤 \(occ.role) 일을 처음 시작하려고 합니다.")
            case 1: sentences.append("관련 교육 과정을 마치고 \(Korean.euro(occ.role)) 첫 취업을 준비하고 있습니다.")
            default: sentences.append("아르바이트로 비슷한 일을 해 본 적이 있어 \(occ.role) 업무에 관심이 많습니다.")
            }
        } else {
            let former = company(for: occ, &rng)
            let duties = rng.sample(occ.duties, count: 3)
            let duty = duties[0]
            switch rng.below(3) {
            case 0: sentences.append("\(former)에서 \(f.experienceYears)년 동안 \(duty) 업무를 맡았습니다.")
            case 1: sentences.append("지난 \(f.experienceYears)년간 \(former)에서 \(Korean.euro(occ.role)) 일하며 \(Korean.eul(duty)) 담당했습니다.")
            default: sentences.append("\(occ.role) 경력이 \(f.experienceYears)년 있으며, 최근까지 \(former)에서 근무했습니다.")
            }
            if rng.chance(0.6) && duties.count == 3 {
                sentences.append("그 밖에 \(duties[1]), \(duties[2]) 일도 함께 했습니다.")
            }
        }
        if !f.skills.isEmpty {
            let shown = Array(f.skills.prefix(3))
            switch rng.below(3) {
            case 0: sentences.append("\(shown.joined(separator: ", "))에 익숙합니다.")
            case 1: sentences.append("\(shown.joined(separator: ", ")) 등을 다룰 수 있습니다.")
            default: sentences.append("\(shown[0]) 경험이 있어 바로 업무에 투입될 수 있습니다.")
            }
        }
        if !f.certificates.isEmpty {
            if rng.chance(0.5) {
                sentences.append("\(Korean.eul(f.certificates[0])) 취득했습니다.")
            } else {
                sentences.append("\(f.certificates.joined(separator: ", ")) 자격을 갖추고 있습니다.")
            }
        }
        let fitting = f.experienceYears == 0 ? virtues.filter { !$0.hasPrefix("경력 단절") } : virtues
        for virtue in rng.sample(fitting, count: rng.int(in: 1...2)) {
            sentences.append(virtue)
        }
        if !f.regions.isEmpty && rng.chance(0.5) {
            if f.regions.count == 1 && rng.chance(0.5) {
                sentences.append("집이 \(Korean.ira(f.regions[0])) 가까운 곳에서 일하고 싶습니다.")
            } else {
                sentences.append("\(f.regions.joined(separator: ", ")) 지역에서 근무하기를 희망합니다.")
            }
        }
        if !f.employment.isEmpty && rng.chance(0.4) {
            sentences.append("\(f.employment.joined(separator: " 또는 ")) 형태의 일자리를 원합니다.")
        }
        return sentences.joined(separator: " ")
    }
}
