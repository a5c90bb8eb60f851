import Foundation
import JobMatchKernels

/// Token buckets by key: `rate` tokens a second up to `burst`. A request takes one token; with
/// none left the caller is told how many whole seconds until there is one (`Retry-After`).
package final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: Double }
    private let buckets = Locked<[String: Bucket]>([:])
    package let rate: Double
    package let burst: Double

    package init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// nil when allowed, else seconds to wait (≥ 1).
    package func take(_ key: String, now: Double) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { b in
            var bucket = b[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                b[key] = bucket
                if b.count > 100_000 { b = b.filter { now - $0.value.updated < 3600 } }
                return nil
            }
            b[key] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

/// Failed authentications per client address in a sliding minute: past the limit, the address's
/// further failures are answered 429 (and no longer counted against the keys they name), so
/// guessing slows down while a valid key from the same address still works.
package final class FailureCounter: Sendable {
    private let failures = Locked<[String: [Double]]>([:])
    package let perMinute: Int

    package init(perMinute: Int) { self.perMinute = perMinute }

    /// Seconds to wait when the address is over the limit (nothing recorded).
    package func blocked(_ client: String, now: Double) -> Int? {
        failures.withLock { f in Self.wait(&f, client, now, perMinute) }
    }

    /// One more failure: recorded and nil, or — over the limit — the seconds to wait, in one step.
    package func recordOrBlock(_ client: String, now: Double) -> Int? {
        failures.withLock { f in
            if let wait = Self.wait(&f, client, now, perMinute) { return wait }
            f[client, default: []].append(now)
            if f.count > 100_000 { f = f.filter { ($0.value.last ?? 0) > now - 60 } }
            return nil
        }
    }

    private static func wait(_ f: inout [String: [Double]], _ client: String, _ now: Double, _ perMinute: Int) -> Int? {
        guard var times = f[client] else { return nil }
        times.removeAll { $0 <= now - 60 }
        f[client] = times.isEmpty ? nil : times
        guard times.count >= perMinute, let oldest = times.first else { return nil }
        return max(1, Int((oldest + 60 - now).rounded(.up)))
    }
}
