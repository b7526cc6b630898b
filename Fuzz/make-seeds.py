#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/Corpus/<target>/ (committed; run again only to change them).

Real shapes of every input, plus the inputs that crashed GongSpool before issue 20 (a sidecar's
duration of 1e20, MP4 boxes with 64-bit sizes over Int64, a Retry-After of 1e16 seconds)."""
import json, os, struct, sys, math

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")

def put(target, name, data):
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

# --- media -------------------------------------------------------------------------------
def wav(samples, channels=1, rate=8000, bits=16, tag=1, extensible=False, data_size=None):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else tag, channels, rate, rate * block, block, bits)
    if extensible:
        fmt += struct.pack("<HHI", 22, bits, 3 if channels == 2 else 4) + struct.pack("<H", tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    size = len(samples) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body

tone = b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(800))
put("wav", "pcm16-mono", wav(tone))
put("wav", "pcm16-stereo-extensible", wav(tone, channels=2, extensible=True))
put("wav", "mulaw", wav(bytes(range(256)) * 2, bits=8, tag=7))
put("wav", "float32", wav(b"".join(struct.pack("<f", 0.25) for _ in range(200)), bits=32, tag=3))
put("wav", "still-recording", wav(tone[:200], data_size=0xFFFFFFFF))
put("wav", "byte-rate-one", wav(tone[:64], rate=1, bits=8))

def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload

def mvhd(version, scale, length):
    if version == 1:
        return box(b"mvhd", bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, scale, length) + bytes(80))
    return box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, scale, length) + bytes(80))

def trak(channels):
    hdlr = box(b"hdlr", bytes(8) + b"soun" + bytes(12))
    entry = box(b"mp4a", bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HH", channels, 16) + bytes(8))
    stsd = box(b"stsd", bytes(4) + struct.pack(">I", 1) + entry)
    return box(b"trak", box(b"mdia", hdlr + box(b"minf", box(b"stbl", stsd))))

ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512))
moov = box(b"moov", mvhd(0, 1000, 12000) + trak(2))
mp4 = ftyp + moov + box(b"mdat", bytes(256))
put("media-probe", "mp4-stereo", mp4)
put("mp4", "moov-mdat", moov + box(b"mdat", bytes(64)))
put("mp4", "moov-v1", box(b"moov", mvhd(1, 48000, 2**40) + trak(1)))
# Issue 20: 64-bit sizes that trapped (UInt64 -> Int64, offset + size).
put("mp4", "largesize-fffffffffffffff0", struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 0xFFFFFFFFFFFFFFF0) + bytes(32))
put("mp4", "largesize-top-bit", struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 0x8000000000000000) + bytes(32))
put("media-probe", "mp4-largesize-fffffffffffffff0", ftyp + struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 0xFFFFFFFFFFFFFFF0) + bytes(32))
put("mp4", "mvhd-huge-duration", box(b"moov", mvhd(1, 1, 2**64 - 1)))

frame = bytes([0xFF, 0xFB, 0x52, 0xC4]) + bytes(32) + b"Xing" + struct.pack(">II", 3, 500) + bytes(200)
id3 = b"ID3" + bytes([4, 0, 0, 0, 0, 0, 10]) + bytes(10)
put("mp3", "id3-xing", id3 + frame + bytes([0xFF, 0xFB, 0x52, 0xC4]) + bytes(200))
put("mp3", "vbri", bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(32) + b"VBRI" + bytes(4) + struct.pack(">II", 100000, 400) + bytes(100))
put("media-probe", "mp3", id3 + frame)

def ebml_id(value):
    return value.to_bytes((value.bit_length() + 7) // 8, "big")

def element(ident, payload):
    n = len(payload)
    return ebml_id(ident) + bytes([0x01]) + n.to_bytes(7, "big") + payload

header = element(0x1A45DFA3, element(0x4282, b"matroska"))
info = element(0x1549A966, element(0x2AD7B1, struct.pack(">I", 1000000)) + element(0x4489, struct.pack(">d", 12000.0)))
tracks = element(0x1654AE6B, element(0xAE, element(0x83, b"\x02") + element(0xE1, element(0x9F, b"\x02"))))
mkv = header + element(0x18538067, info + tracks)
put("mkv", "info-tracks", mkv)
put("mkv", "unknown-size-segment", header + ebml_id(0x18538067) + bytes([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) + info)
put("media-probe", "mkv", mkv)

streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6) + bytes([0x01, 0xF4, 0x02 | 0x00, 0x00]) + struct.pack(">I", 96000) + bytes(16)
flac = b"fLaC" + bytes([0x80, 0, 0, 34]) + streaminfo
put("flac", "streaminfo", flac)
put("media-probe", "flac", flac)
put("media-probe", "wav", wav(tone))

for i, (head, samples) in enumerate([(bytes([1, 1, 0, 64]), tone), (bytes([1, 2, 3, 1]), tone[:301]), (bytes([5, 1, 0, 9]), bytes(range(256))),
                                     (bytes([4, 2, 0, 200]), b"".join(struct.pack("<f", v) for v in (0.5, -1.5, float("nan"), float("inf")) * 8)),
                                     (bytes([2, 8, 7, 13]), bytes(range(256)) * 3)]):
    put("level-meter", f"layout-{i}", head + samples)

# --- sidecars and mapping ----------------------------------------------------------------
gong = {"clientUniqueId": "pbx-acme-01:1754121674.3", "actualStart": "2026-11-22T10:15:00Z", "direction": "Inbound",
        "primaryUser": "7000000000000000204", "duration": 125.8, "title": "Call with 5551234567",
        "parties": [{"userId": "7000000000000000204", "partyId": "1", "mediaChannelId": 0},
                    {"phoneNumber": "+15551234567", "partyId": "2", "name": "Customer"}],
        "speakersTimeline": {"precise": False, "speechSegments": [{"fromTime": 0, "toTime": 12.5, "partyIds": ["1"]}]},
        "context": [{"system": "Generic", "objects": [{"objectType": "Deal", "objectId": "42"}]}],
        "disposition": "Connected", "customData": "{\"pbx\":\"acme-01\"}"}
put("sidecar-gong", "complete", json.dumps(gong))
for name, value in [("duration-1e20", "1e20"), ("duration-max-double", "1.7976931348623157e308"), ("duration-1e400", "1e400")]:
    put("sidecar-gong", name, json.dumps(gong).replace('"duration": 125.8', '"duration": ' + value))
put("sidecar-gong", "segment-huge", json.dumps(gong).replace('"toTime": 12.5', '"toTime": 1e300'))
put("sidecar-gong", "deep", "[" * 3000 + "]" * 3000)
put("sidecar-json", "nested", json.dumps({"call": {"uniqueid": "1754121674.3", "start": "2026-11-22 10:15:00", "from": "5551234567",
                                                     "duration": "93", "agent": {"ext": "204"}, "tags": ["a", 1, 2.5, None, True]}}))
put("sidecar-xml", "recording", '<?xml version="1.0"?><recording id="1754121674.3"><start>2026-11-22T10:15:00</start>'
                               '<from name="A &amp; B">5551234567</from><to>204</to><duration>93</duration><![CDATA[x]]></recording>')
put("sidecar-xml", "entity", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>')
put("sidecar-keyvalue", "lines", "# comment\nuniqueid=1754121674.3\nstart: 2026-11-22 10:15:00\nfrom = \"5551234567\"\n[section]\nduration=93\n")
put("request-mapping", "freepbx", b"\x00" + b"2026/11/22/in-204-5551234567-20261122-101500-1763824500.12.wav\n" + b'{"duration": 93}')
put("request-mapping", "mixmonitor", b"\x01" + b"20261122-101500-5551234567-204-1763824500.12.wav\nuniqueid=1763824500.12\n")
put("request-mapping", "3cx", b"\x02" + b"205/[Jane Doe]_5551234567-205_20261122101500(7421).wav\n<r><x>1</x></r>")
put("request-mapping", "gong", b"\x03" + b"a.wav\n" + json.dumps(gong).encode())
put("request-mapping", "generic", b"\x0c" + b"204-abc.wav\n" + json.dumps({"start": "1763824500", "duration": "1e20", "from": "555"}).encode())
put("request-mapping", "duration-inf", b"\x0c" + b"204-abc.wav\n" + json.dumps({"start": "1763824500", "duration": "inf:00", "from": "555"}).encode())
for name, path in [("freepbx", "2026/11/22/out-5559876543-205-20261122-103000-1763825400.20.wav"),
                   ("mixmonitor", "20261122-101500-5551234567-204-1763824500.12.wav"),
                   ("3cx", "205/[Jane Doe]_5551234567-205_20261122101500(7421).wav"),
                   ("epoch-ms", "in-1-2-20261122-101500-1763824500123.1.wav"),
                   ("times", "2026-11-22T10:15:00.123+05:30")]:
    put("file-name-patterns", name, path)
columns = '"","5551234567","204","from-internal","""Jane"" <5551234567>","SIP/1-0001","SIP/204-0002","Dial","SIP/204","2026-11-22 10:15:00","2026-11-22 10:15:05","2026-11-22 10:16:38",98,93,"ANSWERED","DOCUMENTATION","1763824500.12",""'
put("cdr-csv", "master", columns + "\n" + columns.replace("1763824500.12", "1763824501.13") + "\n\"unterminated")

# --- Gong's answers ----------------------------------------------------------------------
def raw_answer(status_bytes, retry_after, body):
    return bytes(status_bytes) + retry_after.encode() + b"\n" + body.encode()

# status = 100 + (b0 << 8 | b1) % 500; kind = b2 % 4 (0 create, 1 upload, 2 users, 3 calls)
def status_bytes(status, kind):
    return [(status - 100) >> 8, (status - 100) & 0xFF, kind]

errors = lambda text: json.dumps({"requestId": "4al018gzaztcr8nbukw", "errors": [text]})
put("gong-answers", "created", raw_answer(status_bytes(200, 0), "", json.dumps({"requestId": "r", "callId": "7782342274025937895"})))
put("gong-answers", "already-posted", raw_answer(status_bytes(400, 0), "", errors("A call with the same clientUniqueId has already been posted for the call 7782342274025937895")))
put("gong-answers", "same-content", raw_answer(status_bytes(400, 1), "", errors("A media file with the same content has been uploaded in the past. CallID with the same content: 991")))
put("gong-answers", "handled", raw_answer(status_bytes(400, 1), "", errors("Media for the call 5 has already been handled")))
put("gong-answers", "retry-after-1e16", raw_answer(status_bytes(429, 0), "10000000000000000", errors("Too many requests")))
put("gong-answers", "retry-after-date-9999", raw_answer(status_bytes(429, 1), "Fri, 31 Dec 9999 23:59:59 GMT", errors("Too many requests")))
put("gong-answers", "edge-html", raw_answer(status_bytes(502, 0), "", "<html><body>502 Bad Gateway</body></html>"))
put("list-pages", "users", json.dumps({"requestId": "r", "records": {"totalRecords": 2, "currentPageSize": 2, "currentPageNumber": 0, "cursor": "eyJhbGciOiJIUzI1NiJ9"},
                                         "users": [{"id": "234599484848423", "emailAddress": "a@example.com", "firstName": "A", "lastName": "B", "extension": "204",
                                                    "phoneNumber": "+15551230000", "active": True, "settings": {"telephonyCallsImported": True}},
                                                   {"id": 7000000000000000205, "active": False}]}))
put("list-pages", "calls", json.dumps({"requestId": "r", "records": {"cursor": "c2"}, "calls": [{"id": "7782342274025937895", "clientUniqueId": "pbx:1", "started": "2026-11-22T10:15:00Z"}]}))
put("list-pages", "privacy-data", json.dumps({"requestId": "r", "suppliedPhoneNumber": "+15557770001", "matchingPhoneNumbers": ["5557770001"],
                                                "calls": [{"id": "7782342274025937895", "status": "PURGE_REQUESTED"}, {"id": "1", "status": "COMPLETED"}],
                                                "emails": [{}], "meetings": [], "customerData": []}))
for name, value in [("seconds", "7"), ("huge", "10000000000000000"), ("date", "Mon, 24 Nov 2025 16:00:30 GMT"), ("year-9999", "Fri, 31 Dec 9999 23:59:59 GMT"),
                    ("decimal", "1.5"), ("inf", "inf"), ("negative", "-5")]:
    put("retry-after", name, value)

# --- configuration -----------------------------------------------------------------------
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(repo, "config", "gongspool.yaml"), "rb") as f:
    put("config-yaml", "shipped", f.read())
put("config-yaml", "pbx", """spool:
  directory: /var/spool/asterisk/monitor
  systemId: pbx-acme-01
  timeZone: America/New_York
  pollIntervalSeconds: 1e300
  backfill: 9999-12-31
gong:
  baseURL: https://us-12345.api.gong.io
  requestsPerSecond: 0.01
  connectTimeoutSeconds: 1e300
metadata:
  preset: freepbx
users:
  table: {"204": "7000000000000000204"}
retry:
  maxBackoffSeconds: 1.7976931348623157e308
""")
put("inotify-events", "two", struct.pack("<iIII", 1, 0x8, 0, 16) + b"a.wav".ljust(16, b"\0") + struct.pack("<iIII", 2, 0x4000, 0, 0))
# The directory reader: a folder big enough to fill libc's readdir buffer, and odd names.
put("spool-tree", "wide-3000", "#wide 3000")
put("spool-tree", "freepbx", b"2026/11/22/in-204-555-20261122-101500-1763824500.12.wav\0" b"2026/11/22/in-204-555-20261122-101500-1763824500.12.json\0.hidden\0dir/x.wav/y")
put("spool-tree", "names", b"a\nb/c\nd/e/f.wav\n\xff\xfe-not-utf8.wav\n")
print("seeds written under", root)
