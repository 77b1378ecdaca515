#!/usr/bin/env python3
"""oneDNN's own timing of every primitive two runs executed (their `ONEDNN_VERBOSE=1` logs), per step,
side by side as a Markdown table: for each primitive, propagation kind and problem shape, the
implementation oneDNN chose on each side, the median time of one execution, and the milliseconds per
step (median x executions / steps, so warm-up outliers do not count).

Usage: onednn_table.py A.log B.log --steps N [--names ResNet4J,PyTorch]
  --steps  the number of steps each run executed, warm-up included (the logs hold all of them)
"""
import argparse
import collections
import statistics


def memory_format(md):
    """The format tag of a memory descriptor: acdb in src:f32::blocked:acdb::f0 (oneDNN 3) or
    src_f32::blocked:acdb:f0 (oneDNN 2)."""
    parts = md.split(":")
    return parts[parts.index("blocked") + 1] if "blocked" in parts[:-1] else md


def executions(path):
    """{(primitive, propagation, shape): (implementations, [milliseconds, ...])} of the log's exec lines.
    A reorder's key also holds its source and destination formats (one shape, several reorders)."""
    runs = collections.defaultdict(list)
    impls = collections.defaultdict(set)
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("onednn_verbose") or ",exec,cpu," not in line:
                continue
            fields = line.rstrip("\n").split(",")
            at = fields.index("exec")
            try:
                ms = float(fields[-1])
            except ValueError:
                continue  # a line cut short
            shape = fields[-2]
            if fields[at + 2] == "reorder":
                shape += " " + " ".join(memory_format(md) for md in fields[at + 5].split())
            key = (fields[at + 2], fields[at + 4], shape)
            impls[key].add(fields[at + 3])
            runs[key].append(ms)
    return {k: (" or ".join(sorted(impls[k])), v) for k, v in runs.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--names", default="ResNet4J,PyTorch")
    args = p.parse_args()
    if args.steps < 1:
        p.error("--steps must be at least 1")
    if args.names.count(",") != 1:
        p.error("--names takes two names separated by a comma")
    na, nb = args.names.split(",")
    a, b = executions(args.a), executions(args.b)
    print(f"| primitive | propagation | shape | {na} implementation | {nb} implementation "
          f"| {na} ms (median) | {nb} ms (median) | {na} ms/step | {nb} ms/step |")
    print("|---|---|---|---|---|---:|---:|---:|---:|")
    totals = collections.defaultdict(lambda: [0.0, 0.0])
    for key in sorted(set(a) | set(b)):
        row = []
        for side, runs in enumerate((a, b)):
            impl, times = runs.get(key, ("-", []))
            median = statistics.median(times) if times else 0.0
            per_step = median * len(times) / args.steps
            totals[f"{key[0]} {key[1]}"][side] += per_step
            row.append((impl, median, per_step))
        if key[0] == "reorder" and max(r[2] for r in row) < 0.1:
            continue  # weight reorders of a few microseconds: counted in the totals only
        median = [f"{r[1]:.3f}" if r[0] != "-" else "-" for r in row]
        per_step = [f"{r[2]:.2f}" if r[0] != "-" else "-" for r in row]
        print(f"| {key[0]} | {key[1]} | {key[2]} | `{row[0][0]}` | `{row[1][0]}` "
              f"| {median[0]} | {median[1]} | {per_step[0]} | {per_step[1]} |")
    print()
    print(f"| primitive, propagation | {na} ms/step | {nb} ms/step |")
    print("|---|---:|---:|")
    for name, (ta, tb) in sorted(totals.items()):
        print(f"| {name} | {ta:.2f} | {tb:.2f} |")
    print(f"| all | {sum(t[0] for t in totals.values()):.2f} | {sum(t[1] for t in totals.values()):.2f} |")


if __name__ == "__main__":
    main()
