"""Who used the CPU during a run: the server, the load generator, PostgreSQL, Redis, others.

Read from /proc (Linux). Processes that start and end inside a run are counted through their
parent's children times (PostgreSQL backends through the postmaster) or, for the load
generator, through the wait status of its process.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid):
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ")".
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    own = (int(fields[11]) + int(fields[12])) / TICK
    children = (int(fields[13]) + int(fields[14])) / TICK
    return comm, ppid, own, children


def _machine_busy():
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


def snapshot():
    processes = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(entry.name)
            if stat:
                processes[int(entry.name)] = stat
    busy, total = _machine_busy()
    return {"processes": processes, "busy": busy, "total": total}


def _group(pid, comm, ppid, server_pid, client_pid):
    if pid == server_pid or ppid == server_pid:
        return "server"
    if pid == client_pid:
        return "client"
    if comm == "wrk":
        return "wrk"
    if comm.startswith("postgres"):
        return "postgres"
    if comm.startswith("redis"):
        return "redis"
    return "other"


def usage(before, after, server_pid, client_pid=None, extra_client_seconds=0.0):
    """CPU seconds per group between two snapshots, and the machine's busy cores."""
    groups = {"server": 0.0, "wrk": 0.0, "client": 0.0, "postgres": 0.0, "redis": 0.0}
    for pid, (comm, ppid, own, children) in after["processes"].items():
        old = before["processes"].get(pid)
        if old and old[0] != comm and pid not in (server_pid, client_pid):
            old = None  # pid reused
        own_delta = own - (old[2] if old else 0.0)
        group = _group(pid, comm, ppid, server_pid, client_pid)
        if group == "postgres" and not after["processes"].get(ppid, ("",))[0].startswith(
            "postgres"
        ):
            # The postmaster: backends that ended during the run are in its children times.
            own_delta += children - (old[3] if old else 0.0)
        if group in groups:
            groups[group] += own_delta
    groups["wrk"] += extra_client_seconds
    elapsed = after["total"] - before["total"]
    busy = after["busy"] - before["busy"]
    cores = os.cpu_count() or 1
    wall = elapsed / cores if cores else elapsed
    measured = sum(groups.values())
    result = {name: round(value / wall, 2) for name, value in groups.items()}  # cores used
    result["other"] = round(max(0.0, busy - measured) / wall, 2)
    result["machine_busy"] = round(busy / wall, 2)
    result["cores"] = cores
    result["seconds"] = round(wall, 2)
    return result


def cost_ms(usage_result, requests):
    """Server-side CPU per request in ms: gunicorn, PostgreSQL and Redis together."""
    if not requests:
        return None
    seconds = usage_result["seconds"]
    cores = usage_result["server"] + usage_result["postgres"] + usage_result["redis"]
    return round(cores * seconds / requests * 1000, 3)


def background_load(seconds=3.0):
    """Cores busy on the machine over a few seconds, before the bench starts anything."""
    import time

    before = _machine_busy()
    time.sleep(seconds)
    after = _machine_busy()
    cores = os.cpu_count() or 1
    return round((after[0] - before[0]) / ((after[1] - before[1]) / cores), 2)


def measured(server_pid, function):
    """Run function() and add the CPU use of each process group to its result."""
    before = snapshot()
    result = function()
    after = snapshot()
    extra = result.pop("wrk_cpu_seconds", 0.0)
    result["cpu"] = usage(before, after, server_pid, os.getpid(), extra)
    return result


def mean_usage(usages):
    return {key: round(sum(u[key] for u in usages) / len(usages), 2) for key in usages[0]}
