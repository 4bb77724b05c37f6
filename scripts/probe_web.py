#!/usr/bin/env python3
"""Runs issue 10's web probes (F2, F3, F4) against a real `kira serve` and prints its memory.

    python3 scripts/probe_web.py ./build/kira            # starts serve on a free port, temp data
    python3 scripts/probe_web.py ./build/kira --only f3  # one probe

Each probe reports the server's VmRSS (from /proc/PID/status) before, at its peak and after,
and whether /api/health kept answering (each check with a 2 s deadline). A manual measurement
tool, not a test: the automated tests are src/web/limits_test.cpp.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Sampler:
    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, rss_kb(pid), False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, rss_kb(self.pid))
            except OSError:
                return
            time.sleep(0.02)

    def done(self):
        self.stop = True
        self.t.join()
        return self.peak


def health(port, timeout=2.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=timeout) as r:
            return r.status == 200
    except Exception:
        return False


def status_of(data):
    if data.startswith(b"HTTP/1."):
        try:
            return int(data[9:12])
        except ValueError:
            pass
    return 0


def flood(port, head, block, total, result, i, tail=b""):
    """Sends `head`, then `block` repeatedly until the server answers or `total` bytes went,
    then `tail`."""
    s = socket.create_connection(("127.0.0.1", port))
    sent = 0
    answer = b""
    try:
        s.sendall(head)
        s.setblocking(True)
        while sent < total:
            s.settimeout(0)
            try:
                answer = s.recv(4096)
                break
            except BlockingIOError:
                pass
            s.settimeout(30)
            s.sendall(block)
            sent += len(block)
        s.settimeout(30)
        if not answer:
            s.sendall(tail)
            answer = s.recv(4096)
    except OSError as e:
        answer = answer or f"error: {e}".encode()
    result[i] = (sent, answer[:120])
    s.close()


def probe_f2(port, pid):
    head = (b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    block = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    results = [None] * 4
    ts = [threading.Thread(target=flood,
                           args=(port, head, block, 300 << 20, results, i, b"0\r\n\r\n"))
          for i in range(4)]
    return ts, results


def probe_f4(port, pid):
    head = b"GET /api/health HTTP/1.1\r\nHost: x\r\n"
    block = b"X-h: v\r\n" * 8192
    results = [None]
    ts = [threading.Thread(target=flood,
                           args=(port, head, block, 2_000_000 * 8, results, 0, b"\r\n"))]
    return ts, results


def run_probe(name, port, pid, make):
    before = rss_kb(pid)
    sampler = Sampler(pid)
    t0 = time.time()
    ts, results = make(port, pid)
    for t in ts:
        t.start()
    checks = ok = 0
    while any(t.is_alive() for t in ts):
        checks += 1
        ok += health(port)
        time.sleep(0.2)
    for t in ts:
        t.join()
    checks += 1
    ok += health(port)
    peak = sampler.done()
    time.sleep(1)
    print(f"{name}: {time.time() - t0:.1f} s; VmRSS before {before} kB, peak {peak} kB, "
          f"after {rss_kb(pid)} kB; health {ok}/{checks}")
    for sent, answer in results:
        print(f"   sent {sent} bytes; answer: {answer[:60]!r} (status {status_of(answer)})")


def probe_f3(port, pid, n=25, interval=5.0, duration=30.0):
    before = rss_kb(pid)
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    t0 = time.time()
    checks = ok = 0
    closed_at = {}
    k = 0
    next_drip = t0 + interval
    while time.time() - t0 < duration:
        t = time.time()
        checks += 1
        ok += health(port)
        if t >= next_drip:
            for i, s in enumerate(socks):
                if i in closed_at:
                    continue
                try:
                    s.sendall(f"X-Slow-{k}: 1\r\n".encode())
                except OSError:
                    closed_at[i] = time.time() - t0
            k += 1
            next_drip += interval
        for i, s in enumerate(socks):
            if i in closed_at:
                continue
            s.settimeout(0)
            try:
                d = s.recv(4096)
                if not d or status_of(d):
                    closed_at[i] = time.time() - t0
            except BlockingIOError:
                pass
            except OSError:
                closed_at[i] = time.time() - t0
        time.sleep(0.5)
    when = sorted(closed_at.values())
    print(f"F3: {n} slowloris (a header line every {interval:.0f} s) for {duration:.0f} s: "
          f"health {ok}/{checks}; {len(closed_at)} closed by the server"
          + (f" after {when[0]:.1f}-{when[-1]:.1f} s" if when else "")
          + f"; VmRSS {before} kB -> {rss_kb(pid)} kB")
    for s in socks:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kira")
    ap.add_argument("--only", choices=["f2", "f3", "f4"])
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    port = a.port
    if not port:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="kira-probe-")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([os.path.abspath(a.kira), "--data", data, "serve", "--no-phone",
                             "--no-dialer", "--web", f"127.0.0.1:{port}"], cwd=repo,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if health(port, 0.5):
                break
            time.sleep(0.1)
        else:
            sys.exit("kira serve did not come up")
        if a.only in (None, "f2"):
            run_probe("F2 (4 x 300 MB chunked POST /api/login)", port, proc.pid, probe_f2)
        if a.only in (None, "f4"):
            run_probe("F4 (2,000,000 header lines)", port, proc.pid, probe_f4)
        if a.only in (None, "f3"):
            probe_f3(port, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
