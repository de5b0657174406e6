extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the key is absent: every key of a patch,
    /// a preset or a processor's settings may be left out.
    public func decode<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
