import Foundation
package import JobMatchRanking
package import JobMatchStore

/// Everything `jobmatch serve` can be told. Defaults are the ones a counsellors' office would run.
package struct ServiceConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// Largest request body (the JSON Lines import is the big one).
    package var maxBodyBytes = 16 << 20
    /// A connection with no complete request part for this long is closed (slow clients).
    package var idleTimeoutSeconds = 30
    /// Connections accepted at once; more wait in the listen backlog.
    package var maxConnections = 512
    /// A request not answered within this time gets 503 (its work is cancelled).
    package var requestDeadlineSeconds: Double = 10
    /// Per key: sustained requests per second and burst (token bucket); 0 = no limit.
    package var rateLimitPerSecond: Double = 20
    package var rateLimitBurst: Double = 40
    /// Failed authentications per client address per minute before 429.
    package var failedAuthPerMinute = 20
    package var lockout = LockoutPolicy()
    /// Fixed "today" for deadlines (tests, demos); nil = today in Korea at each request.
    package var asOf: Day?
    /// Longest list a caller may ask for.
    package var maxTop = 100
    /// Shutdown: in-flight requests get this long after SIGTERM.
    package var gracefulShutdownSeconds = 10

    package init() {}
}
