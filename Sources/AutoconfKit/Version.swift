/// The version of AutoconfKit, the `autoconf` command (`autoconf --version`) and the C library
/// (`autoconf_version()`): this line is the one source of truth. A release is the git tag of the
/// same text, without a `v` (`0.1.0`), on the commit that sets it (README, "Versions").
public let version = "0.1.0"

/// `AutoconfKit.version` under the name earlier releases used.
package enum AutoconfVersion {
    package static var string: String { version }
}
