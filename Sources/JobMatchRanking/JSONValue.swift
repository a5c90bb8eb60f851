import Foundation

/// A parsed JSON value that keeps booleans, integers and floats apart (JSONSerialization on
/// Linux does not), so type errors can be reported precisely.
package enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number with a fraction"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A problem with one field of one record.
package struct FieldError: Error, Sendable, Equatable {
    package var field: String
    package var reason: String
    package init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Typed access to the fields of one JSON object, with errors that name the field.
/// Error messages never quote free-text values (they may hold personal data).
package struct RecordFields {
    package let object: [String: JSONValue]

    package init(_ object: [String: JSONValue]) { self.object = object }

    package func string(_ key: String, required: Bool = false, nonEmpty: Bool = false) throws(FieldError) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { throw FieldError(field: key, reason: "is required") }
            return nil
        case .string(let s)?:
            if (required || nonEmpty) && s.trimmingCharacters(in: " \t\n\r").isEmpty {
                throw FieldError(field: key, reason: "must not be empty")
            }
            return s
        case let v?:
            throw FieldError(field: key, reason: "expected a string, got \(v.typeName)")
        }
    }

    package func int(_ key: String, range: ClosedRange<Int>) throws(FieldError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let i)?:
            guard range.contains(i) else { throw FieldError(field: key, reason: "is outside \(range.lowerBound)...\(range.upperBound)") }
            return i
        case .double?:
            throw FieldError(field: key, reason: "expected an integer, got a number with a fraction")
        case let v?:
            throw FieldError(field: key, reason: "expected an integer, got \(v.typeName)")
        }
    }

    package func strings(_ key: String) throws(FieldError) -> [String] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw FieldError(field: "\(key)[\(i)]", reason: "expected a string, got \(item.typeName)")
                }
                let t = s.trimmingCharacters(in: " \t\n\r")
                if t.isEmpty { throw FieldError(field: "\(key)[\(i)]", reason: "must not be empty") }
                out.append(t)
            }
            return out
        case let v?:
            throw FieldError(field: key, reason: "expected an array of strings, got \(v.typeName)")
        }
    }
}

/// Finds a key that occurs twice in the top-level object of a (valid) JSON text. Decoders keep
/// one of the values silently; other tools may keep the other, so such a record is rejected.
package enum DuplicateKeys {
    package static func first(in line: ArraySlice<UInt8>) -> String? {
        var depth = 0
        var expectKey = false
        var keys = Set<String>()
        var i = line.startIndex
        let end = line.endIndex
        while i < end {
            let b = line[i]
            if b == UInt8(ascii: "\"") {
                let start = i
                var escaped = false
                i += 1
                while i < end && line[i] != UInt8(ascii: "\"") {
                    if line[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 1
                    }
                    i += 1
                }
                if depth == 1 && expectKey && i < end {
                    let raw = line[start...i]
                    let key = escaped
                        ? ((try? JSONDecoder().decode(String.self, from: Data(raw))) ?? String(decoding: raw, as: UTF8.self))
                        : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                    if !keys.insert(key).inserted { return key }
                    expectKey = false
                }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { expectKey = true }
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectKey = true }
            default: break
            }
            i += 1
        }
        return nil
    }
}
