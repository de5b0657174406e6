/// Which strip an address names: the master, a track's or a bus's.
public enum StripRef: Hashable, Sendable, CustomStringConvertible {
    case master
    case track(Int)
    case bus(Int)

    public var description: String {
        switch self {
        case .master: "master"
        case .track(let id), .bus(let id): String(id)
        }
    }
}
