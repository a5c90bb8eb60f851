import JobMatchText

/// The personal-data redactor on arbitrary bytes: never traps; redacting twice changes nothing
/// more (what it leaves contains nothing it would redact); no redaction means the text is
/// returned unchanged.
func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let once = PersonalDataRedactor.redact(text)
    if once.redactions.isEmpty { precondition(once.text == text, "changed text without a redaction") }
    let twice = PersonalDataRedactor.redact(once.text)
    precondition(twice.redactions.isEmpty, "redacted text still holds personal data: \(twice.redactions)")
    precondition(twice.text == once.text, "redaction is not idempotent")
    precondition(!PersonalDataRedactor.containsPersonalData(once.text))
}
