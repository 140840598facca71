#!/usr/bin/env python3
"""Writes the archive examples of docs/rules (E064-E067, E070, E071), which cannot be edited
as text. Run from anywhere: python3 docs/rules/examples/make_archives.py
Then refresh the pages: HEPSTATIC_BLESS=1 cargo test --test check_cli"""
import gzip, hashlib, io, json, os, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = "name: Table 1\ndescription: Cross section.\nkeywords: []\ndata_file: data1.yaml\n"
DATA = ("independent_variables: []\ndependent_variables:\n- header: {name: N}\n  values:\n"
        "  - value: 1.5\n    errors:\n    - {symerror: 0.1}\n")
RESOURCE = ("comment: Example for this rule.\nadditional_resources:\n"
            "- {location: likelihood.tar.gz, description: The likelihood.}\n---\n")

# A background-only workspace; the signal patches add the parameter of interest mu_sig.
WS = {"channels": [{"name": "SR", "samples": [{"name": "bkg", "data": [10.0, 5.0], "modifiers": [
          {"name": "lumi", "type": "lumi", "data": None}]}]}],
      "observations": [{"name": "SR", "data": [10, 5]}],
      "measurements": [{"name": "meas", "config": {"poi": "mu_sig", "parameters": [
          {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]],
           "inits": [1.0]}]}}],
      "version": "1.0.0"}
# pyhf's digest: sha256 of json.dumps(workspace, sort_keys=True, ensure_ascii=False).
DIGEST = hashlib.sha256(json.dumps(WS, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def patch(name, mass, path="/channels/0/samples/1"):
    return {"metadata": {"name": name, "values": [mass]},
            "patch": [{"op": "add", "path": path, "value": {
                "name": "signal", "data": [2.0, 1.0],
                "modifiers": [{"name": "mu_sig", "type": "normfactor", "data": None}]}}]}


def patchset(patches, digest=DIGEST):
    return {"metadata": {"name": "example", "description": "signal points",
                         "digests": {"sha256": digest}, "labels": ["m_sbottom"],
                         "references": {"hepdata": "ins1234567"}},
            "patches": patches, "version": "1.0.0"}


def targz(path, members):
    """members: (name, text or object, extra TarInfo attributes)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for name, content, *extra in members:
            b = content.encode() if isinstance(content, str) else (json.dumps(content, indent=2) + "\n").encode()
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime = len(b), 0
            for k, v in (extra[0] if extra else {}).items():
                setattr(ti, k, v)
            tf.addfile(ti, io.BytesIO(b if ti.size else b""))
    with open(path, "wb") as f:
        f.write(gzip.compress(buf.getvalue(), mtime=0))


def folder(code, head=RESOURCE):
    d = os.path.join(HERE, code)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "submission.yaml"), "w") as f:
        f.write(head + TABLE)
    with open(os.path.join(d, "data1.yaml"), "w") as f:
        f.write(DATA)
    return d


def likelihood(code, ps):
    targz(os.path.join(folder(code), "likelihood.tar.gz"),
          [("RegionA/BkgOnly.json", WS), ("RegionA/patchset.json", ps)])


ok = patchset([patch("sbottom_600", 600), patch("sbottom_700", 700)])
likelihood("E064", {k: v for k, v in ok.items() if k != "version"})
likelihood("E065", patchset([patch("sbottom_600", 600), patch("sbottom_600", 700)]))
likelihood("E066", patchset([patch("sbottom_600", 600)], digest="0" * 64))
likelihood("E067", patchset([patch("sbottom_600", 600, path="/channels/3/samples/1")]))

# E070: a submission archive with a member that leaves the archive.
os.makedirs(os.path.join(HERE, "E070"), exist_ok=True)
targz(os.path.join(HERE, "E070", "submission.tar.gz"),
      [("submission.yaml", "comment: Example for this rule.\n---\n" + TABLE), ("data1.yaml", DATA),
       ("../outside.txt", "escape\n")])
# E071: a likelihood archive with a symbolic link.
targz(os.path.join(folder("E071"), "likelihood.tar.gz"),
      [("BkgOnly.json", WS), ("patchset.json", "{}"),
       ("secret.json", "", {"type": tarfile.SYMTYPE, "linkname": "/etc/passwd"})])
