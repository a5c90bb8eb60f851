import CKernels

/// Element-wise minimum over rows of a table, for MinHash signatures: a document's signature is
/// the minimum, position by position, of its terms' precomputed hash rows.
package enum RowMinimum {
    /// Whether ``fold(_:width:rows:into:at:)`` uses the AVX2 kernel (C in `CKernels`: 64
    /// columns in eight registers, one pass over the rows); else the portable loop below.
    package static let usesAVX2 = jm_avx2_available() == 1

    /// `out[offset + j] = min(out[offset + j], table[row * width + j])` for every `row` in `rows`
    /// and every `j < width`. Rows are checked against the table; `out` must hold `offset + width`.
    package static func fold(_ table: [UInt32], width: Int, rows: [UInt32], into out: inout [UInt32], at offset: Int) {
        fold(table, width: width, rows: rows, into: &out, at: offset, vectorised: usesAVX2)
    }

    /// ``fold(_:width:rows:into:at:)`` with the kernel chosen (`vectorised` is ignored without
    /// AVX2): tests run both paths.
    package static func fold(_ table: [UInt32], width: Int, rows: [UInt32], into out: inout [UInt32], at offset: Int, vectorised: Bool) {
        precondition(width > 0 && table.count % width == 0, "RowMinimum: table is not whole rows of \(width)")
        precondition(offset >= 0 && offset + width <= out.count, "RowMinimum: output too short")
        let rowCount = UInt32(table.count / width)
        for r in rows { precondition(r < rowCount, "RowMinimum: row \(r) outside the table (\(rowCount) rows)") }
        guard !rows.isEmpty else { return }
        table.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                guard let tb = t.baseAddress, let ob = o.baseAddress?.advanced(by: offset) else { return }
                if vectorised && usesAVX2 {
                    rows.withUnsafeBufferPointer { r in
                        jm_row_min_u32_avx2(tb, width, r.baseAddress, r.count, ob)
                    }
                } else if width % 16 == 0 {
                    let lanes = width / 16
                    let src = UnsafeRawPointer(tb), dst = UnsafeMutableRawPointer(ob)
                    let stride = MemoryLayout<SIMD16<UInt32>>.size
                    for l in 0..<lanes {
                        var m = dst.loadUnaligned(fromByteOffset: l * stride, as: SIMD16<UInt32>.self)
                        for r in rows {
                            let v = src.loadUnaligned(fromByteOffset: (Int(r) * width) * 4 + l * stride, as: SIMD16<UInt32>.self)
                            m = pointwiseMin(m, v)
                        }
                        dst.storeBytes(of: m, toByteOffset: l * stride, as: SIMD16<UInt32>.self)
                    }
                } else {
                    for r in rows {
                        let row = tb + Int(r) * width
                        for j in 0..<width where row[j] < ob[j] { ob[j] = row[j] }
                    }
                }
            }
        }
    }
}
