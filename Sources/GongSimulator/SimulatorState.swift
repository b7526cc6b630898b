import Crypto
import Foundation
import GongSpoolCore

/// The simulated Gong: its database, its rules and its record. All decisions happen here;
/// the HTTP layer only moves bytes.
public actor SimulatorState {
    let options: SimulatorOptions
    private var rng: SplitMix64
    private var byClientId: [String: String] = [:]
    private(set) var calls: [String: SimulatedCall] = [:]
    /// The phone numbers and e-mail addresses erased through the data-privacy endpoints, in order.
    public internal(set) var erasedIdentities: [String] = []
    /// Calls erased but still listed as being deleted (``SimulatorOptions/erasureListedFor``),
    /// with how many more `data-for-…` answers list them.
    var purging: [(call: SimulatedCall, answersLeft: Int)] = []
    private var mediaOwners: [String: String] = [:]
    /// Calls removed whose id and media hash are still remembered.
    private var deleted: Set<String> = []
    private var acceptedCreates: [String: Int] = [:]
    private var requests: [SimulatedRequest] = []
    private var invalidRequests = 0
    private var bucket: Double
    private var bucketTime = Date()
    private var day = ""
    private var dayCount = 0
    private var forced429Left: Int
    private var mediaFailuresLeft: Int
    private var retryAfterUntil = Date.distantPast
    private var earlyRequests = 0
    private var answered = 0
    private var mediaAnswersToLose: Int
    private var edgeAnswersLeft: [EdgeAnswer]
    private var recentArrivals: [Date] = []

    /// Creates an empty Gong.
    public init(options: SimulatorOptions) {
        self.options = options
        self.rng = SplitMix64(seed: options.seed)
        self.bucket = options.requestsPerSecond
        self.forced429Left = options.forced429Count
        self.mediaFailuresLeft = options.failedMediaUploads
        self.mediaAnswersToLose = options.lostMediaAnswers
        self.edgeAnswersLeft = options.edgeAnswers
    }

    /// The edge's answer to this request, if one is due (``SimulatorOptions/edgeAnswers``).
    func edgeAnswer(method: String, path: String) -> SimulatorResponse? {
        guard let index = edgeAnswersLeft.firstIndex(where: { $0.method == method && path.hasPrefix($0.pathPrefix) }) else { return nil }
        let edge = edgeAnswersLeft.remove(at: index)
        let page =
            "<html><head><title>\(edge.status)</title></head><body><center><h1>\(edge.status)</h1></center><hr><center>nginx</center></body></html>"
        return record(method, path, .raw(status: edge.status, contentType: edge.html ? "text/html" : nil, body: edge.html ? page : ""))
    }

    /// Puts a call into this Gong as another system would have: `clientUniqueId` posted by
    /// someone else, with `media` attached (or none yet). Returns its callId.
    @discardableResult
    public func seedCall(clientUniqueId: String, media: Data?) -> String {
        let callId = newCallId()
        byClientId[clientUniqueId] = callId
        var call = SimulatedCall(callId: callId, clientUniqueId: clientUniqueId, body: "{}", usesDownloadURL: false)
        if let media {
            let sha = SHA256.hash(data: media).map { String(format: "%02x", $0) }.joined()
            call.mediaSize = Int64(media.count)
            call.mediaSHA256 = sha
            mediaOwners[sha] = callId
        }
        calls[callId] = call
        return callId
    }

    /// Removes a call as a Gong admin deleting it would: the call and its media are gone (not
    /// listed, a PUT to it answers 404), but — as observed of Gong (reference §7.2–7.3) — its
    /// clientUniqueId and the hash of its media are still remembered: a create with that id is
    /// answered "already posted for the call <deleted id>", the same audio "callID with the same
    /// content: <deleted id>", until ``forgetDeletedCalls()``.
    public func removeCall(_ callId: String) {
        guard calls.removeValue(forKey: callId) != nil else { return }
        deleted.insert(callId)
    }

    /// What Gong does hours after a deletion: the ids and media hashes of deleted calls are free again.
    public func forgetDeletedCalls() {
        byClientId = byClientId.filter { !deleted.contains($0.value) }
        mediaOwners = mediaOwners.filter { !deleted.contains($0.value) }
        deleted = []
    }

    /// A copy of the record.
    public func snapshot() -> SimulatorSnapshot {
        SimulatorSnapshot(
            calls: calls, acceptedCreates: acceptedCreates, requests: requests, invalidRequests: invalidRequests, earlyRequests: earlyRequests)
    }

    /// Whether admitting a request that arrived at `arrival` would put more than `limit` of the
    /// `accepted` arrivals (and it) inside some one-second window: Gong's "requests per second",
    /// judged by arrival time whatever order the requests are admitted in.
    static func overfills(_ accepted: [Date], with arrival: Date, limit: Int) -> Bool {
        let near = (accepted + [arrival]).filter { abs($0.timeIntervalSince(arrival)) < 1 }.sorted()
        // Every window holding the new arrival starts at one of the arrivals in the second before it.
        return near.contains { start in
            start <= arrival && near.filter { $0 >= start && $0.timeIntervalSince(start) < 1 }.count > limit
        }
    }

    /// Admission common to every request: auth, limits, injected faults. `nil` = go on.
    func admit(method: String, path: String, authorization: String?, arrivedAt now: Date) -> SimulatorResponse? {
        let expected = "Basic " + Data("\(options.accessKey):\(options.accessKeySecret)".utf8).base64EncodedString()
        if now < retryAfterUntil { earlyRequests += 1 }
        if authorization != expected {
            return record(method, path, failure(401, "Unauthorized: the access key or secret is invalid or expired"))
        }
        if forced429Left > 0 {
            forced429Left -= 1
            let header = options.forcedRetryAfterHeader ?? "\(options.forcedRetryAfterSeconds)"
            return record(method, path, failure(429, "Too many requests", headers: [("Retry-After", header)]))
        }
        let today = String(ISOTimestamp.format(now).prefix(10))
        if today != day {
            day = today
            dayCount = 0
        }
        if dayCount >= options.dailyLimit {
            let midnight = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 + 86_400
            let wait = Int((midnight - now.timeIntervalSince1970).rounded(.up))
            return record(method, path, failure(429, "Daily API call limit reached", headers: [("Retry-After", "\(wait)")]))
        }
        if options.requestsPerSecond > 0, options.slidingWindow {
            if Self.overfills(recentArrivals, with: now, limit: Int(options.requestsPerSecond.rounded(.down))) {
                return record(method, path, failure(429, "Too many requests", headers: [("Retry-After", "1")]))
            }
            recentArrivals.append(now)
            // Requests are stamped on arrival but may be admitted out of order: keep a margin.
            let horizon = (recentArrivals.max() ?? now).addingTimeInterval(-10)
            recentArrivals.removeAll { $0 < horizon }
        } else if options.requestsPerSecond > 0 {
            let rate = options.requestsPerSecond
            // Requests may reach here out of arrival order: time never runs back for the bucket.
            bucket = min(rate, bucket + max(0, now.timeIntervalSince(bucketTime)) * rate)
            bucketTime = max(bucketTime, now)
            if bucket < 1 {
                return record(method, path, failure(429, "Too many requests", headers: [("Retry-After", "1")]))
            }
            bucket -= 1
        }
        dayCount += 1
        if options.failureRate > 0, rng.unit() < options.failureRate {
            let status = rng.unit() < 0.5 ? 500 : 503
            return record(method, path, failure(status, "Unexpected error"))
        }
        return nil
    }

    /// The delay before answering the next request.
    func latency() -> Int {
        answered += 1
        if let count = options.latencyRequestCount, answered > count { return 0 }
        return options.latencyMilliseconds
    }

    /// Whether this media upload's connection is to be reset midway.
    func resetUpload() -> Bool {
        options.resetMidUploadRate > 0 && rng.unit() < options.resetMidUploadRate
    }

    /// Records a media upload cut off midway (no response).
    func uploadReset(callId: String) -> SimulatorResponse {
        record("PUT", "/v2/calls/\(callId)/media", .drop)
    }

    /// `POST /v2/calls`.
    func createCall(contentType: String?, body: Data) -> SimulatorResponse {
        let path = "/v2/calls"
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            return invalid("POST", path, failure(415, "Content type '\(contentType ?? "")' not supported"))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(body)
        } catch {
            return invalid("POST", path, failure(400, "Json parse error: \(error)"))
        }
        // The simulator's own reading of the request, not the daemon's validator.
        let problems = GongRequestRules.problems(parsed)
        if !problems.isEmpty {
            return invalid("POST", path, errors(400, problems))
        }
        guard let clientId = parsed["clientUniqueId"]?.stringValue, let user = parsed["primaryUser"]?.stringValue else {
            return invalid("POST", path, failure(400, "Json parse error"))
        }
        if !options.users.isEmpty, !options.users.contains(where: { $0.id == user }) {
            return invalid("POST", path, failure(400, "primaryUser \(user) is not a user of this company"))
        }
        if options.disabledUsers.contains(user) || options.users.contains(where: { $0.id == user && $0.telephonyCallsImported == false }) {
            return record("POST", path, failure(409, "Recording or telephony call import is not enabled for primaryUser \(user)"))
        }
        if let existing = byClientId[clientId] {
            return record("POST", path, failure(400, "A call with clientUniqueId \(clientId) has already been posted for the call \(existing)"))
        }
        let callId = newCallId()
        byClientId[clientId] = callId
        calls[callId] = SimulatedCall(
            callId: callId, clientUniqueId: clientId, body: String(decoding: body, as: UTF8.self),
            usesDownloadURL: parsed["downloadMediaUrl"] != nil)
        acceptedCreates[clientId, default: 0] += 1
        if lose() { return record("POST", path, .drop) }
        let requestId = newRequestId()
        return record(
            "POST", path, .json(status: 200, body: "{\"requestId\":\"\(requestId)\",\"callId\":\"\(callId)\"}", headers: [("x-traceid", requestId)]))
    }

    /// Checks a media PUT before its body is read; `nil` = read the body.
    func checkMedia(callId: String, contentType: String?) -> SimulatorResponse? {
        let path = "/v2/calls/\(callId)/media"
        guard contentType?.lowercased().hasPrefix("multipart/form-data") == true else {
            return invalid("PUT", path, failure(415, "Content type '\(contentType ?? "")' not supported: send multipart/form-data"))
        }
        guard let call = calls[callId] else {
            return record("PUT", path, failure(404, "Call ID was not found"))
        }
        if mediaFailuresLeft > 0 {
            mediaFailuresLeft -= 1
            return record("PUT", path, failure(503, "Service unavailable"))
        }
        if call.usesDownloadURL {
            return invalid("PUT", path, failure(400, "Media for call \(callId) is downloaded from downloadMediaUrl"))
        }
        if call.mediaSHA256 != nil {
            return record("PUT", path, failure(400, "Media for call \(callId) has already been handled"))
        }
        return nil
    }

    /// Completes a media PUT whose body was read.
    func finishMedia(callId: String, part: ReceivedPart?) -> SimulatorResponse {
        let path = "/v2/calls/\(callId)/media"
        guard let part, part.name == "mediaFile" else {
            return invalid("PUT", path, failure(400, "Required request part 'mediaFile' is not present"))
        }
        guard part.size > 0 else { return invalid("PUT", path, failure(400, "mediaFile is empty")) }
        guard part.size <= options.maxMediaBytes else {
            return invalid("PUT", path, failure(413, "Media file is larger than 1.5GB"))
        }
        guard var call = calls[callId] else { return record("PUT", path, failure(404, "Call ID was not found")) }
        if call.mediaSHA256 != nil {
            return record("PUT", path, failure(400, "Media for call \(callId) has already been handled"))
        }
        if let refusal = SimulatedMedia.refusal(part, refusedKinds: options.refusedMediaKinds) {
            // A media type Gong will not take is not a client bug: counted as a request, not as invalid.
            return refusal.status == 415
                ? record("PUT", path, failure(415, refusal.message)) : invalid("PUT", path, failure(refusal.status, refusal.message))
        }
        if let owner = mediaOwners[part.sha256] {
            return record(
                "PUT", path, failure(400, "A media file with the same content has been uploaded in the past. callID with the same content: \(owner)"))
        }
        call.mediaSize = part.size
        call.mediaSHA256 = part.sha256
        call.mediaFilename = part.filename
        call.mediaContentType = part.contentType
        calls[callId] = call
        mediaOwners[part.sha256] = callId
        if mediaAnswersToLose > 0 {
            mediaAnswersToLose -= 1
            return record("PUT", path, .drop)
        }
        if lose() { return record("PUT", path, .drop) }
        let requestId = newRequestId()
        let url = "https://\(options.tenant).app.gong.io/call?id=\(callId)"
        return record(
            "PUT", path,
            .json(
                status: 201, body: "{\"requestId\":\"\(requestId)\",\"callId\":\"\(callId)\",\"url\":\"\(url)\"}", headers: [("x-traceid", requestId)]
            ))
    }

    /// `GET /v2/calls/{id}`.
    func getCall(_ callId: String) -> SimulatorResponse {
        guard let call = calls[callId] else { return record("GET", "/v2/calls/\(callId)", failure(404, "Call ID was not found")) }
        let requestId = newRequestId()
        let body =
            "{\"requestId\":\"\(requestId)\",\"call\":{\"id\":\"\(call.callId)\",\"clientUniqueId\":\(JSONValue.string(call.clientUniqueId).compactString)}}"
        return record("GET", "/v2/calls/\(callId)", .json(status: 200, body: body, headers: [("x-traceid", requestId)]))
    }

    /// `GET /v2/users[?cursor=…]`: one page of the company's users, cursor-paginated.
    func listUsers(query: String?) -> SimulatorResponse {
        let path = "/v2/users"
        if options.usersForbidden {
            return record("GET", path, failure(403, "Insufficient permissions: api:users:read"))
        }
        var offset = 0
        for pair in (query ?? "").split(separator: "&") where pair.hasPrefix("cursor=") {
            let cursor = String(pair.dropFirst("cursor=".count)).removingPercentEncoding ?? ""
            guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("offset:"), let value = Int(text.dropFirst("offset:".count)), value > 0, value < options.users.count
            else {
                return invalid("GET", path, failure(400, "Invalid cursor"))
            }
            offset = value
        }
        let pageSize = max(1, options.usersPageSize)
        let page = options.users.dropFirst(offset).prefix(pageSize)
        let next = offset + page.count
        var records: [String: JSONValue] = [
            "totalRecords": .integer(Int64(options.users.count)), "currentPageSize": .integer(Int64(page.count)),
            "currentPageNumber": .integer(Int64(offset / pageSize)),
        ]
        if next < options.users.count {
            records["cursor"] = .string(Data("offset:\(next)".utf8).base64EncodedString())
        }
        let users: [JSONValue] = page.map { user in
            let names = (user.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            var fields: [String: JSONValue] = [
                "id": .string(user.id), "active": .bool(user.active ?? true),
                "settings": .object(["telephonyCallsImported": .bool(user.telephonyCallsImported ?? true), "webConferencesRecorded": .bool(true)]),
            ]
            if let email = user.emailAddress { fields["emailAddress"] = .string(email) }
            if let phone = user.phoneNumber { fields["phoneNumber"] = .string(phone) }
            if let ext = user.phoneExtension { fields["extension"] = .string(ext) }
            if let first = names.first { fields["firstName"] = .string(first) }
            if names.count > 1 { fields["lastName"] = .string(names[1]) }
            return .object(fields)
        }
        let requestId = newRequestId()
        let body = JSONValue.object(["requestId": .string(requestId), "records": .object(records), "users": .array(users)]).compactString
        return record("GET", path, .json(status: 200, body: body, headers: [("x-traceid", requestId)]))
    }

    /// `GET /v2/calls?fromDateTime=…&toDateTime=…[&cursor=…]`: the calls whose start lies in
    /// `[from, to)`, 100 a page (cursor-paginated), 404 when there are none — as Gong answers.
    func listCalls(query: String?) -> SimulatorResponse {
        let path = "/v2/calls"
        if options.callsForbidden {
            return record("GET", path, failure(403, "Insufficient permissions: api:calls:read:basic"))
        }
        var parameters: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return invalid("GET", path, failure(400, "Malformed query")) }
            parameters[parts[0]] = parts[1].removingPercentEncoding ?? parts[1]
        }
        guard let fromText = parameters["fromDateTime"], let toText = parameters["toDateTime"] else {
            return invalid("GET", path, failure(400, "fromDateTime and toDateTime are required"))
        }
        guard let from = ISOTimestamp.parse(fromText), let to = ISOTimestamp.parse(toText) else {
            return invalid("GET", path, failure(400, "fromDateTime and toDateTime must be ISO-8601 date-times with a zone"))
        }
        var offset = 0
        if let cursor = parameters["cursor"] {
            guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("calls:\(fromText)|\(toText)|"), let value = Int(text.split(separator: "|").last ?? ""), value > 0
            else {
                return invalid("GET", path, failure(400, "Invalid cursor (it must come with the same filter)"))
            }
            offset = value
        }
        let listed: [(Date, SimulatedCall)] = calls.values.compactMap { call in
            guard let body = try? JSONValue.parse(Data(call.body.utf8)), let start = body["actualStart"]?.stringValue.flatMap(ISOTimestamp.parse),
                start >= from, start < to
            else { return nil }
            return (start, call)
        }.sorted { ($0.0, $0.1.callId) < ($1.0, $1.1.callId) }
        guard !listed.isEmpty else {
            return record("GET", path, failure(404, "No calls found corresponding to the provided filters"))
        }
        guard offset < listed.count else { return invalid("GET", path, failure(400, "Invalid cursor")) }
        let pageSize = max(1, options.callsPageSize)
        let page = listed.dropFirst(offset).prefix(pageSize)
        let next = offset + page.count
        var records: [String: JSONValue] = [
            "totalRecords": .integer(Int64(listed.count)), "currentPageSize": .integer(Int64(page.count)),
            "currentPageNumber": .integer(Int64(offset / pageSize)),
        ]
        if next < listed.count {
            records["cursor"] = .string(Data("calls:\(fromText)|\(toText)|\(next)".utf8).base64EncodedString())
        }
        let items: [JSONValue] = page.map { start, call in
            let body = (try? JSONValue.parse(Data(call.body.utf8))) ?? .object([:])
            var fields: [String: JSONValue] = [
                "id": .string(call.callId), "clientUniqueId": .string(call.clientUniqueId), "started": .string(ISOTimestamp.format(start)),
                "url": .string("https://\(options.tenant).app.gong.io/call?id=\(call.callId)"), "system": .string("Telephony"),
                "scope": .string("External"), "media": .string("Audio"),
            ]
            for key in ["title", "direction", "duration", "customData"] { if let value = body[key] { fields[key] = value } }
            if let user = body["primaryUser"] { fields["primaryUserId"] = user }
            return .object(fields)
        }
        let requestId = newRequestId()
        let reply = JSONValue.object(["requestId": .string(requestId), "records": .object(records), "calls": .array(items)]).compactString
        return record("GET", path, .json(status: 200, body: reply, headers: [("x-traceid", requestId)]))
    }

    /// Anything else.
    func other(method: String, path: String, status: Int, message: String) -> SimulatorResponse {
        record(method, path, failure(status, message))
    }

    private func lose() -> Bool {
        options.lostResponseRate > 0 && rng.unit() < options.lostResponseRate
    }

    func invalid(_ method: String, _ path: String, _ response: SimulatorResponse) -> SimulatorResponse {
        invalidRequests += 1
        return record(method, path, response)
    }

    func record(_ method: String, _ path: String, _ response: SimulatorResponse) -> SimulatorResponse {
        let status: Int
        switch response {
        case .json(let s, _, _): status = s
        case .drop: status = 0
        case .raw(let s, _, _): status = s
        }
        requests.append(SimulatedRequest(at: Date(), method: method, path: path, status: status))
        return response
    }

    func failure(_ status: Int, _ message: String, headers: [(String, String)] = []) -> SimulatorResponse {
        if status == 429, let value = headers.first(where: { $0.0 == "Retry-After" }).flatMap({ Double($0.1) }) {
            retryAfterUntil = max(retryAfterUntil, Date().addingTimeInterval(value))
        }
        return errors(status, [message], headers: headers)
    }

    private func errors(_ status: Int, _ messages: [String], headers: [(String, String)] = []) -> SimulatorResponse {
        let requestId = newRequestId()
        let list = JSONValue.array(messages.map(JSONValue.string)).compactString
        return .json(status: status, body: "{\"requestId\":\"\(requestId)\",\"errors\":\(list)}", headers: headers + [("x-traceid", requestId)])
    }

    private func newCallId() -> String {
        var id = String(1 + rng.next() % 9)
        for _ in 0..<18 { id += String(rng.next() % 10) }
        return calls[id] == nil ? id : newCallId()
    }

    func newRequestId() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return String((0..<19).map { _ in alphabet[Int(rng.next() % 36)] })
    }
}

/// A small, seeded, reproducible random generator (SplitMix64), for the simulator's fault
/// decisions and for seeded tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
