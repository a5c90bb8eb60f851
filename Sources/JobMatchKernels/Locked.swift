import Foundation

/// A value behind a lock, held by reference, for results that worker threads
/// (`concurrentPerform`) hand back. The lock is `NSLock` (a pthread mutex) rather than the
/// standard library's `Mutex`: ThreadSanitizer sees pthread locks, but not `Mutex`'s atomics in
/// the uninstrumented standard library on Linux, and so reported every `withLock` on a shared
/// `Mutex` as a "Swift access race" (seen in CI on `tune` and `calibrate`), although the lock
/// orders them.
package final class Locked<Value>: @unchecked Sendable {
    // Only touched with `lock` held.
    private var stored: Value
    private let lock = NSLock()

    package init(_ value: Value) { stored = value }

    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }
}
