#!/usr/bin/env python3
"""Writes the seed corpus of //tests/fuzz:ring_fuzz_test into corpus/.

Each seed is one hostile-domain script in the input layout documented at the
top of ring_fuzz.cc. The files are committed; rerun this script only when the
layout changes:   python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

NEED, BARRIER, MORE = 1, 2, 4
GET_DOMAIN_ID, DEBUG_PRINT, DOMAIN_EXIT, YIELD = 0x1001, 0x0F00, 0x1000, 0x0100


def header(head, tail, chead, ctail, mode, pending=0, extra_flags=0, calls=1):
    return struct.pack("<IIIIBBHB11x", head, tail, chead, ctail, mode, pending, extra_flags, calls - 1)


def call(to_submit=0xFF, reap=0, produce=0, scribble=0, garbage=0):
    return struct.pack("<BBBBI", to_submit, reap, produce, scribble, garbage)


def calls(*records):
    records = list(records) + [call()] * (8 - len(records))
    return b"".join(records)


def script(*answers):
    # One byte per handler call: bits 0-1 class (0 ok, 1 ok+value, 2 -errno,
    # 3 stop), bit 7 the handler rewrites its slot and the indices.
    b = bytes(answers)
    return (b * (64 // max(len(b), 1) + 1))[:64] if b else bytes(64)


def entry(user_data, flags=0, opcode=GET_DOMAIN_ID, reserved=0, args=(0, 0, 0, 0, 0)):
    return struct.pack("<HHI5QQ8x", opcode, flags, reserved, *args, user_data)


def seed(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    mixed = [entry(i + 1, flags=(NEED if i % 2 else 0) | (MORE if i % 3 == 0 else 0)) for i in range(8)]

    # A plain batch: 8 entries, one call, every one runs.
    seed("basic_batch", header(8, 0, 0, 0, mode=3) + calls(call()) + script(0, 1, 2) + b"".join(mixed))

    # Indices wrapped around 2^32, completion ring nearly full: back-pressure,
    # then the domain reaps and the rest goes through.
    seed(
        "wrap_backpressure",
        header(32, 0xFFFFFFF0, 0xFFFFFFFC, 60, mode=3, calls=3)
        + calls(call(), call(reap=10), call(reap=64))
        + script(2, 6, 10)
        + b"".join(entry(0x100 + i, flags=NEED) for i in range(64)),
    )

    # Impossible indices: head far ahead, then head behind tail.
    seed("bad_indices", header(100, 0, 0, 0, mode=0, calls=2) + calls(call(), call(scribble=4, garbage=0xFFFFFFFF)) + script() + entry(1))

    # Malformed entries: reserved bits, unknown flags, among good ones.
    bad = [entry(1, reserved=1), entry(2, flags=0x8000), entry(3, flags=NEED), entry(4, flags=0x0100 | BARRIER), entry(5)]
    seed("malformed_entries", header(5, 0, 0, 0, mode=3) + calls(call()) + script() + b"".join(bad))

    # Handler stops (DomainExit/Yield) and a domain that rewrites the slot and
    # the indices while the handler runs.
    seed(
        "stop_and_mutate",
        header(6, 0, 0, 0, mode=3, calls=4)
        + calls(call(), call(scribble=3, garbage=0x12345678), call(reap=64), call(to_submit=0xFE, reap=0x85))
        + script(0x80, 0x83, 0x81, 0x82, 0x03, 0x00)
        + b"".join(entry(10 + i, flags=NEED, opcode=[GET_DOMAIN_ID, YIELD, DEBUG_PRINT, DOMAIN_EXIT][i % 4]) for i in range(6)),
    )

    # BARRIER behind pending asynchronous ops, then the ops finish.
    seed(
        "barrier_pending",
        header(4, 0, 0, 0, mode=3 | 4, pending=1, extra_flags=1, calls=3)
        + calls(call(), call(scribble=8), call(scribble=8 | 16, garbage=0x00030000))
        + script(0, 1)
        + b"".join([entry(1, NEED), entry(2, NEED | BARRIER), entry(3, NEED), entry(4, BARRIER)]),
    )

    # A full ring with the submit limit, to_submit of various sizes, and the
    # domain producing more as slots free up.
    seed(
        "full_ring_limits",
        header(64, 1000, 7, 7, mode=3, calls=5)
        + calls(call(to_submit=3), call(to_submit=0), call(to_submit=0xFE, garbage=5), call(to_submit=0xFD, reap=64, produce=20), call(reap=64, produce=0x90))
        + script(0, 0, 2)
        + b"".join(entry(0x1000 + i, flags=NEED if i % 5 == 0 else 0) for i in range(64)),
    )

    # No handler at all: every well-formed entry completes with -ENOSYS.
    seed("null_handler", header(3, 0, 0, 0, mode=3 | 8) + calls(call()) + script() + b"".join(entry(i) for i in range(3)))


if __name__ == "__main__":
    main()
