import Foundation
import GRDB
import JobMatchKernels
import JobMatchStore
import Testing

@Suite("Access log (접속기록): append-only, HMAC-chained")
struct AccessLogTests {
    let key: [UInt8] = Array(0..<32)

    func filled(_ n: Int) throws -> (Catalog, String) {
        let dir = freshDirectory("audit")
        let c = try Catalog(directory: dir)
        for i in 1...n {
            try c.appendAccess([AccessEntry(keyId: "k\(i % 3)", office: "서울고용센터", client: "10.0.0.\(i)", seekerId: "S\(i)", action: "recommendations")], auditKey: key)
        }
        return (c, dir)
    }

    /// Runs SQL behind the service's back, the way someone editing the file would.
    func tamper(_ dir: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: dir + "/catalog.sqlite")
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS access_log_no_update; DROP TRIGGER IF EXISTS access_log_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test("an intact log verifies; its head is the last record")
    func intact() throws {
        let (c, dir) = try filled(6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v = try c.verifyAccessLog(auditKey: key)
        #expect(v.ok && v.records == 6 && v.headSeq == 6 && v.headMAC.count == 64)
        // appending in one batch chains the same way
        try c.appendAccess([AccessEntry(keyId: "a", office: "o", client: "c", seekerId: "s1", action: "x"),
                            AccessEntry(keyId: "a", office: "o", client: "c", seekerId: "s2", action: "x")], auditKey: key)
        #expect(try c.verifyAccessLog(auditKey: key).ok)
        #expect(try c.verifyAccessLog(auditKey: key, expectHead: (v.headSeq, v.headMAC)).ok)
    }

    @Test("UPDATE and DELETE through SQL are refused by the database")
    func appendOnly() throws {
        let (_, dir) = try filled(3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try DatabaseQueue(path: dir + "/catalog.sqlite")
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE access_log SET seekerId = 'X' WHERE seq = 2") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM access_log WHERE seq = 2") } }
    }

    @Test("an edited record is named (and only it)")
    func edited() throws {
        let (c, dir) = try filled(6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try tamper(dir, "UPDATE access_log SET seekerId = 'S999' WHERE seq = 3")
        let v = try c.verifyAccessLog(auditKey: key)
        #expect(v.problems == ["record 3 does not match its chain MAC (edited, or not written by this service)"])
    }

    @Test("a removed record in the middle leaves a gap that is named")
    func removedMiddle() throws {
        let (c, dir) = try filled(6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try tamper(dir, "DELETE FROM access_log WHERE seq IN (3, 4)")
        let v = try c.verifyAccessLog(auditKey: key)
        #expect(v.problems.contains("records 3…4 are missing (removed)"))
        #expect(v.problems.contains { $0.hasPrefix("record 5 does not match") })
    }

    @Test("records removed from the end are caught against an earlier head")
    func removedTail() throws {
        let (c, dir) = try filled(6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let head = try c.verifyAccessLog(auditKey: key)
        try tamper(dir, "DELETE FROM access_log WHERE seq >= 5")
        #expect(try c.verifyAccessLog(auditKey: key).ok)  // without the head: a shorter, valid chain
        let v = try c.verifyAccessLog(auditKey: key, expectHead: (head.headSeq, head.headMAC))
        #expect(v.problems == ["record 6, recorded earlier as the head, is gone (records removed from the end)"])
    }

    @Test("a whole chain recomputed under another key fails every record; so does verifying with the wrong key")
    func forged() throws {
        let (c, dir) = try filled(4)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // a whole chain computed under another key (what a forger without DATA/audit.key can do),
        // copied in place of the real one
        let otherDir = freshDirectory("audit-forger")
        defer { try? FileManager.default.removeItem(atPath: otherDir) }
        let other = try Catalog(directory: otherDir)
        try other.appendAccess((1...4).map { AccessEntry(keyId: "k", office: "o", client: "c", seekerId: "S\($0)", action: "x") }, auditKey: Array(repeating: 7, count: 32))
        #expect(try other.verifyAccessLog(auditKey: Array(repeating: 7, count: 32)).ok)
        try tamper(dir, "DELETE FROM access_log")
        try tamper(dir, "ATTACH DATABASE '\(otherDir)/catalog.sqlite' AS forger; INSERT INTO access_log SELECT * FROM forger.access_log")
        let v = try c.verifyAccessLog(auditKey: key)
        #expect(v.records == 4 && v.problems.count == 4)
        // the wrong key fails every record of a real chain
        let (c2, dir2) = try filled(3)
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        #expect(try c2.verifyAccessLog(auditKey: Array(repeating: 1, count: 32)).problems.count == 3)
    }

    @Test("the audit key file is created once with mode 0600 and a damaged one is refused")
    func auditKeyFile() throws {
        let dir = freshDirectory("audit-key")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: (any Error).self) { try AuditKey.load(dataDirectory: dir, create: false) }
        let k = try AuditKey.load(dataDirectory: dir, create: true)
        #expect(k.count == 32)
        #expect(try AuditKey.load(dataDirectory: dir, create: true) == k)
        let mode = try FileManager.default.attributesOfItem(atPath: AuditKey.path(dataDirectory: dir))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: AuditKey.path(dataDirectory: dir)))
        #expect(throws: (any Error).self) { try AuditKey.load(dataDirectory: dir, create: false) }
    }
}
