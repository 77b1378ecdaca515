#!/usr/bin/env python3
"""Per-operation self time of two Chrome traces (ResNet4J's and PyTorch's profiler output, as
written by `bench --profile` and `bench_torch.py --profile`), per step, as a Markdown table.

Self time: an event's duration minus that of the events nested in it on the same thread, so each
microsecond counts once (a convolution's time is in aten::mkldnn_convolution, not also in
aten::conv2d above it).

Usage: op_table.py A.json B.json --steps N [--names ResNet4J,PyTorch] [--top 25]
"""
import argparse
import collections
import json


def self_times(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    total, calls = collections.Counter(), collections.Counter()
    for thread in by_thread.values():
        thread.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack, child = [], collections.Counter()
        for i, e in enumerate(thread):
            start = float(e["ts"])
            while stack and float(thread[stack[-1]]["ts"]) + float(thread[stack[-1]]["dur"]) <= start:
                stack.pop()
            if stack:
                child[stack[-1]] += float(e["dur"])
            stack.append(i)
        for i, e in enumerate(thread):
            total[e["name"]] += float(e["dur"]) - child[i]
            calls[e["name"]] += 1
    return total, calls


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--steps", type=int, required=True, help="iterations recorded in each trace")
    p.add_argument("--names", default="ResNet4J,PyTorch")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    name_a, name_b = args.names.split(",")
    (ta, ca), (tb, cb) = self_times(args.a), self_times(args.b)
    ops = sorted(set(ta) | set(tb), key=lambda n: -(ta[n] + tb[n]))
    ms = lambda us: us / 1000 / args.steps  # noqa: E731
    print(f"| operation | {name_a} ms/step | calls/step | {name_b} ms/step | calls/step |")
    print("|---|---:|---:|---:|---:|")
    for n in ops[:args.top]:
        print(f"| {n[:60]} | {ms(ta[n]):.2f} | {ca[n] / args.steps:g} | {ms(tb[n]):.2f} | {cb[n] / args.steps:g} |")
    print(f"| all operations | {ms(sum(ta.values())):.1f} | | {ms(sum(tb.values())):.1f} | |")


if __name__ == "__main__":
    main()
