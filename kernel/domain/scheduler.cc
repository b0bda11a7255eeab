#include "kernel/domain/scheduler.h"

#include "kernel/domain/domain.h"

namespace uk {
namespace {

Domain* g_queue[kMaxDomains];
size_t g_count = 0;
Domain* g_yield_requested = nullptr;

}  // namespace

void scheduler_reset() {
  g_count = 0;
  g_yield_requested = nullptr;
}

void scheduler_add(Domain& d) {
  if (g_count < kMaxDomains) g_queue[g_count++] = &d;
}

Domain* scheduler_pick(Domain* current) {
  size_t start = 0;
  for (size_t i = 0; i < g_count; ++i) {
    if (g_queue[i] == current) start = i + 1;
  }
  for (size_t n = 0; n < g_count; ++n) {
    Domain* d = g_queue[(start + n) % g_count];
    if (d->state == DomainState::kReady) return d;
  }
  return nullptr;
}

void scheduler_request_yield(Domain& d) { g_yield_requested = &d; }

bool scheduler_take_yield(Domain& d) {
  const bool requested = g_yield_requested == &d;
  g_yield_requested = nullptr;
  return requested;
}

}  // namespace uk
