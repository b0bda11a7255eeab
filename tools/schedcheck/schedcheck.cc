// schedcheck: is a set of real-time threads schedulable under the kernel's
// rate-monotonic scheduler? Runs the kernel's own response-time analysis
// (kernel/sched/rta.h) on
//   - domain manifests (docs/manifest.md): every `thread:` line with a period
//     and a budget; best-effort threads are ignored. Several manifests form
//     one set, in argument order = the image's domain order, which is also the
//     tie-break among equal periods (declaration order, earlier wins);
//   - plain task lists: one thread per line, `<name> <period_us> <budget_us>
//     [cpu=<core>]` (bare numbers are microseconds; 10ms, 500us, 1s also
//     work), `#` starts a comment.
// Threads are placed on --cpus cores by the kernel's placement
// (kernel/sched/placement.h: `cpu=` pins, then first fit decreasing with
// exact analysis per core; the pack tool runs the same). It prints each
// thread's core (with more than one core), period, budget, priority and
// worst response time (ticks and microseconds), each core's verdict, then
// the overall verdict. With --cpus 1 (the default) the output is the
// single-core report it always was.
//
//   schedcheck [--hz <timer Hz>] [--cpus <n>] [--overhead-ticks <n>] [--max-iterations <n>] <file>...
//
// Exit status: 0 schedulable, 1 not schedulable, 2 usage, read or parse
// error (the message names the file and line). Under `bazel run`, relative
// paths are taken from the directory bazel was run in.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "kernel/manifest/manifest.h"
#include "kernel/sched/placement.h"
#include "kernel/sched/rta.h"

namespace {

using uk::sched::RtaOutcome;
using uk::sched::RtaResult;
using uk::sched::RtaSummary;
using uk::sched::RtaTask;

static_assert(uk::manifest::kUnpinned == uk::sched::kUnpinned, "a manifest pin is passed to the placement as it is");

constexpr char kUsage[] =
    "usage: schedcheck [--hz <timer Hz>] [--cpus <n>] [--overhead-ticks <n>] [--max-iterations <n>] <file>...\n"
    "  <file>: a domain manifest (its 'thread:' lines; several manifests\n"
    "          form one set, in image order) or a task list, one thread per line:\n"
    "          <name> <period_us> <budget_us> [cpu=<core>]   ('#' starts a comment)\n"
    "  --hz              timer frequency, default 62500000 (QEMU virt; Raspberry Pi 4: 54000000)\n"
    "  --cpus            cores to place the threads on (partitioned), 1..8, default 1\n"
    "  --overhead-ticks  added to every budget per release (interrupt + context switches), default 0\n"
    "  --max-iterations  fixed-point iterations per thread, default 100000\n"
    "exit status: 0 schedulable, 1 not schedulable, 2 usage or input error\n";

struct Thread {
  std::string name;
  std::string where;  // "file:line"
  uint64_t period_us = 0;  // 0: best effort (manifests only)
  uint64_t budget_us = 0;
  uint64_t period_ticks = 0;
  uint64_t budget_ticks = 0;
  int32_t cpu = uk::sched::kUnpinned;  // `cpu=` pin

  [[nodiscard]] bool real_time() const { return period_us != 0; }
};

struct Input {
  std::vector<Thread> threads;  // real-time and best-effort, in input order
  size_t best_effort = 0;
  std::vector<std::string> errors;
};

int usage(const char* problem) {
  fprintf(stderr, "schedcheck: %s\n%s", problem, kUsage);
  return 2;
}

bool parse_u64(const char* s, uint64_t* out) {
  if (s == nullptr || *s < '0' || *s > '9') return false;
  uint64_t v = 0;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return false;
    const uint64_t d = static_cast<uint64_t>(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// A task-list time: decimal microseconds, or a manifest time ("10ms").
bool parse_time(const std::string& s, uint64_t* us) {
  if (parse_u64(s.c_str(), us)) return true;
  return uk::manifest::parse_time_us(s.data(), s.size(), us);
}

std::string resolve(const std::string& path) {
  const char* wd = getenv("BUILD_WORKING_DIRECTORY");
  if (wd == nullptr || path.empty() || path[0] == '/') return path;
  return std::string(wd) + "/" + path;
}

bool looks_like_manifest(const std::string& path, const std::string& text) {
  const auto ends_with = [&](const char* suffix) {
    const size_t n = strlen(suffix);
    return path.size() >= n && path.compare(path.size() - n, n, suffix) == 0;
  };
  if (ends_with(".manifest")) return true;
  if (ends_with(".tasks") || ends_with(".txt")) return false;
  // Otherwise the first line with content decides: manifests are `key: value`.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") != std::string::npos) return line.find(':') != std::string::npos;
    pos = end + 1;
  }
  return false;
}

bool convert(Thread* t, uint64_t hz, std::string* error) {
  const std::string at = std::to_string(hz) + " Hz";
  if (!uk::sched::us_to_ticks(t->period_us, hz, uk::sched::Rounding::kDown, &t->period_ticks) ||
      !uk::sched::us_to_ticks(t->budget_us, hz, uk::sched::Rounding::kUp, &t->budget_ticks)) {
    *error = t->where + ": " + t->name + ": too long for 64-bit timer ticks at " + at;
    return false;
  }
  if (t->period_ticks == 0) {
    *error = t->where + ": " + t->name + ": period " + std::to_string(t->period_us) + "us is shorter than one tick at " +
             at;
    return false;
  }
  return true;
}

void read_manifest(const std::string& path, const std::string& text, uint64_t hz, Input* in) {
  static uk::manifest::Manifest m;  // large: not on the stack
  uk::manifest::Diagnostics diag;
  m = uk::manifest::Manifest{};
  if (!uk::manifest::parse_manifest(path.c_str(), text.data(), text.size(), &m, &diag).ok()) {
    for (size_t i = 0; i < diag.count; ++i) in->errors.emplace_back(diag.messages[i]);
    if (diag.dropped > 0) in->errors.push_back(path + ": " + std::to_string(diag.dropped) + " more errors");
    return;
  }
  for (size_t i = 0; i < m.thread_count; ++i) {
    const uk::manifest::Thread& mt = m.threads[i];
    Thread t;
    t.name = std::string(m.name) + "/" + mt.name;
    t.where = mt.line == 0 ? path : path + ":" + std::to_string(mt.line);
    t.cpu = mt.cpu;
    if (mt.period_us == 0) {
      // Best effort: not analysed, but placed (it may be pinned).
      ++in->best_effort;
      in->threads.push_back(t);
      continue;
    }
    t.period_us = mt.period_us;
    t.budget_us = mt.budget_us;
    std::string error;
    if (!convert(&t, hz, &error)) {
      in->errors.push_back(error);
      continue;
    }
    in->threads.push_back(t);
  }
}

void read_task_list(const std::string& path, const std::string& text, uint64_t hz, Input* in) {
  size_t pos = 0;
  for (unsigned line_no = 1; pos < text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    line = line.substr(0, line.find('#'));
    std::vector<std::string> fields;
    size_t i = 0;
    while (true) {
      i = line.find_first_not_of(" \t\r", i);
      if (i == std::string::npos) break;
      size_t j = line.find_first_of(" \t\r", i);
      if (j == std::string::npos) j = line.size();
      fields.push_back(line.substr(i, j - i));
      i = j;
    }
    if (fields.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (fields.size() != 3 && fields.size() != 4) {
      in->errors.push_back(where + ": expected '<name> <period_us> <budget_us> [cpu=<core>]', got " +
                           std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s"));
      continue;
    }
    Thread t;
    t.name = fields[0];
    t.where = where;
    if (t.name.size() > 63) {
      in->errors.push_back(where + ": name '" + t.name.substr(0, 63) + "...' is longer than 63 characters");
      continue;
    }
    if (!parse_time(fields[1], &t.period_us) || t.period_us == 0) {
      in->errors.push_back(where + ": " + t.name + ": period '" + fields[1] +
                           "' is not a positive time (microseconds, or with a unit: 10ms)");
      continue;
    }
    if (!parse_time(fields[2], &t.budget_us) || t.budget_us == 0) {
      in->errors.push_back(where + ": " + t.name + ": budget '" + fields[2] +
                           "' is not a positive time (microseconds, or with a unit: 2ms)");
      continue;
    }
    if (fields.size() == 4) {
      uint64_t core = 0;
      const std::string& pin = fields[3];
      if (pin.compare(0, 4, "cpu=") != 0 || !parse_u64(pin.c_str() + 4, &core) || core >= uk::sched::kMaxCpus) {
        in->errors.push_back(where + ": " + t.name + ": '" + pin + "' is not a pin (cpu=<core>, 0.." +
                             std::to_string(uk::sched::kMaxCpus - 1) + ")");
        continue;
      }
      t.cpu = static_cast<int32_t>(core);
    }
    std::string error;
    if (!convert(&t, hz, &error)) {
      in->errors.push_back(error);
      continue;
    }
    in->threads.push_back(t);
  }
}

std::string verdict(const RtaResult& r) {
  switch (r.outcome) {
    case RtaOutcome::kMeets: return "ok";
    case RtaOutcome::kMisses: return "MISS by " + std::to_string(r.miss_ticks) + " ticks";
    case RtaOutcome::kMissesAtLeast: return "MISS by >= " + std::to_string(r.miss_ticks) + " ticks";
    case RtaOutcome::kDiverges: return "MISS (diverges: utilisation > 100%)";
    case RtaOutcome::kUndecided: return "UNDECIDED (iteration cap)";
  }
  return "?";
}

bool take_number(int argc, char** argv, int* i, const char* flag, uint64_t* value, bool* bad) {
  const size_t n = strlen(flag);
  const char* arg = argv[*i];
  if (strncmp(arg, flag, n) != 0) return false;
  const char* v = nullptr;
  if (arg[n] == '=') {
    v = arg + n + 1;
  } else if (arg[n] == '\0') {
    if (*i + 1 >= argc) {
      *bad = true;
      return true;
    }
    v = argv[++*i];
  } else {
    return false;
  }
  if (!parse_u64(v, value)) *bad = true;
  return true;
}

// The response time of a result, "inf" or ">=" as appropriate.
void response_text(const RtaResult& r, uint64_t hz, std::string* ticks, std::string* us) {
  *ticks = "inf";
  *us = "inf";
  if (r.outcome == RtaOutcome::kDiverges) return;
  const char* prefix = r.outcome == RtaOutcome::kMissesAtLeast ? ">=" : "";
  *ticks = prefix + std::to_string(r.response_ticks);
  *us = prefix + std::to_string(uk::sched::ticks_to_us_ceil(r.response_ticks, hz));
}

std::string utilisation_text(uint64_t ppm, size_t n) {
  const double bound = static_cast<double>(n) * (std::pow(2.0, 1.0 / static_cast<double>(n)) - 1.0);
  char text[128];
  // Budgets (plus overhead) over periods, in ticks, to the nearest 0.0001 %.
  snprintf(text, sizeof text, "utilisation %llu.%04llu%% (Liu-Layland bound for %zu thread%s: %.4f%%)",
           static_cast<unsigned long long>(ppm / 10'000), static_cast<unsigned long long>(ppm % 10'000), n,
           n == 1 ? "" : "s", bound * 100.0);
  return text;
}

// The highest-priority miss of a core, e.g. "thread 'b' misses its deadline
// by 3 ticks: ... (file:line)", plus "; 2 of 3 threads miss".
std::string core_miss(const Input& in, const uk::sched::Placement& p, const uk::sched::CoreVerdict& core) {
  const size_t f = core.first_failing;
  const Thread& t = in.threads[f];
  char message[256];
  uk::sched::describe_result(t.name.c_str(), t.period_ticks, p.result[f], message, sizeof message);
  std::string text = std::string(message) + " (" + t.where + ")";
  if (core.failing > 1) {
    text += "; " + std::to_string(core.failing) + " of " + std::to_string(core.rt_count) + " threads miss";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t hz = uk::sched::kQemuVirtTimerHz;
  uint64_t cpus = 1;
  uint64_t overhead = 0;
  uint64_t max_iterations = uk::sched::kDefaultMaxIterations;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    bool bad = false;
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fputs(kUsage, stdout);
      return 0;
    }
    if (take_number(argc, argv, &i, "--hz", &hz, &bad)) {
      if (bad || hz == 0) return usage("--hz needs a positive integer (timer ticks per second)");
    } else if (take_number(argc, argv, &i, "--cpus", &cpus, &bad)) {
      if (bad || cpus == 0 || cpus > uk::sched::kMaxCpus) {
        return usage(("--cpus needs a core count 1.." + std::to_string(uk::sched::kMaxCpus)).c_str());
      }
    } else if (take_number(argc, argv, &i, "--overhead-ticks", &overhead, &bad)) {
      if (bad) return usage("--overhead-ticks needs an integer");
    } else if (take_number(argc, argv, &i, "--max-iterations", &max_iterations, &bad)) {
      if (bad || max_iterations == 0 || max_iterations > UINT32_MAX) {
        return usage("--max-iterations needs an integer in [1, 4294967295]");
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage(("unknown option '" + arg + "'").c_str());
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) return usage("no input file");

  Input in;
  for (const std::string& file : files) {
    std::ifstream f(resolve(file), std::ios::binary);
    if (!f) {
      in.errors.push_back(file + ": cannot read: " + strerror(errno));
      continue;
    }
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (looks_like_manifest(file, text)) {
      read_manifest(file, text, hz, &in);
    } else {
      read_task_list(file, text, hz, &in);
    }
  }
  std::set<std::string> seen;
  for (const Thread& t : in.threads) {
    if (!seen.insert(t.name).second) in.errors.push_back(t.where + ": " + t.name + ": duplicate thread name");
  }
  const size_t n = in.threads.size() - in.best_effort;  // real time
  if (n > uk::sched::kMaxRtaTasks * cpus || in.threads.size() > uk::sched::kMaxPlacementThreads) {
    in.errors.push_back("schedcheck: " + std::to_string(n) + " real-time and " + std::to_string(in.best_effort) +
                        " best-effort threads, at most " + std::to_string(uk::sched::kMaxRtaTasks) +
                        " real-time threads per core and " + std::to_string(uk::sched::kMaxPlacementThreads) +
                        " threads");
  }
  if (!in.errors.empty()) {
    for (const std::string& e : in.errors) fprintf(stderr, "%s\n", e.c_str());
    fprintf(stderr, "schedcheck: %zu error%s, nothing analysed\n", in.errors.size(),
            in.errors.size() == 1 ? "" : "s");
    return 2;
  }

  // The same placement as the pack tool: order = input position (image
  // order, then the thread's line), which ranks equal periods as before.
  std::vector<uk::sched::PlacementThread> threads(in.threads.size());
  for (size_t i = 0; i < in.threads.size(); ++i) {
    const Thread& t = in.threads[i];
    threads[i] = uk::sched::PlacementThread{t.name.c_str(), t.period_ticks, t.budget_ticks, t.cpu, i};
  }
  uk::sched::RtaOptions options;
  options.overhead_ticks = overhead;
  options.max_iterations = static_cast<uint32_t>(max_iterations);
  static uk::sched::Placement placement;  // large: not on the stack
  const uk::Status st =
      uk::sched::place_threads(threads.data(), threads.size(), static_cast<uint32_t>(cpus), options, &placement);
  if (st.error() == uk::Errno::kInval) {
    std::string e = std::string("schedcheck: ") + placement.message;
    if (placement.failing_thread < in.threads.size()) e += " (" + in.threads[placement.failing_thread].where + ")";
    fprintf(stderr, "%s\nschedcheck: 1 error, nothing analysed\n", e.c_str());
    return 2;
  }
  const bool multi = cpus > 1;

  printf("schedcheck: %zu real-time thread%s", n, n == 1 ? "" : "s");
  if (in.best_effort > 0) {
    printf(" (%zu best-effort thread%s %s)", in.best_effort, in.best_effort == 1 ? "" : "s",
           multi ? "placed, not analysed" : "ignored");
  }
  printf(", timer %llu Hz, overhead %llu tick%s per release", static_cast<unsigned long long>(hz),
         static_cast<unsigned long long>(overhead), overhead == 1 ? "" : "s");
  if (multi) printf(", %llu cores", static_cast<unsigned long long>(cpus));
  printf("\n");

  if (multi) {
    // The placement: every thread's core, in input order.
    for (size_t i = 0; i < in.threads.size(); ++i) {
      const Thread& t = in.threads[i];
      const char* how = t.cpu != uk::sched::kUnpinned ? " (pinned)" : !t.real_time() ? " (best effort)" : "";
      printf("placement: %s core %u%s\n", t.name.c_str(), placement.cpu[i], how);
    }
  }
  if (n == 0) {
    if (multi) printf("schedulable on %llu cores: no real-time threads\n", static_cast<unsigned long long>(cpus));
    if (!multi) printf("schedulable: no real-time threads\n");
    return 0;
  }

  int name_width = 6;
  for (const Thread& t : in.threads) {
    if (t.real_time()) name_width = std::max(name_width, static_cast<int>(t.name.size()));
  }
  printf("%s%4s  %-*s  %10s  %10s  %12s  %12s  %14s  %12s  %s\n", multi ? "core  " : "", "prio", name_width, "thread",
         "period_us", "budget_us", "period_ticks", "budget_ticks", "response_ticks", "response_us", "verdict");
  for (uint32_t c = 0; c < cpus; ++c) {
    const uk::sched::CoreVerdict& core = placement.cores[c];
    for (size_t p = 0; p < core.rt_count; ++p) {
      const size_t i = core.by_priority[p];
      const Thread& t = in.threads[i];
      const RtaResult& r = placement.result[i];
      std::string resp_ticks, resp_us;
      response_text(r, hz, &resp_ticks, &resp_us);
      if (multi) printf("%4u  ", c);
      printf("%4zu  %-*s  %10llu  %10llu  %12llu  %12llu  %14s  %12s  %s\n", p, name_width, t.name.c_str(),
             static_cast<unsigned long long>(t.period_us), static_cast<unsigned long long>(t.budget_us),
             static_cast<unsigned long long>(t.period_ticks), static_cast<unsigned long long>(t.budget_ticks),
             resp_ticks.c_str(), resp_us.c_str(), verdict(r).c_str());
    }
  }

  if (!multi) {
    // One core: the single-core report as it always was.
    const uk::sched::CoreVerdict& core = placement.cores[0];
    printf("%s\n", utilisation_text(core.utilisation_ppm, n).c_str());
    if (core.schedulable()) {
      printf("schedulable: every thread meets its deadline\n");
      return 0;
    }
    printf("not schedulable: %s\n", core_miss(in, placement, core).c_str());
    return 1;
  }

  for (uint32_t c = 0; c < cpus; ++c) {
    const uk::sched::CoreVerdict& core = placement.cores[c];
    if (core.rt_count == 0) {
      printf("core %u: no real-time threads: schedulable\n", c);
    } else if (core.schedulable()) {
      printf("core %u: %s: schedulable\n", c, utilisation_text(core.utilisation_ppm, core.rt_count).c_str());
    } else {
      printf("core %u: %s: not schedulable: %s\n", c, utilisation_text(core.utilisation_ppm, core.rt_count).c_str(),
             core_miss(in, placement, core).c_str());
    }
  }
  if (st.ok()) {
    printf("schedulable on %llu cores: every thread meets its deadline\n", static_cast<unsigned long long>(cpus));
    return 0;
  }
  std::string why = placement.message;
  if (placement.failing_thread < in.threads.size()) why += " (" + in.threads[placement.failing_thread].where + ")";
  printf("not schedulable on %llu cores: %s\n", static_cast<unsigned long long>(cpus), why.c_str());
  return 1;
}
