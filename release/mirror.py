"""Provider package hashes and the install layouts OpenTofu/Terraform read.

    python3 release/mirror.py hashes ZIP
        prints the zip's "h1:" hash (over the files it holds) and its "zh:" hash
    python3 release/mirror.py layouts --dist DIST --version V [--namespace dcslabs]
        from DIST/terraform-provider-dcs_V_<os>_<arch>.zip (every platform
        found) writes, under DIST/mirror/:
          filesystem-packed/<host>/<ns>/dcs/terraform-provider-dcs_V_<os>_<arch>.zip
          filesystem-unpacked/<host>/<ns>/dcs/V/<os>_<arch>/terraform-provider-dcs_vV
          network/<host>/<ns>/dcs/index.json and V.json (+ the zips beside them)
          registry/  a static provider registry (providers.v1 protocol):
              .well-known/terraform.json, v1/providers/<ns>/dcs/versions,
              v1/providers/<ns>/dcs/V/download/<os>/<arch>, and the artifacts
        for both hosts that "<ns>/dcs" can mean (registry.opentofu.org for
        OpenTofu, registry.terraform.io for Terraform).

Hashes, as the clients compute them:
  h1: the "Hash1" directory hash of Go's dirhash package over the unpacked
      files: SHA-256 of the lines "<sha256 hex of the file>  <name>\\n", sorted
      by name, base64 (standard alphabet, padded), prefixed "h1:". It is the
      same for the zip and for the unpacked directory, so a lock file written
      from one layout accepts the other.
  zh: SHA-256 hex of the zip file itself (only known to clients that saw the
      zip, e.g. from SHA256SUMS or a network mirror).
Standard library only.
"""

import argparse
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import zipfile

HOSTS = ("registry.opentofu.org", "registry.terraform.io")
PROVIDER_TYPE = "dcs"
PROTOCOLS = ["6.0"]


def hash1(entries):
    """entries: iterable of (name, bytes). The dirhash Hash1 of them."""
    lines = []
    for name, data in entries:
        if "\n" in name:
            raise ValueError(f"file name with a newline: {name!r}")
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    summary = hashlib.sha256("".join(sorted(lines)).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


def zip_h1(path):
    with zipfile.ZipFile(path) as z:
        return hash1((info.filename, z.read(info)) for info in z.infolist() if not info.is_dir())


def dir_h1(path):
    entries = []
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            with open(full, "rb") as f:
                entries.append((os.path.relpath(full, path).replace(os.sep, "/"), f.read()))
    return hash1(entries)


def zip_zh(path):
    with open(path, "rb") as f:
        return "zh:" + hashlib.sha256(f.read()).hexdigest()


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def place(src, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if os.path.exists(dest):
        os.remove(dest)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def release_zips(dist, version):
    pattern = re.compile(rf"^terraform-provider-{PROVIDER_TYPE}_{re.escape(version)}_([a-z0-9]+)_([a-z0-9]+)\.zip$")
    found = []
    for path in sorted(glob.glob(os.path.join(dist, f"terraform-provider-{PROVIDER_TYPE}_{version}_*.zip"))):
        m = pattern.match(os.path.basename(path))
        if m:
            found.append((m.group(1), m.group(2), path))
    return found


def signing_key(dist, version):
    """(key id, ASCII-armoured public key) written by release.sh, if any."""
    key_file = os.path.join(dist, f"terraform-provider-{PROVIDER_TYPE}_{version}_signing_key.asc")
    id_file = os.path.join(dist, f"terraform-provider-{PROVIDER_TYPE}_{version}_signing_key.id")
    if not (os.path.exists(key_file) and os.path.exists(id_file)):
        return None, None
    with open(key_file) as f, open(id_file) as g:
        return g.read().strip(), f.read()


def layouts(dist, version, namespace):
    zips = release_zips(dist, version)
    if not zips:
        raise SystemExit(f"mirror.py: no terraform-provider-{PROVIDER_TYPE}_{version}_<os>_<arch>.zip in {dist}")
    out = os.path.join(dist, "mirror")
    shutil.rmtree(out, ignore_errors=True)
    archives = {}
    for os_name, arch, path in zips:
        target = f"{os_name}_{arch}"
        name = os.path.basename(path)
        h1 = zip_h1(path)
        archives[target] = {"url": name, "hashes": [h1]}
        for host in HOSTS:
            base = os.path.join(out, "%s", host, namespace, PROVIDER_TYPE)
            place(path, os.path.join(base % "filesystem-packed", name))
            unpacked = os.path.join(base % "filesystem-unpacked", version, target)
            os.makedirs(unpacked, exist_ok=True)
            with zipfile.ZipFile(path) as z:
                z.extractall(unpacked)
                for info in z.infolist():  # zipfile drops the mode bits
                    mode = (info.external_attr >> 16) & 0o777
                    if mode:
                        os.chmod(os.path.join(unpacked, info.filename), mode)
            if dir_h1(unpacked) != h1:
                raise SystemExit(f"mirror.py: unpacked {name} hashes differently from the zip")
            place(path, os.path.join(base % "network", name))
    for host in HOSTS:
        base = os.path.join(out, "network", host, namespace, PROVIDER_TYPE)
        write_json(os.path.join(base, "index.json"), {"versions": {version: {}}})
        write_json(os.path.join(base, f"{version}.json"), {"archives": archives})
    write_registry(dist, out, version, namespace, zips)
    for target, archive in sorted(archives.items()):
        print(f"{target} {archive['hashes'][0]} {zip_zh(os.path.join(dist, archive['url']))}")


def write_registry(dist, out, version, namespace, zips):
    """A static providers.v1 registry. Its download documents point at the
    zip, the SHA256SUMS file and its signature, and carry the public key, so a
    client served from it verifies the signature itself."""
    key_id, armor = signing_key(dist, version)
    if not key_id:
        return
    root = os.path.join(out, "registry")
    prefix = f"terraform-provider-{PROVIDER_TYPE}_{version}"
    sums = f"{prefix}_SHA256SUMS"
    write_json(os.path.join(root, ".well-known", "terraform.json"), {"providers.v1": "/v1/providers/"})
    artifacts = os.path.join(root, "artifacts", version)
    for name in (sums, sums + ".sig"):
        place(os.path.join(dist, name), os.path.join(artifacts, name))
    platforms = []
    base = os.path.join(root, "v1", "providers", namespace, PROVIDER_TYPE)
    for os_name, arch, path in zips:
        name = os.path.basename(path)
        place(path, os.path.join(artifacts, name))
        with open(path, "rb") as f:
            shasum = hashlib.sha256(f.read()).hexdigest()
        platforms.append({"os": os_name, "arch": arch})
        write_json(os.path.join(base, version, "download", os_name, arch), {
            "protocols": PROTOCOLS,
            "os": os_name,
            "arch": arch,
            "filename": name,
            "download_url": f"/artifacts/{version}/{name}",
            "shasums_url": f"/artifacts/{version}/{sums}",
            "shasums_signature_url": f"/artifacts/{version}/{sums}.sig",
            "shasum": shasum,
            "signing_keys": {"gpg_public_keys": [{"key_id": key_id, "ascii_armor": armor}]},
        })
    write_json(os.path.join(base, "versions"),
               {"versions": [{"version": version, "protocols": PROTOCOLS, "platforms": platforms}]})


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    h = sub.add_parser("hashes")
    h.add_argument("zip")
    lay = sub.add_parser("layouts")
    lay.add_argument("--dist", required=True)
    lay.add_argument("--version", required=True)
    lay.add_argument("--namespace", default="dcslabs")
    args = parser.parse_args(argv)
    if args.command == "hashes":
        print(zip_h1(args.zip))
        print(zip_zh(args.zip))
    else:
        layouts(args.dist, args.version, args.namespace)


if __name__ == "__main__":
    main(sys.argv[1:])
