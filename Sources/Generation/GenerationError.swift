/// A request the generator cannot follow, said so that the user can fix it: what was
/// asked, and what is allowed.
public struct GenerationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
