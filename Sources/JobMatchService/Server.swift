import Foundation
package import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import JobMatchRanking

extension JobMatchService {
    /// The Hummingbird application: HTTP/1.1 with the idle timeout, the connection cap and the
    /// configured address. `onServerRunning` gets the bound port (port 0 picks a free one).
    package func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            responder: ServiceResponder(service: self),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "jobmatch",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT: then stops accepting, lets in-flight requests finish (at
    /// most `gracefulShutdownSeconds`) and returns.
    package func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = application(onServerRunning: onServerRunning)
        var config = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        config.maximumGracefulShutdownDuration = .seconds(Int64(configuration.gracefulShutdownSeconds))
        let group = ServiceGroup(configuration: config)
        try await group.run()
    }
}
