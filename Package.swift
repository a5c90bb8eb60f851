// swift-tools-version: 6.1
import PackageDescription

// Layers, lowest first (a lower layer never imports a higher one):
//   COpenBLAS, CKernels → JobMatchKernels → JobMatchIndex → JobMatchRanking → JobMatchEval, JobMatchStore
//     → JobMatchService (HTTP) → JobMatchCLI → jobmatch
//   JobMatchText ───────────────↗
// Only JobMatchKernels imports COpenBLAS and CKernels (CRC-32C instruction, malloc_trim, the AVX2 row minimum of MinHash, snprintf "%.9g"); it exposes safe
// `package` wrappers.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "JobMatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jobmatch", targets: ["jobmatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CKernels"),
        .target(name: "JobMatchKernels", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: swiftSettings),
        .target(name: "JobMatchText", swiftSettings: swiftSettings),
        .target(name: "JobMatchIndex", dependencies: ["JobMatchText", "JobMatchKernels"], swiftSettings: swiftSettings),
        .target(name: "JobMatchRanking", dependencies: ["JobMatchIndex", "JobMatchText", "JobMatchKernels"], swiftSettings: swiftSettings),
        .target(name: "JobMatchSample", swiftSettings: swiftSettings),
        .target(name: "JobMatchEval", dependencies: ["JobMatchRanking", "JobMatchIndex", "JobMatchKernels"], swiftSettings: swiftSettings),
        .target(name: "JobMatchStore", dependencies: ["JobMatchRanking", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .target(
            name: "JobMatchService",
            dependencies: [
                "JobMatchStore", "JobMatchRanking", "JobMatchText", "JobMatchKernels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/web")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JobMatchCLI",
            dependencies: [
                "JobMatchService", "JobMatchEval", "JobMatchStore", "JobMatchRanking", "JobMatchSample", "JobMatchIndex", "JobMatchText", "JobMatchKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "jobmatch", dependencies: ["JobMatchCLI"], swiftSettings: swiftSettings),
        .target(
            name: "JobMatchTestSupport",
            dependencies: ["JobMatchRanking", "JobMatchIndex", "JobMatchText", "JobMatchKernels"],
            path: "Tests/JobMatchTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JobMatchKernelsTests", dependencies: ["JobMatchKernels", "JobMatchTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JobMatchTextTests", dependencies: ["JobMatchText", "JobMatchKernels", "JobMatchTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JobMatchIndexTests", dependencies: ["JobMatchIndex", "JobMatchText", "JobMatchTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JobMatchRankingTests", dependencies: ["JobMatchRanking", "JobMatchSample", "JobMatchIndex", "JobMatchKernels", "JobMatchText", "JobMatchTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JobMatchStoreTests",
            dependencies: ["JobMatchStore", "JobMatchRanking", "JobMatchSample", "JobMatchKernels", "JobMatchTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .testTarget(name: "JobMatchEvalTests", dependencies: ["JobMatchEval", "JobMatchTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JobMatchSampleTests", dependencies: ["JobMatchSample"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JobMatchServiceTests",
            dependencies: [
                "JobMatchService", "JobMatchStore", "JobMatchRanking", "JobMatchSample", "JobMatchKernels", "JobMatchTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JobMatchCLITests", dependencies: ["JobMatchCLI", "JobMatchRanking", "JobMatchTestSupport"], swiftSettings: swiftSettings),
    ]
)

// Benchmarks (ordo-one/benchmark) are built only when asked for, so CI stays lean:
//   JOBMATCH_BENCHMARKS=1 swift package benchmark
if Context.environment["JOBMATCH_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "JobMatchRanking", "JobMatchIndex", "JobMatchText", "JobMatchKernels", "JobMatchSample",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}

// libFuzzer targets (Fuzz/README.md), built only when asked for:
//   JOBMATCH_FUZZ=1 swift build -c release --build-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product FuzzAnalyzer
if Context.environment["JOBMATCH_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzAnalyzer", ["JobMatchText"]),
        ("FuzzRedactor", ["JobMatchText"]),
        ("FuzzJSONLines", ["JobMatchRanking"]),
        ("FuzzIndexReader", ["JobMatchRanking", "JobMatchIndex", "JobMatchKernels"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in fuzzTargets {
        package.products.append(.executable(name: name, targets: [name]))
        package.targets.append(
            .executableTarget(name: name, dependencies: dependencies + ["FuzzSupport"], path: "Fuzz/" + name, swiftSettings: swiftSettings))
    }
}
