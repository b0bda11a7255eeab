"""kernel_image: builds a kernel cc_binary for a board platform.

The ELF is built under a transition to `platform`, so `bazel build //...` and
`bazel test //...` produce host tests and AArch64 images in one invocation,
while everything outside a kernel_image keeps the host configuration.
"""

load("@rules_cc//cc:find_cc_toolchain.bzl", "find_cc_toolchain", "use_cc_toolchain")

KernelImageInfo = provider(
    doc = "Outputs of a kernel_image.",
    fields = {
        "bin": "File: raw image (objcopy -O binary), what QEMU's -kernel loads.",
        "elf": "File: the linked ELF with symbols, for gdb and objdump.",
    },
)

# Kernel-only targets (cc_binary with boot code, arch-specific libraries) set
# target_compatible_with = BARE_METAL so host builds of //... skip them.
BARE_METAL = [
    "@platforms//cpu:aarch64",
    "@platforms//os:none",
]

def _platform_transition_impl(settings, attr):
    return {"//command_line_option:platforms": str(attr.platform)}

# Builds a dependency for the platform named by the rule's `platform`
# attribute (shared with ukernel_domain).
platform_transition = transition(
    implementation = _platform_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

_platform_transition = platform_transition

def _one(attr_value):
    # Attributes with a Starlark transition arrive as a one-element list.
    return attr_value[0] if type(attr_value) == "list" else attr_value

def _cc_tools_impl(ctx):
    # find_cpp_toolchain resolves for this target's platform; Bazel 4.2's
    # cc_toolchain_alias (current_cc_toolchain) ignores it and gives the host's.
    return [find_cc_toolchain(ctx)]

cc_tools = rule(
    implementation = _cc_tools_impl,
    doc = "Forwards the C++ toolchain resolved for the current platform.",
    fragments = ["cpp"],
    toolchains = use_cc_toolchain(),
)

def _kernel_image_impl(ctx):
    elf_in = _one(ctx.attr.elf)[DefaultInfo].files.to_list()
    if len(elf_in) != 1:
        fail("elf must produce exactly one file, got %s" % elf_in)
    cc_toolchain = _one(ctx.attr._cc_tools)[cc_common.CcToolchainInfo]

    elf = ctx.actions.declare_file(ctx.label.name + ".elf")
    ctx.actions.run_shell(
        inputs = elf_in,
        outputs = [elf],
        command = 'cp "$1" "$2"',
        arguments = [elf_in[0].path, elf.path],
        mnemonic = "KernelElf",
        progress_message = "Copying kernel ELF %s" % elf.short_path,
    )

    image = ctx.actions.declare_file(ctx.label.name + ".bin")
    ctx.actions.run(
        executable = cc_toolchain.objcopy_executable,
        inputs = depset([elf], transitive = [cc_toolchain.all_files]),
        outputs = [image],
        arguments = ["-O", "binary", elf.path, image.path],
        mnemonic = "KernelBin",
        progress_message = "Making raw kernel image %s" % image.short_path,
    )

    return [
        DefaultInfo(
            files = depset([image]),
            runfiles = ctx.runfiles(files = [image, elf]),
        ),
        OutputGroupInfo(
            bin = depset([image]),
            elf = depset([elf]),
        ),
        KernelImageInfo(bin = image, elf = elf),
    ]

kernel_image = rule(
    implementation = _kernel_image_impl,
    doc = "Builds `elf` for `platform`; outputs <name>.bin (default) and <name>.elf (output group 'elf').",
    attrs = {
        "elf": attr.label(
            mandatory = True,
            cfg = _platform_transition,
            doc = "The kernel cc_binary.",
        ),
        "platform": attr.label(
            default = Label("//platforms:qemu_virt"),
            doc = "Target platform, e.g. //platforms:qemu_virt or //platforms:rpi4.",
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
)
