import CBuildInfo

/// What this binary is: the version (this is the one place it is written; `scripts/package.sh`
/// reads it from here) and the git commit it was built from, when the build passed it.
public enum BuildInfo {
    /// The release version.
    public static let version = "1.1.0"

    /// The git commit (short), when the build was made from a checkout by the project's scripts.
    public static var commit: String? {
        let text = String(cString: gongspool_build_commit())
        return text.isEmpty ? nil : text
    }

    /// `1.0.0` or `1.0.0 (abc1234)`.
    public static var description: String {
        commit.map { "\(version) (\($0))" } ?? version
    }
}
