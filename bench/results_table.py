#!/usr/bin/env python3
"""Markdown tables from mqttwire_bench JSON results (bench/README.md, "Results").

    bench/results_table.py gcc.json clang.json [--instructions gcc.txt clang.txt]

Each JSON comes from
    mqttwire_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
        --benchmark_out=X.json --benchmark_out_format=json
and the medians are used. Throughput is in decimal units (GB/s = 1e9 bytes/s), unlike Google
Benchmark's console, which prints bytes_per_second in binary units (G/s = GiB/s). The memcpy
column is the memcpy of the same bytes in the same build (memcpy/<case>/<version>).
"""
import json
import sys


def medians(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median" or b.get("error_occurred"):
            continue
        name = b["run_name"]
        ns = b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
        out[name] = {"ns": ns, "bps": b.get("bytes_per_second", 0.0),
                     "allocs": b.get("allocs_per_op", 0.0)}
    return out, data["context"]


def instructions(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and "/" in parts[0]:
                try:
                    out[parts[0]] = float(parts[1])
                except ValueError:
                    pass
    return out


def memcpy_of(name):
    parts = name.split("/")
    if parts[0] == "utf8":
        return "memcpy/utf8_" + parts[1]
    if len(parts) == 3 and parts[1].startswith("stream_"):
        return "memcpy/%s/%s" % (parts[1], parts[2])
    if len(parts) == 3 and parts[1].startswith("topic_"):
        return None
    if len(parts) == 3 and parts[0] in ("encode", "decode", "encode_header", "decode_any",
                                         "decode_access"):
        return "memcpy/%s/%s" % (parts[1], parts[2])
    return None


def fmt_ns(ns):
    return "%.1f" % ns if ns < 1000 else "{:,.0f}".format(ns)


def fmt_gbs(bps):
    return "%.2f" % (bps / 1e9)


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    gcc, gcc_ctx = medians(argv[1])
    clang, _ = medians(argv[2])
    ins_gcc, ins_clang = {}, {}
    if "--instructions" in argv:
        i = argv.index("--instructions")
        ins_gcc, ins_clang = instructions(argv[i + 1]), instructions(argv[i + 2])
    names = [n for n in gcc if not n.startswith("memcpy/")]
    print("| case | g++ ns | g++ GB/s | clang++ ns | clang++ GB/s | memcpy ns | memcpy GB/s "
          "| instr/op g++ | instr/op clang++ |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for n in names:
        g, c = gcc[n], clang.get(n)
        m = memcpy_of(n)
        mg = gcc.get(m) if m else None
        row = [
            "`%s`" % n,
            fmt_ns(g["ns"]), fmt_gbs(g["bps"]),
            fmt_ns(c["ns"]) if c else "-", fmt_gbs(c["bps"]) if c else "-",
            fmt_ns(mg["ns"]) if mg else "-", fmt_gbs(mg["bps"]) if mg else "-",
            "%.0f" % ins_gcc[n] if n in ins_gcc else "-",
            "%.0f" % ins_clang[n] if n in ins_clang else "-",
        ]
        print("| " + " | ".join(row) + " |")
    bad = [n for n, v in list(gcc.items()) + list(clang.items()) if v["allocs"] != 0]
    print()
    print("allocs_per_op: %s" % ("0 in every benchmark" if not bad else "NOT 0 in " + ", ".join(bad)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
