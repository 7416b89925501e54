#!/usr/bin/env python3
"""Writes release/hot-text.ld: the linker script that puts the code a typical
run executes next to each other at the start of the release binary.

Why: the kernel maps file pages of a binary 64 KiB at a time around each page
fault (fault-around), so a run that executes a few functions from every corner
of a 10 MiB text segment ends up with most of the segment resident. Packing the
executed functions together keeps the resident text close to their size.

How: the provider built with DCS_COMPACT_LAYOUT (a link map, function sections
for dcs's own code) runs under valgrind's callgrind for the client commands of
a typical cluster workload, driven by OpenTofu against dcs-emulator: a plan of
one cluster, `providers schema -json` and `validate` first (the fixed costs),
then apply, refresh, plan and destroy of three clusters. Every function
callgrind saw in the provider binary is looked up in the link map; the input
section holding it (a function's own section, or the whole .text of a Debian
archive member, which are not built with function sections) goes into the
script, in that order. Sections the script names that a later build no longer
has match nothing and are ignored by the linker, so a stale script costs
resident memory, never correctness.

Called by release/hot-text.sh, which builds what it needs."""

import argparse
import bisect
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "peer"))
import run as bench  # noqa: E402  (the bench's emulator and tofu drivers)

PROFILED = [
    # (phase, clusters, client command); phases sort the script: "a" first.
    ("a1", 1, ("plan",)),
    ("a2", 1, ("providers", "schema", "-json")),
    ("a3", 1, ("validate",)),
    ("b1", 3, ("apply", "-auto-approve")),
    ("b2", 3, ("plan", "-refresh-only")),
    ("b3", 3, ("plan",)),
    ("b4", 3, ("destroy", "-auto-approve")),
]
# Sections named without a function: the .text of objects built without
# -ffunction-sections, which can only move as a whole.
WHOLE_OBJECT = {".text", ".text.unlikely", ".text.hot", ".text.startup"}


def profile(tofu, emulator_bin, provider_bin, work):
    """Runs the PROFILED commands with the provider under callgrind; returns
    {phase: [callgrind output files]}."""
    out_dir = os.path.join(work, "callgrind")
    os.makedirs(out_dir)
    phase_file = os.path.join(work, "phase")
    wrapper = os.path.join(work, "callgrind-wrapper.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n# usage: wrapper USAGE_FILE BINARY ARGS... (the bench's wrapper interface)\n"
                "shift; bin=$1; shift\n"
                f"exec valgrind --tool=callgrind --demangle=no --dump-instr=no "
                f"--log-file={out_dir}/valgrind.%p.log "
                f"--callgrind-out-file={out_dir}/$(cat {phase_file}).%p.cg \"$bin\" \"$@\"\n")
    os.chmod(wrapper, 0o755)
    version = subprocess.run([provider_bin, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    emu = bench.emulator(emulator_bin, work, "dcs", 0)
    provider = bench.Provider("dcs", "dcslabs/dcs", provider_bin, version, work, wrapper, emu)
    try:
        with open(phase_file, "w") as f:
            f.write("init")
        provider.write_config(1, None)
        provider.run(tofu, "init")
        for phase, clusters, command in PROFILED:
            with open(phase_file, "w") as f:
                f.write(phase)
            provider.write_config(clusters, None)
            wall = provider.run(tofu, *command)[0]
            print(f"hot-text: profiled `tofu {' '.join(command)}` ({clusters} cluster(s), {wall:.1f} s)",
                  file=sys.stderr)
    finally:
        emu[0].terminate()
        emu[0].wait()
    return {phase: sorted(glob.glob(os.path.join(out_dir, f"{phase}.*.cg"))) for phase, _, _ in PROFILED}


def executed_functions(callgrind_file, binary_name):
    """The (mangled) names of the functions of binary_name that ran, from
    callgrind's compressed name format: "fn=(id) name" defines, "fn=(id)"
    refers; ob=/cob= give the object of fn=/cfn=. Valgrind 3.19 names the
    provider "???" once it has a .text.dcs_hot section, so unnamed objects
    count too; the caller keeps only names the binary's symbol table has."""
    objects, functions, names = {}, {}, []
    current_object = callee_object = None
    line_re = re.compile(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$")
    with open(callgrind_file, errors="replace") as f:
        for line in f:
            m = line_re.match(line.rstrip("\n"))
            if not m:
                continue
            kind, ident, name = m.groups()
            table = objects if kind.endswith("ob") else functions
            if name:
                table[ident] = name
            if kind == "ob":
                current_object = objects.get(ident)
            elif kind == "cob":
                callee_object = objects.get(ident)
            else:
                owner = current_object if kind == "fn" else (callee_object or current_object)
                if kind == "cfn":
                    callee_object = None
                if owner and os.path.basename(owner) in (binary_name, "???") and functions.get(ident):
                    names.append(functions[ident])
    return names


def text_input_sections(map_file):
    """(address, size, section, object) of every input section the link map
    places in an executable .text* output section, sorted by address."""
    sections, pending = [], None
    in_text = False
    full = re.compile(r"^ (\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    name_only = re.compile(r"^ (\.\S+)$")
    placement = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    with open(map_file) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith(" "):
                in_text = re.match(r"^\.text(\.dcs_hot)?\b", line) is not None
                continue
            if not in_text:
                continue
            m = full.match(line)
            if m:
                sections.append((int(m[2], 16), int(m[3], 16), m[1], m[4]))
                pending = None
                continue
            m = name_only.match(line)
            if m:
                pending = m[1]
                continue
            m = placement.match(line)
            if m and pending:
                sections.append((int(m[1], 16), int(m[2], 16), pending, m[3]))
                pending = None
    return sorted(s for s in sections if s[1] > 0)


def pattern(section, obj):
    """A linker script input section description for one input section."""
    if section not in WHOLE_OBJECT:
        return f"*({section})"
    m = re.match(r"^(.*)\((.*)\)$", obj)  # archive(member)
    if m:
        return f"*{os.path.basename(m[1])}:{m[2]}({section})"
    return f"*{os.path.basename(obj)}({section})"


def hot_patterns(profiles, provider_bin, map_file):
    symbols = {}
    nm = subprocess.run(["nm", "--defined-only", provider_bin], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.setdefault(parts[2], []).append(int(parts[0], 16))
    sections = text_input_sections(map_file)
    starts = [s[0] for s in sections]
    # (group, pattern): the sections of the "a" phases first; sorted within a
    # group so that regenerating gives a stable diff (thread timing changes
    # the order callgrind lists functions in).
    patterns, seen, hot_bytes = [], set(), 0
    binary_name = os.path.basename(provider_bin)
    for phase in sorted(profiles):
        for cg in profiles[phase]:
            for name in executed_functions(cg, binary_name):
                for address in symbols.get(name, []):
                    i = bisect.bisect_right(starts, address) - 1
                    if i < 0 or address >= sections[i][0] + sections[i][1]:
                        continue
                    if sections[i][2].startswith(".text.startup"):
                        continue  # the script's first line takes every one
                    p = pattern(sections[i][2], sections[i][3])
                    if p not in seen:
                        seen.add(p)
                        patterns.append((phase[0], p))
                        hot_bytes += sections[i][1]
    return [p for _, p in sorted(patterns)], hot_bytes, sum(s[1] for s in sections)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tofu", required=True)
    p.add_argument("--build", required=True, help="a build with DCS_COMPACT_LAYOUT=ON")
    p.add_argument("--out", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    # Absolute: the client runs the provider from its own working directory.
    provider_bin = os.path.join(os.path.abspath(args.build), "bin", "terraform-provider-dcs")
    map_file = provider_bin + ".map"
    emulator_bin = os.path.join(os.path.abspath(args.build), "emulator", "dcs-emulator")
    profiles = profile(args.tofu, emulator_bin, provider_bin, args.work)
    patterns, hot_bytes, text_bytes = hot_patterns(profiles, provider_bin, map_file)
    # A profile finds megabytes; far less means callgrind's names did not
    # match the binary's symbols (test-release.sh refuses under 1 MiB too).
    if hot_bytes < 2**20:
        raise SystemExit(f"hot-text: only {len(patterns)} sections ({hot_bytes} bytes) matched the profile: "
                         "callgrind's function names do not match the binary's symbols; nothing written")
    with open(args.out, "w") as f:
        f.write("/* Generated by release/hot-text.sh; do not edit. The input sections the\n"
                "   profiled cluster workload executes, first in the text segment (see\n"
                "   release/hot_text.py for why and how). */\n"
                "SECTIONS\n{\n  .text.dcs_hot :\n  {\n"
                "    /* static constructors: every one runs at start-up */\n"
                "    *(.text.startup .text.startup.*)\n")
        f.writelines(f"    {p}\n" for p in patterns)
        f.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"hot-text: {len(patterns)} input sections, {hot_bytes / 2**20:.1f} of "
          f"{text_bytes / 2**20:.1f} MiB of text, written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
