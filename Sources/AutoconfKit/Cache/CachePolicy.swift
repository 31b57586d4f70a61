/// Whether a lookup reads and writes the on-disk cache. The library default is `.off` (an
/// embedding application decides); the CLI too, unless told `--cache` (`.use`) or `--refresh`.
public enum CachePolicy: String, Sendable, Hashable, CaseIterable {
    /// Answer from a fresh cache entry when there is one; store new answers.
    case use
    /// Always look up, then store the new answer.
    case refresh
    /// Neither read nor write.
    case off
}
