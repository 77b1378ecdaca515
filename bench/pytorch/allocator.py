"""The memory allocator of the PyTorch baselines: the same as ResNet4J's.

The ResNet4J launcher preloads tcmalloc (Debian's libtcmalloc-minimal4); glibc's malloc slows
PyTorch 1.13 two- to four-fold on this project's machine (BENCHMARKS.md). A baseline on a different
allocator measures the allocator, so every PyTorch script under bench/ calls use_tcmalloc() first:
it re-executes the script once with tcmalloc in LD_PRELOAD where the library is installed (and
RESNET4J_NO_TCMALLOC, which the launcher also honours, is unset), with tcmalloc's release rate at 0
as the launcher sets it (freed memory is kept for reuse, not handed back to the kernel) unless
TCMALLOC_RELEASE_RATE says otherwise.
"""
import os
import sys

TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"


def in_use():
    """The allocator this process runs on, as found in its memory map."""
    try:
        with open("/proc/self/maps") as maps:
            if "tcmalloc" in maps.read():
                return "tcmalloc"
    except OSError:
        pass
    return "glibc malloc"


def describe():
    """in_use() as the JSON records name it: "tcmalloc (release rate R)" as ResNet4J's bench names its own."""
    name = in_use()
    if name != "tcmalloc":
        return name
    rate = os.environ.get("TCMALLOC_RELEASE_RATE", "").strip()
    return f"tcmalloc (release rate {rate or 'default'})"


def use_tcmalloc():
    if os.environ.get("RESNET4J_NO_TCMALLOC") or not os.path.exists(TCMALLOC):
        return
    if os.environ.get("_RESNET4J_PRELOADED"):  # re-executed once already: do not loop
        return
    mapped = in_use() == "tcmalloc"
    if mapped and os.environ.get("TCMALLOC_RELEASE_RATE"):
        return
    # tcmalloc reads its release rate when it loads, so a process that has it already but not the rate is
    # re-executed too, with the rate set
    preload = os.environ.get("LD_PRELOAD")
    if not mapped:
        preload = TCMALLOC + (":" + preload if preload else "")
    env = dict(os.environ, _RESNET4J_PRELOADED="1")
    if preload:
        env["LD_PRELOAD"] = preload
    env.setdefault("TCMALLOC_RELEASE_RATE", "0")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
