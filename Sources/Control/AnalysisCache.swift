import Analysis
import AudioFiles
import Foundation
import Store

/// A file's analysis, from the project store when the same audio (by checksum) was
/// analysed before by this version of the analysis, else measured and kept. Any thread.
public enum AnalysisCache {
    /// `cached`: answered from the store. A store that cannot keep the result costs the
    /// cache, not the answer.
    public static func analyze(path: String, store: ProjectStore?, progress: (Double) -> Void = { _ in })
        throws -> (analysis: FileAnalysis, cached: Bool)
    {
        guard let store else { return (try FileAnalysis.measure(path: path, progress: progress), false) }
        let checksum = try FileChecksum.sha256(path: path)
        if let kept = try? store.analysis(checksum: checksum, version: FileAnalysis.currentVersion),
           let analysis = try? JSONDecoder().decode(FileAnalysis.self, from: Data(kept.utf8)) {
            progress(1)
            return (analysis, true)
        }
        let analysis = try FileAnalysis.measure(path: path, progress: progress)
        try? store.saveAnalysis(checksum: checksum, version: FileAnalysis.currentVersion, result: analysis.json)
        return (analysis, false)
    }
}
