#!/usr/bin/python3
"""Anchor measurement: CPU time of OpenStack tosca-parser on VNF packages (Mano's own harness).

Usage:
    /usr/bin/python3 scripts/bench-tosca-parser-anchor.py --defs DIR [--repeat N] [--mode zip|entry] PACKAGE_DIR...

  --defs DIR   tosca-parser's own TOSCA definition files: a directory laid out like tosca-parser's `toscaparser`
               package (elements/TOSCA_definition_1_0.yaml, extensions/nfv/TOSCA_nfv_definition_1_0_0.yaml, ...).
               Debian's python3-tosca-parser (2.6.0) installs the code without these files, so it cannot even be
               imported as shipped. This script never downloads anything: it overlays the given files onto the
               installed package in a temporary directory (symbolic links to the installed modules plus the given
               YAML files) and imports tosca-parser from there.
  --mode zip   (default) the way Tacker onboards a package: the package directory is zipped (to a temporary file) and
               given to ToscaTemplate(zip_path, None, True), which reads TOSCA.meta, checks the CSAR and parses the
               Entry-Definitions with its imports (the ETSI type files are inside the packages: nothing is fetched).
  --mode entry ToscaTemplate(entry_definitions_path): the VNFD alone, no CSAR checks.
  --etsi-types DIR  local copies of the ETSI SOL001 type files, one folder per version (v2.6.1/etsi_nfv_sol001_*.yaml,
               as ../shared/specs/sol001): an import by forge URL (https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/x.yaml)
               is served from DIR/v2.6.1/x.yaml, as a Tacker installation with the ETSI files available locally does.
               Any other URL fails as unreachable: the harness never uses the network.
  --repeat N   measurements per package (default 5); the first one also warms up module imports and is dropped when
               N > 1. The median, min and max of the CPU times (time.process_time, ms) are reported.

Prints one JSON document on stdout: {"tosca_parser_version", "python", "mode", "results": [{"package", "ok",
"error", "cpu_ms": {"median", "min", "max", "runs"}}]}. Exit 0 even when a package is rejected (that is a result).
Requires /usr/bin/python3 with Debian's python3-tosca-parser (apt-get install -y python3-tosca-parser).
"""

import argparse
import json
import logging
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile

# tosca-parser 2.6.0 uses urllib.error without importing it.
import urllib.error  # noqa: F401
import urllib.request  # noqa: F401


def find_installed_toscaparser():
    for entry in sys.path:
        candidate = os.path.join(entry or ".", "toscaparser")
        if os.path.isfile(os.path.join(candidate, "tosca_template.py")):
            return os.path.abspath(candidate)
    sys.exit("tosca-parser is not installed for this interpreter (apt-get install -y python3-tosca-parser; "
             "run with /usr/bin/python3)")


def overlay(installed, defs, scratch):
    """A copy of the installed package made of symbolic links, plus the definition YAML files of `defs`."""
    target = os.path.join(scratch, "toscaparser")
    shutil.copytree(installed, target, symlinks=True, copy_function=os.symlink,
                    ignore=shutil.ignore_patterns("__pycache__", "tests"))
    copied = 0
    for root, dirs, files in os.walk(defs):
        dirs[:] = [d for d in dirs if d not in ("tests", "__pycache__")]
        for name in files:
            if not name.endswith(".yaml"):
                continue
            rel = os.path.relpath(os.path.join(root, name), defs)
            dest = os.path.join(target, rel)
            if not os.path.isdir(os.path.dirname(dest)):
                continue  # only directories the installed package has
            if os.path.lexists(dest):
                os.remove(dest)
            shutil.copyfile(os.path.join(root, name), dest)
            copied += 1
    if not os.path.isfile(os.path.join(target, "elements", "TOSCA_definition_1_0.yaml")):
        sys.exit(f"{defs} has no elements/TOSCA_definition_1_0.yaml: give tosca-parser's `toscaparser` directory")
    return copied


FORGE_PREFIX = "https://forge.etsi.org/rep/nfv/SOL001/raw/"


def serve_etsi_types_locally(etsi_dir):
    """Makes tosca-parser's URL loader read forge URLs of the SOL001 type files from local copies; no network."""
    from toscaparser.utils import yamlparser

    class _Urllib:  # what yamlparser sees as `urllib`
        error = urllib.error

        class request:
            @staticmethod
            def urlopen(url, *args, **kwargs):
                if etsi_dir and url.startswith(FORGE_PREFIX):
                    local = os.path.join(etsi_dir, *url[len(FORGE_PREFIX):].split("/"))
                    if os.path.isfile(local):
                        return open(local, "rb")
                raise urllib.error.URLError(f"not fetched: the anchor harness never uses the network ({url})")

    yamlparser.urllib = _Urllib


def entry_definitions(package_dir):
    meta = os.path.join(package_dir, "TOSCA-Metadata", "TOSCA.meta")
    if os.path.isfile(meta):
        with open(meta, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "Entry-Definitions":
                    return os.path.join(package_dir, value.strip())
    roots = [n for n in os.listdir(package_dir) if n.endswith((".yaml", ".yml"))]
    if len(roots) == 1:
        return os.path.join(package_dir, roots[0])
    raise ValueError(f"{package_dir}: no Entry-Definitions")


def listed_but_missing(package_dir):
    """Files that TOSCA.meta (Name:) or a root manifest (Source:) lists but the package lacks (the corpus has no images)."""
    listed = []
    meta = os.path.join(package_dir, "TOSCA-Metadata", "TOSCA.meta")
    manifests = [os.path.join(package_dir, n) for n in os.listdir(package_dir) if n.endswith(".mf")]
    for path, key in [(meta, "Name")] + [(m, "Source") for m in manifests]:
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    v = v.strip()
                    if k.strip() == key and v and "://" not in v:
                        listed.append(os.path.normpath(v).replace(os.sep, "/"))
    # Artifacts a template names by a relative `file:` (e.g. file: ../Files/images/cirros.img in Definitions/x.yaml).
    definitions = os.path.join(package_dir, "Definitions")
    if os.path.isdir(definitions):
        for name in os.listdir(definitions):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(definitions, name), encoding="utf-8", errors="replace") as f:
                    for line in f:
                        m = re.match(r"\s*file:\s*['\"]?([^'\"#\s]+)", line)
                        if m and "://" not in m.group(1) and "/" in m.group(1):
                            target = os.path.normpath(os.path.join("Definitions", m.group(1)))
                            listed.append(target.replace(os.sep, "/"))
    return sorted({p for p in listed if not p.startswith("..") and not os.path.exists(os.path.join(package_dir, p))})


def zip_package(package_dir, scratch):
    """The package as a CSAR; a placeholder stands in for each listed file the corpus lacks (Mano's benchmark does the
    same), so that both parsers get a package whose only faults are their own findings."""
    path = os.path.join(scratch, os.path.basename(os.path.normpath(package_dir)) + ".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in os.walk(package_dir):
            for name in sorted(files):
                full = os.path.join(root, name)
                z.write(full, os.path.relpath(full, package_dir))
        for missing in listed_but_missing(package_dir):
            z.writestr(missing, b"placeholder (the corpus lacks this file)\n")
    return path


def measure(tosca_template, subject, repeat):
    times, ok, error = [], True, None
    for _ in range(repeat):
        start = time.process_time()
        try:
            tosca_template.ToscaTemplate(subject, None, True)
        except Exception as e:  # a rejected package is a result, not a failure of the harness
            # ValidationError lists the collected errors (with Python tracebacks) after its first line: keep the first
            # line of each error only.
            lines = str(getattr(e, "message", "") or e).splitlines()
            text = " ".join(ln.strip() for ln in lines if ln.strip() and not ln.startswith("\t\t"))
            ok, error = False, f"{type(e).__name__}: {text}"[:600]
        times.append((time.process_time() - start) * 1000.0)
    runs = times[1:] if len(times) > 1 else times
    return ok, error, {"median": round(statistics.median(runs), 2), "min": round(min(runs), 2),
                       "max": round(max(runs), 2), "runs": [round(t, 2) for t in runs]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--defs", required=True, help="tosca-parser's toscaparser directory (definition YAML files)")
    parser.add_argument("--etsi-types", help="local ETSI SOL001 type files, one folder per version (vX.Y.Z)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mode", choices=("zip", "entry"), default="zip")
    parser.add_argument("packages", nargs="+", help="package directories (SOL004 layout), or CSAR zips (zip mode)")
    args = parser.parse_args()

    logging.disable(logging.CRITICAL)  # tosca-parser logs every error at length; logging is not what is measured
    installed = find_installed_toscaparser()
    with tempfile.TemporaryDirectory(prefix="tosca-parser-anchor-") as scratch:
        overlay(installed, os.path.abspath(args.defs), scratch)
        sys.path.insert(0, scratch)
        from toscaparser import tosca_template  # noqa: E402  (imported from the overlay)
        serve_etsi_types_locally(os.path.abspath(args.etsi_types) if args.etsi_types else None)
        import pbr.version  # noqa: E402
        try:
            version = pbr.version.VersionInfo("tosca-parser").version_string()
        except Exception:  # pragma: no cover
            version = "unknown"

        results = []
        for package in args.packages:
            package = os.path.abspath(package)
            try:
                if os.path.isfile(package) and args.mode == "zip":
                    subject = package  # a CSAR given as it is
                    package = package[:-4] if package.endswith(".zip") else package
                else:
                    subject = zip_package(package, scratch) if args.mode == "zip" else entry_definitions(package)
            except (OSError, ValueError) as e:
                results.append({"package": os.path.basename(package), "ok": False, "error": str(e), "cpu_ms": None})
                continue
            ok, error, cpu = measure(tosca_template, subject, max(1, args.repeat))
            results.append({"package": os.path.basename(package), "ok": ok, "error": error, "cpu_ms": cpu})
            print(f"{os.path.basename(package)}: {'ok' if ok else 'rejected'} median {cpu['median']} ms",
                  file=sys.stderr)

    json.dump({"tosca_parser_version": version, "python": platform.python_version(), "mode": args.mode,
               "results": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
