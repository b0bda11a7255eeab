"""cc_toolchain_config for the freestanding AArch64 kernel toolchain.

Flags live in the BUILD file; this rule only turns them into features. Bazel's
legacy features (include paths, defines, libraries_to_link, user copts and
linkopts, ...) stay enabled and are ordered around ours, so per-target copts
can still override the defaults here.
"""

load(
    "@rules_cc//cc:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)
load("@rules_cc//cc:action_names.bzl", "ACTION_NAMES")

_C = [ACTION_NAMES.c_compile]
_CXX = [
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.linkstamp_compile,
]
_ASM = [ACTION_NAMES.assemble, ACTION_NAMES.preprocess_assemble]
_LINK = [ACTION_NAMES.cpp_link_executable]

def _flags(actions, flags):
    return [flag_set(actions = actions, flag_groups = [flag_group(flags = flags)])] if flags else []

def _impl(ctx):
    # Toolchain-owned shim headers, relative to the execroot like all inputs.
    shim = "/".join([p for p in [ctx.label.workspace_root, ctx.label.package, ctx.attr.shim_include_dir] if p])
    isystem = []
    for d in [shim] + ctx.attr.system_include_dirs:
        isystem += ["-isystem", d]

    features = [
        feature(
            name = "kernel_compile_flags",
            enabled = True,
            flag_sets = _flags(_C + _CXX + _ASM, ctx.attr.compile_flags + ["-nostdinc"] + isystem) +
                        _flags(_C, ctx.attr.c_flags) +
                        _flags(_CXX, ctx.attr.cxx_flags),
        ),
        # How executables are linked. The kernel is a static PIE that
        # relocates itself (default). EL0 domain programs are linked at a
        # fixed address (userland/runtime/domain.ld) and opt out with
        # features = ["-static_pie_executable", "static_executable"]
        # (tools/bazel/ukernel_domain.bzl does). Both provide the same link
        # mode, so enabling both is an error rather than a silent mix.
        feature(
            name = "static_pie_executable",
            enabled = True,
            provides = ["executable_link_mode"],
            flag_sets = _flags(_LINK, ctx.attr.static_pie_link_flags),
        ),
        feature(
            name = "static_executable",
            provides = ["executable_link_mode"],
            flag_sets = _flags(_LINK, ctx.attr.static_link_flags),
        ),
        feature(
            name = "kernel_link_flags",
            enabled = True,
            flag_sets = _flags(_LINK, ctx.attr.link_flags),
        ),
        # Replaces Bazel's legacy feature of the same name, which would pass
        # -Wl,-S in fastbuild: the kernel ELF keeps its debug info for gdb.
        feature(name = "strip_debug_symbols"),
    ]

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        cxx_builtin_include_directories = [
            "%package({}//{})%/{}".format(
                "@" + ctx.label.workspace_name if ctx.label.workspace_name else "",
                ctx.label.package,
                ctx.attr.shim_include_dir,
            ),
        ] + ctx.attr.system_include_dirs,
        toolchain_identifier = ctx.attr.toolchain_identifier,
        host_system_name = "x86_64-linux-gnu",
        target_system_name = "aarch64-none-elf",
        target_cpu = "aarch64",
        target_libc = "none",
        compiler = "gcc",
        abi_version = "none",
        abi_libc_version = "none",
        tool_paths = [tool_path(name = k, path = v) for k, v in ctx.attr.tool_paths.items()],
    )

cc_toolchain_config = rule(
    implementation = _impl,
    provides = [CcToolchainConfigInfo],
    attrs = {
        "c_flags": attr.string_list(doc = "C-only compile flags."),
        "compile_flags": attr.string_list(doc = "Flags for C, C++ and assembly."),
        "cxx_flags": attr.string_list(doc = "C++-only compile flags."),
        "link_flags": attr.string_list(doc = "Flags for linking executables."),
        "static_link_flags": attr.string_list(doc = "Link flags of the opt-in 'static_executable' feature (fixed-address ELF)."),
        "static_pie_link_flags": attr.string_list(doc = "Link flags of the default 'static_pie_executable' feature."),
        "shim_include_dir": attr.string(doc = "Package-relative dir searched first."),
        "system_include_dirs": attr.string_list(doc = "Absolute -isystem dirs, in order."),
        "tool_paths": attr.string_dict(mandatory = True),
        "toolchain_identifier": attr.string(mandatory = True),
    },
)
