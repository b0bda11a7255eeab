#include "kernel/image/bundle.h"

#include <stdarg.h>

#include "kernel/console/format.h"
#include "kernel/domain/capabilities.h"
#include "kernel/image/footprint.h"
#include "kernel/manifest/manifest.h"

namespace uk::bundle {
namespace {

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

// Name of a record for messages: "domain 2 ('hello')", or "domain 2" when the
// name itself is bad.
struct DomainText {
  char text[64];
  DomainText(uint32_t index, const char* name, bool name_ok) {
    if (name_ok) {
      format(text, sizeof text, "domain %u ('%s')", index, name);
    } else {
      format(text, sizeof text, "domain %u", index);
    }
  }
};

// NUL-terminated within kNameBytes, zero-padded, [a-z0-9_-]{0,31}.
// Returns the length, or -1 with *why set.
int check_name_field(const char* field, const char** why) {
  size_t len = 0;
  while (len < kNameBytes && field[len] != '\0') ++len;
  if (len == kNameBytes) {
    *why = "is not NUL-terminated";
    return -1;
  }
  for (size_t i = len; i < kNameBytes; ++i) {
    if (field[i] != '\0') {
      *why = "has non-zero bytes after its NUL";
      return -1;
    }
  }
  if (len != 0 && !manifest::is_valid_name(field, len)) {
    *why = "has characters outside [a-z0-9_-]";
    return -1;
  }
  return static_cast<int>(len);
}

bool names_equal(const char* a, const char* b) {
  for (size_t i = 0; i < kNameBytes; ++i) {
    if (a[i] != b[i]) return false;
    if (a[i] == '\0') return true;
  }
  return true;
}

bool all_zero(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

CapabilitySet known_capabilities() {
  CapabilitySet all = 0;
  for (const CapabilityName& c : kCapabilityNames) all |= static_cast<CapabilitySet>(c.capability);
  return all;
}

}  // namespace

class Validator {
 public:
  Validator(const uint8_t* data, size_t available, Bundle* out) : data_(data), available_(available), out_(out) {}
  Status run();

 private:
  Status fail(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  Status header();
  Status record(uint32_t index);
  Status threads(const DomainRecord& r, const char* who);
  Status grants(const DomainRecord& r, const char* who);
  Status relations();
  // [offset, offset + bytes) inside the payload (after the records).
  bool in_payload(uint64_t offset, uint64_t bytes) const {
    return offset >= records_end_ && offset <= total_ && bytes <= total_ - offset;
  }

  const uint8_t* data_;
  size_t available_;
  Bundle* out_;
  uint64_t total_ = 0;
  uint32_t count_ = 0;
  uint64_t records_end_ = 0;
  const DomainRecord* records_ = nullptr;
};

Status Validator::fail(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vformat(out_->reason, sizeof(out_->reason), fmt, args);
  va_end(args);
  out_->domain_count_ = 0;
  out_->records_ = nullptr;
  return Errno::kInval;
}

Status Validator::header() {
  if (available_ < sizeof(BundleHeader)) {
    return fail("truncated: %zu bytes, the bundle header alone needs %zu", available_, sizeof(BundleHeader));
  }
  const auto* h = reinterpret_cast<const BundleHeader*>(data_);
  for (size_t i = 0; i < sizeof(kMagic); ++i) {
    if (h->magic[i] != kMagic[i]) return fail("bad magic (expected \"UKBUNDL1\")");
  }
  if (h->version != kVersion) return fail("unsupported version %u (this kernel reads version %u)", h->version, kVersion);
  if (!all_zero(h->reserved, sizeof(h->reserved))) return fail("header: reserved fields are not zero");
  if (h->domain_count > kMaxDomains) return fail("%u domains (at most %u)", h->domain_count, kMaxDomains);
  total_ = h->total_bytes;
  if (total_ > available_) {
    return fail("truncated: total_bytes is %llu, only %zu bytes available", ull(total_), available_);
  }
  count_ = h->domain_count;
  records_end_ = sizeof(BundleHeader) + static_cast<uint64_t>(count_) * sizeof(DomainRecord);
  if (total_ < records_end_) {
    return fail("total_bytes %llu is smaller than the header and %u domain records (%llu bytes)", ull(total_), count_,
                ull(records_end_));
  }
  records_ = reinterpret_cast<const DomainRecord*>(data_ + sizeof(BundleHeader));
  return kOkStatus;
}

Status Validator::threads(const DomainRecord& r, const char* who) {
  if (r.thread_count == 0 || r.thread_count > kMaxThreads) {
    return fail("%s: thread_count %u (must be 1..%u)", who, r.thread_count, kMaxThreads);
  }
  for (uint32_t t = 0; t < kMaxThreads; ++t) {
    const ThreadRecord& th = r.threads[t];
    if (t >= r.thread_count) {
      if (!all_zero(&th, sizeof th)) return fail("%s: unused thread slot %u is not zero", who, t);
      continue;
    }
    const char* why = nullptr;
    const int len = check_name_field(th.name, &why);
    if (len < 0) return fail("%s: thread %u: name %s", who, t, why);
    if (len == 0) return fail("%s: thread %u: empty name", who, t);
    for (uint32_t u = 0; u < t; ++u) {
      if (names_equal(th.name, r.threads[u].name)) return fail("%s: threads %u and %u are both '%s'", who, u, t, th.name);
    }
    if (th.reserved != 0) return fail("%s: thread '%s': reserved field is not zero", who, th.name);
    if (th.cpu >= kMaxCpus) {
      return fail("%s: thread '%s': cpu %u (must be 0..%u)", who, th.name, th.cpu, kMaxCpus - 1);
    }
    if (th.stack_bytes % manifest::kPageBytes != 0 || th.stack_bytes < manifest::kMinStackBytes ||
        th.stack_bytes > manifest::kMaxStackBytes) {
      return fail("%s: thread '%s': stack %llu bytes (must be a page multiple in [%llu, %llu])", who, th.name,
                  ull(th.stack_bytes), ull(manifest::kMinStackBytes), ull(manifest::kMaxStackBytes));
    }
    if (th.period_us == 0) {
      if (th.budget_us != 0) return fail("%s: thread '%s': budget %lluus without a period", who, th.name, ull(th.budget_us));
      continue;
    }
    if (th.period_us < manifest::kMinPeriodUs || th.period_us > manifest::kMaxPeriodUs) {
      return fail("%s: thread '%s': period %lluus outside [%llu, %llu]us", who, th.name, ull(th.period_us),
                  ull(manifest::kMinPeriodUs), ull(manifest::kMaxPeriodUs));
    }
    if (th.budget_us < manifest::kMinBudgetUs || th.budget_us > th.period_us) {
      return fail("%s: thread '%s': budget %lluus outside [%llu, period %llu]us", who, th.name, ull(th.budget_us),
                  ull(manifest::kMinBudgetUs), ull(th.period_us));
    }
  }
  return kOkStatus;
}

Status Validator::grants(const DomainRecord& r, const char* who) {
  if (r.grant_count > kMaxGrants) return fail("%s: grant_count %u (at most %u)", who, r.grant_count, kMaxGrants);
  for (uint32_t g = 0; g < kMaxGrants; ++g) {
    const GrantRecord& gr = r.grants[g];
    if (g >= r.grant_count) {
      if (!all_zero(&gr, sizeof gr)) return fail("%s: unused grant slot %u is not zero", who, g);
      continue;
    }
    switch (gr.kind) {
      case GrantKind::kPathRead:
      case GrantKind::kPathReadWrite:
      case GrantKind::kSignalTarget: {
        if (gr.number != 0) return fail("%s: grant %u: number %llu is not zero", who, g, ull(gr.number));
        if (gr.value_bytes == 0) return fail("%s: grant %u: empty value", who, g);
        // The string and its NUL terminator lie in the payload.
        if (!in_payload(gr.value_offset, static_cast<uint64_t>(gr.value_bytes) + 1)) {
          return fail("%s: grant %u: value [%llu, +%u] outside the payload [%llu, %llu)", who, g, ull(gr.value_offset),
                      gr.value_bytes + 1, ull(records_end_), ull(total_));
        }
        const char* s = reinterpret_cast<const char*>(data_ + gr.value_offset);
        if (s[gr.value_bytes] != '\0') return fail("%s: grant %u: value is not NUL-terminated", who, g);
        if (gr.kind == GrantKind::kSignalTarget) {
          if (!manifest::is_valid_name(s, gr.value_bytes)) return fail("%s: grant %u: bad signal target name", who, g);
          break;
        }
        if (gr.value_bytes > manifest::kMaxPathLength) {
          return fail("%s: grant %u: path is %u bytes (at most %zu)", who, g, gr.value_bytes, manifest::kMaxPathLength);
        }
        if (s[0] != '/') return fail("%s: grant %u: path is not absolute", who, g);
        for (uint32_t i = 0; i < gr.value_bytes; ++i) {
          const auto c = static_cast<unsigned char>(s[i]);
          if (c <= ' ' || c >= 0x7f) return fail("%s: grant %u: path byte %u is 0x%02x (not printable ASCII)", who, g, i, c);
        }
        break;
      }
      case GrantKind::kNetPort:
        if (gr.value_bytes != 0 || gr.value_offset != 0) return fail("%s: grant %u: port grant with a string value", who, g);
        if (gr.number == 0 || gr.number > 65535) return fail("%s: grant %u: port %llu outside 1..65535", who, g, ull(gr.number));
        break;
      default:
        return fail("%s: grant %u: unknown kind %u", who, g, static_cast<uint32_t>(gr.kind));
    }
  }
  return kOkStatus;
}

Status Validator::record(uint32_t index) {
  const DomainRecord& r = records_[index];
  const char* why = nullptr;
  const int name_len = check_name_field(r.name, &why);
  if (name_len < 0) return fail("domain %u: name %s", index, why);
  if (name_len == 0) return fail("domain %u: empty name", index);
  const DomainText who(index, r.name, true);
  if (check_name_field(r.parent, &why) < 0) return fail("%s: parent name %s", who.text, why);
  if (r.reserved0 != 0 || !all_zero(r.reserved, sizeof r.reserved)) return fail("%s: reserved fields are not zero", who.text);
  if ((r.capabilities & ~known_capabilities()) != 0) {
    return fail("%s: unknown capability bits 0x%x", who.text, r.capabilities & ~known_capabilities());
  }
  if (r.memory_quota_bytes == 0 || r.memory_quota_bytes % manifest::kPageBytes != 0 ||
      r.memory_quota_bytes > manifest::kMaxMemoryBytes) {
    return fail("%s: memory quota %llu bytes (must be a non-zero page multiple, at most %llu)", who.text,
                ull(r.memory_quota_bytes), ull(manifest::kMaxMemoryBytes));
  }
  Status st = threads(r, who.text);
  if (!st.ok()) return st;
  st = grants(r, who.text);
  if (!st.ok()) return st;

  if (r.elf_offset % kPayloadAlignment != 0) {
    return fail("%s: ELF offset %llu is not %llu-byte aligned", who.text, ull(r.elf_offset), ull(kPayloadAlignment));
  }
  if (!in_payload(r.elf_offset, r.elf_bytes)) {
    return fail("%s: ELF [%llu, +%llu) outside the payload [%llu, %llu)", who.text, ull(r.elf_offset),
                ull(r.elf_bytes), ull(records_end_), ull(total_));
  }
  elf::Image image;
  if (!elf::validate_elf(data_ + r.elf_offset, static_cast<size_t>(r.elf_bytes), elf::kDomainLoadLimits, &image).ok()) {
    return fail("%s: ELF: %s", who.text, image.reason);
  }
  uint64_t stacks[kMaxThreads];
  for (uint32_t t = 0; t < r.thread_count; ++t) stacks[t] = r.threads[t].stack_bytes;
  const image::Footprint fp = image::compute_footprint(image, stacks, r.thread_count);
  if (r.memory_quota_bytes < fp.bytes()) {
    return fail("%s: memory quota %llu KiB is less than the %llu KiB it needs (image %llu, stacks %llu, ring %llu, "
                "tables %llu pages)",
                who.text, ull(r.memory_quota_bytes / 1024), ull(fp.bytes() / 1024), ull(fp.image_pages),
                ull(fp.stack_pages), ull(fp.ring_pages), ull(fp.table_pages));
  }
  return kOkStatus;
}

Status Validator::relations() {
  for (uint32_t i = 0; i < count_; ++i) {
    const DomainRecord& r = records_[i];
    for (uint32_t j = 0; j < i; ++j) {
      if (names_equal(r.name, records_[j].name)) return fail("domains %u and %u are both named '%s'", j, i, r.name);
    }
  }
  out_->data_ = data_;
  out_->records_ = records_;
  out_->domain_count_ = count_;
  for (uint32_t i = 0; i < count_; ++i) {
    const DomainRecord& r = records_[i];
    if (r.parent[0] != '\0') {
      const int p = out_->find_domain(r.parent);
      if (p < 0) return fail("domain %u ('%s'): parent '%s' is not in the bundle", i, r.name, r.parent);
      // Follow the chain; more than count_ steps means a cycle.
      int at = p;
      for (uint32_t steps = 0; at >= 0; ++steps) {
        if (static_cast<uint32_t>(at) == i || steps > count_) {
          return fail("domain %u ('%s'): parent chain through '%s' is a cycle", i, r.name, r.parent);
        }
        const DomainRecord& q = records_[at];
        at = q.parent[0] == '\0' ? -1 : out_->find_domain(q.parent);
      }
    }
    for (uint32_t g = 0; g < r.grant_count; ++g) {
      if (r.grants[g].kind != GrantKind::kSignalTarget) continue;
      const char* target = out_->grant_value(r.grants[g]);
      if (out_->find_domain(target) < 0) {
        return fail("domain %u ('%s'): grant %u: signal target '%s' is not in the bundle", i, r.name, g, target);
      }
    }
  }
  return kOkStatus;
}

Status Validator::run() {
  Status st = header();
  if (!st.ok()) return st;
  for (uint32_t i = 0; i < count_; ++i) {
    st = record(i);
    if (!st.ok()) return st;
  }
  st = relations();
  if (!st.ok()) return st;
  out_->data_ = data_;
  out_->total_bytes_ = total_;
  out_->domain_count_ = count_;
  out_->records_ = records_;
  format(out_->reason, sizeof(out_->reason), "ok");
  return kOkStatus;
}

const char* Bundle::grant_value(const GrantRecord& grant) const {
  if (grant.kind == GrantKind::kNetPort || grant.kind == GrantKind::kNone) return nullptr;
  return reinterpret_cast<const char*>(data_ + grant.value_offset);
}

int Bundle::find_domain(const char* name) const {
  for (uint32_t i = 0; i < domain_count_; ++i) {
    if (names_equal(records_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

Status validate_bundle(const void* data, size_t available_bytes, Bundle* out) {
  *out = Bundle{};
  if (data == nullptr) {
    format(out->reason, sizeof(out->reason), "no bundle (null pointer)");
    return Errno::kFault;
  }
  if (reinterpret_cast<uintptr_t>(data) % kBundleAlignment != 0) {
    format(out->reason, sizeof(out->reason), "bundle at %p is not %llu-byte aligned", data, ull(kBundleAlignment));
    return Errno::kFault;
  }
  Validator v(static_cast<const uint8_t*>(data), available_bytes, out);
  return v.run();
}

}  // namespace uk::bundle
