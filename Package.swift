// swift-tools-version: 6.0
// dawg — a real-time audio engine server for Linux, running as a JACK client.
import PackageDescription

/// The realtime modules are always optimised, so tests render faster than real time
/// even in debug builds. `RT_CHECKS` turns on the compiler's `@_noLocks` checks of the
/// engine's process path; they need whole-module builds, so release only.
let realtime: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .define("RT_CHECKS", .when(configuration: .release)),
]

/// Offline analysis is optimised in debug builds too: tests run conformance signals of
/// minutes through per-sample filters.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "dawg",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dawg", targets: ["dawg"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CJack", pkgConfig: "jack", providers: [.apt(["libjack-jackd2-dev"])]),
        .systemLibrary(name: "CLo", pkgConfig: "liblo", providers: [.apt(["liblo-dev"])]),
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSamplerate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(name: "CFluidSynth", pkgConfig: "fluidsynth", providers: [.apt(["libfluidsynth-dev"])]),
        // Wrappers for the variadic C calls Swift cannot make, and a monotonic clock.
        .target(name: "CShim", dependencies: ["CJack", "CLo"]),
        // Flushing denormals on the thread that renders (process thread, offline driver).
        .target(name: "CFloatEnv"),
        .target(name: "CThreadName"),

        // Realtime kernels: Foundation-free, plain functions over pointers.
        .target(name: "DSP", dependencies: ["CFFTW"], swiftSettings: realtime),
        // The General MIDI synthesiser MIDI tracks play (FluidSynth).
        .target(name: "Synth", dependencies: ["CFluidSynth"], swiftSettings: realtime),
        // Graph model, compiler, rings, transport, the realtime processor and the offline driver.
        .target(
            name: "Engine",
            dependencies: ["DSP", "Synth", "CFloatEnv", .product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: realtime
        ),
        // Decoding files into memory at the engine rate (libsndfile + libsamplerate).
        .target(name: "AudioFiles", dependencies: ["CSndfile", "CSamplerate", .product(name: "Crypto", package: "swift-crypto")]),
        // Analysis of recordings off the audio thread: pitch of files, loudness (later tempo, key).
        .target(name: "Analysis", dependencies: ["DSP", "AudioFiles", "MIDIFiles"], swiftSettings: optimised),
        // Standard MIDI Files: reading reference melodies, writing generated music.
        .target(name: "MIDIFiles"),
        // Beats, chords, basslines, melodies, harmonies and songs, from genre data and
        // models learned from real music (presets/).
        .target(name: "Generation", dependencies: ["MIDIFiles"], swiftSettings: optimised),
        // The project store: SQLite (WAL) with versioned migrations.
        .target(name: "Store", dependencies: ["CSQLite"]),
        // dawg supervise: services, health checks, restarts, escalation, audit.
        .target(name: "Supervisor", dependencies: ["Store", "OSC", "CShim", .product(name: "Logging", package: "swift-log")]),
        // The JACK client: ports, callbacks, transport following.
        .target(
            name: "JACKHost",
            dependencies: ["Engine", "CJack", "CShim", "CFloatEnv", .product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: realtime
        ),
        // Control side: the session model, validation, slow jobs, patches.
        .target(
            name: "Control",
            dependencies: ["Engine", "AudioFiles", "Store", "Analysis", "MIDIFiles", "CSndfile", "CThreadName", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Atomics", package: "swift-atomics")]
        ),
        // OSC address space, dispatch, feedback (liblo).
        .target(
            name: "OSC",
            dependencies: ["Control", "Engine", "DSP", "Store", "Generation", "MIDIFiles", "CLo", "CShim", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "dawg",
            dependencies: [
                "Supervisor",
                "Engine", "JACKHost", "Control", "OSC", "AudioFiles", "Store", "Analysis", "MIDIFiles", "Generation", "Synth", "CJack", "CShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        .testTarget(name: "DSPTests", dependencies: ["DSP"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "DSP", "Synth"]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "Engine", "DSP", "AudioFiles", "Store", "Analysis", "MIDIFiles", "Synth"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "DSP", "MIDIFiles"]),
        .testTarget(name: "MIDIFilesTests", dependencies: ["MIDIFiles"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "MIDIFiles"]),
        .testTarget(name: "OSCTests", dependencies: ["OSC", "Analysis"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor"]),
    ],
    swiftLanguageModes: [.v6]
)
