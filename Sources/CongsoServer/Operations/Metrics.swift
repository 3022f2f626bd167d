import Fluent
import Prometheus
import Vapor

/// Prometheus metrics: requests and latency by route, requests in flight, and the
/// database pool's size. One registry per application (tests make many).
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let inFlight: Gauge
    /// Hand-in batches rolled back whole and retried report by report (a deadlock, a bad row).
    let reportBatchesRefused: Counter

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "congso", metricName: metric, unitName: unit, helpText: help)
    }

    init(poolSize: Int, eventLoops: Int, driver: String) {
        inFlight = registry.makeGauge(descriptor: Self.name("http_requests_in_flight", "", "Requests being served now"), labels: [])
        reportBatchesRefused = registry.makeCounter(descriptor: Self.name("report_batches_refused", "total",
                                                                          "Report batches the database refused whole, then retried one by one"), labels: [])
        registry.makeGauge(descriptor: Self.name("db_pool_max_connections", "", "Database connections the pool may open in all"),
                           labels: [("driver", driver)]).set(Double(poolSize * eventLoops))
        registry.makeGauge(descriptor: Self.name("db_pool_connections_per_event_loop", "", "Pool size per event loop"),
                           labels: [("driver", driver)]).set(Double(poolSize))
    }

    func observe(method: String, route: String, status: UInt, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("http_requests", "total", "HTTP requests by route and status"),
                             labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", "seconds", "HTTP request latency by route"),
            labels: [("method", method), ("route", route)],
            buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]
        ).record(duration)
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = AppMetrics }
    var metrics: AppMetrics {
        get { storage[MetricsKey.self]! }
        set { storage[MetricsKey.self] = newValue }
    }
}

/// Times each request and logs one structured line for it. The route label is the
/// route's pattern ("/api/v1/staff/:id"), never the raw path, to keep label sets small.
struct RequestMetricsMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        let metrics = req.application.metrics
        metrics.inFlight.increment()
        return next.respond(to: req).always { result in
            metrics.inFlight.decrement()
            switch result {
            case .success(let response): record(req, status: response.status.code, since: start)
            // The error middleware sits inside this one; anything reaching here is a bug.
            case .failure: record(req, status: 500, since: start)
            }
        }
    }

    private func record(_ req: Request, status: UInt, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let route = req.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        req.application.metrics.observe(method: req.method.rawValue, route: route, status: status, duration: elapsed)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        req.logger.info("request", metadata: [
            "method": .string(req.method.rawValue), "path": .string(req.url.path), "route": .string(route),
            "status": .stringConvertible(status), "ms": .string(String(format: "%.1f", ms)),
            "actor": .string(req.actor?.label ?? "-"),
        ])
    }
}
