#!/usr/bin/python3
"""Writes docs/benchmarks/tosca-parser.md from the raw results of scripts/bench-tosca.sh (Mano's own code)."""

import argparse
import datetime
import glob
import json
import os
import statistics

# The reference numbers for tosca-parser 2.6.0 on this kind of machine (used only when it cannot run here).
REFERENCE_PER_PACKAGE_MS = 260.0
REFERENCE_500_VDUS_MS = 5400.0
SIZES = (10, 100, 500, 1000)


def load_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def bdn_results(out):
    """{(class, method, param): {"mean_us", "stddev_us", "alloc_kib"}} from BenchmarkDotNet's full JSON reports."""
    results = {}
    for path in glob.glob(os.path.join(out, "bdn", "results", "*-report-full.json")):
        for b in load_json(path, {}).get("Benchmarks", []):
            # The parameter value from FullName ("...CsarRead(Package: \"name\")"): "Parameters" truncates long values.
            full = b.get("FullName", "")
            inner = full[full.find("(") + 1:full.rfind(")")] if "(" in full else ""
            value = inner.split(":", 1)[1].strip().strip('"') if ":" in inner else inner
            stats = b.get("Statistics") or {}
            memory = b.get("Memory") or {}
            if not stats:
                continue
            results[(b.get("Type"), b.get("Method"), value)] = {
                "mean_us": stats["Mean"] / 1000.0,
                "stddev_us": stats.get("StandardDeviation", 0) / 1000.0,
                "alloc_kib": memory.get("BytesAllocatedPerOperation", 0) / 1024.0,
            }
    return results


def fmt(value, digits=1):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--doc", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--anchor-note", default="")
    a = p.parse_args()

    bdn = bdn_results(a.out)
    cpu = {r["Package"]: r for r in load_json(os.path.join(a.out, "cpu.json"), [])}
    cli = {}
    if os.path.exists(os.path.join(a.out, "cli.jsonl")):
        with open(os.path.join(a.out, "cli.jsonl"), encoding="utf-8") as f:
            for line in f:
                try:
                    r = json.loads(line)
                    cli[r["package"]] = r
                except (ValueError, KeyError):
                    pass
    anchor = {}
    anchor_meta = {}
    for name in ("anchor.json", "anchor-large.json"):
        d = load_json(os.path.join(a.out, name))
        if d:
            anchor_meta = d
            for r in d["results"]:
                anchor[r["package"]] = r
    measured = bool(anchor) and not a.anchor_note
    load = ""
    if os.path.exists(os.path.join(a.out, "load.txt")):
        with open(os.path.join(a.out, "load.txt"), encoding="utf-8") as f:
            load = f.read().strip()
    check = ""
    if os.path.exists(os.path.join(a.out, "check.txt")):
        with open(os.path.join(a.out, "check.txt"), encoding="utf-8") as f:
            check = f.read().strip()

    packages = sorted(k for k in cpu if not k.startswith("synthetic-"))
    L = []
    w = L.append
    w("# src/Tosca: parse + validate benchmarks, with tosca-parser as the anchor")
    w("")
    w(f"Measured by `scripts/bench-tosca.sh` on {datetime.date.today().isoformat()}: {a.machine}.")
    if load:
        w(f"Load average during the run: {load}.")
        try:
            busy = float(load.split()[2]) >= (os.cpu_count() or 1)
        except (ValueError, IndexError):
            busy = False
        if busy:
            w("**The machine was busy with other work during this run** (load above its core count): the wall-clock columns")
            w("(BDN, mano cold) are inflated and noisy; the CPU-time columns, Mano's and tosca-parser's, are the comparable ones.")
    w("Release build. Inputs are preloaded in memory: no disk I/O is measured, except in the `mano` column.")
    w("")
    w("- **Mano CPU**: CPU time (process CPU, all threads, GC included) per `CsarReader.Read` of the package zip, warm, median of")
    w("  7 batches (`Mano.Tosca.Benchmarks --cpu`): the same measure as tosca-parser's `time.process_time`, and robust on a busy machine.")
    w("- **BDN**: BenchmarkDotNet mean wall time, short in-process job (3 warm-up, 8 iterations of 120 ms), MemoryDiagnoser;")
    w("  `CsarRead` = `CsarReader.Read` over the in-memory zip (zip, TOSCA.meta, manifest, VNFD parse and validation),")
    w("  `VnfdParse` = `VnfdParser.Parse` over the in-memory VNFD files.")
    w("- **mano (cold)**: `mano vnf package validate <zip> --timings`, one process per package: `parse_ms` (in-process, includes")
    w("  JIT of a cold process) and the whole process's CPU (user+sys, .NET start-up included), as an outside harness sees it.")
    if measured:
        w(f"- **tosca-parser**: {anchor_meta.get('tosca_parser_version', '?')} (Debian python3-tosca-parser, Python "
          f"{anchor_meta.get('python', '?')}), `ToscaTemplate(zip_path, None, True)` as Tacker onboards a package, CPU time")
        w("  (`time.process_time`), median of the runs after the first (`scripts/bench-tosca-parser-anchor.py`). Debian's package lacks")
        w("  tosca-parser's own definition files: they were taken from the openstack/tosca-parser repository at tag 2.6.0 into /tmp")
        w("  for the run (never into this repository). Imports of the ETSI types by forge URL are served from ../shared/specs/sol001;")
        w("  nothing is fetched. **Measured in this run, on this machine.**")
    else:
        w(f"- **tosca-parser: NOT measured in this run** ({a.anchor_note or 'no anchor results'}). The anchor is the issue's")
        w(f"  reference numbers for tosca-parser 2.6.0 on this kind of machine: about {REFERENCE_PER_PACKAGE_MS:.0f} ms CPU per real")
        w(f"  VNFD and {REFERENCE_500_VDUS_MS / 1000:.1f} s for 500 VDUs.")
    w("- The corpus lacks images and scripts that TOSCA.meta, manifests or templates list: both parsers get the same zips, with a")
    w("  small placeholder for each such file (`--emit-zips`), so that each is measured on a package it accepts.")
    w("")

    # ---- targets
    def anchor_ms(name):
        r = anchor.get(name)
        if r and r.get("cpu_ms"):
            return r["cpu_ms"]["median"]
        return None

    ratios = []
    for name in packages:
        ref = anchor_ms(name) if measured else REFERENCE_PER_PACKAGE_MS
        if ref and cpu[name]["MedianMs"] > 0:
            ratios.append((ref / cpu[name]["MedianMs"], name))
    w("## Targets")
    w("")
    w("| target | result | holds |")
    w("|---|---|---|")
    if ratios:
        worst = min(ratios)
        w(f"| >= 20x less CPU than tosca-parser per package | ratio min {worst[0]:.0f}x ({worst[1]}), median "
          f"{statistics.median(r for r, _ in ratios):.0f}x, over {len(ratios)} packages"
          f"{'' if measured else ' (vs the reference 260 ms, not measured here)'} | {'yes' if worst[0] >= 20 else 'NO'} |")
    s500 = cpu.get("synthetic-500")
    b500 = bdn.get(("SyntheticVnfdBenchmarks", "CsarRead", "500"))
    if s500:
        ref500 = anchor_ms("synthetic-500") if measured else REFERENCE_500_VDUS_MS
        w(f"| 500 VDUs under 250 ms | CPU {s500['MedianMs']:.1f} ms (BDN wall {fmt((b500 or {}).get('mean_us', 0) / 1000.0)} ms); "
          f"tosca-parser {fmt(ref500, 0)} ms{'' if measured else ' (reference)'} | {'yes' if s500['MedianMs'] < 250 else 'NO'} |")
    t = {n: cpu[f"synthetic-{n}"]["MedianMs"] for n in SIZES if f"synthetic-{n}" in cpu}
    if len(t) == len(SIZES):
        # Marginal cost per VDU between sizes (the fixed cost of a package, e.g. the ETSI type files, cancels out).
        m1 = (t[500] - t[100]) / 400.0
        m2 = (t[1000] - t[500]) / 500.0
        growth = m2 / m1 if m1 > 0 else float("inf")
        w(f"| linear growth | CPU per VDU: " + ", ".join(f"{n}: {t[n] / n * 1000:.0f} us" for n in SIZES)
          + f"; marginal cost per added VDU 100->500: {m1 * 1000:.0f} us, 500->1000: {m2 * 1000:.0f} us (x{growth:.2f})"
          + f" | {'yes' if growth <= 1.5 else 'NO (superlinear)'} |")
    w("")
    cold = [c["timings"]["parse_ms"] for n, c in cli.items() if not n.startswith("synthetic-") and c.get("timings")]
    proc = [c["process_cpu_s"] * 1000 for n, c in cli.items() if not n.startswith("synthetic-") and c.get("process_cpu_s")]
    if cold and packages:
        refs = [anchor_ms(n) for n in packages if anchor_ms(n)] if measured else [REFERENCE_PER_PACKAGE_MS]
        w("Reading the numbers: the targets are judged on warm, in-process CPU time, which is what onboarding in the NFVO pays")
        w("(one long-lived process; the bundled ETSI SOL001 types are loaded once per process). A one-shot `mano vnf package")
        w(f"validate` process is another matter: its in-process `parse_ms` is {statistics.median(cold):.0f} ms (median) because it")
        w(f"includes the JIT compilation of the parser, and the whole process costs {statistics.median(proc):.0f} ms CPU with .NET")
        w(f"start-up, against {statistics.median(refs):.0f} ms for tosca-parser's warm parse. Used as a benchmark subject (one package")
        w("per process), Mano is therefore NOT 20x cheaper than tosca-parser; ReadyToRun or Native AOT publishing of the CLI would be")
        w("the lever for that case.")
        w("")

    # ---- per package
    w("## Tacker corpus packages (30)")
    w("")
    w("| package | Mano CPU ms | BDN CsarRead us | BDN VnfdParse us | allocated KiB | mano (cold) parse_ms / process CPU ms | "
      "tosca-parser CPU ms | ratio |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in packages:
        c = cpu[name]
        br = bdn.get(("TackerPackageBenchmarks", "CsarRead", name), {})
        bp = bdn.get(("TackerPackageBenchmarks", "VnfdParse", name), {})
        cl = cli.get(name, {})
        t = cl.get("timings") or {}
        ref = anchor_ms(name) if measured else None
        ok = anchor.get(name, {}).get("ok", True)
        ratio = (ref / c["MedianMs"]) if ref else None
        w(f"| {name} | {c['MedianMs']:.2f} | {fmt(br.get('mean_us'), 0)} | {fmt(bp.get('mean_us'), 0)} | "
          f"{fmt(br.get('alloc_kib') or c.get('AllocatedKiB'), 0)} | {fmt(t.get('parse_ms'), 0)} / "
          f"{fmt(cl.get('process_cpu_s', 0) * 1000 if cl else None, 0)} | "
          f"{fmt(ref, 1) if ref else 'n/a'}{'' if ok else ' (rejected)'} | {fmt(ratio, 0) + 'x' if ratio else 'n/a'} |")
    if packages:
        med = statistics.median(cpu[n]["MedianMs"] for n in packages)
        line = f"| **median** | **{med:.2f}** | | | | | "
        refs = [anchor_ms(n) for n in packages if anchor_ms(n)] if measured else []
        if refs:
            line += f"**{statistics.median(refs):.1f}** | **{statistics.median(refs) / med:.0f}x** |"
        else:
            line += f"{REFERENCE_PER_PACKAGE_MS:.0f} (reference) | {REFERENCE_PER_PACKAGE_MS / med:.0f}x |"
        w(line)
    w("")

    # ---- synthetic
    w("## Synthetic VNFDs (linear growth)")
    w("")
    w("Helloworld-like: each VDU with sw_image_data, virtual compute and storage, one VduCp on a shared internal VL; one")
    w("VduInitialDelta, VduScalingAspectDeltas and VduInstantiationLevels policy targeting every VDU; two instantiation levels")
    w("(`bench/Tosca.Benchmarks/SyntheticVnfd.cs`; `--emit-synthetic DIR` writes the packages).")
    w("")
    w("| VDUs | Mano CPU ms | CPU per VDU us | BDN CsarRead ms | BDN VnfdParse ms | allocated MiB | mano (cold) parse_ms | "
      "tosca-parser CPU ms | ratio |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in SIZES:
        key = f"synthetic-{n}"
        c = cpu.get(key)
        if not c:
            continue
        br = bdn.get(("SyntheticVnfdBenchmarks", "CsarRead", str(n)), {})
        bp = bdn.get(("SyntheticVnfdBenchmarks", "VnfdParse", str(n)), {})
        t = (cli.get(key) or {}).get("timings") or {}
        ref = anchor_ms(key) if measured else (REFERENCE_500_VDUS_MS if n == 500 else None)
        ok = anchor.get(key, {}).get("ok", True)
        w(f"| {n} | {c['MedianMs']:.1f} | {c['MedianMs'] / n * 1000:.0f} | {fmt(br.get('mean_us', 0) / 1000.0 if br else None)} | "
          f"{fmt(bp.get('mean_us', 0) / 1000.0 if bp else None)} | {fmt((br.get('alloc_kib') or c['AllocatedKiB']) / 1024.0)} | "
          f"{fmt(t.get('parse_ms'), 0)} | {fmt(ref, 0) if ref else 'n/a'}{'' if ok else ' (rejected)'}"
          f"{'' if measured or not ref else ' (reference)'} | {fmt(ref / c['MedianMs'], 0) + 'x' if ref else 'n/a'} |")
    w("")

    rejected = [f"{k}: {v.get('error')}" for k, v in anchor.items() if not v.get("ok")]
    if rejected:
        w("tosca-parser rejected (its time is up to the rejection):")
        w("")
        for r in rejected:
            w(f"- {r}")
        w("")
    if check:
        w("<details><summary>Mano's findings on the benchmark inputs (Mano.Tosca.Benchmarks --check)</summary>")
        w("")
        w("```")
        w(check)
        w("```")
        w("</details>")
        w("")
    w("Raw results: BenchmarkDotNet reports, cpu.json, cli.jsonl, anchor*.json in `$MANO_BENCH_DIR` (default /tmp/mano-bench-tosca).")
    with open(a.doc, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
