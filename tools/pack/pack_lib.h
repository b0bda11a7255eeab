// The pack tool's checks and bundle writer, as a library shared by
// tools/pack:pack and the host tests (tests/host/image).
//
// Every error is one line "<file>:<line>: <field>: <problem>" (manifest
// problems), "<file>: <problem>" (ELF and I/O problems) or "pack: <problem>".
#pragma once

#include <stdint.h>

#include <array>
#include <string>
#include <vector>

#include "kernel/elf/elf.h"
#include "kernel/image/footprint.h"
#include "kernel/manifest/manifest.h"
#include "kernel/sched/rta.h"

namespace uk::pack {

struct DomainInput {
  std::string manifest_path;  // labels messages
  std::string elf_path;       // labels messages
  manifest::Manifest manifest;
  std::vector<uint8_t> elf;
  // The core of each thread (ThreadRecord::cpu), set by place_domains();
  // all 0 (the boot CPU) until then.
  std::array<uint32_t, manifest::kMaxThreads> cpus{};
};

// How the image's threads are put on cores.
struct PlacementOptions {
  uint32_t cpus = 1;                         // the board's cores (pack --cpus)
  uint64_t hz = sched::kQemuVirtTimerHz;     // its timer frequency (pack --hz)
  // false (pack --no-analysis, ukernel_image(schedcheck = False)): no
  // analysis, nothing refused for schedulability; pinned threads on their
  // core (still checked against `cpus`), every other thread on core 0. For
  // test images that must reach the kernel's boot-time admission unchecked.
  bool analyse = true;
};

// Parses manifest text; appends one error per problem. True when valid.
bool parse_manifest_text(const std::string& path, const std::string& text, manifest::Manifest* out,
                         std::vector<std::string>* errors);

// Validates a domain ELF for elf::kDomainLoadLimits.
bool check_elf(const std::string& path, const std::vector<uint8_t>& elf, elf::Image* out,
               std::vector<std::string>* errors);

// The memory a domain needs at start (see kernel/image/footprint.h); the ELF
// must be valid.
image::Footprint domain_footprint(const DomainInput& domain);

// Checks a set of parsed domains (valid manifests) as one image: ELF valid,
// at most bundle::kMaxDomains, unique names, parents and signal targets that
// exist, no parent cycle, memory quota >= footprint. Appends errors.
bool check_domains(const std::vector<DomainInput>& domains, std::vector<std::string>* errors);

// Places every thread of `domains` (valid manifests, image order) on
// options.cpus cores with the kernel's placement (kernel/sched/placement.h):
// periods and budgets converted with period_us_to_ticks/budget_us_to_ticks
// at options.hz, order = domain index * 8 + thread index (as the kernel's
// scheduler_admit ranks equal periods), thread names "<domain>/<thread>".
// Sets each domain's `cpus`; on refusal appends one error
// "pack: <placement message> (<manifest>:<line>)" and returns false.
bool place_domains(std::vector<DomainInput>* domains, const PlacementOptions& options,
                   std::vector<std::string>* errors);

// Serializes domains (which passed check_domains) into a bundle in
// kernel/image/bundle_format.h layout, records in input order.
std::vector<uint8_t> write_bundle(const std::vector<DomainInput>& domains);

// Loads a manifest and an ELF from disk, parses and validates both.
bool load_domain(const std::string& manifest_path, const std::string& elf_path, DomainInput* out,
                 std::vector<std::string>* errors);

// The assembly wrapper ukernel_image links: section .domain_bundle, 16-byte
// aligned, uk_domain_bundle_start/_end around `.incbin "<bundle_path>"`.
// It records the bundle's size and FNV-1a hash, so the wrapper changes
// whenever the bundle does (Bazel prunes the .incbin'd file from the
// assembler's inputs using its .d file, and would otherwise not reassemble).
std::string bundle_asm(const std::string& bundle_path, const std::vector<uint8_t>& bundle);

// Reads a whole file; false (with an error) if it cannot be read.
bool read_file(const std::string& path, std::vector<uint8_t>* out, std::vector<std::string>* errors);

// Validates a bundle with the kernel's bundle::validate_bundle and describes
// it (what `pack --dump` prints). False, with *text the reason, if invalid.
bool describe_bundle(const void* data, size_t size, std::string* text);

}  // namespace uk::pack
