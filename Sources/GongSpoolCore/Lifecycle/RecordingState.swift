/// The name of a recording's state, persisted in the `state` column; ``LifecycleState`` carries
/// what each state needs.
///
/// ```
/// pending → ready → creating → created → uploading → uploaded → done ⇄ missing (not listed by Gong)
///             ↘ waiting (retry later) ↗      held (needs a person)
/// rejected (invalid input) · orphaned (half a pair) · duplicate (already known) · skipped (not worth a request)
/// ```
public enum RecordingState: String, Sendable, Codable, CaseIterable {
    /// Seen; waiting for the files to settle and pair up.
    case pending
    /// Settled, hashed, request built and valid; queued for sending.
    case ready
    /// The create POST may be on the wire.
    case creating
    /// Gong answered with a callId; media not yet sent.
    case created
    /// The media PUT may be on the wire.
    case uploading
    /// Gong has the media; the after-upload action is pending.
    case uploaded
    /// Finished.
    case done
    /// A retryable failure; `nextAttemptAt` says when, `phase` which step.
    case waiting
    /// Needs a person (credentials, user not enabled, content conflict, gave up); `phase` says where it resumes.
    case held
    /// Invalid input; never sent.
    case rejected
    /// Half a pair past the orphan timeout.
    case orphaned
    /// Same clientUniqueId and content as a recording already known; not sent again.
    case duplicate
    /// Not worth sending as it is — older than the first start's backfill cutoff
    /// (`spool.backfill`), shorter than Gong's import minimum, silent; sent only if retried.
    case skipped
    /// Delivered, but Gong did not list the call when reconciled (`gongspool reconcile`).
    case missing
}
