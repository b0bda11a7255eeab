// An x86-64 program: a valid ELF64 executable for the wrong machine.
    .text
    .globl _start
_start:
    jmp     _start
