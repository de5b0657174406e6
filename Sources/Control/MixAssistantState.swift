import Analysis
import Engine

/// What the mix assistant remembers between requests: the suggestions it last made
/// (what `/mix/apply <id>` names) and, for undo, the values every applied step
/// replaced. Any control thread.
final class MixAssistantState: @unchecked Sendable {
    // @unchecked Sendable: both are touched only under `lock`.
    private let lock = ControlLock()
    private var suggestions: [MixSuggestion] = []
    private var undo: [[MixMove]] = []
    /// Steps kept for undo.
    static let depth = 64

    func remember(_ s: [MixSuggestion]) { lock.withLock { suggestions = s } }
    func suggestion(_ id: Int) -> MixSuggestion? { lock.withLock { suggestions.first { $0.id == id } } }
    func pushUndo(_ moves: [MixMove]) {
        lock.withLock {
            undo.append(moves)
            if undo.count > Self.depth { undo.removeFirst() }
        }
    }
    func popUndo() -> [MixMove]? { lock.withLock { undo.popLast() } }
}
