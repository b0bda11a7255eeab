// What freestanding C and C++ code may expect from its runtime beyond
// memcpy/memset/strlen (those come from //kernel/lib/libc): abort, atexit,
// and the C++ ABI hooks the compiler references. Weak, so a program can
// supply its own.
#include <stddef.h>

#include <ukernel/runtime.h>

extern "C" {

__attribute__((weak, noreturn)) void abort(void) { uk_abort(); }

// A domain ends with DomainExit; exit-time handlers and static destructors
// (registered through atexit with -fno-use-cxa-atexit) never run.
__attribute__((weak)) int atexit(void (*)(void)) { return 0; }
__attribute__((weak)) int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
__attribute__((weak)) void* __dso_handle = nullptr;

// A pure virtual function called through a half-built object.
__attribute__((weak, noreturn)) void __cxa_pure_virtual(void) { uk_abort(); }

}  // extern "C"

// Deleting destructors of classes with virtual destructors reference
// operator delete even when nothing is ever deleted. Domains have no heap.
__attribute__((weak)) void operator delete(void*) noexcept { uk_abort(); }
__attribute__((weak)) void operator delete(void*, size_t) noexcept { uk_abort(); }
__attribute__((weak)) void operator delete[](void*) noexcept { uk_abort(); }
__attribute__((weak)) void operator delete[](void*, size_t) noexcept { uk_abort(); }
