#!/usr/bin/env python3
"""Times shell commands in alternation, so that load falls on all alike.

    timing.py [--runs N] [--first-row] NAME 'COMMAND' [NAME 'COMMAND' ...]

Each COMMAND runs under bash as `exec COMMAND` (redirections included), so
that its CPU time is the program's own. (Not its peak RSS: a forked child
counts the parent's pages before exec; use /usr/bin/time -f %M.) The commands are run in turn, N
rounds (after one warm-up round). Prints one line per command:

    NAME median_ms min_ms median_cpu_ms

(cpu: user + system time of the program, which load on the machine
disturbs less than the wall time.)

--first-row: instead, the time to the first line on standard output (read
through a pipe, which is then closed: the command sees a closed pipe):

    NAME median_ms min_ms
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(command):
    start = time.perf_counter()
    proc = subprocess.Popen(["bash", "-c", "exec " + command])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"timing: '{command}' exited {proc.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime


def first_row(command):
    start = time.perf_counter()
    proc = subprocess.Popen(["bash", "-c", "exec " + command], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.stdout.close()
    proc.kill()
    proc.wait()
    return elapsed


def main(argv):
    runs, want_first = 5, False
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        if flag == "--runs":
            runs = int(argv.pop(0))
        elif flag == "--first-row":
            want_first = True
        else:
            sys.exit(f"timing: unknown option {flag}")
    if not argv or len(argv) % 2:
        sys.exit(__doc__)
    pairs = list(zip(argv[0::2], argv[1::2]))
    times = {name: [] for name, _ in pairs}
    cpu = {name: [] for name, _ in pairs}
    firsts = {name: [] for name, _ in pairs}
    if want_first:
        for _ in range(runs + 1):  # the first round warms the page cache
            for name, command in pairs:
                firsts[name].append(first_row(command))
        for name, _ in pairs:
            print(f"{name} {statistics.median(firsts[name][1:]) * 1000:.2f} "
                  f"{min(firsts[name][1:]) * 1000:.2f}")
        return
    for name, command in pairs:  # warm-up: the page cache
        run_once(command)
    for _ in range(runs):
        for name, command in pairs:
            elapsed, used = run_once(command)
            times[name].append(elapsed)
            cpu[name].append(used)
    for name, _ in pairs:
        print(f"{name} {statistics.median(times[name]) * 1000:.2f} "
              f"{min(times[name]) * 1000:.2f} {statistics.median(cpu[name]) * 1000:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
