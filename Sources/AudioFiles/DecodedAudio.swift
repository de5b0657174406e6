/// A file decoded into memory at the engine's rate: one or two channels of Float,
/// immutable once built. The engine's plans point into it; it is freed when the last
/// plan that uses it is retired.
public final class DecodedAudio: @unchecked Sendable {
    // @unchecked Sendable: the samples are written once, in init, and only read after.
    public let path: String
    public let frames: Int
    public let channels: Int
    public let sampleRate: Double
    /// Source file's own rate, before conversion.
    public let sourceRate: Double
    public let left: UnsafeMutablePointer<Float>
    /// Same memory as `left` for a mono file.
    public let right: UnsafeMutablePointer<Float>

    init(path: String, planar: [[Float]], sampleRate: Double, sourceRate: Double) {
        precondition(planar.count == 1 || planar.count == 2)
        self.path = path
        self.frames = planar[0].count
        self.channels = planar.count
        self.sampleRate = sampleRate
        self.sourceRate = sourceRate
        left = .allocate(capacity: max(1, frames))
        left.initialize(from: planar[0], count: frames)
        if planar.count == 2 {
            right = .allocate(capacity: max(1, frames))
            right.initialize(from: planar[1], count: frames)
        } else {
            right = left
        }
    }

    deinit {
        if right != left { right.deallocate() }
        left.deallocate()
    }

    public var isStereo: Bool { channels == 2 }
    public var seconds: Double { Double(frames) / sampleRate }
}
