// Reading the domain bundle (kernel/image/bundle_format.h) that ukernel_image
// links into the kernel between uk_domain_bundle_start and
// uk_domain_bundle_end.
//
// The bundle is input, not trusted: validate_bundle() reads only inside
// [data, data + available_bytes), uses overflow-checked arithmetic and
// explains every rejection in Bundle::reason, like parse_device_tree().
// After it returns OK every record, name, thread, grant and ELF image has
// been checked (see validate_bundle below), so the loader can use them
// without re-checking bounds.
//
// Portable (host and kernel), no heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/elf/elf.h"
#include "kernel/image/bundle_format.h"
#include "kernel/lib/result.h"

namespace uk::bundle {

// Length of Bundle::reason, NUL included.
inline constexpr size_t kReasonCapacity = 256;

// Payload items (ELF files, string tables) start on this boundary.
inline constexpr uint64_t kPayloadAlignment = 16;
// The bundle itself must be 8-byte aligned (records are read in place);
// ukernel_image aligns it to 16.
inline constexpr uint64_t kBundleAlignment = 8;

static_assert(sizeof(DomainRecord) % 8 == 0, "records stay 8-byte aligned");
static_assert(sizeof(DomainRecord) == 1040, "DomainRecord layout is part of bundle version 1");

// A validated bundle. Only meaningful after validate_bundle() returned OK;
// the bytes must stay mapped and unchanged while it is used.
class Bundle {
 public:
  // Why validation failed ("ok" after success). Always NUL-terminated.
  char reason[kReasonCapacity] = {};

  [[nodiscard]] const uint8_t* data() const { return data_; }
  [[nodiscard]] uint64_t total_bytes() const { return total_bytes_; }
  [[nodiscard]] uint32_t domain_count() const { return domain_count_; }
  // Record `index` < domain_count(), in bundle order.
  [[nodiscard]] const DomainRecord& domain(uint32_t index) const { return records_[index]; }
  // The ELF file of domain `index` (validated for elf::kDomainLoadLimits).
  [[nodiscard]] const uint8_t* elf_data(uint32_t index) const { return data_ + records_[index].elf_offset; }
  [[nodiscard]] uint64_t elf_bytes(uint32_t index) const { return records_[index].elf_bytes; }
  // The string of a path or signal grant of a record of this bundle
  // (grant.value_bytes bytes, then a NUL); nullptr for port grants.
  [[nodiscard]] const char* grant_value(const GrantRecord& grant) const;
  // Index of the domain called `name` (NUL-terminated), or -1.
  [[nodiscard]] int find_domain(const char* name) const;

 private:
  friend class Validator;
  const uint8_t* data_ = nullptr;
  uint64_t total_bytes_ = 0;
  uint32_t domain_count_ = 0;
  const DomainRecord* records_ = nullptr;  // domain_count_ records, 8-byte aligned
};

// Validates the bundle at `data` (at most `available_bytes` readable).
//
// Checks: 8-byte alignment; header (magic, version == kVersion, reserved
// zero, total_bytes within available_bytes and large enough for the header
// and domain_count records, domain_count <= kMaxDomains); for every record:
// name valid ([a-z0-9_-]{1,31}, NUL-padded) and unique, parent empty or the
// name of another record, no parent cycle, capability bits known,
// reserved fields zero, memory quota a non-zero page multiple within the
// manifest limit, 1..kMaxThreads threads (valid unique names, stack a page
// multiple within limits, period/budget both 0 or within limits with budget
// <= period, cpu < kMaxCpus), unused thread/grant slots zero, grant_count <= kMaxGrants with
// known kinds (path strings absolute and inside the payload, signal targets
// naming a domain of the bundle, ports 1..65535), the ELF file 16-byte
// aligned inside the payload and valid for elf::kDomainLoadLimits, and the
// quota covering image::compute_footprint().
//
// Returns OK, kInval (malformed; out->reason names the domain, field and
// value) or kFault (data == nullptr or misaligned). *out is always
// (re)initialised.
[[nodiscard]] Status validate_bundle(const void* data, size_t available_bytes, Bundle* out);

}  // namespace uk::bundle
