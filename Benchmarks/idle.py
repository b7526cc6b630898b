#!/usr/bin/env python3
"""A year of history at idle, measured from outside (issue 14): the real `gongspool run` process
on a spool of 365 dated folders × N audio+sidecar pairs, side by side with a second daemon on an
empty spool, same configuration (poll every 1 s, settle 2 s, backfill none). Measured:

- first start over the year (all rows written) vs `find -printf` over the same tree;
- idle CPU of all the process's threads (/proc/PID/task/*/schedstat) per second, both daemons;
- RSS now and peak (VmRSS, VmHWM from /proc/PID/status);
- `run --once` with `spool.fullRescanMinutes: 0` (two full listings) vs two `find` runs, CPU.

Usage: Benchmarks/idle.py BINARY [--folders 365] [--per-folder 500] [--idle-seconds 20]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

WAV = b"RIFF" + (40).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little") + (1).to_bytes(2, "little") \
    + (1).to_bytes(2, "little") + (8000).to_bytes(4, "little") + (16000).to_bytes(4, "little") + (2).to_bytes(2, "little") \
    + (16).to_bytes(2, "little") + b"data" + (4).to_bytes(4, "little") + b"\x00\x01\x00\x01"


def make_year(root, folders, per_folder):
    for day in range(folders):
        folder = os.path.join(root, "2025", "%03d" % day)
        os.makedirs(folder)
        for i in range(per_folder):
            stem = os.path.join(folder, "in-204-5551234567-20250101-%06d-17000%05d.%d" % (i, day, i))
            with open(stem + ".wav", "wb") as f:
                f.write(WAV)
            with open(stem + ".json", "w") as f:
                f.write('{"clientUniqueId":"bench:%d:%d"}' % (day, i))
    old = time.time() - 86400
    for dirpath, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(dirpath, name), (old, old))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(work, spool, base_url, extra=""):
    path = os.path.join(work, "gongspool.yaml")
    with open(path, "w") as f:
        f.write(f"""spool:
  directory: {spool}
  recursive: true
  pollIntervalSeconds: 1
  settleSeconds: 2
  backfill: none
  watch: poll
{extra}gong:
  baseURL: {base_url}
state:
  database: {work}/state.sqlite
metrics:
  listen: ""
""")
    return path


def cpu_ns(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return total


def memory_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def wait_for(log, text, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(log, errors="replace") as f:
            if text in f.read():
                return True
        time.sleep(0.05)
    return False


def timed_cpu(command, env=None):
    """Wall and CPU seconds (user+sys of the child) of `command`."""
    start = time.time()
    before = os.times()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = os.times()
    return time.time() - start, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--folders", type=int, default=365)
    parser.add_argument("--per-folder", type=int, default=500)
    parser.add_argument("--idle-seconds", type=float, default=20)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    base = tempfile.mkdtemp(prefix="gongspool-idle-")
    env = dict(os.environ, GONG_ACCESS_KEY="simulator-key", GONG_ACCESS_KEY_SECRET="simulator-secret")
    daemons = []
    try:
        year, empty = os.path.join(base, "year"), os.path.join(base, "empty")
        os.makedirs(empty)
        print(f"making {args.folders} folders x {args.per_folder} pairs ...", flush=True)
        make_year(year, args.folders, args.per_folder)
        files = args.folders * args.per_folder * 2
        port = free_port()
        simulator = subprocess.Popen([binary, "simulate", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        daemons.append(simulator)
        time.sleep(1)
        base_url = f"http://127.0.0.1:{port}"

        find_wall, find_cpu = timed_cpu(["find", year, "-printf", "%p %s %T@ %i\n"])
        print(f"find -printf over {files} files: {find_wall:.2f} s wall, {find_cpu:.2f} s CPU")

        runs = {}
        for name, spool in (("year", year), ("empty", empty)):
            work = os.path.join(base, "work-" + name)
            os.makedirs(work)
            path = config(work, spool, base_url)
            log = os.path.join(work, "daemon.log")
            started = time.time()
            daemon = subprocess.Popen([binary, "run", "--config", path], env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
            daemons.append(daemon)
            if not wait_for(log, "spool listed", 1800):
                sys.exit(f"{name}: the first listing did not finish; see {log}")
            runs[name] = (daemon, time.time() - started, path, work)
        first = runs["year"][1]
        print(f"first start over the year (rows written): {first:.1f} s = {first / find_wall:.1f}x find (target <= 5x)")

        time.sleep(5)  # past the settle time and the first status tick
        samples = {}
        for name, (daemon, _, _, _) in runs.items():
            samples[name] = (cpu_ns(daemon.pid), time.time())
        time.sleep(args.idle_seconds)
        idle = {}
        for name, (daemon, _, _, _) in runs.items():
            cpu0, t0 = samples[name]
            idle[name] = (cpu_ns(daemon.pid) - cpu0) / 1e6 / (time.time() - t0)
        print(f"idle CPU per second: year {idle['year']:.2f} ms, empty spool {idle['empty']:.2f} ms, "
              f"ratio {idle['year'] / max(idle['empty'], 0.001):.2f}x (target <= 2x; empty <= 2 ms/s)")
        for name, (daemon, _, _, _) in runs.items():
            print(f"RSS {name}: now {memory_kib(daemon.pid, 'VmRSS') / 1024:.1f} MiB, peak {memory_kib(daemon.pid, 'VmHWM') / 1024:.1f} MiB")

        daemon, _, path, work = runs["year"]
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        rescan = config(work, year, base_url, extra="  fullRescanMinutes: 0\n")
        once_wall, once_cpu = timed_cpu([binary, "run", "--once", "--config", rescan], env=env)
        print(f"run --once, fullRescanMinutes 0: {once_wall:.2f} s wall, {once_cpu:.2f} s CPU = "
              f"{once_cpu / max(2 * find_cpu, 0.001):.2f}x two finds' CPU (target <= 1.5x)")
    finally:
        for process in daemons:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(base, ignore_errors=True)


main()
