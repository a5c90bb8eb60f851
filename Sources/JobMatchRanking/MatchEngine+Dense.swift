import JobMatchIndex
package import JobMatchKernels

/// One seeker's cosines against every posting as BLAS computed them: `sgemv` for a single
/// seeker, one row of a block `sgemm` (seekers × postings) in the batch.
///
/// Rounding differs between kernels, block shapes and thread counts, so these values only
/// *select*. Every dense score that is ranked or shown is the scalar dot product
/// (`exactCosine`), the same bits on every path; the selection keeps a band around each cut-off
/// wide enough for the rounding, so the final lists equal those of an all-scalar computation.
package struct DenseCosines: Sendable {
    let storage: [Float]
    let base: Int

    /// Row `row` of a block computed by ``MatchEngine/denseCosineBlock(_:into:)``.
    package init(block: DenseMatrix, row: Int) {
        precondition(row >= 0 && row < block.rows, "DenseCosines: row \(row) outside the block")
        storage = block.storage
        base = row * block.cols
    }

    /// Cosines given directly (one per posting, in document order).
    package init(vector: [Float]) {
        storage = vector
        base = 0
    }

    @inline(__always) subscript(d: Int) -> Float { storage[base &+ d] }
}

/// The dense stage for one seeker.
struct DenseView {
    let qv: [Float]
    let cosines: DenseCosines
    let weight: Float
    /// Bound on |BLAS cosine − scalar cosine| for two unit vectors of this rank.
    let cosineError: Float
    /// The model's `denseCandidates` best admitted postings by scalar cosine (> 0).
    let isCandidate: [Bool]

    /// The dense contribution from the BLAS cosine (selection only).
    @inline(__always) func approximate(_ d: Int) -> Float { weight * max(0, cosines[d]) }

    /// Width of the band kept below a cut-off of approximate totals (magnitude at most
    /// `magnitude`): twice the bound on |total from `approximate` − total from the scalar cosine|
    /// (the cosine error scaled by the weight, plus the rounding of the product and of the last
    /// addition), since both the cut-off and a posting's total may be off by that bound.
    func totalError(magnitude: Float) -> Float {
        let u = Float.ulpOfOne / 2
        let content = weight * (cosineError + 4 * u)
        return 2 * (content + 4 * u * (magnitude + content + 1))
    }
}

extension MatchEngine {
    /// Whether the model's dense stage is on (a projection and `denseWeight` > 0).
    package var hasDenseStage: Bool { denseDocuments != nil }

    /// |fl(x·y) − x·y| ≤ γ_r·‖x‖·‖y‖ for any summation order (γ_r ≈ r·u); two computations differ
    /// by at most twice that. Four times r·u plus slack covers the unit vectors' own rounding.
    package var denseCosineError: Float {
        let r = denseDocuments?.cols ?? 0
        return Float(4 * r + 16) * (Float.ulpOfOne / 2)
    }

    /// The scalar cosine of a seeker's dense vector with posting `d`: the value every path ranks by.
    @inline(__always)
    func exactCosine(_ qv: [Float], doc d: Int) -> Float {
        guard let m = denseDocuments else { return 0 }
        var s: Float = 0
        let base = d * m.cols
        for c in 0..<m.cols { s += qv[c] * m.storage[base + c] }
        return s
    }

    /// The dense vectors of the seekers' queries (rows) times every posting's, as one `sgemm`
    /// written into `out` (reused when its shape fits). Rows of queries without a dense vector
    /// are zero. Returns false (and leaves `out` alone) when the model has no dense stage.
    @discardableResult
    package func denseCosineBlock(_ queries: [SeekerQuery], into out: inout DenseMatrix) -> Bool {
        guard let docs = denseDocuments else { return false }
        var vectors = DenseMatrix(rows: queries.count, cols: docs.cols)
        for (i, q) in queries.enumerated() {
            guard let qv = denseQuery(q) else { continue }
            for c in 0..<docs.cols { vectors.storage[i * docs.cols + c] = qv[c] }
        }
        BLAS.gemmABt(vectors, docs, into: &out)
        return true
    }

    /// The dense stage for one seeker, or nil without one. `given` are the seeker's BLAS
    /// cosines when the caller computed them in a block; otherwise one `sgemv` into `scratch`.
    func denseView(_ q: SeekerQuery, admission a: Admission, given: DenseCosines?, scratch: inout RankingScratch) -> DenseView? {
        guard let docs = denseDocuments, let qv = denseQuery(q) else { return nil }
        let cosines: DenseCosines
        if let given {
            precondition(given.storage.count - given.base >= postings.count, "DenseCosines: row shorter than the postings")
            cosines = given
        } else {
            BLAS.gemv(docs, qv, into: &scratch.denseCosines)
            cosines = DenseCosines(vector: scratch.denseCosines)
        }
        let error = denseCosineError
        return DenseView(qv: qv, cosines: cosines, weight: Float(model.ranking.denseWeight), cosineError: error,
                         isCandidate: denseCandidates(qv, cosines: cosines, error: error, admission: a))
    }

    /// The model's `denseCandidates` admitted postings with the highest scalar cosine (> 0),
    /// ties by posting id. Found from the BLAS cosines: every posting within twice the error
    /// bound of the k-th BLAS value is re-scored exactly, which provably contains the exact top k.
    func denseCandidates(_ qv: [Float], cosines: DenseCosines, error eps: Float, admission a: Admission) -> [Bool] {
        let k = model.ranking.denseCandidates
        var mark = [Bool](repeating: false, count: postings.count)
        guard k > 0 else { return mark }
        var margin = 16
        while true {
            var top = TopK(k: k + margin)
            for d in 0..<postings.count {
                let c = cosines[d]
                guard c > -eps, top.wouldEnter(score: c, id: UInt32(d)), admitted(a, doc: d) else { continue }
                top.insert(score: c, id: UInt32(d))
            }
            var band = top.sorted()
            if band.count > k {
                let floor = band[k - 1].score - 2 * eps
                if band.count == k + margin && band[band.count - 1].score >= floor {
                    margin *= 4  // the band reaches past what was kept: keep more
                    continue
                }
                band = band.filter { $0.score >= floor }
            }
            var exact = band.compactMap { e -> TopK.Entry? in
                let s = exactCosine(qv, doc: Int(e.id))
                return s > 0 ? TopK.Entry(score: s, id: e.id) : nil
            }
            exact.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
            for e in exact.prefix(k) { mark[Int(e.id)] = true }
            return mark
        }
    }

    /// The exact top `pool` from a list ranked by approximate totals (best first, at most
    /// `kept` entries kept of all eligible ones), or nil when the rounding band around the
    /// pool's cut-off reaches past the kept entries (the caller keeps more and tries again).
    func exactPool(_ approx: [TopK.Entry], pool: Int, kept: Int, dense: DenseView, total exactTotal: (Int) -> Float) -> [TopK.Entry]? {
        if pool == 0 { return [] }
        var band = approx
        if approx.count > pool {
            let cutoff = approx[pool - 1].score
            let magnitude = max(abs(approx[0].score), abs(approx[approx.count - 1].score), abs(cutoff))
            let floor = cutoff - dense.totalError(magnitude: magnitude)
            if approx.count == kept && approx[approx.count - 1].score >= floor { return nil }
            band = approx.filter { $0.score >= floor }
        }
        var exact = band.map { TopK.Entry(score: exactTotal(Int($0.id)), id: $0.id) }
        exact.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        return Array(exact.prefix(pool))
    }
}
