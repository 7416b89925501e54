"""Finding and killing the provider processes a client started (for the
kill tests): the client runs each provider as a child process."""

import os
import signal


def descendants(pid):
    """Process ids below `pid` (from /proc), children first."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def kill_providers(client_pid):
    """SIGKILLs every terraform-provider-dcs below the client; returns their pids."""
    providers = [p for p in descendants(client_pid) if "terraform-provider-dcs" in cmdline(p)]
    for pid in providers:
        os.kill(pid, signal.SIGKILL)
    return providers
