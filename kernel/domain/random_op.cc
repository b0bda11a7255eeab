#include "kernel/domain/random_op.h"

#include "kernel/console/console.h"
#include "kernel/hal.h"
#include "kernel/random/generator.h"

namespace uk {
namespace {
random::Generator g_generator;
random::JitterState g_jitter;
constexpr int64_t neg(Errno e) { return -static_cast<int64_t>(e); }
}  // namespace

void random_op_init() {
  const random::EntropySource source = hal::best_entropy_source(g_jitter);
  if (!g_generator.seed(source).ok()) {
    kprintf("random: seeding from %s failed\n", source.name);
    return;
  }
  if (g_generator.weak()) {
    kprintf("%s\n", random::kWeakEntropyWarning);
  } else {
    kprintf("random: ChaCha20 generator seeded from %s\n", g_generator.source_name());
  }
}

int64_t op_get_random(Domain& d, const ukernel::sys::SubmitEntry& e) {
  const uint64_t len = e.args[1];
  if (e.args[2] != 0 || e.args[3] != 0 || e.args[4] != 0) return neg(Errno::kInval);
  if (len > random::Generator::kMaxRequestBytes) return neg(Errno::kInval);
  if (!g_generator.seeded()) return neg(Errno::kAgain);
  Result<void*> user = user_range(d, e.args[0], len, Access::kWrite);
  if (!user.ok()) return neg(user.error());
  if (!g_generator.generate(*user, len).ok()) return neg(Errno::kIo);
  return static_cast<int64_t>(len);
}

}  // namespace uk
