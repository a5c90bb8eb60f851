import Foundation

/// A parsed JSON value that keeps booleans, integers and floats apart (JSONSerialization on
/// Linux does not), so type errors can be reported precisely.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON text (Foundation's parser, several times faster than `JSONDecoder`
    /// here), keeping booleans, integers and fractions apart by the number's C type.
    package static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        from(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
    }

    static func from(_ any: Any) -> JSONValue {
        switch any {
        case let s as String: return .string(s)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "d", "f": return .double(n.doubleValue)
            case "Q" where n.uint64Value > UInt64(Int.max): return .double(n.doubleValue)
            default: return .int(n.intValue)
            }
        case let a as [Any]: return .array(a.map(from))
        case let o as [String: Any]: return .object(o.mapValues(from))
        default: return .null
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
        case .double(let d)? where d == d.rounded() && d.isFinite:
            // 3000.0 is the integer 3000; a whole number too large for Int is out of range
            guard abs(d) < 1e15, range.contains(Int(d)) else { throw FieldError(field: key, reason: "is outside \(range.lowerBound)...\(range.upperBound)") }
            return Int(d)
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
