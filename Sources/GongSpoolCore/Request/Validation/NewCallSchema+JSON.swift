// Generated from ../shared/gong/new-call.schema.json; a test checks that this copy matches it.
// Do not edit by hand: copy the shared schema again.

/// The JSON Schema (draft 2020-12) of Gong's `POST /v2/calls` body, embedded so the binary needs no data files.
enum NewCallSchemaText {
    /// The schema document, verbatim.
    static let json = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "urn:gong-uploader:schema:gong-new-call-adding-request:v1",
          "title": "Gong POST /v2/calls request body (NewCallAddingRequest)",
          "description": "Strict validator for the JSON body our uploader sends to Gong 'Add new call' (POST {baseUrl}/v2/calls, Content-Type application/json).",
          "$comment": "Sources: help.gong.io/apidocs/add-new-call-v2calls-2 (updated 2025-11-17); cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29); mudits/gong-api gong-swagger.json @65e2248 (2023-01-20); ksindi/gong-client docs/NewCallAddingRequest.md (2023-09). Every constraint not in those sources is tagged INFERRED in a nearby $comment. DELIBERATE STRICTNESS: additionalProperties is false everywhere, although real Gong has been observed to accept and ignore undocumented fields (e.g. parties[].speakerId/affiliation in NangoHQ/integration-templates integrations/gong/tests/upload-call.test.json, recorded 200 response). Cross-field rules that JSON Schema cannot express and the uploader/fake server must check in code: (1) parties must contain a party whose userId equals primaryUser; (2) every speechSegments[].partyIds entry must match some parties[].partyId; (3) toTime >= fromTime, scheduledEnd >= scheduledStart (INFERRED); (4) send either downloadMediaUrl here or PUT /v2/calls/{id}/media later, not both.",
          "type": "object",
          "required": [
            "clientUniqueId",
            "actualStart",
            "parties",
            "direction",
            "primaryUser"
          ],
          "additionalProperties": false,
          "properties": {
            "clientUniqueId": {
              "type": "string",
              "minLength": 1,
              "maxLength": 2048,
              "description": "The call's unique id in the PBX/recording system; Gong uses it to reject repeated uploads of the same recording.",
              "$comment": "Documented: minLength 0, maxLength 2048 (help.gong.io/apidocs/add-new-call-v2calls-2 (updated 2025-11-17), cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29)). minLength 1 is a deliberate INFERRED tightening (an empty id defeats de-duplication). Re-posting an id Gong has already seen returns HTTP 400 whose message contains 'has already been posted for the call <callId>' (cvocampo-ops/gong-explorer)."
            },
            "title": {
              "type": "string",
              "description": "Call title, used for indexing and search.",
              "$comment": "No documented length limit. One integrator truncates to 1024 characters (INFERRED safe bound, not enforced here)."
            },
            "purpose": {
              "type": "string",
              "maxLength": 255,
              "description": "Free text, up to 255 characters.",
              "$comment": "JSON Schema counts code points; Gong's Java backend most likely counts UTF-16 units (INFERRED) — keep astral characters (emoji) in mind."
            },
            "scheduledStart": {
              "$ref": "#/$defs/IsoDateTime",
              "description": "When the call was scheduled to begin."
            },
            "scheduledEnd": {
              "$ref": "#/$defs/IsoDateTime",
              "description": "When the call was scheduled to end."
            },
            "actualStart": {
              "$ref": "#/$defs/IsoDateTime",
              "description": "When the call actually started. Also the time key used by GET /v2/calls and /v2/calls/extensive for uploaded calls."
            },
            "duration": {
              "type": "number",
              "minimum": 0,
              "description": "Actual call duration in seconds (float).",
              "$comment": "minimum 0 is INFERRED."
            },
            "parties": {
              "type": "array",
              "minItems": 1,
              "maxItems": 2147483647,
              "items": {
                "$ref": "#/$defs/CallParticipant"
              },
              "description": "Call participants. A party must be provided for the primaryUser (i.e. one party with userId == primaryUser)."
            },
            "direction": {
              "type": "string",
              "enum": [
                "Inbound",
                "Outbound",
                "Conference",
                "Unknown"
              ],
              "description": "Inbound (someone called the company), Outbound (a rep dialled out), Conference, or Unknown. Case-sensitive."
            },
            "disposition": {
              "type": "string",
              "maxLength": 255,
              "description": "Free text, up to 255 characters."
            },
            "context": {
              "type": "array",
              "items": {
                "$ref": "#/$defs/CallUploadContext"
              },
              "description": "References to external systems (CRM, telephony, case management)."
            },
            "customData": {
              "type": "string",
              "description": "Free-text metadata stored by Gong (troubleshooting); returned as metaData.customData by the read APIs.",
              "$comment": "No documented length limit."
            },
            "speakersTimeline": {
              "$ref": "#/$defs/SpeakersTimeline"
            },
            "meetingUrl": {
              "type": "string",
              "format": "uri",
              "description": "URL of the conference by which users join the meeting."
            },
            "callProviderCode": {
              "type": "string",
              "minLength": 1,
              "description": "Gong-predefined provider code (e.g. zoom, clearslide, gotomeeting, ringcentral, outreach, insidesales); ask Gong support for the right value.",
              "$comment": "No public enum exists. minLength 1 INFERRED."
            },
            "downloadMediaUrl": {
              "type": "string",
              "format": "uri",
              "pattern": "^(https?|ftp)://",
              "description": "Unique URL from which Gong downloads the media (max 1.5 GB). Its Content-Type must start with audio/ or video/, or be application/octet-stream or binary/octet-stream with a supported subtype (WAV, MP3, MP4, MKV, FLAC). If given, do not call PUT /v2/calls/{id}/media.",
              "$comment": "Scheme pattern INFERRED: current examples use https, the 2023 export's example was ftp://upload-server.com/sample-call.mp3."
            },
            "workspaceId": {
              "$ref": "#/$defs/GongId",
              "description": "Optional workspace; otherwise Gong's default placement applies."
            },
            "languageCode": {
              "type": "string",
              "enum": [
                "af-ZA",
                "am-ET",
                "ar-AE",
                "ar-BH",
                "ar-DZ",
                "ar-EG",
                "ar-IL",
                "ar-IQ",
                "ar-JO",
                "ar-KW",
                "ar-LB",
                "ar-MA",
                "ar-MR",
                "ar-OM",
                "ar-PS",
                "ar-QA",
                "ar-SA",
                "ar-TN",
                "ar-YE",
                "az-AZ",
                "bg-BG",
                "bn-BD",
                "bn-IN",
                "bs-BA",
                "ca-ES",
                "cs-CZ",
                "da-DK",
                "de-AT",
                "de-CH",
                "de-DE",
                "el-GR",
                "en-AB",
                "en-AU",
                "en-CA",
                "en-GB",
                "en-IE",
                "en-IN",
                "en-NZ",
                "en-PH",
                "en-SG",
                "en-US",
                "en-WL",
                "en-ZA",
                "es-AR",
                "es-BO",
                "es-CL",
                "es-CO",
                "es-CR",
                "es-DO",
                "es-EC",
                "es-ES",
                "es-GT",
                "es-HN",
                "es-MX",
                "es-NI",
                "es-PA",
                "es-PE",
                "es-PR",
                "es-PY",
                "es-SV",
                "es-US",
                "es-UY",
                "et-EE",
                "eu-ES",
                "fa-IR",
                "fi-FI",
                "fil-PH",
                "fr-BE",
                "fr-CA",
                "fr-CH",
                "fr-FR",
                "gl-ES",
                "gu-IN",
                "he-IL",
                "hi-IN",
                "hr-HR",
                "hu-HU",
                "hy-AM",
                "id-ID",
                "is-IS",
                "it-CH",
                "it-IT",
                "ja-JP",
                "jv-ID",
                "ka-GE",
                "kk-KZ",
                "km-KH",
                "kn-IN",
                "ko-KR",
                "lo-LA",
                "lt-LT",
                "lv-LV",
                "mk-MK",
                "ml-IN",
                "mn-MN",
                "mr-IN",
                "ms-MY",
                "my-MM",
                "ne-NP",
                "nl-BE",
                "nl-NL",
                "no-NO",
                "pa-Guru-IN",
                "pl-PL",
                "pt-BR",
                "pt-PT",
                "ro-RO",
                "ru-RU",
                "si-LK",
                "sk-SK",
                "sl-SI",
                "sq-AL",
                "sr-RS",
                "su-ID",
                "sv-SE",
                "sw-KE",
                "sw-TZ",
                "ta-IN",
                "ta-LK",
                "ta-MY",
                "ta-SG",
                "te-IN",
                "th-TH",
                "tr-TR",
                "uk-UA",
                "ur-IN",
                "ur-PK",
                "uz-UZ",
                "vi-VN",
                "yue-Hant-HK",
                "zh-CN",
                "zh-TW",
                "zu-ZA"
              ],
              "description": "Transcription language; set only if certain (Gong auto-detects otherwise).",
              "$comment": "Enum copied from the 'Valid values are:' list in the field description (identical in cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29) and mudits/gong-api gong-swagger.json @65e2248 (2023-01-20)); the spec itself types the field as a plain string, so Gong's own enforcement is unverified."
            },
            "primaryUser": {
              "$ref": "#/$defs/GongId",
              "description": "Gong user id of the team member who hosted the call. That user must have 'Recording or telephony call import' enabled, otherwise Gong answers 409."
            }
          },
          "dependentSchemas": {
            "speakersTimeline": {
              "$comment": "Documented: partyId is 'only required when speakersTimeline is provided'.",
              "properties": {
                "parties": {
                  "items": {
                    "required": [
                      "partyId"
                    ]
                  }
                }
              }
            }
          },
          "$defs": {
            "GongId": {
              "type": "string",
              "pattern": "^[0-9]{1,20}$",
              "$comment": "INFERRED: Gong documents user/workspace/call ids as 'Gong's unique numeric identifier (up to 20 digits)' on the read side (cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29), e.g. UserMetadata.id, WorkspaceMetadata.id, CallBasicData.id). The write-side schema only says type string. A request carrying an email address in primaryUser (and an empty parties array) was rejected with a generic 'Json parse error' (cvocampo-ops/gong-explorer commit 1d85b34). Send ids as JSON strings, never numbers (they exceed 2^53)."
            },
            "IsoDateTime": {
              "type": "string",
              "format": "date-time",
              "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$",
              "$comment": "Documented: ISO-8601 with 'Z' or a numeric offset, e.g. '2018-02-18T02:30:00-07:00' or '2018-02-18T08:00:00Z' (help.gong.io/apidocs/add-new-call-v2calls-2 (updated 2025-11-17)). INFERRED tightening: seconds are required and a zone designator is mandatory; fractional seconds are allowed because integrators send JavaScript toISOString() values (e.g. '2026-04-29T10:00:00.000Z') successfully (cvocampo-ops/gong-explorer scripts/salesloft-to-gong-bulk.mjs)."
            },
            "CallParticipant": {
              "type": "object",
              "description": "A call participant (CallParticipant in the spec; sometimes called NewCallParty).",
              "additionalProperties": false,
              "properties": {
                "phoneNumber": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Phone number of the party, if available (example '+1 123-567-8989')."
                },
                "emailAddress": {
                  "type": "string",
                  "format": "email",
                  "pattern": "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
                  "description": "Email address of the party, if available.",
                  "$comment": "Format check is INFERRED but evidenced: Gong answered 400 '... is not a valid email address' for junk values such as 'n/a' (cvocampo-ops/gong-explorer scripts/salesloft-to-gong-bulk.mjs) and also rejected an address on the reserved TLD '.example' (activity log in a public connector repo). A fake server may additionally reject reserved TLDs (.example, .test, .invalid, .localhost)."
                },
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Name of the party, if available."
                },
                "partyId": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Required only when speakersTimeline is provided; used to recognise speakers in speakersTimeline.speechSegments[].partyIds."
                },
                "mediaChannelId": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 1,
                  "description": "Audio channel of the company team member (rep) in a multi-channel (stereo) file: 0 = left, 1 = right. Ignored when speakersTimeline is provided."
                },
                "context": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/PartyUploadContext"
                  }
                },
                "userId": {
                  "$ref": "#/$defs/GongId",
                  "description": "Gong user id of the participant, if the participant is a Gong user."
                }
              },
              "anyOf": [
                {
                  "required": [
                    "userId"
                  ]
                },
                {
                  "required": [
                    "emailAddress"
                  ]
                },
                {
                  "required": [
                    "phoneNumber"
                  ]
                },
                {
                  "required": [
                    "name"
                  ]
                }
              ],
              "$comment": "The anyOf (at least one identifying attribute) is INFERRED, not documented: every attribute is 'if available'. Integrators drop fully empty parties before sending (gong-explorer src/lib/gong-client.ts)."
            },
            "PartyUploadContext": {
              "type": "object",
              "required": [
                "system"
              ],
              "additionalProperties": false,
              "properties": {
                "system": {
                  "type": "string",
                  "enum": [
                    "Salesforce",
                    "HubSpot",
                    "MicrosoftDynamic",
                    "Generic"
                  ],
                  "$comment": "Enum from cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29) and ksindi/gong-client src/models/call_upload_context.rs. Prose in every version says 'Currently only Salesforce and Generic are supported'; the 2023 export's enum had only 'Salesforce'."
                },
                "objects": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/ExternalCrmPartyObject"
                  }
                }
              }
            },
            "ExternalCrmPartyObject": {
              "type": "object",
              "description": "External object associated with the party (valid only for non-company parties).",
              "required": [
                "objectType",
                "objectId"
              ],
              "additionalProperties": false,
              "properties": {
                "objectType": {
                  "type": "string",
                  "enum": [
                    "Lead",
                    "Contact",
                    "Account",
                    "Opportunity",
                    "User",
                    "Lead,Contact"
                  ],
                  "$comment": "Enum from cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29) (ExternalCrmPartyObject). The 2023 export listed only Contact, Lead."
                },
                "objectId": {
                  "type": "string",
                  "minLength": 1,
                  "$comment": "minLength 1 is INFERRED."
                },
                "fields": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/ContextField"
                  }
                }
              }
            },
            "CallUploadContext": {
              "type": "object",
              "description": "Link to an external system (CRM, telephony system, case management...).",
              "required": [
                "system"
              ],
              "additionalProperties": false,
              "properties": {
                "system": {
                  "type": "string",
                  "enum": [
                    "Salesforce",
                    "HubSpot",
                    "MicrosoftDynamic",
                    "Generic"
                  ],
                  "$comment": "Enum from cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29) and ksindi/gong-client src/models/call_upload_context.rs. Prose in every version says 'Currently only Salesforce and Generic are supported'; the 2023 export's enum had only 'Salesforce'."
                },
                "objects": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/ExternalCrmCallObject"
                  },
                  "description": "Objects within the external system. Multiple opportunities/deals belonging to the same account are not supported."
                }
              }
            },
            "ExternalCrmCallObject": {
              "type": "object",
              "description": "External object associated with the call.",
              "required": [
                "objectType",
                "objectId"
              ],
              "additionalProperties": false,
              "properties": {
                "objectType": {
                  "type": "string",
                  "enum": [
                    "Opportunity",
                    "Account",
                    "Lead",
                    "Contact",
                    "User",
                    "Opportunity,Account"
                  ],
                  "$comment": "Enum from cedricziel/gong-rs spec/openapi.json @49bd68f (2024-11-29) (ExternalCrmCallObject). The 2023 export (mudits/gong-api gong-swagger.json @65e2248 (2023-01-20)) listed only Account, Opportunity."
                },
                "objectId": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Object ID. For Salesforce both case-sensitive and case-insensitive formats are supported.",
                  "$comment": "minLength 1 is INFERRED."
                },
                "fields": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/ContextField"
                  }
                }
              }
            },
            "ContextField": {
              "type": "object",
              "description": "External object data ('Object fields. Intended for future use only.').",
              "additionalProperties": false,
              "properties": {
                "name": {
                  "type": "string",
                  "description": "Field name. For Account: Name, Website, Industry and custom fields; for Opportunity: Name, LeadSource, Type, StageName, Probability, Amount, CloseDate and custom fields."
                },
                "value": {
                  "description": "Field value.",
                  "$comment": "Spec types this as 'object' but its example is the string 'Gong Inc.'; left unconstrained on purpose."
                }
              }
            },
            "SpeakersTimeline": {
              "type": "object",
              "description": "Who spoke when. When provided, parties[].mediaChannelId is not used.",
              "additionalProperties": false,
              "properties": {
                "precise": {
                  "type": "boolean",
                  "description": "true if segments match the media within 100 ms; false asks Gong to refine them against the media."
                },
                "speechSegments": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/SpeechSegment"
                  }
                }
              }
            },
            "SpeechSegment": {
              "type": "object",
              "required": [
                "fromTime",
                "toTime",
                "partyIds"
              ],
              "additionalProperties": false,
              "properties": {
                "fromTime": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 2147483647,
                  "description": "Segment start, milliseconds from the beginning of the call (int32)."
                },
                "toTime": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 2147483647,
                  "description": "Segment end, milliseconds from the beginning of the call (int32)."
                },
                "partyIds": {
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "type": "string",
                    "minLength": 1
                  },
                  "description": "Speaking parties; each must equal a parties[].partyId. Overlapping segments and multi-speaker segments are allowed.",
                  "$comment": "minItems 1 is INFERRED. Cross-field rule (each id must exist in parties[].partyId) and toTime >= fromTime cannot be expressed here; enforce in code (the latter is INFERRED)."
                }
              }
            }
          },
          "examples": [
            {
              "clientUniqueId": "pbx-acme-01:call:1718000000.123",
              "actualStart": "2024-06-10T14:03:22Z",
              "direction": "Outbound",
              "primaryUser": "234599484848423",
              "parties": [
                {
                  "userId": "234599484848423",
                  "name": "Rep Name",
                  "emailAddress": "rep@company.com",
                  "mediaChannelId": 0
                },
                {
                  "phoneNumber": "+14155550123",
                  "name": "Customer"
                }
              ]
            },
            {
              "clientUniqueId": "pbx-acme-01:call:1718000999.456",
              "title": "Call with Customer",
              "purpose": "Demo Call",
              "scheduledStart": "2024-06-10T14:00:00+02:00",
              "scheduledEnd": "2024-06-10T14:30:00+02:00",
              "actualStart": "2024-06-10T14:03:22.500+02:00",
              "duration": 125.8,
              "direction": "Inbound",
              "disposition": "Connected",
              "customData": "{\"pbx\":\"acme-01\",\"queue\":\"sales\"}",
              "callProviderCode": "ringcentral",
              "workspaceId": "623457276584334",
              "languageCode": "en-US",
              "primaryUser": "234599484848423",
              "context": [
                {
                  "system": "Salesforce",
                  "objects": [
                    {
                      "objectType": "Account",
                      "objectId": "0013601230sV7grAAC"
                    }
                  ]
                }
              ],
              "parties": [
                {
                  "userId": "234599484848423",
                  "partyId": "1",
                  "name": "Rep Name"
                },
                {
                  "partyId": "2",
                  "phoneNumber": "+1 123-567-8989",
                  "name": "Test User",
                  "context": [
                    {
                      "system": "Salesforce",
                      "objects": [
                        {
                          "objectType": "Contact",
                          "objectId": "0033601230sV7grAAC"
                        }
                      ]
                    }
                  ]
                }
              ],
              "speakersTimeline": {
                "precise": false,
                "speechSegments": [
                  {
                    "fromTime": 0,
                    "toTime": 5100,
                    "partyIds": [
                      "1"
                    ]
                  },
                  {
                    "fromTime": 5100,
                    "toTime": 24000,
                    "partyIds": [
                      "2"
                    ]
                  }
                ]
              }
            }
          ]
        }
        """#
}
