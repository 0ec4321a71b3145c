#!/usr/bin/env python3
"""spof fta beside SCRAM on the Open-PSA corpus, whole process against whole process.

For every model with an expected result in ../shared/corpus/open-psa/SOURCES.md, runs
`scram --bdd --probability 1 [-l K]` and `spof fta [-l K]` alternately, several times each,
with a time limit, and records the median wall time and the peak memory (from /usr/bin/time).
Writes a Markdown table to stdout, or into BENCHMARKS.md between the markers
`<!-- scram-compare:start -->` and `<!-- scram-compare:end -->` with --write.

Needs: Debian's scram package (SCRAM 0.16), GNU time (/usr/bin/time), a release build of
spof (cargo build --release). The script installs scram and time with apt-get when missing.

    python3 bench/scram_compare.py --runs 3 --timeout 120 --write
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "open-psa")
SPOF = os.path.join(ROOT, "target", "release", "spof")


def ensure_tools():
    missing = [p for p, t in (("scram", "scram"), ("time", "/usr/bin/time")) if not shutil.which(t)]
    if missing:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)
    if not os.path.exists(SPOF):
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "spof-cli"], cwd=ROOT, check=True)


def cases():
    """(label, files, order limit) for each model with an expected result."""
    text = open(os.path.join(CORPUS, "SOURCES.md"), encoding="utf-8").read()
    seen = set()
    out = []
    for row in text.splitlines():
        if not row.startswith("| scram/input/") or not row.split("|")[1].strip().endswith(".xml"):
            continue
        path = row.split("|")[1].strip()
        if "basic-events" in path or "expected" not in row and "measured" not in row and "scram test" not in row:
            continue
        cells = row.split("|")
        if "(none found upstream" in cells[-2]:
            continue
        files = [path]
        sibling = path[: -len(".xml")] + "-basic-events.xml"
        if os.path.exists(os.path.join(CORPUS, sibling)):
            files.append(sibling)
        label = "/".join(path.split("/")[-2:])
        for limit in (None, 4):
            key = (path, limit)
            if key in seen:
                continue
            seen.add(key)
            out.append((label + ("" if limit is None else f" -l {limit}"), files, limit))
    return out


def measure(command, timeout):
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "time")
        # Its own process group, so that a timeout ends the tool too, not only /usr/bin/time.
        process = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", "-o", stats, *command], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None
        if returncode != 0:
            return None
        seconds, kilobytes = open(stats).read().split()[-2:]
        return float(seconds), int(kilobytes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--only", help="a regular expression on the model label")
    args = parser.parse_args()
    ensure_tools()
    rows = ["| model | spof s | spof MiB | SCRAM s | SCRAM MiB | SCRAM / spof |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, files, limit in cases():
        if args.only and not re.search(args.only, label):
            continue
        paths = [os.path.join(CORPUS, f) for f in files]
        order = ["-l", str(limit)] if limit else ["-l", "20"]
        spof_cmd = [SPOF, "fta", "--top", "0", *order, *paths]
        scram_cmd = ["scram", "--bdd", "--probability", "1", *order, *paths, "-o", "out.xml"]
        ours, theirs = [], []
        gave_up = set()
        for _ in range(args.runs):
            for name, results, command in (("spof", ours, spof_cmd), ("scram", theirs, scram_cmd)):
                # A tool that timed out or failed once is not run again on this model.
                if name in gave_up:
                    continue
                r = measure(command, args.timeout)
                if r is None:
                    gave_up.add(name)
                else:
                    results.append(r)
        def cell(results):
            if len(results) < args.runs:
                return f"> {args.timeout} or failed", "-"
            return f"{statistics.median(s for s, _ in results):.2f}", f"{max(k for _, k in results) / 1024:.0f}"
        (os_, om), (ts, tm) = cell(ours), cell(theirs)
        ratio = "-"
        if ours and theirs and len(ours) == args.runs and len(theirs) == args.runs:
            ratio = f"{statistics.median(s for s, _ in theirs) / max(statistics.median(s for s, _ in ours), 0.005):.1f}x"
        elif len(ours) == args.runs:
            ratio = "SCRAM fails"
        rows.append(f"| {label} | {os_} | {om} | {ts} | {tm} | {ratio} |")
        print(rows[-1], file=sys.stderr)
    table = "\n".join(rows) + "\n"
    if args.write:
        path = os.path.join(ROOT, "BENCHMARKS.md")
        text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        start, end = "<!-- scram-compare:start -->", "<!-- scram-compare:end -->"
        block = f"{start}\n{table}{end}"
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S) if start in text else text + "\n" + block + "\n"
        open(path, "w", encoding="utf-8").write(text)
    else:
        sys.stdout.write(table)


if __name__ == "__main__":
    main()
