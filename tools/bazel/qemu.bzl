"""Macros that boot a kernel_image in QEMU: as a test, a runnable, or under gdb."""

_RUNNER = "//tools/qemu:run_qemu.sh"

def _quote(s):
    # sh_test/sh_binary args are Bourne-tokenized: keep each value one argument.
    return "'" + s.replace("'", "'\\''") + "'"

def _literal(s):
    # ...and "$" would start a Make variable: regexes need it escaped.
    return _quote(s.replace("$", "$$"))

def _memory(machine, memory):
    # QEMU's raspi machines only accept their real RAM size.
    if memory != None:
        return memory
    return "2G" if machine.startswith("raspi4") else "1G"

def _qemu_args(image, machine, cpu, memory, kernel_flag = "-kernel", smp = None):
    if kernel_flag not in ["-kernel", "-bios"]:
        fail("kernel_flag must be \"-kernel\" or \"-bios\", not %r" % kernel_flag)
    return [
        "--kernel",
        "$(rootpath %s)" % image,
    ] + (["--kernel-flag", kernel_flag] if kernel_flag != "-kernel" else []) + [
        "--machine",
        _literal(machine),
        "--cpu",
        _literal(cpu or ""),
        "--memory",
        _literal(_memory(machine, memory)),
    ] + (["--smp", str(smp)] if smp != None else [])

def _extra(extra_args):
    # Not "$"-escaped, so $(rootpath //x:y) works for targets listed in `data`.
    return ["--"] + [_quote(a) for a in extra_args] if extra_args else []

def _timeout_class(timeout_s):
    # Bazel's own test timeout must leave room for QEMU's and for start-up.
    if timeout_s <= 45:
        return "short"
    if timeout_s <= 270:
        return "moderate"
    return "long"

def qemu_test(
        name,
        image,
        machine = "virt,virtualization=on",
        cpu = "cortex-a72",
        memory = None,
        smp = None,
        expect = [],
        reject = [],
        expect_exit = 0,
        expect_halt = False,
        load_at = None,
        kernel_flag = "-kernel",
        timeout_s = 30,
        extra_args = [],
        data = [],
        **kwargs):
    """sh_test that boots `image` (a kernel_image) and checks the console.

    Passes when QEMU exits with `expect_exit` (the kernel's semihosting
    SYS_EXIT status) within `timeout_s` seconds and every regex in `expect`
    (grep -E, matched per line, CRs removed) occurs in the console output.
    With `expect_halt`, the kernel must instead stay up (e.g. park in wfe):
    the test passes, and QEMU is stopped, as soon as all of `expect` appeared.

    Args:
      name: test name.
      image: kernel_image label.
      machine: QEMU -M value.
      cpu: QEMU -cpu value; "" or None for the machine's default.
      memory: QEMU -m value; None picks 1G (2G for raspi4b, which needs it).
      smp: QEMU -smp value; None picks 4 on virt (the machine's own elsewhere).
      expect: regexes that must all appear in the console output.
      reject: regexes that must never appear in the console output.
      expect_exit: required QEMU exit status (ignored with expect_halt).
      expect_halt: the kernel never exits; `expect` must be non-empty.
      load_at: instead of -kernel, load the raw image at this address and
        start the CPU there from reset, as firmware (EL3 with secure=on).
      kernel_flag: how QEMU gets `image`: "-kernel" (default) or "-bios"
        (a firmware file such as U-Boot, which then boots from a disk
        given in extra_args).
      timeout_s: seconds before QEMU is killed and the test fails (TIMEOUT).
      extra_args: more QEMU arguments, one argument per element.
      data: files extra_args refer to with $(rootpath ...).
      **kwargs: passed to sh_test (tags, size, flaky, ...).
    """
    if expect_halt and not expect:
        fail("qemu_test %s: expect_halt needs `expect` patterns to wait for" % name)
    args = _qemu_args(image, machine, cpu, memory, kernel_flag, smp) + [
        "--test",
        "--timeout",
        str(timeout_s),
    ] + (["--expect-halt"] if expect_halt else ["--expect-exit", str(expect_exit)])
    if load_at:
        args += ["--load-at", load_at]
    for regex in expect:
        args += ["--expect", _literal(regex)]
    for regex in reject:
        args += ["--reject", _literal(regex)]
    kwargs.setdefault("size", "small")  # one QEMU thread, well under 1 GB host RAM
    kwargs.setdefault("timeout", _timeout_class(timeout_s))
    native.sh_test(
        name = name,
        srcs = [_RUNNER],
        args = args + _extra(extra_args),
        data = [image] + data,
        **kwargs
    )

def qemu_run(
        name,
        image,
        machine = "virt,virtualization=on",
        cpu = "cortex-a72",
        memory = None,
        kernel_flag = "-kernel",
        extra_args = [],
        data = [],
        **kwargs):
    """`bazel run` target: boots `image` with the console on the terminal.

    No timeout; returns when QEMU exits (semihosting exit, or Ctrl-A x).
    Arguments as for qemu_test.
    """
    native.sh_binary(
        name = name,
        srcs = [_RUNNER],
        args = _qemu_args(image, machine, cpu, memory, kernel_flag) + _extra(extra_args),
        data = [image] + data,
        **kwargs
    )

def qemu_gdb(
        name,
        image,
        machine = "virt,virtualization=on",
        cpu = "cortex-a72",
        memory = None,
        extra_args = [],
        data = [],
        **kwargs):
    """`bazel run` target: QEMU halted at reset (-S) plus gdb-multiarch on the ELF.

    The gdb stub listens on $GDB_PORT (default 1234). Arguments as for qemu_test.
    """
    native.filegroup(
        name = name + "_elf",
        srcs = [image],
        output_group = "elf",
    )
    native.sh_binary(
        name = name,
        srcs = [_RUNNER],
        args = _qemu_args(image, machine, cpu, memory) + [
            "--gdb",
            "$(rootpath :%s_elf)" % name,
        ] + _extra(extra_args),
        data = [image, ":%s_elf" % name] + data,
        **kwargs
    )

# The CPUs every domain-level QEMU test runs on: the Pi 4's Cortex-A72 (svc
# through the EL1 gateway, no FEAT_RNG) and QEMU's "max" (FEAT_FGT, FEAT_RNG).
QEMU_TEST_CPUS = [
    "cortex-a72",
    "max",
]

def qemu_test_on_cpus(name, cpus = QEMU_TEST_CPUS, **kwargs):
    """One qemu_test per CPU, named <name>_<cpu>_test (e.g. foo_cortex_a72_test).

    Args:
      name: the tests' common prefix.
      cpus: QEMU -cpu values.
      **kwargs: passed to every qemu_test (not `cpu`).
    """
    for cpu in cpus:
        qemu_test(
            name = "%s_%s_test" % (name, cpu.replace("-", "_")),
            cpu = cpu,
            **kwargs
        )
