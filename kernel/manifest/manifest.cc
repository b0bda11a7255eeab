#include "kernel/manifest/manifest.h"

#include <stdarg.h>

#include "kernel/console/format.h"
#include "ukernel/sys.h"

namespace uk::manifest {
namespace {

// A slice of the input text.
struct Str {
  const char* p = nullptr;
  size_t n = 0;

  [[nodiscard]] bool empty() const { return n == 0; }
  [[nodiscard]] bool eq(const char* lit) const {
    size_t i = 0;
    for (; i < n; ++i) {
      if (lit[i] == '\0' || lit[i] != p[i]) return false;
    }
    return lit[i] == '\0';
  }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

Str trim(Str s) {
  while (s.n > 0 && is_space(s.p[0])) ++s.p, --s.n;
  while (s.n > 0 && is_space(s.p[s.n - 1])) --s.n;
  return s;
}

// Splits off the next whitespace-separated token of *rest.
Str next_token(Str* rest) {
  Str s = trim(*rest);
  size_t i = 0;
  while (i < s.n && !is_space(s.p[i])) ++i;
  Str tok{s.p, i};
  *rest = trim(Str{s.p + i, s.n - i});
  return tok;
}

// A value quoted for a message: at most 48 characters, "..." when cut.
struct Quoted {
  char text[56];
  explicit Quoted(Str s) {
    constexpr size_t kMax = 48;
    size_t n = s.n < kMax ? s.n : kMax;
    for (size_t i = 0; i < n; ++i) text[i] = s.p[i];
    if (s.n > kMax) {
      text[n++] = '.';
      text[n++] = '.';
      text[n++] = '.';
    }
    text[n] = '\0';
  }
  [[nodiscard]] const char* c_str() const { return text; }
};

void copy_name(char* dst, Str s) {
  size_t n = s.n < kMaxNameLength ? s.n : kMaxNameLength;
  for (size_t i = 0; i < n; ++i) dst[i] = s.p[i];
  dst[n] = '\0';
}

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

// Describes a character for a message: 'x', "a space", "a tab" or 0xNN.
struct CharText {
  char text[12];
  explicit CharText(char c) {
    if (c == ' ') {
      format(text, sizeof text, "a space");
    } else if (c == '\t') {
      format(text, sizeof text, "a tab");
    } else if (c > ' ' && c < 0x7f) {
      format(text, sizeof text, "'%c'", c);
    } else {
      format(text, sizeof text, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    }
  }
};

enum class NumResult { kOk, kMalformed, kOverflow };

NumResult parse_decimal(Str s, uint64_t* out) {
  if (s.empty()) return NumResult::kMalformed;
  uint64_t v = 0;
  for (size_t i = 0; i < s.n; ++i) {
    char c = s.p[i];
    if (c < '0' || c > '9') return NumResult::kMalformed;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (~0ull - d) / 10) return NumResult::kOverflow;
    v = v * 10 + d;
  }
  *out = v;
  return NumResult::kOk;
}

NumResult parse_size_ex(Str s, uint64_t* bytes) {
  uint64_t mul = 1;
  if (s.n > 0 && s.p[s.n - 1] == 'K') mul = 1024, --s.n;
  else if (s.n > 0 && s.p[s.n - 1] == 'M') mul = 1024 * 1024, --s.n;
  uint64_t v = 0;
  NumResult r = parse_decimal(s, &v);
  if (r != NumResult::kOk) return r;
  if (v > ~0ull / mul) return NumResult::kOverflow;
  *bytes = v * mul;
  return NumResult::kOk;
}

NumResult parse_time_ex(Str s, uint64_t* us) {
  uint64_t mul = 0;
  if (s.n > 2 && s.p[s.n - 2] == 'u' && s.p[s.n - 1] == 's') mul = 1, s.n -= 2;
  else if (s.n > 2 && s.p[s.n - 2] == 'm' && s.p[s.n - 1] == 's') mul = 1000, s.n -= 2;
  else if (s.n > 1 && s.p[s.n - 1] == 's') mul = 1000 * 1000, s.n -= 1;
  else return NumResult::kMalformed;
  uint64_t v = 0;
  NumResult r = parse_decimal(s, &v);
  if (r != NumResult::kOk) return r;
  if (v > ~0ull / mul) return NumResult::kOverflow;
  *us = v * mul;
  return NumResult::kOk;
}

// Sizes and times in messages: the largest exact unit.
struct SizeText {
  char text[32];
  explicit SizeText(uint64_t b) {
    unsigned long long v = b;
    if (v != 0 && v % (1024 * 1024) == 0) format(text, sizeof text, "%lluM", v / (1024 * 1024));
    else if (v != 0 && v % 1024 == 0) format(text, sizeof text, "%lluK", v / 1024);
    else format(text, sizeof text, "%llu", v);
  }
};

struct TimeText {
  char text[32];
  explicit TimeText(uint64_t us) {
    unsigned long long v = us;
    if (v != 0 && v % 1000000 == 0) format(text, sizeof text, "%llus", v / 1000000);
    else if (v != 0 && v % 1000 == 0) format(text, sizeof text, "%llums", v / 1000);
    else format(text, sizeof text, "%lluus", v);
  }
};

constexpr const char kFieldList[] = "name, subsystem, memory, caps, parent, thread, grant";
constexpr const char kSizeHint[] = "use bytes or K/M suffix, e.g. 512K";
constexpr const char kTimeHint[] = "use us, ms or s, e.g. 10ms";
constexpr const char kCpuHint[] = "use a decimal core number, e.g. cpu=1";

class Parser {
 public:
  Parser(const char* file, Manifest* out, Diagnostics* diag) : file_(file), out_(out), diag_(diag) {}

  void run(const char* text, size_t size);

 private:
  void error(uint32_t line, const char* field, const char* fmt, ...) __attribute__((format(printf, 4, 5)));
  void line(uint32_t number, Str s);
  // Validates a name; on failure reports "<what> '<v>' ..." and returns false.
  bool check_name(uint32_t line, const char* field, const char* what, Str v);
  void field_name(uint32_t line, Str v);
  void field_subsystem(uint32_t line, Str v);
  void field_memory(uint32_t line, Str v);
  void field_caps(uint32_t line, Str v);
  void field_parent(uint32_t line, Str v);
  void field_thread(uint32_t line, Str v);
  void field_grant(uint32_t line, Str v);
  bool check_path(uint32_t line, Str kind, Str path);
  void finish();

  const char* file_;
  Manifest* out_;
  Diagnostics* diag_;
  size_t errors_ = 0;
  bool threads_seen_ = false;
};

void Parser::error(uint32_t line, const char* field, const char* fmt, ...) {
  char body[Diagnostics::kMessageBytes];
  va_list args;
  va_start(args, fmt);
  vformat(body, sizeof body, fmt, args);
  va_end(args);
  ++errors_;
  if (line == 0) {
    diag_->add("%s: %s: %s", file_, field, body);
  } else if (field == nullptr) {
    diag_->add("%s:%u: %s", file_, line, body);
  } else {
    diag_->add("%s:%u: %s: %s", file_, line, field, body);
  }
}

void Parser::run(const char* text, size_t size) {
  if (text == nullptr && size != 0) {
    error(0, "file", "no text (null pointer)");
    return;
  }
  if (size > kMaxManifestBytes) {
    error(0, "file", "%zu bytes is larger than the %zu-byte limit for a manifest", size, kMaxManifestBytes);
    return;
  }
  uint32_t number = 0;
  size_t pos = 0;
  while (pos < size) {
    ++number;
    size_t end = pos;
    while (end < size && text[end] != '\n') ++end;
    line(number, Str{text + pos, end - pos});
    pos = end + 1;
  }
  finish();
}

void Parser::line(uint32_t number, Str s) {
  // Control characters (NUL included) are never valid; '#' starts a comment.
  for (size_t i = 0; i < s.n; ++i) {
    unsigned char c = static_cast<unsigned char>(s.p[i]);
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      error(number, nullptr, "control character %s in the line", CharText(s.p[i]).text);
      return;
    }
  }
  for (size_t i = 0; i < s.n; ++i) {
    if (s.p[i] == '#') {
      s.n = i;
      break;
    }
  }
  s = trim(s);
  if (s.empty()) return;

  size_t colon = 0;
  while (colon < s.n && s.p[colon] != ':') ++colon;
  Str key = trim(Str{s.p, colon});
  bool key_ok = colon < s.n && !key.empty();
  for (size_t i = 0; key_ok && i < key.n; ++i) key_ok = !is_space(key.p[i]);
  if (!key_ok) {
    error(number, nullptr, "expected 'key: value', got '%s'", Quoted(s).c_str());
    return;
  }
  Str value = trim(Str{s.p + colon + 1, s.n - colon - 1});
  const Quoted quoted_key(key);
  const char* field = quoted_key.c_str();

  struct Single {
    const char* key;
    uint32_t* line;
    void (Parser::*handler)(uint32_t, Str);
  };
  const Single singles[] = {
      {"name", &out_->name_line, &Parser::field_name},
      {"subsystem", &out_->subsystem_line, &Parser::field_subsystem},
      {"memory", &out_->memory_line, &Parser::field_memory},
      {"caps", &out_->caps_line, &Parser::field_caps},
      {"parent", &out_->parent_line, &Parser::field_parent},
  };
  for (const Single& f : singles) {
    if (!key.eq(f.key)) continue;
    if (*f.line != 0) {
      error(number, field, "duplicate field (already set on line %u)", *f.line);
      return;
    }
    *f.line = number;
    if (value.empty()) {
      error(number, field, "missing value");
      return;
    }
    (this->*f.handler)(number, value);
    return;
  }
  if (key.eq("thread") || key.eq("grant")) {
    if (value.empty()) {
      error(number, field, "missing value");
      if (key.eq("thread")) threads_seen_ = true;
      return;
    }
    if (key.eq("thread")) {
      field_thread(number, value);
    } else {
      field_grant(number, value);
    }
    return;
  }
  error(number, field, "unknown field (fields: %s)", kFieldList);
}

bool Parser::check_name(uint32_t line, const char* field, const char* what, Str v) {
  for (size_t i = 0; i < v.n; ++i) {
    if (!name_char(v.p[i])) {
      error(line, field, "%s'%s' contains %s (names use a-z, 0-9, '_' and '-')", what, Quoted(v).c_str(),
            CharText(v.p[i]).text);
      return false;
    }
  }
  if (v.n > kMaxNameLength) {
    error(line, field, "%s'%s' is %zu characters long (at most %zu)", what, Quoted(v).c_str(), v.n, kMaxNameLength);
    return false;
  }
  return true;
}

void Parser::field_name(uint32_t line, Str v) {
  if (check_name(line, "name", "", v)) copy_name(out_->name, v);
}

void Parser::field_subsystem(uint32_t line, Str v) {
  if (!check_name(line, "subsystem", "", v)) return;
  copy_name(out_->subsystem, v);
  out_->subsystem_id = subsystem_id(v.p, v.n);
}

void Parser::field_memory(uint32_t line, Str v) {
  uint64_t bytes = 0;
  NumResult r = parse_size_ex(v, &bytes);
  if (r == NumResult::kMalformed) {
    error(line, "memory", "'%s' is not a size (%s)", Quoted(v).c_str(), kSizeHint);
  } else if (r == NumResult::kOverflow || bytes > kMaxMemoryBytes) {
    error(line, "memory", "'%s' is larger than the %s limit", Quoted(v).c_str(), SizeText(kMaxMemoryBytes).text);
  } else if (bytes == 0) {
    error(line, "memory", "'%s' is zero", Quoted(v).c_str());
  } else if (bytes % kPageBytes != 0) {
    error(line, "memory", "'%s' is not a multiple of the 4K page size", Quoted(v).c_str());
  } else {
    out_->memory_bytes = bytes;
  }
}

void Parser::field_caps(uint32_t line, Str v) {
  CapabilitySet set = 0;
  while (!v.empty()) {
    Str tok = next_token(&v);
    CapabilitySet c = capability_from_name(tok.p, tok.n);
    if (c == 0) {
      error(line, "caps", "unknown capability '%s' (valid: %s)", Quoted(tok).c_str(), capability_name_list());
    } else if ((set & c) != 0) {
      error(line, "caps", "'%s' is listed twice", Quoted(tok).c_str());
    }
    set |= c;
  }
  out_->capabilities = set;
}

void Parser::field_parent(uint32_t line, Str v) {
  if (check_name(line, "parent", "", v)) copy_name(out_->parent, v);
}

void Parser::field_thread(uint32_t line, Str v) {
  threads_seen_ = true;
  Str name = next_token(&v);
  for (size_t i = 0; i < name.n; ++i) {
    if (name.p[i] == '=') {
      error(line, "thread", "expected a thread name before '%s'", Quoted(name).c_str());
      return;
    }
  }
  if (!check_name(line, "thread", "name ", name)) return;
  char tname[kNameBytes];
  copy_name(tname, name);
  for (size_t i = 0; i < out_->thread_count; ++i) {
    if (name.eq(out_->threads[i].name)) {
      error(line, "thread", "%s: already defined on line %u", tname, out_->threads[i].line);
      return;
    }
  }

  Thread t;
  copy_name(t.name, name);
  t.line = line;
  bool have_period = false, have_budget = false, have_stack = false, have_cpu = false, ok = true;
  Str period_text, budget_text;
  while (!v.empty()) {
    Str opt = next_token(&v);
    size_t eq = 0;
    while (eq < opt.n && opt.p[eq] != '=') ++eq;
    Str okey{opt.p, eq};
    Str oval = eq < opt.n ? Str{opt.p + eq + 1, opt.n - eq - 1} : Str{};
    bool known = eq < opt.n && (okey.eq("period") || okey.eq("budget") || okey.eq("stack") || okey.eq("cpu"));
    if (!known) {
      error(line, "thread", "%s: unknown option '%s' (options: period=<time> budget=<time> stack=<size> cpu=<core>)",
            tname, Quoted(opt).c_str());
      ok = false;
      continue;
    }
    char oname[8];
    copy_name(oname, Str{okey.p, okey.n < 7 ? okey.n : 7});
    bool* seen = okey.eq("period")   ? &have_period
                 : okey.eq("budget") ? &have_budget
                 : okey.eq("cpu")    ? &have_cpu
                                     : &have_stack;
    if (*seen) {
      error(line, "thread", "%s: %s given twice", tname, oname);
      ok = false;
      continue;
    }
    *seen = true;
    if (okey.eq("cpu")) {
      // A pin: the thread runs on this core for its life (docs/scheduler.md,
      // placement). Whether the image's board has the core is the pack tool's
      // check; here only the format's limit.
      uint64_t core = 0;
      NumResult r = parse_decimal(oval, &core);
      if (r == NumResult::kMalformed) {
        error(line, "thread", "%s: cpu '%s' is not a core number (%s)", tname, Quoted(oval).c_str(), kCpuHint);
      } else if (r == NumResult::kOverflow || core >= bundle::kMaxCpus) {
        error(line, "thread", "%s: cpu '%s' is larger than the %u maximum", tname, Quoted(oval).c_str(),
              bundle::kMaxCpus - 1);
      } else {
        t.cpu = static_cast<int32_t>(core);
        continue;
      }
      ok = false;
      continue;
    }
    if (okey.eq("stack")) {
      uint64_t bytes = 0;
      NumResult r = parse_size_ex(oval, &bytes);
      if (r == NumResult::kMalformed) {
        error(line, "thread", "%s: stack '%s' is not a size (%s)", tname, Quoted(oval).c_str(), kSizeHint);
      } else if (r == NumResult::kOverflow || bytes > kMaxStackBytes) {
        error(line, "thread", "%s: stack '%s' is larger than the %s limit", tname, Quoted(oval).c_str(),
              SizeText(kMaxStackBytes).text);
      } else if (bytes < kMinStackBytes) {
        error(line, "thread", "%s: stack '%s' is smaller than the %s minimum", tname, Quoted(oval).c_str(),
              SizeText(kMinStackBytes).text);
      } else if (bytes % kPageBytes != 0) {
        error(line, "thread", "%s: stack '%s' is not a multiple of the 4K page size", tname, Quoted(oval).c_str());
      } else {
        t.stack_bytes = bytes;
        continue;
      }
      ok = false;
      continue;
    }
    // period= or budget=
    const bool is_period = okey.eq("period");
    uint64_t us = 0;
    NumResult r = parse_time_ex(oval, &us);
    const uint64_t min = is_period ? kMinPeriodUs : kMinBudgetUs;
    if (r == NumResult::kMalformed) {
      error(line, "thread", "%s: %s '%s' is not a time (%s)", tname, oname, Quoted(oval).c_str(), kTimeHint);
    } else if (r == NumResult::kOverflow || us > kMaxPeriodUs) {
      error(line, "thread", "%s: %s '%s' is longer than the %s maximum", tname, oname, Quoted(oval).c_str(),
            TimeText(kMaxPeriodUs).text);
    } else if (us < min) {
      error(line, "thread", "%s: %s '%s' is shorter than the %s minimum", tname, oname, Quoted(oval).c_str(),
            TimeText(min).text);
    } else {
      (is_period ? t.period_us : t.budget_us) = us;
      (is_period ? period_text : budget_text) = oval;
      continue;
    }
    ok = false;
  }
  if (have_period && !have_budget) {
    error(line, "thread", "%s: period= needs a budget= (real-time threads have both)", tname);
    ok = false;
  } else if (have_budget && !have_period) {
    error(line, "thread", "%s: budget= needs a period= (real-time threads have both)", tname);
    ok = false;
  } else if (ok && have_period && t.budget_us > t.period_us) {
    error(line, "thread", "%s: budget %s is longer than period %s (budget <= period)", tname,
          Quoted(budget_text).c_str(), Quoted(period_text).c_str());
    ok = false;
  }
  if (!ok) return;
  if (out_->thread_count == kMaxThreads) {
    error(line, "thread", "%s: too many threads (at most %zu)", tname, kMaxThreads);
    return;
  }
  if (t.stack_bytes == 0) t.stack_bytes = kDefaultStackBytes;
  out_->threads[out_->thread_count++] = t;
}

bool Parser::check_path(uint32_t line, Str kind, Str path) {
  Quoted k(kind), p(path);
  if (path.p[0] != '/') {
    error(line, "grant", "%s: '%s' is not an absolute path (it must start with '/')", k.c_str(), p.c_str());
    return false;
  }
  if (path.n > kMaxPathLength) {
    error(line, "grant", "%s: path '%s' is %zu bytes long (at most %zu)", k.c_str(), p.c_str(), path.n,
          kMaxPathLength);
    return false;
  }
  for (size_t i = 0; i < path.n; ++i) {
    unsigned char c = static_cast<unsigned char>(path.p[i]);
    if (c <= ' ' || c >= 0x7f) {
      error(line, "grant", "%s: path '%s' contains %s (paths are printable ASCII)", k.c_str(), p.c_str(),
            CharText(path.p[i]).text);
      return false;
    }
  }
  // Components between slashes: none may be empty, "." or "..".
  if (path.n > 1) {
    size_t start = 1;
    for (size_t i = 1; i <= path.n; ++i) {
      if (i < path.n && path.p[i] != '/') continue;
      Str comp{path.p + start, i - start};
      if (comp.empty() || comp.eq(".") || comp.eq("..")) {
        error(line, "grant", "%s: path '%s' is not normalized (no empty, '.' or '..' components, no trailing '/')",
              k.c_str(), p.c_str());
        return false;
      }
      start = i + 1;
    }
  }
  return true;
}

void Parser::field_grant(uint32_t line, Str v) {
  Str kind = next_token(&v);
  Str arg = next_token(&v);
  Str extra = next_token(&v);
  Quoted k(kind);
  Grant g;
  g.line = line;
  const char* need = nullptr;
  if (kind.eq("path-ro")) {
    g.kind = bundle::GrantKind::kPathRead;
    need = "a path (e.g. grant: path-ro /data)";
  } else if (kind.eq("path-rw")) {
    g.kind = bundle::GrantKind::kPathReadWrite;
    need = "a path (e.g. grant: path-rw /tmp)";
  } else if (kind.eq("signal")) {
    g.kind = bundle::GrantKind::kSignalTarget;
    need = "a domain name (e.g. grant: signal logger)";
  } else if (kind.eq("port")) {
    g.kind = bundle::GrantKind::kNetPort;
    need = "a port number (e.g. grant: port 80)";
  } else {
    error(line, "grant", "unknown kind '%s' (kinds: path-ro <path>, path-rw <path>, signal <domain>, port <number>)",
          k.c_str());
    return;
  }
  if (arg.empty()) {
    error(line, "grant", "%s needs %s", k.c_str(), need);
    return;
  }
  if (!extra.empty()) {
    error(line, "grant", "%s: unexpected '%s' after '%s'", k.c_str(), Quoted(extra).c_str(), Quoted(arg).c_str());
    return;
  }
  switch (g.kind) {
    case bundle::GrantKind::kPathRead:
    case bundle::GrantKind::kPathReadWrite:
      if (!check_path(line, kind, arg)) return;
      break;
    case bundle::GrantKind::kSignalTarget:
      if (!check_name(line, "grant", "signal target ", arg)) return;
      break;
    default: {
      uint64_t port = 0;
      if (parse_decimal(arg, &port) != NumResult::kOk || port == 0 || port > 65535) {
        error(line, "grant", "port '%s' is not a port number (1-65535)", Quoted(arg).c_str());
        return;
      }
      g.number = port;
      break;
    }
  }
  if (g.kind != bundle::GrantKind::kNetPort) {
    for (size_t i = 0; i < arg.n; ++i) g.value[i] = arg.p[i];
    g.value[arg.n] = '\0';
    g.value_bytes = static_cast<uint32_t>(arg.n);
  }
  for (size_t i = 0; i < out_->grant_count; ++i) {
    const Grant& o = out_->grants[i];
    const bool same = o.kind == g.kind && (g.kind == bundle::GrantKind::kNetPort ? o.number == g.number : arg.eq(o.value));
    if (same) {
      error(line, "grant", "%s %s: duplicate of line %u", k.c_str(), Quoted(arg).c_str(), o.line);
      return;
    }
  }
  if (out_->grant_count == kMaxGrants) {
    error(line, "grant", "too many grants (at most %zu)", kMaxGrants);
    return;
  }
  out_->grants[out_->grant_count++] = g;
}

void Parser::finish() {
  if (out_->name_line == 0) error(0, "name", "required field is missing");
  if (out_->subsystem_line == 0) error(0, "subsystem", "required field is missing");
  if (out_->memory_line == 0) error(0, "memory", "required field is missing (e.g. memory: 256K)");
  if (out_->has_parent() && out_->name[0] != '\0') {
    Str p{out_->parent, 0};
    while (out_->parent[p.n] != '\0') ++p.n;
    if (p.eq(out_->name)) error(out_->parent_line, "parent", "'%s' is the domain itself", out_->parent);
  }
  if (!threads_seen_ && out_->thread_count == 0) {
    Thread& t = out_->threads[0];
    copy_name(t.name, Str{kDefaultThreadName, 4});
    t.stack_bytes = kDefaultStackBytes;
    t.line = 0;
    out_->thread_count = 1;
  }
}

}  // namespace

void Diagnostics::add(const char* fmt, ...) {
  if (count == kMaxMessages) {
    ++dropped;
    return;
  }
  va_list args;
  va_start(args, fmt);
  vformat(messages[count], kMessageBytes, fmt, args);
  va_end(args);
  ++count;
}

bool is_valid_name(const char* s, size_t len) {
  if (s == nullptr || len == 0 || len > kMaxNameLength) return false;
  for (size_t i = 0; i < len; ++i) {
    if (!name_char(s[i])) return false;
  }
  return true;
}

bool parse_size(const char* s, size_t len, uint64_t* bytes) {
  return s != nullptr && parse_size_ex(Str{s, len}, bytes) == NumResult::kOk;
}

bool parse_time_us(const char* s, size_t len, uint64_t* us) {
  return s != nullptr && parse_time_ex(Str{s, len}, us) == NumResult::kOk;
}

CapabilitySet capability_from_name(const char* s, size_t len) {
  for (const CapabilityName& c : kCapabilityNames) {
    if (Str{s, len}.eq(c.name)) return static_cast<CapabilitySet>(c.capability);
  }
  return 0;
}

const char* capability_name_list() {
  static constexpr size_t kBytes = [] {
    size_t n = 0;
    for (const CapabilityName& c : kCapabilityNames) {
      for (const char* p = c.name; *p; ++p) ++n;
      n += 2;
    }
    return n;
  }();
  struct List {
    char text[kBytes] = {};
    constexpr List() {
      size_t n = 0;
      for (const CapabilityName& c : kCapabilityNames) {
        if (n != 0) text[n++] = ',', text[n++] = ' ';
        for (const char* p = c.name; *p; ++p) text[n++] = *p;
      }
    }
  };
  static constexpr List kList;
  return kList.text;
}

uint64_t subsystem_id(const char* s, size_t len) {
  return ::ukernel::sys::SubsystemId::from_name(s, len).as_u64();
}

Status parse_manifest(const char* file_name, const char* text, size_t size, Manifest* out, Diagnostics* diag) {
  *out = Manifest{};
  Parser parser(file_name != nullptr ? file_name : "<manifest>", out, diag);
  const size_t before = diag->total();
  parser.run(text, size);
  return diag->total() == before ? kOkStatus : Status(Errno::kInval);
}

}  // namespace uk::manifest
