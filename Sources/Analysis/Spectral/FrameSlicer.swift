/// Cuts a stream of mono samples into overlapping frames: `size` samples every `hop`,
/// the first centred on sample 0 (half a frame of zeros before it, as librosa and
/// essentia do), the stream's end padded with zeros until the last frame that covers a
/// sample. Keeps one frame of history, however long the stream.
struct FrameSlicer {
    let size: Int
    let hop: Int
    private var buffer: [Float]
    /// Samples in `buffer` now.
    private var filled: Int
    /// Frames emitted so far.
    private(set) var count = 0
    /// Real (not padding) samples pushed; frames still owed at the end follow from it.
    private var pushed = 0

    init(size: Int, hop: Int) {
        precondition(hop >= 1 && hop <= size)
        self.size = size
        self.hop = hop
        buffer = [Float](repeating: 0, count: size)
        filled = size / 2
    }

    /// Appends `samples`; calls `frame` with each whole frame as it completes.
    mutating func push(_ samples: UnsafeBufferPointer<Float>, _ frame: (UnsafeBufferPointer<Float>) -> Void) {
        pushed += samples.count
        feed(samples, frame)
    }

    private mutating func feed(_ samples: UnsafeBufferPointer<Float>, _ frame: (UnsafeBufferPointer<Float>) -> Void) {
        var i = 0
        while i < samples.count {
            let n = min(size - filled, samples.count - i)
            buffer.withUnsafeMutableBufferPointer { b in
                for j in 0..<n { b[filled + j] = samples[i + j] }
            }
            filled += n
            i += n
            if filled == size {
                buffer.withUnsafeBufferPointer { frame($0) }
                count += 1
                buffer.withUnsafeMutableBufferPointer { b in
                    for j in 0..<(size - hop) { b[j] = b[j + hop] }
                }
                filled = size - hop
            }
        }
    }

    /// Pads with zeros until every frame whose centre lies on a real sample is out.
    mutating func finish(_ frame: (UnsafeBufferPointer<Float>) -> Void) {
        let total = pushed == 0 ? 0 : (pushed - 1) / hop + 1
        let zeros = [Float](repeating: 0, count: hop)
        while count < total {
            zeros.withUnsafeBufferPointer { feed($0, frame) }
        }
    }
}
