import Foundation

/// A parsed JSON value that keeps booleans, integers and floats apart, so type errors can be
/// reported precisely (``parse(_:)``).
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

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
            if (required || nonEmpty) && s.containsOnly(" \t\n\r") {
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
