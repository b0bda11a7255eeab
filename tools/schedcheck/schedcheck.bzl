"""Build-time schedulability check of a product's real-time threads.

    load("//tools/schedcheck:schedcheck.bzl", "schedcheck")

    schedcheck(
        name = "demo_schedcheck",            # writes demo_schedcheck.txt (the report)
        manifests = ["a.manifest", "b.manifest"],   # image (bundle) order
        hz = 62500000,                        # 54000000 for the Raspberry Pi 4
        cpus = 4,                             # the board's cores (default 1)
    )

Building the target runs //tools/schedcheck on the manifests; an
unschedulable set fails the build and prints the report, whose last line
names the thread that misses and by how much (docs/scheduler.md).
"""

QEMU_VIRT_HZ = 62500000
RPI4_HZ = 54000000

def schedcheck(name, manifests, hz = QEMU_VIRT_HZ, cpus = 1, overhead_ticks = 0, **kwargs):
    """The check as a genrule writing <name>.txt; cpus: the board's cores (threads are placed on them)."""
    native.genrule(
        name = name,
        srcs = manifests,
        outs = [name + ".txt"],
        tools = ["//tools/schedcheck"],
        cmd = ("$(execpath //tools/schedcheck) --hz %d --cpus %d --overhead-ticks %d $(SRCS) > $@ 2>&1 " +
               "|| { cat $@ >&2; exit 1; }") % (hz, cpus, overhead_ticks),
        message = "Checking the schedulability of %d manifest(s) for %s" % (len(manifests), name),
        **kwargs
    )
