import JobMatchRanking

/// The JSON Lines decoder for postings and seekers on arbitrary bytes: never traps; every line is
/// either a record or an error naming its line (nothing is silently dropped); every record,
/// written back in the interchange schema, parses to the same record.
func fuzzOne(_ bytes: [UInt8]) {
    let postings = JSONLines.parsePostings(bytes, file: "fuzz")
    for p in postings.records {
        let again = JSONLines.parsePostings(Array(p.jsonLine.utf8), file: "again")
        precondition(again.errors.isEmpty && again.records == [p], "posting \(p.id) does not survive its own JSON: \(again.errors)")
    }
    let seekers = JSONLines.parseSeekers(bytes, file: "fuzz")
    for s in seekers.records {
        let again = JSONLines.parseSeekers(Array(s.jsonLine.utf8), file: "again")
        precondition(again.errors.isEmpty && again.records == [s], "seeker \(s.id) does not survive its own JSON: \(again.errors)")
    }
    for e in postings.errors + seekers.errors { precondition(e.description.hasPrefix("fuzz:"), "an error without its place: \(e)") }
}
