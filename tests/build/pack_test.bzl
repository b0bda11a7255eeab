"""pack_failure_test: tools/pack must reject its input with the expected messages."""

def _quote(s):
    # sh_test args are Bourne-tokenized and make-variable expanded.
    return "'" + s.replace("'", "'\\''").replace("$", "$$") + "'"

def pack_failure_test(name, args, expect = [], data = [], **kwargs):
    """sh_test: `pack <args>` exits 1 and prints every expected line.

    Args:
      name: test name.
      args: pack arguments; $(rootpath ...) allowed, "@OUT@" is a scratch
        output path. Expected lines are also read from "# expect: <line>"
        comments of every *.manifest argument.
      expect: more expected stderr lines (exact, whole line).
      data: files the arguments refer to.
      **kwargs: passed to sh_test.
    """
    test_args = ["$(rootpath //tools/pack)"]
    for e in expect:
        test_args += ["--expect", _quote(e)]
    native.sh_test(
        name = name,
        srcs = ["expect_pack_failure.sh"],
        args = test_args + ["--"] + args,
        data = ["//tools/pack"] + data,
        size = "small",
        **kwargs
    )
