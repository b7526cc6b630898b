import ArgumentParser
import GongSpoolCore
import Logging

/// `--log-format`.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The one place that bootstraps swift-log (only `main` may).
enum LoggingBootstrap {
    static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format == .text ? .text : .json)
            handler.logLevel = level
            return handler
        }
    }
}
