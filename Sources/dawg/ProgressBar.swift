import Foundation

/// A progress bar on stderr, for long work run from a terminal (stdout stays the result).
struct ProgressBar {
    /// A bar when stderr is a terminal, else nil.
    static func onTerminal() -> ProgressBar? { isatty(2) != 0 ? ProgressBar() : nil }

    /// `done`: 0 … 1.
    func show(_ done: Double) {
        let width = 40, filled = Int(min(1, max(0, done)) * Double(width))
        FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(Int(done * 100)) %".utf8))
    }

    func clear() { FileHandle.standardError.write(Data("\r\(String(repeating: " ", count: 50))\r".utf8)) }
}
