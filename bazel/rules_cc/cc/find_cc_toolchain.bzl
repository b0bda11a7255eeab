"""Forwards rules_cc's find_cc_toolchain to the copy inside Bazel."""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

CC_TOOLCHAIN_TYPE = "@bazel_tools//tools/cpp:toolchain_type"

find_cc_toolchain = find_cpp_toolchain

def use_cc_toolchain(mandatory = True):  # @unused: 4.2 has no optional toolchains
    """The `toolchains` entry a rule calling find_cc_toolchain needs."""
    return [CC_TOOLCHAIN_TYPE]
