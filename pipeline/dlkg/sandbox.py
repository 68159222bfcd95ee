"""Network isolation of query worker processes: defence in depth behind the query guard.

A worker evaluates untrusted SPARQL; the guard refuses SERVICE, but if a guard bug lets one
through, the engine would send it anywhere (server-side request forgery). So a worker, before
it opens the store or reads a request, takes away its own network access with two layers:

- `namespace`: a new network namespace (`unshare(CLONE_NEWNET)`, inside a new user namespace
  when not root). The worker then has only a loopback interface that is down: no route to the
  host's 127.0.0.1 or anywhere else.
- `seccomp`: a filter on `socket()` that allows only AF_UNIX (the worker talks to the front
  over a Unix socketpair) and fails every other family with EPERM; it also refuses io_uring
  (whose requests can open sockets without the `socket` syscall) and foreign-ABI syscalls.

`probe()` finds out in a throw-away process what this kernel grants; `resolve()` turns the
operator's `--isolation` choice into the active mode every worker then applies with
`isolate_network()`, refusing to serve when it cannot (fail closed). See docs/security.md.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import UsageError

CHOICES = ("auto", "namespace", "seccomp", "none")
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1  # apply to every thread of the process, not only the caller
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
_IO_URING_SETUP = 425  # same number on every architecture (new syscall table)
# machine: (AUDIT_ARCH_*, __NR_socket, __NR_seccomp)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
}


class IsolationError(OSError):
    """The kernel refused a layer of network isolation."""

    def __str__(self) -> str:
        return str(self.strerror)  # "what: why", without the "[Errno N]" prefix


@dataclass(frozen=True)
class Isolation:
    """The active mode ("namespace+seccomp", "namespace", "seccomp" or "none") and why."""

    mode: str
    warnings: tuple[str, ...] = ()

    @property
    def layers(self) -> tuple[str, ...]:
        return () if self.mode == "none" else tuple(self.mode.split("+"))

    def describe(self) -> str:
        """One line for the startup banner and the service description."""
        return describe_isolation(self.mode)


def describe_isolation(mode: str) -> str:
    """What an active mode means, in words."""
    if mode == "none":
        return "query workers can open network connections (isolation: none)"
    return f"query workers cannot open network connections (isolation: {mode})"


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _fail(what: str) -> IsolationError:
    errno = ctypes.get_errno()
    return IsolationError(errno, f"{what}: {os.strerror(errno)}")


def enter_network_namespace() -> None:
    """Move this (single-threaded) process into a new, empty network namespace."""
    if not sys.platform.startswith("linux"):
        raise IsolationError(0, f"network namespaces need Linux, not {sys.platform}")
    libc = _libc()
    if os.geteuid() == 0 and libc.unshare(_CLONE_NEWNET) == 0:
        return
    # Unprivileged (or root without CAP_SYS_ADMIN): a user namespace grants the capability.
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        raise _fail("unshare(CLONE_NEWUSER | CLONE_NEWNET)")
    # Map our own ids to themselves so that file access inside looks the same as outside.
    maps = (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1"))
    for name, text in maps:
        try:
            Path("/proc/self", name).write_text(text)
        except OSError as err:
            raise IsolationError(err.errno or 0, f"/proc/self/{name}: {err.strerror}") from None


def socket_filter(machine: str | None = None) -> bytes:
    """The classic-BPF seccomp program (struct sock_filter[]) for this machine's ABI."""
    arch, nr_socket, _ = _ARCHES[machine or platform.machine()]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, |JGE|K, BPF_RET|K
    program = [
        (ld, 0, 0, 4),  # seccomp_data.arch
        (jeq, 1, 0, arch),
        (ret, 0, 0, _RET_EPERM),  # another ABI (i386 int 0x80: socketcall) is not filtered: refuse
        (ld, 0, 0, 0),  # seccomp_data.nr
        (jge, 5, 0, 0x40000000),  # x32 syscalls (nr | __X32_SYSCALL_BIT)
        (jeq, 4, 0, _IO_URING_SETUP),
        (jeq, 1, 0, nr_socket),
        (ret, 0, 0, _RET_ALLOW),
        (ld, 0, 0, 16),  # seccomp_data.args[0], low 32 bits (little-endian): the family
        (jeq, 1, 0, socket.AF_UNIX),
        (ret, 0, 0, _RET_EPERM),
        (ret, 0, 0, _RET_ALLOW),
    ]
    return b"".join(struct.pack("=HBBI", *insn) for insn in program)


def install_socket_filter() -> None:
    """Let this process (all its threads, and what it starts) create only AF_UNIX sockets."""
    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in _ARCHES:
        raise IsolationError(0, f"seccomp filter: no syscall table for {machine}")
    code = socket_filter(machine)
    buffer = ctypes.create_string_buffer(code, len(code))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(code) // 8, ctypes.addressof(buffer))
    libc = _libc()
    # Required for an unprivileged filter; also stops setuid programs regaining what we drop.
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise _fail("prctl(PR_SET_NO_NEW_PRIVS)")
    nr_seccomp = _ARCHES[machine][2]
    flags = ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC)
    mode = ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER)
    if libc.syscall(nr_seccomp, mode, flags, ctypes.byref(prog)) != 0:
        raise _fail("seccomp(SECCOMP_SET_MODE_FILTER)")


def isolate_network(mode: str) -> None:
    """Apply the layers of an active mode ("namespace+seccomp", ..., "none") to this process.

    Raises IsolationError when a layer fails: a worker must then refuse to serve.
    """
    layers = () if mode == "none" else mode.split("+")
    if "namespace" in layers:
        enter_network_namespace()
    if "seccomp" in layers:
        install_socket_filter()


def _probe_here() -> dict[str, str]:
    """Try each layer in this process; "" for granted, else the kernel's reason."""
    result: dict[str, str] = {}
    layers = (("namespace", enter_network_namespace), ("seccomp", install_socket_filter))
    for layer, apply in layers:
        try:
            apply()
            result[layer] = ""
        except OSError as err:
            result[layer] = str(err) or type(err).__name__
    return result


@cache
def probe() -> dict[str, str]:
    """What this kernel grants a fresh process: {"namespace": reason or "", "seccomp": ...}."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dlkg.sandbox", "--probe"],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            check=False,
        )
        found: dict[str, str] = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as err:
        reason = f"probe failed: {err}"
        return {"namespace": reason, "seccomp": reason}
    return found


def resolve(requested: str) -> Isolation:
    """The active mode for `--isolation` (auto = the strongest this kernel grants).

    Raises UsageError for an explicit layer the kernel refuses (the operator asked for it).
    """
    if requested not in CHOICES:
        raise UsageError(f"--isolation must be one of {', '.join(CHOICES)}, not {requested!r}")
    if requested == "none":
        return Isolation("none", (_LOUD + "--isolation none was given.",))
    refused = {layer: why for layer, why in probe().items() if why}
    if requested != "auto":
        if requested in refused:
            raise UsageError(
                f"--isolation {requested}: the kernel refuses it ({refused[requested]}); "
                "use --isolation auto or none"
            )
        return Isolation(requested)
    granted = [layer for layer in ("namespace", "seccomp") if layer not in refused]
    mode = "+".join(granted) or "none"
    reasons = "; ".join(f"{layer}: {why}" for layer, why in refused.items())
    if not granted:
        return Isolation(mode, (_LOUD + f"the kernel refuses every layer ({reasons}).",))
    if refused:
        return Isolation(mode, (f"WARNING: network isolation is partial ({mode}); {reasons}.",))
    return Isolation(mode)


_LOUD = (
    "WARNING: QUERY WORKERS CAN OPEN NETWORK CONNECTIONS. A query that gets past the guard "
    "could reach any address this host can (including its 127.0.0.1). Reason: "
)


def main(argv: list[str]) -> None:
    """`python -m dlkg.sandbox --probe`: what this kernel grants, as JSON (for `probe()`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dlkg.sandbox")
    parser.add_argument("--probe", action="store_true", help="try each layer, print JSON")
    if parser.parse_args(argv).probe:
        print(json.dumps(_probe_here()))
    else:
        parser.print_help()


if __name__ == "__main__":
    main(sys.argv[1:])
