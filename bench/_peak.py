"""Peak resident memory of the running process, for the benches that report it."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """This process's peak resident memory, in MB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` of a child process
    starts from its parent's at fork, so a bench's small run in a child of a
    big parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
