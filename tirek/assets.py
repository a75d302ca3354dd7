"""Static files: content-hashed names, pre-compressed copies, served by WhiteNoise.

At start-up every file in ``static/`` is copied into the build folder as
``name.<hash>.ext`` with gzip and Brotli siblings. Only those hashed names are
cached as immutable; templates ask ``asset_url('css/site.css')`` for the
current name, so a changed file always gets a new URL.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
HASHED_NAME = re.compile(r"\.[0-9a-f]{10}\.[a-z0-9]+$")
# Served by routes of their own at fixed URLs, not as hashed assets.
UNHASHED = {"sw.js"}


def hashed_name(relative: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, ext = relative.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{relative}.{digest}"


def build_assets(source_dir: Path, build_dir: Path) -> dict[str, str]:
    """Copy static files under hashed names into build_dir/static; return {name: hashed name}."""
    target_root = build_dir / "static"
    if target_root.exists():
        shutil.rmtree(target_root)
    target_root.mkdir(parents=True)
    compressor = Compressor(quiet=True)
    manifest = {}
    for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(source_dir).as_posix()
        if relative in UNHASHED:
            continue
        data = path.read_bytes()
        name = hashed_name(relative, data)
        target = target_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if compressor.should_compress(str(target)):
            for _ in compressor.compress(str(target)):
                pass
        manifest[relative] = name
    return manifest


def is_immutable(path: str, url: str) -> bool:
    return bool(HASHED_NAME.search(url))


def wrap_with_whitenoise(app, build_dir: Path) -> None:
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(build_dir / "static"),
        prefix="static/",
        max_age=3600,
        allow_all_origins=False,
        immutable_file_test=is_immutable,
    )
