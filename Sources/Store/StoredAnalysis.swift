extension ProjectStore {
    /// A file's analysis kept by the file's checksum (`sha256:…`) and the analysis'
    /// version: the same audio anywhere, under any name, is answered from here.
    public func analysis(checksum: String, version: Int) throws -> String? {
        try database.query("SELECT result FROM analyses WHERE checksum = ? AND version = ?",
                           [.text(checksum), .integer(Int64(version))]).first?.first?.string
    }

    public func saveAnalysis(checksum: String, version: Int, result: String) throws {
        try database.execute("INSERT OR REPLACE INTO analyses (checksum, version, result) VALUES (?, ?, ?)",
                             [.text(checksum), .integer(Int64(version)), .text(result)])
    }
}
