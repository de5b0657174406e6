/// Why a control request was refused. The message goes back to the client verbatim
/// (`/error <address> <message>`), so it says what was wrong and what is accepted.
public struct ControlError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func unknownStrip(_ id: String) -> ControlError { ControlError("no strip with id \(id)") }
    static func unknownTrack(_ id: Int) -> ControlError { ControlError("no track with id \(id)") }
    static func unknownBus(_ id: Int) -> ControlError { ControlError("no bus with id \(id)") }
}
