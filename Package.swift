// swift-tools-version:6.3
// 6.3: the reader's hot loops use `@inline(always)`, new in Swift 6.3.
import Foundation
import PackageDescription

/// One library target per pipeline stage (README.md, "Architecture"); the `slac` executable is a thin
/// ArgumentParser front end over `SLACTool`.
// No unsafe flags: SwiftPM refuses them in a package used as a dependency, which would make the
// `SLACTool` library unusable. The benchmark script passes `-align-all-functions=6` itself (see
// Benchmarks/run_benchmark.py and the README's benchmark section for why and what it changes).

let package = Package(
    name: "slac",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slac", targets: ["slac"]),
        .library(name: "SLACTool", targets: ["SLACTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Exact arithmetic shared by the checker and the evaluator (big integers, rationals).
        .target(name: "SLACExact"),
        // Stage 1: source text -> AST with spans and diagnostics.
        .target(name: "SLACSyntax"),
        // Stage 2: AST -> checked contract (units, names, types).
        .target(name: "SLACFields"),
        .target(name: "SLACChecker", dependencies: ["SLACSyntax", "SLACExact", "SLACFields"]),
        // Stage 3: checked contract -> serialisable monitor plan.
        .target(name: "SLACMonitor", dependencies: ["SLACChecker", "SLACExact", "SLACFields"]),
        // Trace readers: bytes -> records (only the fields a plan needs).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // zstd for `.zst` traces (detected by content, streamed like gzip).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // ISA-L's igzip inflates streamed gzip traces 3 to 4.6 times faster than zlib, measured (docs/formats.md).
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .target(name: "SLACTrace", dependencies: ["CZlib", "CZstd", "CIsal", "SLACFields"]),
        // Stage 4: monitor plan + records -> verdicts (mergeable monitor state).
        .target(name: "SLACEvaluator", dependencies: ["SLACMonitor", "SLACTrace", "SLACExact", "SLACFields"]),
        // Beyond one machine: the accumulating half as SQL for DuckDB and Apache Spark (docs/engines.md).
        .target(name: "SLACEngines", dependencies: ["SLACMonitor", "SLACChecker", "SLACEvaluator", "SLACExact", "SLACFields", "SLACSyntax"]),
        // The report schema and the HTML stylesheet, the one copy of each (Schemas/), embedded in code.
        .target(name: "SLACSchemas", path: "Schemas",
                resources: [.embedInCode("slac-report-1.xsd"), .embedInCode("slac-report-html.xsl")]),
        // Stage 5: verdicts -> XML / JUnit reports; the safe XML reader (libxml2) shared with SLACAudit.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "SLACReport", dependencies: ["SLACEvaluator", "SLACSchemas", "CLibXML2"]),
        // Auditor's view: HTML rendering (libxslt), integrity digest and signature, safe report reading.
        .systemLibrary(name: "CLibXSLT", pkgConfig: "libxslt", providers: [.apt(["libxslt1-dev"])]),
        .target(name: "SLACAudit", dependencies: [
            "SLACReport", "SLACSchemas", "SLACEvaluator", "SLACChecker", "SLACExact", "CLibXML2", "CLibXSLT",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Legal-ops tools over the AST and the checked contract: fmt, explain, diff, analysis.
        .target(name: "SLACLegalOps", dependencies: ["SLACSyntax", "SLACChecker", "SLACExact", "SLACFields"]),
        // `slac lsp`: a Language Server Protocol server over the front end and the legal-ops tools.
        .target(name: "SLACLanguageServer", dependencies: ["SLACSyntax", "SLACChecker", "SLACLegalOps", "SLACExact"]),
        // Command implementations (testable); the executable only parses arguments.
        .target(name: "SLACTool", dependencies: [
            "SLACSyntax", "SLACChecker", "SLACMonitor", "SLACTrace", "SLACEvaluator", "SLACReport", "SLACLegalOps", "SLACAudit",
            "SLACFields", "SLACEngines", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // libFuzzer harness bodies (issue 15): plain functions over bytes, built and tested in the
        // normal build; `scripts/fuzz.sh` links them into the fuzzer (see `fuzzerTargets` below).
        .target(name: "SLACFuzzing", dependencies: [
            "SLACSyntax", "SLACChecker", "SLACMonitor", "SLACEvaluator", "SLACTrace", "SLACAudit", "CZlib", "CZstd", "SLACFields",
        ]),
        .executableTarget(name: "slac", dependencies: [
            "SLACTool", "SLACReport", "SLACLanguageServer", "SLACEngines",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // What the test targets share (seeded generator, golden files); not shipped.
        .target(name: "SLACTestSupport", path: "Tests/SLACTestSupport"),
        .testTarget(name: "SLACSyntaxTests", dependencies: ["SLACTestSupport", "SLACSyntax"]),
        .testTarget(name: "SLACExactTests", dependencies: ["SLACTestSupport", "SLACExact"]),
        .testTarget(name: "SLACCheckerTests", dependencies: ["SLACTestSupport", "SLACChecker", "SLACSyntax", "SLACExact"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "SLACTraceTests", dependencies: ["SLACTestSupport", "SLACTrace", "CZstd"]),
        .testTarget(name: "SLACEvaluatorTests", dependencies: ["SLACTestSupport", "SLACEvaluator", "SLACTool", "SLACEngines", "SLACChecker", "SLACSyntax", "SLACMonitor", "SLACTrace"],
                    exclude: ["Golden"]),
        .testTarget(name: "SLACEnginesTests", dependencies: ["SLACTestSupport", "SLACEngines", "SLACEvaluator", "SLACExact", "SLACMonitor", "SLACTool"]),
        .testTarget(name: "SLACReportTests", dependencies: ["SLACTestSupport", "SLACReport", "SLACTool", "CLibXML2"], exclude: ["Golden"]),
        .testTarget(name: "SLACAuditTests", dependencies: ["SLACTestSupport", "SLACAudit", "SLACReport", "SLACTool", "SLACEvaluator", "SLACExact", "CLibXML2", "CLibXSLT",
                                                           .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Golden"]),
        .testTarget(name: "SLACToolTests", dependencies: ["SLACTestSupport", "SLACTool", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SLACLegalOpsTests", dependencies: ["SLACTestSupport", "SLACLegalOps", "SLACSyntax", "SLACChecker", "SLACTool"],
                    exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "SLACLanguageServerTests", dependencies: ["SLACTestSupport", "SLACLanguageServer", "SLACLegalOps", "SLACSyntax", "SLACTool"],
                    exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "SLACFuzzTests", dependencies: ["SLACFuzzing"]),
        .testTarget(name: "SLACAdapterTests", dependencies: ["SLACTrace", "SLACTool", "SLACEvaluator"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

/// The libFuzzer executable exists only when `scripts/fuzz.sh` asks for it (`SLAC_LIBFUZZER=1`,
/// scratch path `.build-fuzz`): libFuzzer supplies `main`, so the target cannot link in a plain
/// `swift build` or `swift test`, which never see it.
if ProcessInfo.processInfo.environment["SLAC_LIBFUZZER"] == "1" {
    // libFuzzer's `main`: the entry file is compiled as a library (`-parse-as-library`), passed by
    // scripts/fuzz.sh with `-Xswiftc` rather than as an unsafe flag here.
    package.targets.append(.executableTarget(name: "slac-fuzz", dependencies: ["SLACFuzzing"], path: "Fuzz/Entry"))
    package.products.append(.executable(name: "slac-fuzz", targets: ["slac-fuzz"]))
}
