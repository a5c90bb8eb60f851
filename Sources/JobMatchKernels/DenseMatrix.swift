/// A row-major single-precision matrix over one contiguous array.
package struct DenseMatrix: Sendable, Equatable {
    package let rows: Int
    package let cols: Int
    package var storage: [Float]

    package init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "DenseMatrix: negative shape")
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: 0, count: rows * cols)
    }

    package init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "DenseMatrix: \(storage.count) values for shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    package subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }
}
