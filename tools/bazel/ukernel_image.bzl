"""ukernel_image: one bootable image (kernel + domains) per board.

A product is one BUILD target listing its domains:

load("//tools/bazel:ukernel_image.bzl", "ukernel_image")

    ukernel_image(
        name = "demo",
        domains = {
            "hello.manifest": "//userland/examples:hello",   # manifest: ELF
            "batch.manifest": "//userland/examples:batch",
        },
        board = "qemu_virt",
        exit = "production",
    )

Every manifest and ELF is validated by tools/pack when the image is built
(docs/manifest.md); a bad one fails the build with a message naming the
file, the line, the field and the problem.

Targets made by ukernel_image(name = "x", ...) (docs/manifest.md):
    x_bundle_domain_<i>  ukernel_domain_files for each (manifest, ELF) pair given
    x_bundle_pack        tools/pack: x_bundle_pack.inc (the bundle bytes,
                         kernel/image/bundle_format.h) and x_bundle_pack.S
                         (.incbin of it in section .domain_bundle)
    x_bundle             cc_library defining uk_domain_bundle_start/_end
    x_kernel             the kernel cc_binary (bare metal only)
    x                    kernel_image: x.bin (default output), x.elf (group "elf")
"""

load("//tools/schedcheck:schedcheck.bzl", "QEMU_VIRT_HZ", "RPI4_HZ", _schedcheck = "schedcheck")
load(":kernel_image.bzl", "BARE_METAL", "kernel_image")

UkernelDomainInfo = provider(
    doc = "A domain to pack: its manifest and its EL0 program.",
    fields = {
        "manifest": "File: the domain's manifest (docs/manifest.md).",
        "elf": "File: the domain's ELF executable (AArch64, linked at 0x400000).",
    },
)

_BOARDS = ["qemu_virt", "rpi4"]

_EXITS = {
    "production": "//arch/aarch64:exit_production",
    "semihosting": "//arch/aarch64:exit_semihosting",
}

def _single_file(target, what, owner):
    files = target[DefaultInfo].files.to_list()
    if len(files) != 1:
        fail("%s: %s %s must provide exactly one file, got %s" % (owner, what, target.label, [f.short_path for f in files]))
    return files[0]

def _ukernel_domain_files_impl(ctx):
    elf = _single_file(ctx.attr.elf, "elf", ctx.label)
    return [
        UkernelDomainInfo(manifest = ctx.file.manifest, elf = elf),
        DefaultInfo(files = depset([ctx.file.manifest, elf])),
    ]

ukernel_domain_files = rule(
    implementation = _ukernel_domain_files_impl,
    doc = """Pairs a manifest with a domain ELF (UkernelDomainInfo).

    ukernel_image creates these for the pairs it is given; a domain macro may
    create one too, so that images can list the domain by a single label.""",
    attrs = {
        "manifest": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "The domain manifest.",
        ),
        "elf": attr.label(
            mandatory = True,
            allow_files = True,
            doc = "A target providing exactly one file: the domain's ELF.",
        ),
    },
)

def _bundle_impl(ctx):
    bundle = ctx.outputs.bundle
    asm = ctx.outputs.asm
    args = ctx.actions.args()
    args.add("--out", bundle)

    # The wrapper (.incbin between uk_domain_bundle_start/_end in section
    # .domain_bundle, which kernel.ld keeps in .rodata) names the bundle's
    # hash, so it is reassembled whenever the bundle changes.
    args.add("--asm", asm)

    # Threads are placed on the board's cores at build time (partitioned
    # scheduling, docs/scheduler.md), analysed at its timer frequency.
    args.add("--cpus", str(ctx.attr.cpus))
    args.add("--hz", str(ctx.attr.hz))
    if not ctx.attr.analyse:
        args.add("--no-analysis")
    inputs = []
    for d in ctx.attr.domains:
        info = d[UkernelDomainInfo]
        args.add("--domain")
        args.add(info.manifest)
        args.add(info.elf)
        inputs += [info.manifest, info.elf]
    ctx.actions.run(
        executable = ctx.executable._pack,
        arguments = [args],
        inputs = inputs,
        outputs = [bundle, asm],
        mnemonic = "UkernelPack",
        progress_message = "Packing %d domain(s) into %s" % (len(ctx.attr.domains), bundle.short_path),
    )

    return [DefaultInfo(files = depset([bundle]))]

ukernel_bundle = rule(
    implementation = _bundle_impl,
    doc = "Runs tools/pack on `domains`: <name>.inc (the bundle) and <name>.S (its .incbin wrapper).",
    attrs = {
        "domains": attr.label_list(
            providers = [UkernelDomainInfo],
            doc = "Domains in bundle order.",
        ),
        "cpus": attr.int(
            default = 1,
            doc = "Cores to place the threads on (pack --cpus): the board's core count.",
        ),
        "hz": attr.int(
            default = QEMU_VIRT_HZ,
            doc = "Timer frequency for the placement's analysis (pack --hz).",
        ),
        "analyse": attr.bool(
            default = True,
            doc = "False: place without analysis (pack --no-analysis): pins kept, the rest on core 0.",
        ),
        "_pack": attr.label(
            default = Label("//tools/pack"),
            executable = True,
            cfg = "exec",
        ),
    },
    outputs = {
        "bundle": "%{name}.inc",
        "asm": "%{name}.S",
    },
)

def _domain_targets(name, domains, tags, testonly):
    """Normalizes `domains` to a list of UkernelDomainInfo labels.

    Accepted: a dict {manifest: elf} (in order), or a list whose elements are
    labels of UkernelDomainInfo targets or (manifest, elf) pairs.
    """
    entries = []
    if type(domains) == "dict":
        entries = [(m, e) for m, e in domains.items()]
    elif type(domains) == "list":
        entries = domains
    else:
        fail("%s: domains must be a dict {manifest: elf} or a list, got %s" % (name, type(domains)))
    labels = []
    for i, entry in enumerate(entries):
        if type(entry) == "string":
            labels.append(entry)
        elif type(entry) in ["tuple", "list"] and len(entry) == 2:
            target = "%s_domain_%d" % (name, i)
            ukernel_domain_files(
                name = target,
                manifest = entry[0],
                elf = entry[1],
                tags = tags,
                testonly = testonly,
            )
            labels.append(":" + target)
        else:
            fail("%s: domains[%d] must be a label or a (manifest, elf) pair, got %r" % (name, i, entry))
    return labels

def ukernel_bundle_library(
        name,
        domains = [],
        cpus = 1,
        hz = QEMU_VIRT_HZ,
        analyse = True,
        tags = [],
        testonly = False,
        **kwargs):
    """cc_library `name` defining uk_domain_bundle_start/_end around the packed domains.

    Args:
      name: the cc_library; the bundle is <name>_pack.inc, its wrapper <name>_pack.S.
      domains: as for ukernel_image.
      cpus: the board's core count: threads are placed on cores 0..cpus-1.
      hz: the board's timer frequency (the placement's analysis is in ticks).
      analyse: False places without analysis (pins kept, the rest on core 0).
      tags: applied to every target made.
      testonly: applied to every target made.
      **kwargs: passed to the cc_library (visibility, ...).
    """
    ukernel_bundle(
        name = name + "_pack",
        domains = _domain_targets(name, domains, tags, testonly),
        cpus = cpus,
        hz = hz,
        analyse = analyse,
        tags = tags,
        testonly = testonly,
    )
    native.cc_library(
        name = name,
        srcs = [":%s_pack.S" % name],
        textual_hdrs = [":%s_pack.inc" % name],
        target_compatible_with = BARE_METAL,
        # Nothing may reference the symbols yet; keep the object in the link.
        alwayslink = True,
        tags = tags,
        testonly = testonly,
        **kwargs
    )

# The generic timer's frequency per board (CNTFRQ_EL0 as the firmware sets it).
_TIMER_HZ = {
    "qemu_virt": QEMU_VIRT_HZ,
    "rpi4": RPI4_HZ,
}

# Cores per board (QEMU virt is run with -smp 4; the Pi 4 has four A72s).
# The build places every thread on one of them (pack --cpus, schedcheck --cpus).
_CPUS = {
    "qemu_virt": 4,
    "rpi4": 4,
}

def _manifests(domains):
    """The manifest labels of `domains` given as a dict or (manifest, elf) pairs."""
    if type(domains) == "dict":
        return list(domains.keys())
    return [d[0] for d in domains if type(d) in ["tuple", "list"]]

def ukernel_image(
        name,
        domains = [],
        board = "qemu_virt",
        schedcheck = True,
        rootfs = "//kernel/vfs:empty_rootfs",
        exit = "production",
        selftests = "//kernel:no_selftests",
        deps = [],
        tags = [],
        testonly = False,
        visibility = None,
        **kwargs):
    """A bootable kernel image for `board` carrying `domains`.

    Args:
      name: the kernel_image target (<name>.bin; <name>.elf in output group "elf").
      domains: dict {manifest label: ELF label}, or a list of
        (manifest, ELF) pairs and/or labels of targets providing
        UkernelDomainInfo (e.g. made by ukernel_domain_files). Bundle order
        is list/dict order. Each ELF label must provide exactly one file.
        Empty: the image links //kernel/image:no_domains.
      board: "qemu_virt" or "rpi4": links //bsp/<board>:board and builds for
        //platforms:<board>.
      rootfs: a ukernel_rootfs target: the read-only file tree domains see
        through the Vfs ops (default: empty).
      schedcheck: run the response-time analysis (//tools/schedcheck) over
        the domains' real-time threads at build time, with the board's timer
        frequency and cores; an unschedulable set fails the build with the
        report. The pack tool places the threads on the board's cores with
        the same analysis (and refuses an unschedulable set too); False
        skips both: pinned threads stay on their core, all others go to
        core 0, unanalysed. (The kernel repeats the analysis at boot either way.)
      exit: "production" (PSCI power-off) or "semihosting" (test images:
        the verdict becomes QEMU's exit status).
      selftests: the boot-time self-test library to link.
      deps: more kernel libraries to link (e.g. subsystems).
      tags: applied to every target made.
      testonly: applied to every target made (set it when a domain is testonly).
      visibility: of the kernel_image target.
      **kwargs: passed to kernel_image.
    """
    if board not in _BOARDS:
        fail("%s: board must be one of %s, got %r" % (name, _BOARDS, board))
    if exit not in _EXITS:
        fail("%s: exit must be one of %s, got %r" % (name, sorted(_EXITS.keys()), exit))

    if domains:
        bundle = name + "_bundle"
        ukernel_bundle_library(
            name = bundle,
            domains = domains,
            cpus = _CPUS[board],
            hz = _TIMER_HZ[board],
            analyse = schedcheck,
            tags = tags,
            testonly = testonly,
        )
        bundle = ":" + bundle
    else:
        bundle = "//kernel/image:no_domains"

    checks = []
    manifests = _manifests(domains)
    if schedcheck and manifests:
        _schedcheck(
            name = name + "_schedcheck",
            manifests = manifests,
            hz = _TIMER_HZ[board],
            cpus = _CPUS[board],
            tags = tags,
        )
        checks = [":%s_schedcheck" % name]

    native.cc_binary(
        name = name + "_kernel",
        # The schedulability report is a link input, so the image is only
        # built once the analysis has passed.
        additional_linker_inputs = ["//arch/aarch64:boot/kernel.ld"] + checks,
        linkopts = [
            "-T",
            "$(location //arch/aarch64:boot/kernel.ld)",
        ],
        target_compatible_with = BARE_METAL,
        tags = tags,
        testonly = testonly,
        deps = [
            "//arch/aarch64:boot",
            "//bsp/%s:board" % board,
            _EXITS[exit],
            selftests,
            bundle,
            rootfs,
        ] + deps,
    )

    kernel_image(
        name = name,
        elf = ":%s_kernel" % name,
        platform = "//platforms:%s" % board,
        tags = tags,
        testonly = testonly,
        visibility = visibility,
        **kwargs
    )
