import CKernels

/// The C allocator's bookkeeping, kept here with the project's other C calls.
package enum Memory {
    /// Hands the allocator's free pages back to the system (glibc's `malloc_trim(0)`, in `CKernels`;
    /// nothing elsewhere). Freeing many small blocks (the strings of 100k parsed postings) leaves their
    /// pages resident in the allocator's heaps, and the large arrays allocated next come from
    /// fresh pages: without this, memory already let go still counts in the process's peak.
    /// Returns whether any memory was released.
    @discardableResult
    package static func releaseFreePages() -> Bool {
        jm_release_free_pages() == 1
    }

    /// An array of `count` integers with unspecified values, for a caller that overwrites every
    /// element before reading any (and checks that it did). Unlike `Array(repeating:count:)`, a
    /// large array's pages are not touched here, so they become resident only as they are
    /// written: a large table filled while other memory is let go need not be counted twice.
    package static func unfilled<T: FixedWidthInteger>(count: Int) -> [T] {
        precondition(count >= 0, "Memory.unfilled: negative count")
        // no capacity: the standard library would set the count of its one shared empty array,
        // a write ThreadSanitizer reports against any thread reading an empty array meanwhile
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }
}
