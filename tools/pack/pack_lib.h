// The pack tool's checks and bundle writer, as a library shared by
// tools/pack:pack and the host tests (tests/host/image).
//
// Every error is one line "<file>:<line>: <field>: <problem>" (manifest
// problems), "<file>: <problem>" (ELF and I/O problems) or "pack: <problem>".
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "kernel/elf/elf.h"
#include "kernel/image/footprint.h"
#include "kernel/manifest/manifest.h"

namespace uk::pack {

struct DomainInput {
  std::string manifest_path;  // labels messages
  std::string elf_path;       // labels messages
  manifest::Manifest manifest;
  std::vector<uint8_t> elf;
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
