/// A reason `dawg serve` cannot start (exit status 1; ArgumentParser prints it).
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
