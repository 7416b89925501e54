"""Prints the first Debian mirror URI in this machine's apt sources that
serves SUITE with the main component (both the one-line format of
/etc/apt/sources.list* and the deb822 format of *.sources), so that the repo
never hard-codes a mirror. Exit 1 when there is none.

    python3 release/apt_mirror.py bookworm
"""

import glob
import sys


def one_line_entries(path):
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words or words[0] != "deb":
                continue
            words = words[1:]
            if words and words[0].startswith("["):  # [arch=amd64 signed-by=...]
                while words and not words[0].endswith("]"):
                    words = words[1:]
                words = words[1:]
            if len(words) >= 3:
                yield [words[0]], [words[1]], words[2:]


def deb822_entries(path):
    with open(path) as f:
        stanzas = f.read().split("\n\n")
    for stanza in stanzas:
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes") == "no":
            continue
        yield fields.get("uris", "").split(), fields.get("suites", "").split(), fields.get("components", "").split()


def main(suite):
    sources = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    for path in sources:
        try:
            for uris, suites, components in one_line_entries(path):
                if suite in suites and "main" in components:
                    print(uris[0])
                    return 0
        except FileNotFoundError:
            pass
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for uris, suites, components in deb822_entries(path):
            if uris and suite in suites and "main" in components:
                print(uris[0])
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "bookworm"))
