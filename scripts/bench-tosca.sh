#!/usr/bin/env bash
# Benchmarks of src/Tosca, with OpenStack tosca-parser as the anchor, in ONE run on ONE machine; writes
# docs/benchmarks/tosca-parser.md (and keeps the raw results in $MANO_BENCH_DIR).
#
#   scripts/bench-tosca.sh
#
# Steps (about 5 minutes on 2 cores):
#   1. build      bench/Tosca.Benchmarks and src/Cli, Release
#   2. check      every input parses (corpus packages with placeholders for the files the corpus lacks; synthetic VNFDs)
#   3. cpu        CPU time (process CPU) per CsarReader.Read of each input, warm: the measure comparable with tosca-parser's
#      bdn        BenchmarkDotNet, short in-process job: CsarReader.Read (in-memory zip) and VnfdParser.Parse (in-memory
#                 files) for each of the 30 Tacker packages, and for synthetic VNFDs of 10/100/500/1000 VDUs; MemoryDiagnoser
#   4. cli        `mano vnf package validate <zip> --timings` once per package (one process per package: a cold process,
#                 as an outside harness sees it); the in-process parse_ms and the whole process's CPU time
#   5. anchor     scripts/bench-tosca-parser-anchor.py: CPU time of tosca-parser's ToscaTemplate on the same zips
#                 (Debian's python3-tosca-parser 2.6.0; its TOSCA definition files, which Debian does not ship, are taken
#                 from $TOSCA_PARSER_DEFS). Skipped, and the issue's reference numbers used instead, when unavailable.
#   6. report     docs/benchmarks/tosca-parser.md
#
# Environment (optional):
#   MANO_BENCH_DIR     scratch and raw results                       (default /tmp/mano-bench-tosca)
#   TOSCA_PARSER_DEFS  tosca-parser's `toscaparser` directory holding elements/TOSCA_definition_1_0.yaml and
#                      extensions/*/TOSCA_*_definition_1_0_0.yaml, e.g. the toscaparser/ folder of a checkout of the
#                      openstack/tosca-parser repository at tag 2.6.0 (never part of this repository)
#                                                                    (default /tmp/tosca-parser-2.6.0/toscaparser)
#   ETSI_TYPES         local SOL001 type files per version, for imports by forge URL  (default ../shared/specs/sol001)
#   ANCHOR_REPEAT      tosca-parser runs per package (first dropped)  (default 5)
#   BENCH_FILTER       BenchmarkDotNet --filter                       (default '*')
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${MANO_BENCH_DIR:-/tmp/mano-bench-tosca}"
DEFS="${TOSCA_PARSER_DEFS:-/tmp/tosca-parser-2.6.0/toscaparser}"
ETSI="${ETSI_TYPES:-$ROOT/../shared/specs/sol001}"
REPEAT="${ANCHOR_REPEAT:-5}"
FILTER="${BENCH_FILTER:-*}"
DOC="$ROOT/docs/benchmarks/tosca-parser.md"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

log() { printf '[bench-tosca] %s\n' "$*" >&2; }
rm -rf "$OUT"
mkdir -p "$OUT/zips" "$OUT/synthetic" "$OUT/bdn"

log "1. build (Release)"
dotnet build bench/Tosca.Benchmarks/Tosca.Benchmarks.csproj -c Release -nologo -v quiet -nodeReuse:false >"$OUT/build.log" 2>&1 \
    || { tail -n 40 "$OUT/build.log"; exit 1; }
dotnet build src/Cli/Cli.csproj -c Release -nologo -v quiet -nodeReuse:false >>"$OUT/build.log" 2>&1 \
    || { tail -n 40 "$OUT/build.log"; exit 1; }
BENCH=(dotnet "$ROOT/bench/Tosca.Benchmarks/bin/Release/net10.0/Mano.Tosca.Benchmarks.dll")
MANO=(dotnet "$ROOT/src/Cli/bin/Release/net10.0/mano.dll")

log "2. inputs"
"${BENCH[@]}" --emit-zips "$OUT/zips" >/dev/null
"${BENCH[@]}" --emit-synthetic "$OUT/synthetic" >/dev/null
"${BENCH[@]}" --check >"$OUT/check.txt" || log "some inputs have errors (see $OUT/check.txt; they are Mano's findings, still measured)"

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "3a. CPU time per package (warm, in-process)"
"${BENCH[@]}" --cpu "$OUT/cpu.json" >"$OUT/cpu.log" 2>&1 || { tail -n 40 "$OUT/cpu.log"; exit 1; }

log "3b. BenchmarkDotNet (short in-process job)"
(cd "$OUT/bdn" && "${BENCH[@]}" --short --filter "$FILTER" --artifacts "$OUT/bdn" >"$OUT/bdn/console.log" 2>&1) \
    || { tail -n 60 "$OUT/bdn/console.log"; exit 1; }

log "4. mano vnf package validate --timings, one process per package"
: >"$OUT/cli.jsonl"
for subject in "$OUT"/zips/*.zip "$OUT"/synthetic/synthetic-*; do
    name="$(basename "$subject" .zip)"
    set +e
    /usr/bin/time -f '%U %S %e' -o "$OUT/time.txt" "${MANO[@]}" vnf package validate "$subject" --timings >"$OUT/cli-out.txt" 2>&1
    rc=$?
    set -e
    last="$(tail -n 1 "$OUT/cli-out.txt")"
    # GNU time writes "Command exited with non-zero status N" first when the exit code is not 0: the figures are last.
    read -r user sys wall < <(tail -n 1 "$OUT/time.txt")
    printf '{"package": "%s", "exit": %d, "timings": %s, "process_cpu_s": %s, "process_wall_s": %s}\n' \
        "$name" "$rc" "$last" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')" "$wall" >>"$OUT/cli.jsonl"
done

log "5. anchor: tosca-parser"
ANCHOR_NOTE=""
if ! /usr/bin/python3 -c 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("toscaparser") else 1)' 2>/dev/null; then
    ANCHOR_NOTE="python3-tosca-parser is not installed (apt-get install -y python3-tosca-parser)"
elif [[ ! -f "$DEFS/elements/TOSCA_definition_1_0.yaml" ]]; then
    ANCHOR_NOTE="tosca-parser's own definition files were not found at TOSCA_PARSER_DEFS=$DEFS (Debian's package lacks them)"
else
    /usr/bin/python3 "$ROOT/scripts/bench-tosca-parser-anchor.py" --defs "$DEFS" --etsi-types "$ETSI" --repeat "$REPEAT" \
        "$OUT"/zips/*.zip "$OUT"/synthetic/synthetic-10 "$OUT"/synthetic/synthetic-100 >"$OUT/anchor.json" 2>"$OUT/anchor.log" \
        || ANCHOR_NOTE="the anchor harness failed: $(tail -n 3 "$OUT/anchor.log" | tr '\n' ' ')"
    if [[ -z "$ANCHOR_NOTE" ]]; then
        /usr/bin/python3 "$ROOT/scripts/bench-tosca-parser-anchor.py" --defs "$DEFS" --etsi-types "$ETSI" --repeat 2 \
            "$OUT"/synthetic/synthetic-500 "$OUT"/synthetic/synthetic-1000 >"$OUT/anchor-large.json" 2>>"$OUT/anchor.log" \
            || ANCHOR_NOTE="the anchor harness failed on the large synthetic VNFDs: $(tail -n 3 "$OUT/anchor.log" | tr '\n' ' ')"
    fi
fi
[[ -n "$ANCHOR_NOTE" ]] && log "anchor not measured: $ANCHOR_NOTE"

echo "at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)" >"$OUT/load.txt"

log "6. report -> $DOC"
CPU_MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
OS="$(. /etc/os-release && echo "$PRETTY_NAME")"
/usr/bin/python3 "$ROOT/scripts/bench-tosca-report.py" --out "$OUT" --doc "$DOC" --anchor-note "$ANCHOR_NOTE" \
    --machine "${CPU_MODEL:-unknown CPU}, $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $OS, .NET SDK $(dotnet --version), $(/usr/bin/python3 --version 2>&1)"
log "done: $DOC"
