public enum AudioFileError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(String, reason: String)
    case noAudio(String)
    case tooLong(String, seconds: Double, limit: Double)
    case resampleFailed(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open \(path): \(reason)"
        case let .noAudio(path): "\(path) holds no audio frames"
        case let .tooLong(path, seconds, limit): "\(path) is \(Int(seconds)) s long; the limit is \(Int(limit)) s"
        case let .resampleFailed(path, reason): "cannot convert the sample rate of \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        }
    }
}
