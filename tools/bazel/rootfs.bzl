"""ukernel_rootfs: the read-only file tree an image carries (docs/vfs.md)."""

def ukernel_rootfs(name, srcs = [], strip_prefix = "", **kwargs):
    """cc_library `name` defining uk_rootfs_start/_end around a cpio newc archive of `srcs`.

    Args:
      name: the cc_library to pass as ukernel_image(rootfs = ...).
      srcs: files; each appears at /<path relative to the workspace, minus strip_prefix>.
      strip_prefix: leading path removed from every file's location.
      **kwargs: passed to the cc_library.
    """
    archive = name + "_archive.inc"  # .inc: cc_library accepts it as a textual header
    native.genrule(
        name = name + "_cpio",
        srcs = srcs,
        outs = [archive],
        cmd = "$(location //tools/bazel:make_rootfs.sh) $@ '%s' $(SRCS)" % strip_prefix,
        tools = ["//tools/bazel:make_rootfs.sh"],
    )

    # The archive's hash goes into the assembly: an edit to a file then always
    # reassembles (.incbin'd files are not tracked as assembler inputs).
    native.genrule(
        name = name + "_asm",
        srcs = [archive],
        outs = [name + "_rootfs.S"],
        cmd = ("{ echo \"/* rootfs archive, sha256 $$(sha256sum < $< | cut -c1-64) */\"; " +
               "echo '.section .rodata.rootfs, \"a\"'; echo '.balign 16'; " +
               "echo '.global uk_rootfs_start'; echo 'uk_rootfs_start:'; " +
               "echo '.incbin \"$<\"'; " +
               "echo '.global uk_rootfs_end'; echo 'uk_rootfs_end:'; } > $@"),
    )
    native.cc_library(
        name = name,
        srcs = [name + "_rootfs.S"],
        textual_hdrs = [archive],
        target_compatible_with = [
            "@platforms//cpu:aarch64",
            "@platforms//os:none",
        ],
        alwayslink = True,
        **kwargs
    )
