"""clang_fuzzer: a libFuzzer binary built by clang++ straight from sources.

The host C++ toolchain is GCC, which has no libFuzzer, so this rule runs
clang++ itself with -fsanitize=fuzzer,address,undefined. Sources are listed
in `srcs` (including the kernel sources under test, exported by their
packages); headers, include paths and defines come from the CcInfo of `deps`,
exactly as a cc_library dependent would see them, so Bazel tracks every input.
"""

def _clang_fuzzer_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name)
    cc = cc_common.merge_cc_infos(cc_infos = [d[CcInfo] for d in ctx.attr.deps]).compilation_context

    args = ctx.actions.args()
    args.add_all(ctx.attr.copts)
    args.add_all(cc.defines, format_each = "-D%s")
    args.add_all(cc.includes, format_each = "-I%s")
    args.add_all(cc.quote_includes, format_each = "-iquote%s")
    args.add_all(cc.system_includes, format_each = "-isystem%s")
    args.add_all(ctx.files.srcs)
    args.add("-o", out)

    ctx.actions.run(
        executable = ctx.attr.compiler,
        arguments = [args],
        inputs = depset(ctx.files.srcs, transitive = [cc.headers]),
        outputs = [out],
        mnemonic = "ClangFuzzer",
        progress_message = "Building libFuzzer binary %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([out]), executable = out)]

clang_fuzzer = rule(
    implementation = _clang_fuzzer_impl,
    executable = True,
    attrs = {
        "srcs": attr.label_list(allow_files = [".c", ".cc", ".cpp"], mandatory = True),
        "deps": attr.label_list(providers = [CcInfo], doc = "Libraries whose headers the sources include."),
        "compiler": attr.string(default = "/usr/bin/clang++"),
        "copts": attr.string_list(default = [
            "-std=c++20",
            "-O1",
            "-g",
            "-fno-omit-frame-pointer",
            "-fsanitize=fuzzer,address,undefined",
            "-fno-sanitize-recover=all",
            "-Wall",
            "-Wextra",
            "-Werror",
        ]),
    },
)
