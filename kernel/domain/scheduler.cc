#include "kernel/domain/scheduler.h"

#include "kernel/domain/domain.h"

namespace uk {
namespace {

Thread* g_queue[kMaxThreads];
size_t g_count = 0;
Thread* g_yield_requested = nullptr;

}  // namespace

void scheduler_reset() {
  g_count = 0;
  g_yield_requested = nullptr;
}

void scheduler_add(Thread& t) {
  if (g_count < kMaxThreads) g_queue[g_count++] = &t;
}

void scheduler_remove(Thread& t) {
  for (size_t i = 0; i < g_count; ++i) {
    if (g_queue[i] != &t) continue;
    for (size_t j = i + 1; j < g_count; ++j) g_queue[j - 1] = g_queue[j];
    --g_count;
    return;
  }
}

Thread* scheduler_pick(Thread* current) {
  size_t start = 0;
  for (size_t i = 0; i < g_count; ++i) {
    if (g_queue[i] == current) start = i + 1;
  }
  for (size_t n = 0; n < g_count; ++n) {
    Thread* t = g_queue[(start + n) % g_count];
    if (t->state == ThreadState::kReady) return t;
  }
  return nullptr;
}

bool scheduler_others_ready(const Thread& t) {
  for (size_t i = 0; i < g_count; ++i) {
    if (g_queue[i] != &t && g_queue[i]->state == ThreadState::kReady) return true;
  }
  return false;
}

void scheduler_request_yield(Thread& t) { g_yield_requested = &t; }

bool scheduler_take_yield(Thread& t) {
  const bool requested = g_yield_requested == &t;
  g_yield_requested = nullptr;
  return requested;
}

}  // namespace uk
