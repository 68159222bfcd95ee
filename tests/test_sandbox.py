"""Network isolation of a process (dlkg.sandbox), each layer tried in a real subprocess."""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dlkg.errors import UsageError
from dlkg.sandbox import probe, resolve, socket_filter

# Runs in the child: isolate, then report what the network and a Unix socketpair still do.
CHILD = """
import socket, sys
from dlkg.sandbox import isolate_network
isolate_network(sys.argv[1])
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5).close()
    print("tcp: connected")
except OSError as err:
    print(f"tcp: refused errno={err.errno}")
for family in (socket.AF_INET6, socket.AF_NETLINK):
    try:
        socket.socket(family, socket.SOCK_DGRAM).close()
        print(f"family {int(family)}: allowed")
    except OSError as err:
        print(f"family {int(family)}: refused errno={err.errno}")
left, right = socket.socketpair()
left.sendall(b"ping")
print("unix:", right.recv(4).decode())
"""


class Counter:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture()
def counter() -> Iterator[Counter]:
    listener = Counter()
    yield listener
    listener.close()


def run_child(mode: str, port: int, prefix: tuple[str, ...] = ()) -> list[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run(
        [*prefix, sys.executable, "-c", CHILD, mode, str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def granted(layer: str) -> None:
    why = probe()[layer]
    if why:
        pytest.skip(f"this kernel refuses {layer}: {why}")


def test_without_isolation_the_child_reaches_the_listener(counter: Counter) -> None:
    lines = run_child("none", counter.port)
    assert lines[0] == "tcp: connected"  # the control: the test's listener is reachable
    assert lines[-1] == "unix: ping"


def test_a_network_namespace_has_no_route_to_the_hosts_loopback(counter: Counter) -> None:
    granted("namespace")
    lines = run_child("namespace", counter.port)
    assert lines[0] == "tcp: refused errno=101"  # ENETUNREACH: the new loopback is down
    assert lines[-1] == "unix: ping"
    assert counter.accepted == 0


def test_the_seccomp_filter_allows_only_unix_sockets(counter: Counter) -> None:
    granted("seccomp")
    lines = run_child("seccomp", counter.port)
    assert lines[:3] == [
        "tcp: refused errno=1",  # EPERM from socket() itself
        f"family {int(socket.AF_INET6)}: refused errno=1",
        f"family {int(socket.AF_NETLINK)}: refused errno=1",
    ]
    assert lines[-1] == "unix: ping"
    assert counter.accepted == 0


def test_both_layers_together(counter: Counter) -> None:
    granted("namespace")
    granted("seccomp")
    lines = run_child("namespace+seccomp", counter.port)
    assert lines[0] == "tcp: refused errno=1"
    assert lines[-1] == "unix: ping"
    assert counter.accepted == 0


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv"
)
def test_an_unprivileged_user_gets_the_namespace_through_a_user_namespace(
    counter: Counter,
) -> None:
    nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    path = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    check = subprocess.run(
        [*nobody, sys.executable, "-c", "import dlkg"],
        capture_output=True,
        timeout=30,
        env=path,
        check=False,
    )
    if check.returncode != 0:  # e.g. a checkout inside a private folder (mktemp -d: 0700)
        pytest.skip("user nobody cannot run this interpreter or read this checkout's dlkg")
    unprivileged = run_child("none", counter.port, nobody)
    assert unprivileged[0] == "tcp: connected"
    found = subprocess.run(
        [*nobody, sys.executable, "-m", "dlkg.sandbox", "--probe"],
        capture_output=True,
        text=True,
        timeout=30,
        env=path,
        check=False,
    ).stdout
    if '"namespace": ""' not in found:
        pytest.skip(f"unprivileged user namespaces are off here: {found}")
    before = counter.accepted  # 1: the unisolated control above
    lines = run_child("namespace", counter.port, nobody)
    assert lines[0] == "tcp: refused errno=101"
    assert lines[-1] == "unix: ping"
    assert counter.accepted == before


def test_the_filter_program_is_whole_instructions_ending_in_returns() -> None:
    for machine in ("x86_64", "aarch64"):
        code = socket_filter(machine)
        assert len(code) % 8 == 0
        last = code[-8:]
        assert last[:2] == (0x06).to_bytes(2, sys.byteorder)  # BPF_RET|BPF_K


def test_resolve_reports_the_active_mode_and_warns_loudly_for_none() -> None:
    none = resolve("none")
    assert none.mode == "none"
    assert "CAN OPEN NETWORK CONNECTIONS" in none.warnings[0]
    auto = resolve("auto")
    expected = "+".join(layer for layer in ("namespace", "seccomp") if not probe()[layer])
    assert auto.mode == (expected or "none")
    assert auto.mode in auto.describe()
    with pytest.raises(UsageError, match="--isolation must be one of"):
        resolve("firewall")


# A child that first makes the kernel refuse some syscalls (its own seccomp filter, EPERM),
# then asks resolve() what it gets: the fallbacks as a real refusing kernel produces them.
REFUSE = """
import ctypes, json, struct, sys
refuse = [int(n) for n in sys.argv[1].split(",")]
program = [(0x20, 0, 0, 0)]  # load the syscall number
for nr in refuse:
    program.append((0x15, 0, 1, nr))
    program.append((0x06, 0, 0, 0x00050001))  # SECCOMP_RET_ERRNO | EPERM
program.append((0x06, 0, 0, 0x7FFF0000))
code = b"".join(struct.pack("=HBBI", *insn) for insn in program)
buf = ctypes.create_string_buffer(code, len(code))
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(38, 1, 0, 0, 0) == 0
assert libc.prctl(22, 2, ctypes.byref(Prog(len(program), ctypes.addressof(buf)))) == 0
"""
RESOLVE = """
from dlkg.errors import UsageError
from dlkg.sandbox import resolve
found = {}
for mode in ("auto", "namespace", "seccomp"):
    try:
        got = resolve(mode)
        found[mode] = [got.mode, list(got.warnings)]
    except UsageError as err:
        found[mode] = ["error", [str(err)]]
print(json.dumps(found))
"""
# The front's probe said yes, but a worker's layer fails: the server must not start.
SERVE = """
import dataclasses
from pathlib import Path
import pyoxigraph as ox
from dlkg.web.server.serve import create_server
from dlkg.web.server.settings import ServeSettings
folder = Path(sys.argv[2])
store = ox.Store(str(folder / "store"))
store.load(path=sys.argv[3], format=ox.RdfFormat.TRIG)
store.flush()
del store
server = create_server(ServeSettings(
    store_dir=folder / "store", build_dir=folder, base_iri="https://w3id.org/dlkg/", port=0,
    workers=1, isolation="none",
))
serve = dataclasses.replace(server.settings.serve, isolation="namespace")
server.settings = dataclasses.replace(server.settings, serve=serve)
try:
    server.serve_forever()
    print("served")
except RuntimeError as err:
    print(f"refused to start: {err}")
"""
NR_UNSHARE, NR_SECCOMP = 272, 317  # x86-64


def under_refusal(code: str, refused: tuple[int, ...], *args: str) -> str:
    if platform.machine() != "x86_64":
        pytest.skip("syscall numbers of x86-64")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run(
        [sys.executable, "-c", REFUSE + code, ",".join(map(str, refused)), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def resolve_under_refusal(*refused: int) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = json.loads(under_refusal(RESOLVE, refused))
    return found


def test_without_namespaces_auto_keeps_seccomp_and_says_what_is_missing() -> None:
    found = resolve_under_refusal(NR_UNSHARE)
    mode, warnings = found["auto"]
    assert mode == "seccomp"
    assert warnings == [
        "WARNING: network isolation is partial (seccomp); "
        "namespace: unshare(CLONE_NEWUSER | CLONE_NEWNET): Operation not permitted."
    ]
    assert found["seccomp"] == ["seccomp", []]
    assert found["namespace"][0] == "error"
    assert "--isolation namespace: the kernel refuses it" in found["namespace"][1][0]


def test_a_kernel_refusing_both_layers_gets_the_loud_warning() -> None:
    found = resolve_under_refusal(NR_UNSHARE, NR_SECCOMP)
    mode, warnings = found["auto"]
    assert mode == "none"
    assert warnings[0].startswith("WARNING: QUERY WORKERS CAN OPEN NETWORK CONNECTIONS.")
    assert "namespace: unshare" in warnings[0] and "seccomp: seccomp(" in warnings[0]
    assert found["seccomp"][0] == "error"


def test_a_worker_whose_layer_fails_stops_the_server_from_starting(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "web_small_dataset.trig"
    out = under_refusal(SERVE, (NR_UNSHARE,), str(tmp_path), str(fixture))
    assert out.startswith("refused to start: unshare(CLONE_NEWUSER | CLONE_NEWNET): ")
