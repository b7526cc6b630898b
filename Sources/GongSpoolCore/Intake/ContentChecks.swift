import Foundation

/// Whether a recording is worth Gong's budget: Gong drops telephony calls under its minimum
/// duration, a silent recording is nothing to analyse, and a cut one is worse than none. Looked
/// at before anything is sent; `gongspool retry` (or `release`) of a recording skipped or held
/// here sends it anyway.
public struct ContentChecks: Sendable, Equatable {
    /// `spool.minDurationSeconds` (0: off).
    public var minDurationSeconds: Double
    /// `spool.silenceThresholdDb` (`nil`: off).
    public var silenceThresholdDb: Double?

    /// Media shorter than the call it records by more than this many seconds…
    public static let truncationSeconds = 5.0
    /// …and by more than this fraction of the call is taken for truncated.
    public static let truncationFraction = 0.1

    /// The checks `settings` ask for.
    public init(_ settings: SpoolSettings) {
        minDurationSeconds = settings.minDurationSeconds
        silenceThresholdDb = settings.silenceThresholdDb.number
    }

    /// Checks as given.
    public init(minDurationSeconds: Double, silenceThresholdDb: Double?) {
        self.minDurationSeconds = minDurationSeconds
        self.silenceThresholdDb = silenceThresholdDb
    }

    /// What a check found.
    public enum Finding: Sendable, Equatable {
        /// Not worth sending: `skipped`, no request spent.
        case skip(ErrorCode, String)
        /// A person should look first: `held`.
        case hold(ErrorCode, String)
    }

    /// Before hashing, from the durations: the media's own (its header) and the one the PBX
    /// stated (`source`: the sidecar's `duration`, the CDR's `billsec`…). A cut recording is
    /// held; one under the floor is skipped (the media's duration first, else the stated one).
    public func examine(mediaSeconds: Double?, statedSeconds: Double?, statedSource: String?) -> Finding? {
        if let media = mediaSeconds, let stated = statedSeconds {
            let missing = stated - media
            if missing > Self.truncationSeconds && missing > stated * Self.truncationFraction {
                return .hold(
                    .mediaTruncated,
                    "media is \(Self.seconds(media)) of a \(Self.seconds(stated)) call (\(statedSource ?? "stated duration")) — truncated? "
                        + "`gongspool retry ID` sends it as it is")
            }
        }
        if minDurationSeconds > 0, let duration = mediaSeconds ?? statedSeconds, duration < minDurationSeconds {
            let from = mediaSeconds != nil ? "" : " (\(statedSource ?? "stated duration"))"
            return .skip(
                .mediaTooShort,
                "\(Self.seconds(duration))\(from), shorter than spool.minDurationSeconds \(Self.number(minDurationSeconds)) — "
                    + "Gong's import minimum; `gongspool retry ID` sends it anyway")
        }
        return nil
    }

    /// After hashing, from the measured levels: every channel below the threshold is silence.
    public func examine(levels: AudioLevels?) -> Finding? {
        guard let threshold = silenceThresholdDb, let levels, !levels.peakDb.isEmpty,
            levels.silentChannels(below: threshold).count == levels.peakDb.count
        else { return nil }
        let peak = levels.peakDb.max() ?? AudioLevels.floorDb
        return .skip(
            .mediaSilent,
            "silent: peak \(Self.number(peak)) dBFS, below spool.silenceThresholdDb \(Self.number(threshold)); "
                + "`gongspool retry ID` sends it anyway")
    }

    /// The channels a stereo recording carries no voice on (never every channel: that is silence).
    public func silentChannels(_ levels: AudioLevels?) -> [Int] {
        guard let threshold = silenceThresholdDb, let levels else { return [] }
        let silent = levels.silentChannels(below: threshold)
        return silent.count < levels.peakDb.count ? silent : []
    }

    static func seconds(_ value: Double) -> String { number(value) + " s" }

    static func number(_ value: Double) -> String { Bounded.text(value) }
}
