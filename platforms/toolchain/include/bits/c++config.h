/* Wraps the glibc-configured libstdc++ config for freestanding use: without
 * threads or futexes, <atomic> no longer pulls in pthread.h/unistd.h (C++20
 * atomic wait support), and everything else in it stays as configured. */
#pragma GCC system_header
#include_next <bits/c++config.h>
#undef _GLIBCXX_HAS_GTHREADS
#undef _GLIBCXX_HAVE_LINUX_FUTEX
