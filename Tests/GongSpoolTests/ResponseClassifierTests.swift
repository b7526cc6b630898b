import Foundation
import GongSpoolCore
import Testing

/// Every kind of answer Gong gives, as ``ResponseClassifier`` reads it.
@Suite struct ResponseClassifierTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    func http(_ status: Int, _ body: String = "{}", retryAfter: String? = nil) -> GongReply {
        .http(status: status, body: body, retryAfter: retryAfter)
    }

    func errors(_ message: String) -> String {
        JSONValue.object(["requestId": .string("abc"), "errors": .array([.string(message)])]).compactString
    }

    @Test func successes() {
        #expect(
            ResponseClassifier.classify(http(200, #"{"requestId":"r","callId":"7782342274025937895"}"#), kind: .createCall, now: now)
                == .created(callId: "7782342274025937895"))
        #expect(ResponseClassifier.classify(http(201, #"{"callId":123}"#), kind: .createCall, now: now) == .created(callId: "123"))
        guard case .retryable(.malformedSuccess, _) = ResponseClassifier.classify(http(200, "{}"), kind: .createCall, now: now) else {
            Issue.record("a 2xx without callId is not a success")
            return
        }
        #expect(ResponseClassifier.classify(http(201, "{}"), kind: .uploadMedia, now: now) == .mediaAccepted)
    }

    @Test(arguments: [
        "A call with clientUniqueId pbx:1 has already been posted for the call 7782342274025937895",
        "Call has ALREADY BEEN POSTED FOR THE CALL: 7782342274025937895.",
        "has already been posted for the call #7782342274025937895",
        "has already been\n   posted for the call\t7782342274025937895",
    ])
    func theDuplicateCreateAnswerInItsForms(message: String) {
        #expect(
            ResponseClassifier.classify(http(400, errors(message)), kind: .createCall, now: now) == .alreadyCreated(callId: "7782342274025937895"))
    }

    @Test func theDuplicateMediaAnswers() {
        #expect(
            ResponseClassifier.classify(http(400, errors("Media for call 5 has already been handled")), kind: .uploadMedia, now: now)
                == .mediaAlreadyThere(otherCallId: nil))
        #expect(
            ResponseClassifier.classify(http(400, errors("media HAS ALREADY BEEN HANDLED.")), kind: .uploadMedia, now: now)
                == .mediaAlreadyThere(otherCallId: nil))
        let sameContent = "A media file with the same content has been uploaded in the past. callID with the same content: 991"
        #expect(ResponseClassifier.classify(http(400, errors(sameContent)), kind: .uploadMedia, now: now) == .mediaAlreadyThere(otherCallId: "991"))
        #expect(
            ResponseClassifier.classify(
                http(400, errors("a media file with the same content has been uploaded in the past. CallId with the same content 42")),
                kind: .uploadMedia, now: now)
                == .mediaAlreadyThere(otherCallId: "42"))
        #expect(
            ResponseClassifier.classify(http(400, errors("same content has been uploaded in the past")), kind: .uploadMedia, now: now)
                == .mediaAlreadyThere(otherCallId: nil))
        // The media answers mean nothing for a create, and the create answer nothing for media.
        #expect(
            ResponseClassifier.classify(http(400, errors("has already been handled")), kind: .createCall, now: now)
                == .permanent(code: .http(400), message: "has already been handled"))
        #expect(
            ResponseClassifier.classify(http(400, errors("has already been posted for the call 5")), kind: .uploadMedia, now: now)
                == .permanent(code: .http(400), message: "has already been posted for the call 5"))
        // A duplicate phrase without the number is not a usable callId.
        #expect(
            ResponseClassifier.classify(http(400, errors("has already been posted for the call")), kind: .createCall, now: now)
                == .permanent(code: .http(400), message: "has already been posted for the call"))
    }

    @Test func failures() {
        #expect(
            ResponseClassifier.classify(http(400, errors("Json parse error")), kind: .createCall, now: now)
                == .permanent(code: .http(400), message: "Json parse error"))
        #expect(
            ResponseClassifier.classify(http(401, errors("Unauthorized")), kind: .createCall, now: now)
                == .credentialsRejected(status: 401, message: "Unauthorized"))
        #expect(ResponseClassifier.classify(http(403), kind: .uploadMedia, now: now) == .credentialsRejected(status: 403, message: "{}"))
        #expect(
            ResponseClassifier.classify(http(404, errors("Call ID was not found")), kind: .uploadMedia, now: now)
                == .unknownCall(message: "Call ID was not found"))
        // Answers that show gong.baseURL (or a proxy) is not Gong's API halt sending.
        #expect(ResponseClassifier.classify(http(404), kind: .createCall, now: now) == .misconfigured(status: 404, message: "{}"))
        #expect(ResponseClassifier.classify(http(405), kind: .uploadMedia, now: now) == .misconfigured(status: 405, message: "{}"))
        #expect(ResponseClassifier.classify(http(301), kind: .createCall, now: now) == .misconfigured(status: 301, message: "{}"))
        #expect(
            ResponseClassifier.classify(http(409, errors("conflict")), kind: .uploadMedia, now: now)
                == .permanent(code: .http(409), message: "conflict on the media upload (409, not documented for it): conflict"))
        #expect(ResponseClassifier.classify(http(409, errors("not enabled")), kind: .createCall, now: now) == .userNotEnabled(message: "not enabled"))
        #expect(ResponseClassifier.classify(http(429, retryAfter: "7"), kind: .createCall, now: now) == .rateLimited(retryAfterSeconds: 7))
        #expect(ResponseClassifier.classify(http(429), kind: .createCall, now: now) == .rateLimited(retryAfterSeconds: 10), "no Retry-After: 10 s")
        guard
            case .rateLimited(let seconds, _) = ResponseClassifier.classify(
                http(429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"), kind: .createCall, now: now)
        else {
            Issue.record("an HTTP-date Retry-After")
            return
        }
        #expect(seconds == 0, "a date in the past: no wait")
        for status in [408, 500, 502, 503, 504] {
            #expect(
                ResponseClassifier.classify(http(status, "<html>edge</html>"), kind: .createCall, now: now)
                    == .retryable(code: .http(status), message: "<html>edge</html>"))
        }
        #expect(
            ResponseClassifier.classify(.transport(code: .timeout, message: "t"), kind: .uploadMedia, now: now)
                == .retryable(code: .timeout, message: "t"))
        #expect(ResponseClassifier.classify(http(415), kind: .createCall, now: now) == .misconfigured(status: 415, message: "{}"))
        #expect(ResponseClassifier.classify(http(422), kind: .createCall, now: now) == .permanent(code: .http(422), message: "{}"))
    }
}
