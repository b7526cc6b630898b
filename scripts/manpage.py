#!/usr/bin/env python3
"""gongspool(1) in roff, from the argument parser's own description of the command tree
(`gongspool --experimental-dump-help`): every subcommand, argument, option and flag as the
binary parses them. Usage: gongspool --experimental-dump-help | manpage.py VERSION > gongspool.1"""
import json
import sys


def esc(text):
    text = (text or "").replace("\\", "\\\\").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def names(argument):
    out = []
    for name in argument.get("names", []):
        prefix = "-" if name.get("kind") == "short" else "--"
        out.append(prefix + name["name"])
    return out


def synopsis(argument):
    if argument.get("kind") == "positional":
        return "<%s>" % argument.get("valueName", "value")
    label = ", ".join(names(argument))
    if argument.get("kind") == "option":
        label += " <%s>" % argument.get("valueName", "value")
    return label


def section(command, path, out):
    full = " ".join(path)
    arguments = [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)]
    out.append(".SS %s" % esc(full) if len(path) > 1 else ".SH OPTIONS")
    if len(path) > 1 and command.get("abstract"):
        out.append(esc(command["abstract"]))
        if command.get("discussion"):
            out.append(".PP")
            out.append(esc(command["discussion"]))
    for argument in arguments:
        out.append(".TP")
        out.append("\\fB%s\\fR" % esc(synopsis(argument)))
        text = argument.get("abstract", "")
        if argument.get("defaultValue"):
            text += " (default: %s)" % argument["defaultValue"]
        out.append(esc(text))
    for sub in command.get("subcommands", []):
        if sub.get("commandName") == "help":
            continue
        section(sub, path + [sub["commandName"]], out)


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else ""
    tool = json.load(sys.stdin)["command"]
    name = tool["commandName"]
    out = [
        '.TH %s 1 "" "%s %s" "User Commands"' % (name.upper(), name, esc(version)),
        ".SH NAME",
        "%s \\- %s" % (name, esc(tool.get("abstract", ""))),
        ".SH SYNOPSIS",
        "\\fB%s\\fR \\fIsubcommand\\fR [\\fIoptions\\fR]" % name,
        ".SH DESCRIPTION",
        esc(tool.get("discussion") or tool.get("abstract", "")),
        ".PP",
        "Subcommands: " + ", ".join("\\fB%s\\fR" % s["commandName"] for s in tool.get("subcommands", []) if s["commandName"] != "help") + ".",
    ]
    section(tool, [name], out)
    out += [
        ".SH FILES",
        ".TP", "/etc/gongspool/gongspool.yaml", "The configuration (or \\-\\-config, or GONGSPOOL_CONFIG).",
        ".TP", "/etc/gongspool/credentials/", "The Gong access key and secret, handed to the service by systemd.",
        ".TP", "/var/lib/gongspool/state.sqlite", "The state database.",
        ".SH EXIT STATUS",
        "0 success; 65 bad input or a refused operator action; 69 a service unavailable; "
        "70 an internal error; 75 try again later (sending halted, another daemon holds the state database); "
        "78 configuration error.",
        ".SH SEE ALSO",
        "/usr/share/doc/gongspool/README.md, install.md, operations.md, configuration.md",
    ]
    print("\n".join(out))


main()
