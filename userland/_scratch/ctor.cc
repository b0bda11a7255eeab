#include <ukernel/ring.h>
#include <ukernel/runtime.h>
#include <string.h>
struct Base { virtual ~Base() = default; virtual int f() const = 0; };
struct Derived : Base { int v; explicit Derived(int x) : v(x) {} int f() const override { return v; } };
static int g_counter = 0;
struct Init { Init() { g_counter += 41; } };
static Init g_init;
static Derived g_obj(1);
const char* const kNames[] = {"zero", "one", "two"};
char g_bss[100];
int main(uint64_t id) {
  memset(g_bss, 'x', 5);
  const Base* b = &g_obj;
  ukernel::printf("ctor: counter=%d virt=%d name=%s id=%llu startup=%llu ring=%llx strlen=%zu\n", g_counter, b->f(), kNames[2],
    (unsigned long long)id, (unsigned long long)uk_startup_domain_id(), (unsigned long long)uk_startup_ring_addr(), strlen(g_bss));
  return -3;
}
