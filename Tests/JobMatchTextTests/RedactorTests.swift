@testable import JobMatchText
import JobMatchTestSupport
import Testing

@Suite("Personal data redaction")
struct RedactorTests {
    @Test("phones, resident numbers and e-mail are masked", arguments: [
        ("연락처 010-1234-5678 입니다", "연락처 *** 입니다"),
        ("01012345678", "***"),
        ("010 1234 5678로 연락", "***로 연락"),
        ("010.1234.5678", "***"),
        ("전화 (02) 345-6789", "전화 ***"),
        ("02-345-6789", "***"),
        ("031-123-4567 / 055)234-5678", "*** / ***"),
        ("+82 10-1234-5678", "***"),
        ("주민번호 900101-1234567", "주민번호 ***"),
        ("9001011234567", "***"),
        ("900101 1234567", "***"),
        ("900101-1******", "***"),
        ("메일 hong.gildong@example.co.kr 로", "메일 *** 로"),
        ("ＦＵＬＬ ０１０－１２３４－５６７８", "ＦＵＬＬ ***"),
        ("주민번호 900101 - 1234567 제출", "주민번호 *** 제출"),
        ("연락처 010 - 1234 - 5678", "연락처 ***"),
        ("02 - 987 - 6543", "***"),
        ("☎ 010-1234-5678", "☎ ***"),
        ("HP:01012345678", "HP:***"),
        ("02)123-4567", "***"),
        ("접수 2026-01-02 010-5678-9012", "접수 2026-01-02 ***"),
        ("등록일 2024.01.05 010-1234-5678", "등록일 2024.01.05 ***"),
        ("면접 3월 05 010-3456-7890", "면접 3월 05 ***"),
        ("010ㅡ4567ㅡ8901", "***"),
        ("010/5678/9012 또는 010_7890_1234", "*** 또는 ***"),
        ("010~7777~8888", "***"),
        ("안심번호 0505-123-4567", "안심번호 ***"),
        ("82-10-6789-0123", "***"),
        ("900101-*******", "***"),
        ("메일ｈｏｎｇ＠ｎａｖｅｒ．ｃｏｍ으로", "메일***으로"),
        ("hong @ daum.net", "***"),
        // second review
        ("연락 +821027418365 로", "연락 *** 로"),
        ("+82 1027418365", "***"),
        ("+82-1027418365", "***"),
        ("+82 (0)10-2741-8365", "***"),
        ("0082-10-2741-8365", "***"),
        ("001-82-10-2741-8365", "***"),
        ("010-****-8365", "***"),
        ("010-2741-****", "***"),
        ("010-2741-xxxx", "***"),
        ("010―2741―8365", "***"),
        ("010−2741−8365", "***"),
        ("010‒2741‒8365", "***"),
        ("010ㆍ2741ㆍ8365", "***"),
        ("010,2741,8365", "***"),
        ("010:2741:8365", "***"),
        ("010|2741|8365", "***"),
        ("010\u{2009}2741\u{202F}8365", "***"),
        ("010\u{200B}2741\u{200B}8365", "***"),
        ("010  -  2741  -  8365", "***"),
        ("900101-1 입니다", "*** 입니다"),
        ("900101 - 1", "***"),
        ("900101-1 ******", "***"),
        ("900101-1######", "***"),
        ("900101-1∗∗∗∗∗∗", "***"),
        ("900101-1ＸＸＸＸＸＸ", "***"),
        ("900101‒1234567", "***"),
        ("900101  -  1234567", "***"),
        ("주민번호 앞자리 900101 뒷자리 1234567", "주민번호 앞자리 ***"),
        ("hong84(at)naver.com", "***"),
        ("hong84[at]naver.com", "***"),
        // no digit, no @: only the written-out "at" makes the scan run
        ("hong(at)naver.com", "***"),
        ("문의 kim[AT]daum.net", "문의 ***"),
        ("hong(At)naver.com", "***"),
        ("hong（ａｔ）naver.com", "***"),
        ("ｋｉｍ［ＡＴ］ｄａｕｍ．ｎｅｔ", "***"),
        ("hong(at）naver.com", "***"),
        ("hong84 골뱅이 naver.com", "***"),
        ("hong84@naver . com", "***"),
        ("hong84﹫naver.com", "***"),
        ("hong84@naver 로 연락", "*** 로 연락"),
        ("hong84@@naver.com", "***"),
        ("hong84@네이버.com", "***"),
        ("과장(010-2741-8365, hong84@naver.com)", "과장(***, ***)"),
        ("담당자이메일:kim_01@corp.co.kr입니다", "담당자이메일:***입니다"),
    ])
    func masked(input: String, expected: String) {
        let r = PersonalDataRedactor.redact(input)
        #expect(r.text == expected)
        #expect(!r.redactions.isEmpty)
    }

    @Test("ordinary numbers are kept", arguments: [
        "마감 2026-11-27", "연봉 3,000만원", "주 5일 근무, 2교대", "1588-1234 대표번호", "경력 3~5년", "ISO 9001 인증", "사업자 123-45-67890",
        "근무 2019~2023", "09:00~18:00 근무", "모집 인원 00명", "2026.01.05 - 2026.02.05", "연봉 2400-3000만원", "Java 8, Spring 5.3",
        "모델 SM-G998N", "XXL 사이즈 box 3개", "골뱅이 무침 조리", "ISBN 979-11-1234-567-8", "우편번호 06236", "IP 192.168.0.1",
        "timestamp 1732700000000", "at the office [at] 9",
    ])
    func kept(input: String) {
        let r = PersonalDataRedactor.redact(input)
        #expect(r.text == input)
        #expect(r.redactions.isEmpty)
    }

    @Test func personalDataInIds() {
        #expect(PersonalDataRedactor.containsPersonalData("900101-1234567"))
        #expect(PersonalDataRedactor.containsPersonalData("+821027418365"))
        #expect(!PersonalDataRedactor.containsPersonalData("S00001"))
        #expect(!PersonalDataRedactor.containsPersonalData("1732700000000"), "a millisecond timestamp is no resident number")
        #expect(!PersonalDataRedactor.containsPersonalData("job-1732700000001"))
    }

    @Test("no digit of a canary survives analysis")
    func canaryDigitsNeverReachTerms() {
        let a = KoreanAnalyzer()
        let text = "문의 010-9876-5432 또는 hong9876@mail.example.com, 주민 851231-2345678"
        let redacted = PersonalDataRedactor.redact(text).text
        let terms = a.terms(redacted)
        for canary in ["9876", "5432", "851231", "2345678", "hong", "mail", "example"] {
            #expect(!terms.contains { $0.contains(canary) }, "\(canary) in \(terms)")
            #expect(!redacted.contains(canary))
        }
    }

    @Test("fuzzer findings: redacting twice changes nothing more (Fuzz/Regressions/redactor)")
    func fuzzRegressions() {
        let inputs: [[UInt8]] = [
            [236, 157, 180, 235, 169, 0, 9, 0, 101, 0, 115, 116, 46, 49, 49, 55, 49, 55, 50, 114, 64, 101, 120, 46, 64, 101, 120, 46, 99, 111,
             109, 236, 157, 180, 157, 55, 50, 114, 64, 101, 239, 188, 142, 180, 157, 180, 235, 236],
        ]
        for bytes in inputs {
            let text = String(decoding: bytes, as: UTF8.self)
            let once = PersonalDataRedactor.redact(text)
            let twice = PersonalDataRedactor.redact(once.text)
            #expect(twice.redactions.isEmpty, "\(text.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "_" }.joined()) → \(once.text.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "_" }.joined()) → \(twice.text.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "_" }.joined()) \(twice.redactions)")
            #expect(twice.text == once.text)
        }
    }

    @Test("the number scan's shortcuts are exact: fewer than 7 digits or mask marks hold no candidate; hopeless chains are skipped")
    func numberGate() async {
        var rng = SeededRandom(seed: 7)
        // pieces of phone and resident numbers, masks, separators and words, so that candidates occur
        let alphabet: [String] = ["010", "02", "031", "070", "0505", "+82", "0082", "82", "001", "900101", "1", "7", "12", "123", "4567", "1234567", "0000",
                                  "9001011234567", "2026", "18:00", "4,500", "~",
                                  "***", "####", "xxx", "●●", "-", " ", "-", ".", "(", ")", "가", "a", "０", "٣"]
        var found = 0
        for round in 0..<12_000 {
            if round % 500 == 0 { await Task.yield() }  // let socket-bound tests run meanwhile
            let text = (0..<Int.random(in: 1...7, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let s = text.unicodeScalars.map(PersonalDataRedactor.fold)
            let marks = s.filter { PersonalDataRedactor.isDigit($0) || PersonalDataRedactor.isMaskMark($0) }.count
            let candidates = PersonalDataRedactor.numberCandidates(s)
            if marks < 7 { #expect(candidates.isEmpty, "\(text.debugDescription)") }
            let all = PersonalDataRedactor.numberCandidates(s, skipHopeless: false)
            #expect(candidates.map { "\($0.range) \($0.kind) \($0.weight)" } == all.map { "\($0.range) \($0.kind) \($0.weight)" }, "\(text.debugDescription)")
            found += candidates.count
        }
        #expect(found > 100)
    }

    @Test("the one-walk gate is exact: where it rules out e-mails or numbers, the full scans find none")
    func passGate() async {
        var rng = SeededRandom(seed: 11)
        let alphabet: [String] = ["010", "02", "031", "0505", "+82", "82", "800", "900101", "1", "7", "12", "4567", "1234567", "0000", "٣٤٥", "０８",
                                  "9001011234567", "18:00", "4,500", "***", "xx", "●", "-", " ", ".", "(", ")", "가", "골", "골뱅이", "a", "hong",
                                  "@", "＠", "﹫", "(at)", "[AT]", "（ａｔ）", "naver", "com", "ex.com", " . ",
                                  "٠٨", "\t", "∗", "•",
                                  // times, dates, amounts and prefixes the number gate reads group by group
                                  "09:00", "~", "5,000", "000", "00", "001", "0082", "016", "061", "060", "090", "050", "0508", "0501",
                                  "2026-01-02", "/", "_", ":", "|", "·", "ㆍ", ",", "\n", "ㅡ", "０１０", "٠١٠", "      ", "#"]
        var ruledOut = (emails: 0, numbers: 0), found = (emails: 0, numbers: 0)
        for round in 0..<40_000 {
            if round % 500 == 0 { await Task.yield() }
            let text = (0..<Int.random(in: 1...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let s = text.unicodeScalars.map(PersonalDataRedactor.fold)
            let gate = PersonalDataRedactor.mayHold(text)
            // the written-out "at", read from the scalars, is the byte scan's answer
            if PersonalDataRedactor.hasBracketedAt(text) { #expect(gate.emails, "\(text.debugDescription)") }
            let emails = PersonalDataRedactor.emailCandidates(s), numbers = PersonalDataRedactor.numberCandidates(s, skipHopeless: false)
            if !gate.emails {
                ruledOut.emails += 1
                #expect(emails.isEmpty, "\(text.debugDescription)")
            }
            if !gate.numbers {
                ruledOut.numbers += 1
                #expect(numbers.isEmpty, "\(text.debugDescription)")
            }
            found.emails += emails.count
            found.numbers += numbers.count
            if !gate.emails && !gate.numbers { #expect(PersonalDataRedactor.redact(text) == .init(text: text, redactions: [])) }
        }
        // the gate was tested both ways: it ruled things out, and the scans found things elsewhere
        #expect(ruledOut.emails > 1_000 && ruledOut.numbers > 1_000 && found.emails > 100 && found.numbers > 100, "\(ruledOut) \(found)")
    }

    @Test("the number gate's prefix groups are exactly the groups a candidate can start from, below 6 digits")
    func prefixGroups() {
        // every digit string of 1 to 5 digits: where classify can begin (a phone prefix taking
        // the whole group, 82 or 0082; 00X is followed by an 82 group, which starts on its own)
        for count in 1...5 {
            var limit = 1
            for _ in 0..<count { limit *= 10 }
            for n in 0..<limit {
                var digits: [Int] = []
                var x = n
                for _ in 0..<count {
                    digits.insert(x % 10, at: 0)
                    x /= 10
                }
                let value = digits.prefix(4).reduce(0) { $0 * 10 + $1 }
                let starts = PersonalDataRedactor.prefixLength(digits) == count || digits == [8, 2] || digits == [0, 0, 8, 2]
                #expect(PersonalDataRedactor.isPrefixGroup(count: count, value: value) == starts, "\(digits)")
            }
        }
        for v in 0..<0x1_0000 {
            guard let c = Unicode.Scalar(v) else { continue }
            #expect(PersonalDataRedactor.isSeparator(c) == PersonalDataRedactor.separators.contains(c), "U+\(String(v, radix: 16))")
        }
    }

    @Test("the number gate rules out the times, dates and amounts of ordinary postings, and keeps every number written near them")
    func gateOnOrdinaryText() {
        let ordinary = ["근무시간 09:00~18:00 (주 5일), 급여 월 3,000,000원 ~ 3,500,000원, 2026-01-02 마감",
                        "연봉 4,500만원, 02:30 교대, 휴게 12:00-13:00", "모집 10명, 20~30세"]
        for text in ordinary {
            #expect(!PersonalDataRedactor.mayHold(text).numbers, "\(text)")
            #expect(PersonalDataRedactor.redact(text).redactions.isEmpty)
        }
        for text in ordinary {
            for number in ["010-1234-5678", "02) 123-4567", "+82 10 1234 5678", "001 82 10 1234 5678", "900101-1234567", "０３１－１２３－４５６７"] {
                let joined = text + " 문의 " + number
                #expect(PersonalDataRedactor.mayHold(joined).numbers, "\(joined)")
                #expect(!PersonalDataRedactor.redact(joined).redactions.isEmpty, "\(joined)")
            }
        }
    }
}
