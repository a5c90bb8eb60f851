import Foundation
package import JobMatchRanking

/// Keeps `DATA/index` in step with the catalog: incremental updates (a delta and deletion marks,
/// compacted past a size ratio) when the index is sound and was built with the same model, a
/// full rebuild from the catalog when it is missing, refused (damaged, other settings) or cannot
/// catch up.
package enum IndexMaintenance {
    package enum Outcome: Sendable, Equatable {
        case current
        case updated(IndexDirectory.UpdateSummary)
        case rebuilt(reason: String)
        /// Not touched: built with another model's settings (rebuild it explicitly).
        case otherModel(String)
        case missing
        /// Refused (damaged or unreadable) and not rebuilt.
        case refused(String)
    }

    package static func indexDirectory(of catalog: Catalog) -> String {
        URL(fileURLWithPath: catalog.path).deletingLastPathComponent().path + "/index"
    }

    /// Brings the index up to the catalog's current generation.
    /// - Parameter rebuild: rebuild when the index is missing or refused (else report it).
    package static func refresh(
        _ catalog: Catalog, indexDirectory dir: String, model: Model, rebuild: Bool,
        compactRatio: Double = IndexDirectory.defaultCompactRatio
    ) throws -> Outcome {
        let meta: IndexDirectory.Meta
        do { meta = try IndexDirectory.meta(dir) } catch {
            let exists = FileManager.default.fileExists(atPath: dir + "/index.json")
            guard rebuild else { return exists ? .refused("\(error)") : .missing }
            return try full(catalog, dir, model, reason: exists ? "\(error)" : "no index yet")
        }
        guard meta.modelFingerprint == IndexDirectory.fingerprint(model) else {
            if rebuild { return try full(catalog, dir, model, reason: "built with model \(meta.modelName) \(meta.modelVersion)'s settings") }
            return .otherModel("\(meta.modelName) \(meta.modelVersion)")
        }
        let epoch = try catalog.epoch()
        guard let since = meta.catalogGeneration, meta.catalogEpoch == epoch else {
            let why = meta.catalogGeneration == nil ? "not built from this catalog" : "built from another state of the catalog (before a restore?)"
            guard rebuild else { return .refused(why) }
            return try full(catalog, dir, model, reason: why)
        }
        let changes = try catalog.postingChanges(since: since)
        if changes.generation == since && changes.epoch == epoch { return .current }
        guard changes.generation > since, changes.epoch == epoch, changes.upserts.errors.isEmpty else {
            let why = changes.upserts.errors.isEmpty ? "the catalog is behind the index (restored?)" : "stored postings do not validate"
            guard rebuild else { return .refused(why) }
            return try full(catalog, dir, model, reason: why)
        }
        do {
            let summary = try IndexDirectory.update(
                dir, model: model, upserts: changes.upserts.records, deletes: changes.deleted,
                catalog: IndexDirectory.CatalogStamp(generation: changes.generation, epoch: changes.epoch), compactRatio: compactRatio)
            return .updated(summary)
        } catch {
            guard rebuild else { throw error }
            return try full(catalog, dir, model, reason: "\(error)")
        }
    }

    /// A new segment of every catalog posting, stamped with the generation read with them.
    package static func full(_ catalog: Catalog, _ dir: String, _ model: Model, reason: String) throws -> Outcome {
        let stamp: IndexDirectory.CatalogStamp
        var report: LoadReport<Posting>
        (stamp, report) = try catalog.postingsWithGeneration()
        if let e = report.errors.first { throw JobMatchError("\(catalog.path): a stored posting does not validate (\(e)); the index was not rebuilt") }
        // moved out of the report, so that the build can let them go as it analyses them
        let records = report.records
        report.records = []
        _ = try IndexDirectory.build(consume records, model: model, to: dir, catalog: stamp)
        return .rebuilt(reason: reason)
    }

    /// The engine for the catalog's current postings: refreshes the index, and when the index
    /// still cannot be loaded (damaged files) rebuilds it from the catalog — a refused index is
    /// never served. `notes` say what was done, for stderr.
    package static func engine(_ catalog: Catalog, model: Model) throws -> (engine: MatchEngine, notes: [String]) {
        let dir = indexDirectory(of: catalog)
        var notes: [String] = []
        switch try refresh(catalog, indexDirectory: dir, model: model, rebuild: true) {
        case .rebuilt(let reason): notes.append("\(dir): rebuilt from the catalog (\(reason))")
        case .updated(let s): notes.append("\(dir): applied \(s.upserted) changed and \(s.deleted) deleted postings\(s.compacted ? " (compacted)" : "")")
        case .current, .otherModel, .missing, .refused: break
        }
        do { return (try IndexDirectory.load(dir, model: model), notes) } catch {
            notes.append("\(dir): refused (\(error)); rebuilt from the catalog")
            _ = try full(catalog, dir, model, reason: "\(error)")
            return (try IndexDirectory.load(dir, model: model), notes)
        }
    }
}
