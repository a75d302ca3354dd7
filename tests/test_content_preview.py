"""The live-preview command in docs/content.md: it survives a mistake and reloads after the fix."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import FIXTURE_SITE, ROOT, free_port


def preview_command() -> str:
    """The command as docs/content.md gives it."""
    guide = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^flask --app tirek\.preview run --reload .*$", guide, re.MULTILINE)
    return command


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(url: str, wanted, timeout: float = 30) -> tuple[int, str]:
    """Poll ``url`` until wanted(status, body) holds; the reloader needs a moment after each save."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if wanted(*last):
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url}: gave up waiting; last answer {last}")


def test_the_preview_survives_a_typo_and_reloads_after_the_fix(tmp_path):
    content = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, content)
    port = free_port()
    # The documented command, run from the repository on a copy of the content.
    command = preview_command().replace("flask ", f"{sys.executable} -m flask ", 1)
    command = command.replace("resources/", f"{content}/") + f" --port {port}"
    url = f"http://127.0.0.1:{port}/en/police/"
    page = content / "en" / "police.md"
    good = page.read_text(encoding="utf-8")
    log = tmp_path / "preview.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TIREK_RESOURCES_DIR": str(content)},
            start_new_session=True,
        )
    try:
        wait_for(url, lambda status, body: status == 200)
        page.write_text(good.replace("title: Police\n", "title: Police: your rights\n"), encoding="utf-8")
        _, body = wait_for(url, lambda status, body: status == 503)
        assert "resources/en/police.md:2: a ':' inside a value: put the whole value in double quotes" in body
        assert process.poll() is None  # still running
        page.write_text(good.replace("title: Police\n", 'title: "Police: your rights"\n'), encoding="utf-8")
        _, body = wait_for(url, lambda status, body: status == 200)
        assert "<h1>Police: your rights</h1>" in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert "resources/en/police.md:2: a ':' inside a value" in output
    assert "Traceback" not in output
