"""ukernel_domain: builds an EL0 domain program (an AArch64 ELF) from C/C++.

    load("//tools/bazel:ukernel_domain.bzl", "ukernel_domain")

    ukernel_domain(
        name = "hello",
        srcs = ["hello.cc"],
    )

produces `hello.elf` (DefaultInfo, and DomainProgramInfo.elf): a static,
position-dependent ELF linked at 0x400000 by userland/runtime/domain.ld,
with crt0 (`_start`), the ring client and the C helpers linked in. The
program is compiled by the bare-metal toolchain under a transition to
`platform`, so `bazel build //userland/...` works from the host
configuration; ukernel_image (tools/bazel/ukernel_image.bzl) packs the ELF.
`hello.elf` has its DWARF stripped (symbols kept); the ELF as linked, with
debug info, is in output group "debug" (`--output_groups=debug`).

Compiler flags are the toolchain's (-ffreestanding -fno-exceptions -fno-rtti
-mgeneral-regs-only -std=c11 / -std=c++20 -O2 ...) plus `copts`. Linking
turns off the kernel's static PIE (feature static_pie_executable) and uses
the toolchain's `static_executable` feature (-static -no-pie) instead.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary")
# kernel_image's transition: the program is always built for a bare-metal
# AArch64 platform, whatever configuration asks for it.
load("//tools/bazel:kernel_image.bzl", "BARE_METAL", _platform_transition = "platform_transition")

DomainProgramInfo = provider(
    doc = "An EL0 domain program built by ukernel_domain.",
    fields = {
        "elf": "File: <name>.elf, the program (ET_EXEC, AArch64, PT_LOADs at 0x400000+), DWARF stripped.",
        "debug_elf": "File: the same program as linked, with debug info (for gdb / addr2line).",
        "program": "string: the target name (a manifest's default `name`).",
    },
)

_RUNTIME = [
    "//userland:runtime",
    "//userland:ring",
]

_LINKER_SCRIPT = "//userland:runtime/domain.ld"

def _one(attr_value):
    # Attributes with a Starlark transition arrive as a one-element list.
    return attr_value[0] if type(attr_value) == "list" else attr_value

def _ukernel_domain_elf_impl(ctx):
    files = _one(ctx.attr.binary)[DefaultInfo].files.to_list()
    if len(files) != 1:
        fail("binary must produce exactly one file, got %s" % files)
    linked = files[0]
    cc_toolchain = _one(ctx.attr._cc_tools)[cc_common.CcToolchainInfo]

    # What gets packed: the program without DWARF (symbols stay, so fault
    # addresses can still be named). The linked file keeps everything.
    elf = ctx.actions.declare_file(ctx.label.name + ".elf")
    ctx.actions.run(
        executable = cc_toolchain.objcopy_executable,
        inputs = depset([linked], transitive = [cc_toolchain.all_files]),
        outputs = [elf],
        arguments = ["--strip-debug", linked.path, elf.path],
        mnemonic = "DomainElf",
        progress_message = "Stripping debug info: domain ELF %s" % elf.short_path,
    )
    return [
        DefaultInfo(
            files = depset([elf]),
            runfiles = ctx.runfiles(files = [elf]),
        ),
        OutputGroupInfo(
            debug = depset([linked]),
        ),
        DomainProgramInfo(elf = elf, debug_elf = linked, program = ctx.label.name),
    ]

ukernel_domain_elf = rule(
    implementation = _ukernel_domain_elf_impl,
    doc = "Builds `binary` (an EL0 cc_binary) for `platform` and outputs it as <name>.elf.",
    attrs = {
        "binary": attr.label(
            mandatory = True,
            cfg = _platform_transition,
            doc = "The domain's cc_binary (made by ukernel_domain).",
        ),
        "platform": attr.label(
            default = Label("//platforms:qemu_virt"),
            doc = "A bare-metal AArch64 platform. EL0 code is board independent.",
        ),
        # The bare-metal toolchain's objcopy, resolved for the same platform.
        "_cc_tools": attr.label(
            default = Label("//tools/bazel:current_cc_tools"),
            cfg = _platform_transition,
        ),
        # Bazel 4.2 only allows Starlark transitions for listed packages.
        "_allowlist_function_transition": attr.label(
            default = Label("@bazel_tools//tools/allowlists/function_transition_allowlist"),
        ),
    },
    provides = [DomainProgramInfo],
)

def ukernel_domain(name, srcs, deps = [], copts = [], platform = "//platforms:qemu_virt", **kwargs):
    """An EL0 domain program: `name` outputs `name`.elf.

    Args:
      name: target name; the ELF is <name>.elf.
      srcs: C (.c) and C++ (.cc) sources and private headers. One of them
        defines `int main(void)` (or `int main(uint64_t domain_id)`).
      deps: further cc_library targets (they must build freestanding).
      copts: extra compiler flags.
      platform: bare-metal platform to build for (default qemu_virt; the
        output is the same for every AArch64 board).
      **kwargs: visibility, tags, testonly, ... for the ELF target.
    """
    binary = name + "_el0"
    cc_binary(
        name = binary,
        srcs = srcs,
        deps = deps + _RUNTIME,
        copts = copts,
        additional_linker_inputs = [_LINKER_SCRIPT],
        linkopts = [
            "-T",
            "$(location %s)" % _LINKER_SCRIPT,
        ],
        features = [
            "-static_pie_executable",
            "static_executable",
        ],
        target_compatible_with = BARE_METAL,
        # Built through `name` (with the platform transition) only.
        tags = ["manual"],
        testonly = kwargs.get("testonly", False),
        visibility = ["//visibility:private"],
    )
    ukernel_domain_elf(
        name = name,
        binary = ":" + binary,
        platform = platform,
        **kwargs
    )
