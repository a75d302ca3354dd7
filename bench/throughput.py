"""Requests per second: the app under gunicorn beside nginx serving the static export, one run.

    python bench/throughput.py                    # content in resources/ (or $TIREK_RESOURCES_DIR)
    python bench/throughput.py --seconds 10 --connections 32

Starts both on loopback (gunicorn -w 2 with gunicorn.conf.py; nginx with 2 workers on a fresh
export), loads each in turn, in --rounds rounds (the medians are printed: other work on the
machine moves the figures, and each round measures both side by side), with wrk (apt-get install wrk) or, without it, a small Python load
generator (slower than the servers it measures, so its ratios understate the app), and prints
requests/s for a page and for a search, and their ratios. Targets: the page at 0.12× nginx or
better, a search at half a page (of the app's) or better. Exit status 1 when one is missed.

It also prints the CPU time the servers' workers spent per request (from /proc): on a busy
machine the requests/s move with the other work, the CPU time per request much less.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = "/ru/police/"
SEARCH = "/ru/search/"
QUERY = "полиция"
PAGE_TARGET = 0.12
SEARCH_TARGET = 0.5
NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log crit;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    include /etc/nginx/mime.types;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within 120 s")


def export(target: Path) -> None:
    from app import create_app
    from tirek.export import build_copy, copy_settings, write_tree

    app = create_app()
    write_tree(build_copy(create_app(copy_settings(app))), target)


def search_request(port: int) -> tuple[str, str, bytes]:
    """POST /ru/search/ with q, or GET with ?q= on a version of the app that has no POST search."""
    body = urlencode({"q": QUERY}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", SEARCH, body, {"Content-Type": "application/x-www-form-urlencoded"})
    if connection.getresponse().status == 200:
        return "POST", SEARCH, body
    return "GET", f"{SEARCH}?{urlencode({'q': QUERY})}", b""


def cpu_seconds(master: subprocess.Popen) -> float:
    """User and system time of a server's workers (the master's children) so far."""
    total = 0
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measured(load, server: subprocess.Popen, *args) -> tuple[float, float]:
    """(requests/s, CPU µs per request) of one load."""
    before = cpu_seconds(server)
    rate, count = load(*args)
    return rate, (cpu_seconds(server) - before) / count * 1e6


def with_wrk(
    port: int, method: str, path: str, body: bytes, seconds: int, connections: int, tmp: Path
) -> tuple[float, int]:
    script = tmp / "request.lua"
    script.write_text(
        f'wrk.method = "{method}"\n'
        f'wrk.body = "{body.decode()}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{method} {path}: {errors[1]} error answers\n{result.stdout}")
    return (
        float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)[1]),
        int(re.search(r"(\d+) requests in", result.stdout)[1]),
    )


def with_python(
    port: int, method: str, path: str, body: bytes, seconds: int, connections: int, tmp: Path
) -> tuple[float, int]:
    """Keep-alive connections in threads, for a fixed time: bounded in time and in connections."""
    counts = [0] * connections
    stop = time.monotonic() + seconds
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}

    def load(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            connection.request(method, path, body or None, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{method} {path}: status {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=load, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = with_wrk if shutil.which("wrk") else with_python
    tmp = Path(tempfile.mkdtemp(prefix="tirek-throughput-"))
    tmp.chmod(0o755)  # nginx's workers run as another user
    processes = []
    try:
        export(tmp / "copy")
        nginx_port, app_port = free_port(), free_port()
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=tmp / "copy"))
        processes.append(
            subprocess.Popen(
                ["nginx", "-c", str(tmp / "nginx.conf"), "-g", "daemon off;", "-e", str(tmp / "nginx-error.log")]
            )
        )
        wait_for(nginx_port, PAGE, processes[-1], "nginx")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{app_port}"],
                cwd=ROOT,
                env={**os.environ, "WEB_CONCURRENCY": "2"},
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(app_port, PAGE, processes[-1], "gunicorn")
        method, search_path, body = search_request(app_port)

        print(
            f"load: {load.__name__.removeprefix('with_')}, {args.connections} connections, "
            f"{args.seconds} s each, on {os.cpu_count()} cores"
        )
        nginx, app = processes
        rounds = []
        for _ in range(args.rounds):
            rounds.append(
                (
                    measured(load, nginx, nginx_port, "GET", PAGE, b"", args.seconds, args.connections, tmp),
                    measured(load, app, app_port, "GET", PAGE, b"", args.seconds, args.connections, tmp),
                    measured(load, app, app_port, method, search_path, body, args.seconds, args.connections, tmp),
                )
            )
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    median = statistics.median
    (nginx_page, nginx_cpu), (app_page, app_cpu), (app_search, search_cpu) = (
        (median(rate for rate, _ in column), median(cpu for _, cpu in column)) for column in zip(*rounds)
    )
    page_ratio = median(app[0] / nginx[0] for nginx, app, _ in rounds)
    search_ratio = median(search[0] / app[0] for _, app, search in rounds)
    print(f"{'':36} {'req/s':>8} {'CPU µs/req':>11}")
    print(f"{'nginx, static export, ' + PAGE:36} {nginx_page:8.0f} {nginx_cpu:11.0f}")
    print(
        f"{'gunicorn -w 2, ' + PAGE:36} {app_page:8.0f} {app_cpu:11.0f}   {page_ratio:.2f}× nginx "
        f"(target {PAGE_TARGET}×): {'met' if page_ratio >= PAGE_TARGET else 'MISSED'}; by CPU "
        f"{nginx_cpu / app_cpu:.2f}×"
    )
    print(
        f"{'gunicorn -w 2, ' + method + ' ' + SEARCH:36} {app_search:8.0f} {search_cpu:11.0f}   "
        f"{search_ratio:.2f}× a page (target {SEARCH_TARGET}×): "
        f"{'met' if search_ratio >= SEARCH_TARGET else 'MISSED'}; {app_search / nginx_page:.3f}× nginx"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end (2 cores: above 2, other work shares them)")
    return 0 if page_ratio >= PAGE_TARGET and search_ratio >= SEARCH_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
