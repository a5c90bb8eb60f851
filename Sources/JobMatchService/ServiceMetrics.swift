import Foundation
import CoreMetrics
import Prometheus
import JobMatchKernels

/// Prometheus metrics through swift-metrics, on a registry of this service's own (no global
/// bootstrap: tests run several services in one process). Labels are route templates, methods
/// and status codes only — never ids, queries or anything a person typed.
package final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private struct Key: Hashable { var route: String; var method: String; var status: Int }
    private let requestCounters = Locked<[Key: CoreMetrics.Counter]>([:])
    private let timers = Locked<[String: CoreMetrics.Timer]>([:])
    let indexPostings: CoreMetrics.Gauge
    let indexBytes: CoreMetrics.Gauge
    let openPostings: CoreMetrics.Gauge
    let lastIndexLoad: CoreMetrics.Gauge
    /// Made on first use: absent from /metrics until a batch run exists.
    private let lastBatchAge = Locked<CoreMetrics.Gauge?>(nil)
    let accessLogRecords: CoreMetrics.Counter
    let authFailures: CoreMetrics.Counter
    let rateLimited: CoreMetrics.Counter

    package init() {
        var f = PrometheusMetricsFactory(registry: registry)
        f.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        factory = f
        indexPostings = CoreMetrics.Gauge(label: "jobmatch_index_postings", factory: f)
        indexBytes = CoreMetrics.Gauge(label: "jobmatch_index_bytes", factory: f)
        openPostings = CoreMetrics.Gauge(label: "jobmatch_open_postings", factory: f)
        lastIndexLoad = CoreMetrics.Gauge(label: "jobmatch_index_loaded_timestamp_seconds", factory: f)
        accessLogRecords = CoreMetrics.Counter(label: "jobmatch_access_log_records_total", factory: f)
        authFailures = CoreMetrics.Counter(label: "jobmatch_auth_failures_total", factory: f)
        rateLimited = CoreMetrics.Counter(label: "jobmatch_rate_limited_total", factory: f)
    }

    package func record(route: String, method: String, status: Int, seconds: Double) {
        let key = Key(route: route, method: method, status: status)
        let counter = requestCounters.withLock { c in
            if let existing = c[key] { return existing }
            let made = CoreMetrics.Counter(label: "jobmatch_http_requests_total",
                               dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            c[key] = made
            return made
        }
        counter.increment()
        let timer = timers.withLock { t in
            if let existing = t[route + " " + method] { return existing }
            let made = CoreMetrics.Timer(label: "jobmatch_http_request_duration_seconds",
                                     dimensions: [("route", route), ("method", method)], preferredDisplayUnit: .seconds, factory: factory)
            t[route + " " + method] = made
            return made
        }
        timer.recordNanoseconds(Int64(seconds * 1e9))
    }

    func recordBatchAge(_ seconds: Double) {
        let gauge = lastBatchAge.withLock { g in
            if let g { return g }
            let made = CoreMetrics.Gauge(label: "jobmatch_last_batch_age_seconds", factory: factory)
            g = made
            return made
        }
        gauge.record(seconds)
    }

    package func text() -> String { registry.emitToString() }
}
