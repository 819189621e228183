#!/usr/bin/env python3
"""Hostile-input run against the release binary: per family, N tried / N handled.

    cargo build --release --workspace && scripts/hostile.py [--quick]

Each input is built small, the way an attacker would, in a temporary folder. An input
is *handled* when the command ends within its time limit, without a panic or a
signal, below the memory limit, and with the expected outcome: a refusal (exit 1)
whose message names the file and the place, or a success that really did the work.
Prints one table row per family and every input that was not handled.
"""

import base64
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/plaatwerk")
TIME_LIMIT = 60.0
MEMORY_LIMIT = 2 << 30
QUICK = "--quick" in sys.argv


def run(args, cwd=None, env=None, timeout=TIME_LIMIT):
    """Runs the binary; returns (exit code or -signal, stdout+stderr, peak RSS bytes, seconds)."""
    full_env = dict(os.environ)
    full_env.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    if env:
        full_env.update(env)
    start = time.time()
    # GNU time measures the program itself: the forked Python child's memory before
    # exec would otherwise count in the peak.
    rss_file = tempfile.NamedTemporaryFile(prefix="hostile-rss-", delete=False)
    rss_file.close()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file.name, BIN] + args, cwd=cwd,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    os.set_blocking(proc.stdout.fileno(), False)
    while True:
        try:
            chunk = proc.stdout.read()
            if chunk:
                out += chunk[: max(0, 1_000_000 - len(out))]
        except (BlockingIOError, TypeError):
            pass
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.time() - start > timeout:
            subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)])
            proc.kill()
            os.wait4(proc.pid, 0)
            return ("timeout", out.decode("utf-8", "replace"), peak_rss(rss_file.name), time.time() - start)
        time.sleep(0.02)
    try:
        rest = proc.stdout.read()
        if rest:
            out += rest[:100_000]
    except (BlockingIOError, TypeError):
        pass
    code = os.waitstatus_to_exitcode(status)
    text = out.decode("utf-8", "replace")
    # GNU time says how the program ended when a signal killed it.
    if code != 0 and "Command terminated by signal" in open(rss_file.name).read():
        code = -int(open(rss_file.name).read().split("signal")[1].split()[0])
    elif code != 0 and "Command exited with non-zero status" in open(rss_file.name).read():
        code = int(open(rss_file.name).read().split("status")[1].split()[0])
    return (code, text, peak_rss(rss_file.name), time.time() - start)


def peak_rss(path):
    """Peak RSS in bytes from GNU time's output file (its last line, in kB)."""
    try:
        with open(path) as f:
            lines = [l for l in f.read().splitlines() if l.strip().isdigit()]
        os.unlink(path)
        return int(lines[-1]) * 1024 if lines else 0
    except OSError:
        return 0


class Family:
    def __init__(self, name):
        self.name = name
        self.tried = 0
        self.handled = 0
        self.failures = []
        self.peak = 0
        self.slowest = 0.0
        self.slowest_label = ""

    def record(self, label, ok, why, result=None):
        self.tried += 1
        if result is not None:
            self.peak = max(self.peak, result[2])
            if result[3] > self.slowest:
                self.slowest, self.slowest_label = result[3], label
        if ok:
            self.handled += 1
        else:
            self.failures.append(f"{label}: {why}")


def healthy(result):
    code, out, rss, secs = result
    if code == "timeout":
        return False, f"still running after {TIME_LIMIT:.0f} s"
    if isinstance(code, int) and code < 0:
        return False, f"killed by signal {-code}: {out[-300:]}"
    if "panicked" in out or "memory allocation of" in out:
        return False, f"panic or abort: {out[-300:]}"
    if rss > MEMORY_LIMIT:
        return False, f"peak memory {rss >> 20} MB"
    return True, ""


def refused_or_done(fam, label, path, result, output_file=None):
    ok, why = healthy(result)
    code, out = result[0], result[1]
    if ok:
        if code == 1:
            ok = os.path.basename(path) in out and ("element" in out or "plate:" in out or "line" in out)
            why = f"refusal without file and place: {out[-300:]}"
        elif code == 0:
            ok = output_file is None or (os.path.exists(output_file) and os.path.getsize(output_file) > 0)
            why = "exit 0 without output"
        else:
            ok, why = False, f"exit {code}: {out[-300:]}"
    fam.record(label, ok, why, result)


def plate_json(elements, width=1000, height=1000):
    return (
        '{"format": "plaatwerk.plate", "version": 2, "meta": {"title": "aanval", "width": %d, "height": %d},\n'
        ' "layers": [{"id": "basis", "name": "Basis", "elements": [%s]}]}\n' % (width, height, ",\n".join(elements))
    )


def png_1bit(w, h):
    raw = zlib.compress(b"".join(b"\x00" + b"\x55" * ((w + 7) // 8) for _ in range(h)), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def hostile_plates(rng):
    """Plates that `check` used to accept but could not be drawn."""
    out = []
    texts = [1_000, 20_000, 20_001, 100_000, 999_000]
    wraps = [None, 1, 0.01, 50, 100_000]
    sizes = [0.01, 12, 1_000, 10_000]
    for n in texts:
        for w in wraps:
            for s in sizes:
                if QUICK and rng.random() < 0.7:
                    continue
                wrap = "" if w is None else ', "wrap_width": %s' % w
                text = ("ab " * (n // 3 + 1))[:n]
                out.append((f"text {n} chars wrap {w} size {s}",
                            '{"id": 1, "text": {"x": 0, "y": 0, "text": "%s", "size": %s, "color": "#000000"%s}}' % (text, s, wrap)))
    for words in [1_000, 6_000, 7_000, 400_000]:
        for size in [4, 20, 10_000]:
            out.append((f"sticky {words} words size {size}",
                        '{"id": 2, "sticky": {"x": 0, "y": 0, "width": 200, "height": 200, "text": "%s", "color": "#ffee88", "size": %s}}' % ("ja " * words, size)))
    for entries in [2, 64, 65, 2_000, 200_000]:
        for dash in [0.001, 0.5, 10]:
            for length in [100, 1e6, 9e6]:
                if QUICK and rng.random() < 0.6:
                    continue
                dashes = ",".join([str(dash)] * entries)
                out.append((f"arrow {entries} dashes of {dash} over {length}",
                            '{"id": 3, "arrow": {"from": [0, 0], "to": [%s, 10], "color": "#000000", "width": 4, "dashes": [%s]}}' % (length, dashes)))
    for scale in [1, 1e2, 1e4, 1.0001e4, 1e6, 1e12, 1e-6]:
        for kind in ["text", "ellipse", "stroke"]:
            inner = {
                "text": '{"id": 5, "text": {"x": 0, "y": 0, "text": "groot", "size": 100, "color": "#000000"}}',
                "ellipse": '{"id": 5, "ellipse": {"cx": 10, "cy": 10, "rx": 10, "ry": 10, "fill": "#000000"}}',
                "stroke": '{"id": 5, "stroke": {"color": "#000000", "width": 3, "points": [0,0,1, 5,5,1, 9,2,1, 12,8,1]}}',
            }[kind]
            out.append((f"{kind} scaled {scale}",
                        '{"id": 4, "transform": [%s, 0, 0, %s, 0, 0], "group": {"children": [%s]}}' % (scale, scale, inner)))
    for curves in [1_000, 100_000, 400_000]:
        for extent in [10, 10_000, 1_000_000]:
            if QUICK and rng.random() < 0.5:
                continue
            d = "M0 0" + (" Q %d %d %d 0" % (extent // 2, extent, extent)) * curves
            out.append((f"path {curves} curves of {extent}", '{"id": 6, "path": {"d": "%s", "fill": "#000000"}}' % d))
    for n in [1_000, 1_000_000, 1_000_001]:
        if QUICK and n > 1000:
            continue
        pts = ",".join("%d,%d,1" % (i % 997, i // 997) for i in range(n))
        out.append((f"stroke of {n} points", '{"id": 7, "stroke": {"color": "#000000", "width": 3, "points": [%s]}}' % pts))
    # Shapes side by side: the fill's sweep line crosses all of them at once.
    for n in [1_000, 10_000, 50_000, 200_000]:
        if QUICK and n > 10_000:
            continue
        row = " ".join("M%d 0 h5 v5 h-5 z" % (i * 10) for i in range(n))
        out.append((f"row of {n} squares in one path", '{"id": 9, "path": {"d": "%s", "fill": "#000000"}}' % row))
        comb = "M0 0 " + " ".join("L%d 100 L%d 100 L%d 0" % (2 * i, 2 * i + 1, 2 * i + 2) for i in range(n)) + " Z"
        out.append((f"comb of {n} teeth", '{"id": 9, "path": {"d": "%s", "fill": "#000000"}}' % comb))
    for size in [1, 12, 200]:
        out.append((f"one line of 20000 letters at {size}",
                    '{"id": 1, "text": {"x": 0, "y": 0, "text": "%s", "size": %d, "color": "#000000"}}' % ("a" * 20_000, size)))
    label = "hand-over " * 10_000
    out.append(("arrow label of 100,000 chars",
                '{"id": 8, "arrow": {"from": [0, 0], "to": [500, 10], "color": "#000000", "width": 4, "label": "%s"}}' % label))
    return out


def family_plates(fam, work, rng):
    for k, (label, element) in enumerate(hostile_plates(rng)):
        path = os.path.join(work, f"aanval-{k}.plate")
        with open(path, "w") as f:
            f.write(plate_json([element]))
        check = run(["check", path])
        ok, why = healthy(check)
        if not ok or check[0] != 0:
            refused_or_done(fam, label, path, check)
            continue
        png = os.path.join(work, f"aanval-{k}.png")
        result = run(["export", path, "-o", png, "--width", "1024"])
        refused_or_done(fam, label + " (export)", path, result, png)


def check_then_export(fam, label, path, png):
    """`check`; when it accepts the plate, an export that must then succeed."""
    check = run(["check", path])
    if check[0] == 0:
        refused_or_done(fam, label, path, run(["export", path, "-o", png, "--width", "512"]), png)
    else:
        refused_or_done(fam, label, path, check)


def family_pictures(fam, work, rng):
    sizes = [(100, 100), (6_000, 6_000), (6_400, 6_300), (8_000, 6_000), (16_000, 16_000), (1, 60_000), (65_535, 65_535)]
    for w, h in sizes:
        data = png_1bit(w, h)
        b64 = base64.b64encode(data).decode()
        el = '{"id": 1, "image": {"x": 0, "y": 0, "width": 100, "height": 100, "mime": "image/png", "data": "%s"}}' % b64
        path = os.path.join(work, f"beeld-{w}x{h}.plate")
        with open(path, "w") as f:
            f.write(plate_json([el]))
        png = os.path.join(work, f"beeld-{w}x{h}.png")
        check_then_export(fam, f"{w}x{h} picture in a plate", path, png)
        # Eight of them on one plate.
        many = os.path.join(work, f"beelden-{w}x{h}.plate")
        with open(many, "w") as f:
            f.write(plate_json([el.replace('"id": 1', '"id": %d' % (i + 1)) for i in range(8)]))
        check_then_export(fam, f"8 × {w}x{h} pictures", many, png)
        # The same through an SVG with a data URI.
        svg = os.path.join(work, f"beeld-{w}x{h}.svg")
        with open(svg, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><image width="100" height="100" href="data:image/png;base64,%s"/></svg>' % b64)
        out = os.path.join(work, f"beeld-{w}x{h}-svg.plate")
        result = run(["import", svg, "-o", out, "--force"])
        ok, why = healthy(result)
        if ok and result[0] == 0:
            check = run(["check", out])
            ok, why = check[0] == 0, f"the imported plate fails check: {check[1][-200:]}"
        elif ok:
            ok, why = os.path.basename(svg) in result[1], f"refusal without the file: {result[1][-200:]}"
        fam.record(f"{w}x{h} picture in an SVG", ok, why, result)
    # A damaged picture: check refuses it, export too.
    broken = base64.b64encode(png_1bit(10, 10)[:40]).decode()
    path = os.path.join(work, "kapot-beeld.plate")
    with open(path, "w") as f:
        f.write(plate_json(['{"id": 9, "image": {"x": 0, "y": 0, "width": 10, "height": 10, "mime": "image/png", "data": "%s"}}' % broken]))
    for cmd in (["check", path], ["export", path, "-o", os.path.join(work, "kapot.png")]):
        result = run(cmd)
        ok, why = healthy(result)
        fam.record(f"damaged picture: {cmd[0]}", ok and result[0] == 1 and "element 9" in result[1], why or result[1][-200:], result)


def family_svg(fam, work, rng):
    art = os.path.join(work, "art")
    os.makedirs(os.path.join(art, "sub"), exist_ok=True)
    secret = os.path.join(work, "geheim.png")
    with open(secret, "wb") as f:
        f.write(png_1bit(4, 4))
    with open(os.path.join(art, "sub", "ok.png"), "wb") as f:
        f.write(png_1bit(4, 4))
    os.symlink(secret, os.path.join(art, "link.png"))
    os.mkfifo(os.path.join(art, "pijp.png"))
    hrefs = [
        (secret, False), ("../geheim.png", False), ("sub/../../geheim.png", False), ("/dev/zero", False),
        ("/dev/urandom", False), ("/proc/self/environ", False), ("/etc/passwd", False), ("link.png", False),
        ("pijp.png", False), ("file://" + secret, False), ("http://example.invalid/a.png", False),
        ("sub", False), ("sub/ok.png", True), ("./sub/ok.png", True), ("ontbreekt.png", False),
    ]
    for href, allowed in hrefs:
        svg = os.path.join(art, "kunst.svg")
        with open(svg, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="9" height="9"/><image width="50" height="50" href="%s"/></svg>' % href)
        out = os.path.join(work, "kunst.plate")
        result = run(["import", svg, "-o", out, "--force"], timeout=20)
        ok, why = healthy(result)
        if ok:
            with open(out) as f:
                has_image = '"image"' in f.read()
            if allowed:
                ok, why = has_image, "an allowed picture was not imported"
            else:
                ok = not has_image and "was not read" in result[1]
                why = f"read or not reported: {result[1][-200:]}"
        fam.record(f"href {href}", ok, why, result)
    # Relative paths resolve against the SVG's folder, never the working directory.
    svg = os.path.join(art, "rel.svg")
    with open(svg, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image width="5" height="5" href="geheim.png"/></svg>')
    result = run(["import", svg, "-o", os.path.join(work, "rel.plate"), "--force"], cwd=work)
    with open(os.path.join(work, "rel.plate")) as f:
        fam.record("relative to the working folder", '"image"' not in f.read(), "read from the working folder", result)
    for size, uses in [(10, 10), (100_000, 100), (100_000, 1_000), (100_000, 100_000), (1_000, 1_000_000)]:
        if QUICK and uses > 1000:
            continue
        svg = os.path.join(work, f"bom-{size}-{uses}.svg")
        with open(svg, "w") as f:
            f.write('<!DOCTYPE svg [<!ENTITY e "%s">]><svg xmlns="http://www.w3.org/2000/svg"><text>%s</text></svg>' % ("x" * size, "&e;" * uses))
        result = run(["import", svg, "-o", os.path.join(work, "bom.plate"), "--force"])
        ok, why = healthy(result)
        small = size * uses <= 16 * 1024 * 1024
        if ok:
            # Small expansions import, or are refused by the text limit; bombs never expand.
            ok = (result[0] == 0 or "characters; the limit is" in result[1]) if small else (
                result[0] == 1 and "entity bomb" in result[1])
            why = result[1][-200:]
        fam.record(f"entity of {size} bytes used {uses} times", ok, why, result)
    # Nested entities (billion laughs).
    svg = os.path.join(work, "lol.svg")
    ents = '<!ENTITY a0 "lollollollol">' + "".join('<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 10))
    with open(svg, "w") as f:
        f.write('<!DOCTYPE svg [%s]><svg xmlns="http://www.w3.org/2000/svg"><text>&a9;</text></svg>' % ents)
    result = run(["import", svg, "-o", os.path.join(work, "lol.plate"), "--force"])
    ok, why = healthy(result)
    fam.record("billion laughs", ok and result[0] == 1, why or result[1][-200:], result)
    for nodes in [10_000, 2_100_000]:
        svg = os.path.join(work, f"knopen-{nodes}.svg")
        with open(svg, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg">' + "<g/>" * nodes + "</svg>")
        result = run(["import", svg, "-o", os.path.join(work, "knopen.plate"), "--force"])
        ok, why = healthy(result)
        fam.record(f"{nodes} nodes", ok and result[0] == (0 if nodes < 2_000_000 else 1), why or result[1][-200:], result)


CONSTRUCTOR_C = r"""
#include <stdio.h>
__attribute__((constructor)) static void ran(void) {
    FILE *f = fopen("%s", "w");
    if (f) { fputs("code ran\n", f); fclose(f); }
}
"""


def family_plugins_beside_plates(fam, work, rng):
    folder = os.path.join(work, "project")
    plugins = os.path.join(folder, "plugins")
    os.makedirs(plugins)
    marker = os.path.join(work, "CODE-RAN")
    src = os.path.join(work, "evil.c")
    with open(src, "w") as f:
        f.write(CONSTRUCTOR_C % marker)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", os.path.join(plugins, "libevil.so"), src], check=True)
    plate = os.path.join(folder, "gekregen.plate")
    with open(plate, "w") as f:
        f.write(plate_json(['{"id": 1, "rect": {"x": 0, "y": 0, "width": 10, "height": 10, "fill": "#ff0000"}}']))
    config = os.path.join(work, "config")
    env = {"PLAATWERK_CONFIG_DIR": config, "PLAATWERK_DATA_DIR": os.path.join(work, "data")}
    commands = [
        ["check", plate], ["format", plate], ["export", plate, "-o", os.path.join(work, "x.png")],
        ["export", plate, "-o", os.path.join(work, "x.svg")], ["plugins", "list", "--plate", plate],
        ["plugins", "regenerate", plate],
        ["plugins", "insert", plate, "--plugin", "nl.plaatwerk.route", "--capability", "route"],
    ]
    for cmd in commands:
        result = run(cmd, env=env)
        ok, why = healthy(result)
        ran = os.path.exists(marker)
        fam.record(" ".join(cmd[:2]), ok and not ran, why or "the library's constructor ran", result)
        if ran:
            os.remove(marker)
    # The editor itself, opened on the plate under Xvfb for a few seconds.
    if subprocess.run(["which", "xvfb-run"], capture_output=True).returncode == 0:
        full = dict(os.environ, **env)
        full.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
        proc = subprocess.Popen(["xvfb-run", "-a", BIN, "edit", plate], env=full, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(8)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        fam.record("editor opens the plate", not os.path.exists(marker), "the library's constructor ran")
    # Trusted on purpose, it loads (and the constructor runs: that is what trust means).
    result = run(["plugins", "list", "--plate", plate, "--trust-plugins"], env=env)
    fam.record("--trust-plugins loads it", os.path.exists(marker), "a trusted folder did not load", result)


def family_saves(fam, work, rng):
    victim = os.path.join(work, "slachtoffer.txt")
    with open(victim, "w") as f:
        f.write("niet aankomen")
    base = os.path.join(work, "opslaan.plate")
    canonical = plate_json(['{"id": 1, "rect": {"x": 0, "y": 0, "width": 10, "height": 10, "fill": "#ff0000"}}'])
    messy = canonical.replace("\n", " ")
    # Planted links under every name the old code could pick, then a save.
    for k in range(20):
        with open(base, "w") as f:
            f.write(messy)
        for pid in range(os.getpid(), os.getpid() + 200):
            try:
                os.symlink(victim, os.path.join(work, ".opslaan.plate.%d.tmp" % pid))
            except FileExistsError:
                pass
        result = run(["format", base])
        ok, why = healthy(result)
        with open(victim) as f:
            intact = f.read() == "niet aankomen"
        fam.record(f"planted links {k}", ok and intact and not os.path.islink(base), why or "redirected", result)
    # Permissions kept, links followed.
    os.chmod(base, 0o600)
    with open(base, "w") as f:
        f.write(messy)
    result = run(["format", base])
    fam.record("0600 kept", (os.stat(base).st_mode & 0o777) == 0o600, oct(os.stat(base).st_mode & 0o777), result)
    real = os.path.join(work, "echt.plate")
    with open(real, "w") as f:
        f.write(messy)
    link = os.path.join(work, "link.plate")
    os.symlink("echt.plate", link)
    result = run(["format", link])
    with open(real) as f:
        rewritten = f.read() != messy and run(["check", real])[0] == 0
    fam.record("symlinked plate saved through", os.path.islink(link) and rewritten, "not saved through", result)
    # Kills in the middle of saves: the file is always whole, temporaries do not pile up.
    big = plate_json(['{"id": %d, "text": {"x": 0, "y": %d, "text": "regel %d", "size": 12, "color": "#000000"}}' % (i + 1, i, i) for i in range(40_000)])
    target = os.path.join(work, "gedood.plate")
    kills = 30 if QUICK else 120
    for k in range(kills):
        with open(target, "w") as f:
            f.write(big.replace("\n", " ") if k % 2 == 0 else big.replace("\n", "  "))
        full = dict(os.environ)
        full.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
        proc = subprocess.Popen([BIN, "format", target], env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = run(["check", target])
        fam.record(f"kill {k}", check[0] == 0, f"the plate is broken after a kill: {check[1][-200:]}", check)
    leftovers = [n for n in os.listdir(work) if n.endswith(".plaatwerk-tmp")]
    # The next save of the same plate sweeps what is older than two minutes; here the
    # leftovers are fresh, so they are aged first as time would.
    old = time.time() - 600
    for n in leftovers:
        os.utime(os.path.join(work, n), (old, old))
    with open(target, "w") as f:
        f.write(big.replace("\n", " "))
    result = run(["format", target])
    after = [n for n in os.listdir(work) if n.endswith(".plaatwerk-tmp")]
    fam.record(f"{len(leftovers)} leftovers swept by the next save", not after, f"{len(after)} left", result)


def family_smaller(fam, work, rng):
    folder = os.path.join(work, "plugins")
    os.makedirs(folder)
    with open(os.path.join(folder, "libreus.so"), "wb") as f:
        f.truncate(1 << 30)
    os.mkfifo(os.path.join(folder, "libpijp.so"))
    os.mkdir(os.path.join(folder, "libmap.so"))
    os.symlink("libnergens.so", os.path.join(folder, "liblos.so"))
    os.symlink("liblus2.so", os.path.join(folder, "liblus1.so"))
    os.symlink("liblus1.so", os.path.join(folder, "liblus2.so"))
    result = run(["plugins", "list"], env={"PLAATWERK_PLUGIN_PATH": folder}, timeout=20)
    ok, why = healthy(result)
    for name, text in [("libreus.so", "plugin libraries up to"), ("libpijp.so", "pipe"), ("libmap.so", "folder"),
                       ("liblos.so", "link to nothing"), ("liblus1.so", "loops")]:
        line = [l for l in result[1].splitlines() if name in l]
        idx = result[1].find(name)
        fam.record(f"plugin folder: {name}", ok and idx >= 0 and text in result[1][idx:idx + 400],
                   why or f"not reported: {line}", result)
    fam.record("plugin folder: 1 GB file not read", result[2] < 200 << 20 and result[3] < 5, f"{result[2] >> 20} MB, {result[3]:.1f} s", result)
    # Cut-out names that make the same file name.
    plate = os.path.join(work, "namen.plate")
    with open(plate, "w") as f:
        f.write(plate_json(['{"id": 1, "rect": {"x": 0, "y": 0, "width": 10, "height": 10, "fill": "#ff0000"}}'])[:-2]
                + ', "cutouts": [{"name": "dia-overzicht", "region": [0, 0, 500, 500], "preset": "square-social"},'
                  ' {"name": "DIA OVERZICHT", "region": [500, 500, 500, 500], "preset": "square-social"}]}\n')
    out = os.path.join(work, "namen")
    result = run(["export", plate, "--all-cutouts", "--format", "svg", "-o", out])
    files = sorted(os.listdir(out)) if os.path.isdir(out) else []
    fam.record("colliding cut-out names", files == ["dia-overzicht-2.svg", "dia-overzicht.svg", "manifest.json"], str(files), result)
    # Invalid UTF-8: check and watch both refuse it.
    bad = os.path.join(work, "utf.plate")
    with open(bad, "wb") as f:
        f.write(plate_json([]).encode().replace(b"aanval", b"aan\xffval"))
    result = run(["check", bad])
    fam.record("invalid UTF-8: check", result[0] == 1 and "not UTF-8" in result[1], result[1][-200:], result)
    # A 1 MB colour string is not echoed.
    col = os.path.join(work, "kleur.plate")
    with open(col, "w") as f:
        f.write(plate_json(['{"id": 1, "arrow": {"from": [0, 0], "to": [1, 1], "color": "#%s", "width": 1}}' % ("z" * 1_000_000)]))
    result = run(["check", col])
    fam.record("1 MB colour", result[0] == 1 and len(result[1]) < 1000, f"{len(result[1])} bytes of error", result)


def main():
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing; run cargo build --release --workspace first")
    rng = random.Random(20261202)
    families = [
        ("1 check ok, export dies", family_plates),
        ("2 small picture, huge memory", family_pictures),
        ("3 SVG reads any path", family_svg),
        ("4 opening a plate runs code", family_plugins_beside_plates),
        ("5 saves redirected / killed", family_saves),
        ("6 smaller", family_smaller),
    ]
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(f"{'family':<32} {'tried':>6} {'handled':>8} {'peak MB':>8} {'slowest s':>10}")
    bad = 0
    for name, fn in families:
        if only and not any(o in name for o in only):
            continue
        fam = Family(name)
        with tempfile.TemporaryDirectory() as work:
            fn(fam, work, rng)
        print(f"{name:<32} {fam.tried:>6} {fam.handled:>8} {fam.peak >> 20:>8} {fam.slowest:>10.1f}  ({fam.slowest_label})", flush=True)
        for f in fam.failures:
            print(f"    NOT HANDLED {f}")
        bad += len(fam.failures)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
