import Foundation
import GongSimulator
import GongSpoolCore

/// Generated media and sidecars (no binary fixtures in git).
public enum Fixtures {
    /// See ``SampleMedia/wav(seconds:channels:sampleRate:seed:finalized:silent:amplitude:)``.
    public static func wav(
        seconds: Double = 1, channels: Int = 1, sampleRate: Int = 8000, seed: Int = 0, finalized: Bool = true,
        silent: Set<Int> = [], amplitude: Double = 8000
    ) -> Data {
        SampleMedia.wav(
            seconds: seconds, channels: channels, sampleRate: sampleRate, seed: seed, finalized: finalized, silent: silent, amplitude: amplitude)
    }

    /// See ``SampleMedia/wavHeader(dataSize:channels:sampleRate:)``.
    public static func wavHeader(dataSize: Int) -> Data { SampleMedia.wavHeader(dataSize: dataSize) }

    /// See ``SampleMedia/mp3(bytes:seed:)``.
    public static func mp3(bytes: Int = 4096, seed: Int = 0) -> Data { SampleMedia.mp3(bytes: bytes, seed: seed) }

    /// See ``SampleMedia/flac(bytes:seed:)``.
    public static func flac(bytes: Int = 4096, seed: Int = 0) -> Data { SampleMedia.flac(bytes: bytes, seed: seed) }

    /// See ``SampleMedia/mp4(bytes:seed:)``.
    public static func mp4(bytes: Int = 4096, seed: Int = 0) -> Data { SampleMedia.mp4(bytes: bytes, seed: seed) }

    /// A valid sidecar for `id` with the given user.
    public static func sidecar(
        id: String, user: String = "234599484848423", start: String = "2026-11-20T10:00:00Z",
        direction: String = "Inbound", extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "clientUniqueId": .string(id),
            "actualStart": .string(start),
            "direction": .string(direction),
            "primaryUser": .string(user),
            "title": .string("Call \(id)"),
            "parties": .array([
                .object(["userId": .string(user), "name": .string("Rep")]),
                .object(["phoneNumber": .string("+14155550123"), "name": .string("Customer")]),
            ]),
        ]
        for (k, v) in extra { body[k] = v }
        return .object(body)
    }

    /// `sidecar(...)` as JSON bytes.
    public static func sidecarData(id: String, user: String = "234599484848423", extra: [String: JSONValue] = [:]) -> Data {
        (try? sidecar(id: id, user: user, extra: extra).canonicalData()) ?? Data()
    }
}
