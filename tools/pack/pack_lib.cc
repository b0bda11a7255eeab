#include "tools/pack/pack_lib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>

#include "kernel/image/bundle.h"
#include "kernel/image/bundle_format.h"
#include "kernel/sched/placement.h"

namespace uk::pack {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the bundle is written by copying little-endian structs");
static_assert(manifest::kUnpinned == sched::kUnpinned, "a manifest pin is passed to the placement as it is");
static_assert(sched::kMaxPlacementThreads >= size_t{bundle::kMaxDomains} * manifest::kMaxThreads);
// The kernel's tie-break key among equal periods (kernel/domain/scheduler.cc:
// domain * kMaxThreadsPerDomain + manifest index).
constexpr uint64_t kOrderPerDomain = manifest::kMaxThreads;

std::string size_text(uint64_t bytes) {
  if (bytes != 0 && bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + "M";
  if (bytes != 0 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "K";
  return std::to_string(bytes);
}

std::string kib(uint64_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KiB"; }

std::string where(const DomainInput& d, uint32_t line) {
  return line == 0 ? d.manifest_path : d.manifest_path + ":" + std::to_string(line);
}

std::string domain_list(const std::vector<DomainInput>& domains) {
  std::string s;
  for (const DomainInput& d : domains) {
    if (!s.empty()) s += ", ";
    s += d.manifest.name;
  }
  return s.empty() ? "none" : s;
}

int find(const std::vector<DomainInput>& domains, const char* name) {
  for (size_t i = 0; i < domains.size(); ++i) {
    if (strcmp(domains[i].manifest.name, name) == 0) return static_cast<int>(i);
  }
  return -1;
}

void put_name(char* dst, const char* src) {
  memset(dst, 0, bundle::kNameBytes);
  memcpy(dst, src, strnlen(src, bundle::kNameBytes - 1));
}

uint64_t align16(uint64_t v) { return (v + 15) & ~uint64_t{15}; }

}  // namespace

bool parse_manifest_text(const std::string& path, const std::string& text, manifest::Manifest* out,
                         std::vector<std::string>* errors) {
  manifest::Diagnostics diag;
  if (manifest::parse_manifest(path.c_str(), text.data(), text.size(), out, &diag).ok()) return true;
  for (size_t i = 0; i < diag.count; ++i) errors->push_back(diag.messages[i]);
  if (diag.dropped != 0) errors->push_back(path + ": " + std::to_string(diag.dropped) + " more errors not shown");
  return false;
}

bool check_elf(const std::string& path, const std::vector<uint8_t>& elf, elf::Image* out,
               std::vector<std::string>* errors) {
  if (elf::validate_elf(elf.data(), elf.size(), elf::kDomainLoadLimits, out).ok()) return true;
  errors->push_back(path + ": " + out->reason);
  return false;
}

image::Footprint domain_footprint(const DomainInput& d) {
  elf::Image image;
  if (!elf::validate_elf(d.elf.data(), d.elf.size(), elf::kDomainLoadLimits, &image).ok()) return {};
  uint64_t stacks[manifest::kMaxThreads] = {};
  for (size_t t = 0; t < d.manifest.thread_count; ++t) stacks[t] = d.manifest.threads[t].stack_bytes;
  return image::compute_footprint(image, stacks, d.manifest.thread_count);
}

bool check_domains(const std::vector<DomainInput>& domains, std::vector<std::string>* errors) {
  const size_t before = errors->size();
  if (domains.size() > bundle::kMaxDomains) {
    errors->push_back("pack: " + std::to_string(domains.size()) + " domains (an image holds at most " +
                      std::to_string(bundle::kMaxDomains) + ")");
  }
  for (size_t i = 0; i < domains.size(); ++i) {
    const DomainInput& d = domains[i];
    const manifest::Manifest& m = d.manifest;

    for (size_t j = 0; j < i; ++j) {
      if (strcmp(domains[j].manifest.name, m.name) == 0) {
        errors->push_back(where(d, m.name_line) + ": name: '" + m.name + "' is already the name of the domain in " +
                          domains[j].manifest_path);
        break;
      }
    }

    if (m.has_parent()) {
      int p = find(domains, m.parent);
      if (p < 0) {
        errors->push_back(where(d, m.parent_line) + ": parent: '" + m.parent + "' is not a domain of this image (domains: " +
                          domain_list(domains) + ")");
      } else {
        // Follow the chain; report a cycle once, at its first member.
        std::string chain = std::string(m.name) + " -> " + m.parent;
        size_t lowest = i;
        bool cycle = false;
        for (size_t steps = 0; p >= 0 && steps <= domains.size(); ++steps) {
          if (static_cast<size_t>(p) == i) {
            cycle = true;
            break;
          }
          lowest = std::min(lowest, static_cast<size_t>(p));
          const manifest::Manifest& q = domains[p].manifest;
          if (!q.has_parent()) break;
          chain += std::string(" -> ") + q.parent;
          p = find(domains, q.parent);
        }
        if (cycle && lowest == i) {
          errors->push_back(where(d, m.parent_line) + ": parent: cycle " + chain);
        }
      }
    }

    for (size_t g = 0; g < m.grant_count; ++g) {
      const manifest::Grant& gr = m.grants[g];
      if (gr.kind == bundle::GrantKind::kSignalTarget && find(domains, gr.value) < 0) {
        errors->push_back(where(d, gr.line) + ": grant: signal target '" + gr.value +
                          "' is not a domain of this image (domains: " + domain_list(domains) + ")");
      }
    }

    elf::Image image;
    if (!elf::validate_elf(d.elf.data(), d.elf.size(), elf::kDomainLoadLimits, &image).ok()) {
      errors->push_back(d.elf_path + ": " + image.reason);
      continue;
    }
    const image::Footprint fp = domain_footprint(d);
    if (m.memory_bytes < fp.bytes()) {
      errors->push_back(where(d, m.memory_line) + ": memory: " + size_text(m.memory_bytes) +
                        " is too small: the domain needs at least " + kib(fp.bytes()) + " (ELF " +
                        kib(fp.image_pages * image::kPageBytes) + ", stacks " + kib(fp.stack_pages * image::kPageBytes) +
                        ", ring " + kib(fp.ring_pages * image::kPageBytes) + ", page tables " +
                        kib(fp.table_pages * image::kPageBytes) + ")");
    }
  }
  return errors->size() == before;
}

bool place_domains(std::vector<DomainInput>* domains, const PlacementOptions& options,
                   std::vector<std::string>* errors) {
  struct Ref {
    size_t domain, thread;
  };
  std::vector<Ref> refs;
  std::vector<std::string> names;  // "<domain>/<thread>", kept alive for the messages
  std::vector<sched::PlacementThread> threads;
  const size_t before = errors->size();
  for (size_t d = 0; d < domains->size(); ++d) {
    const manifest::Manifest& m = (*domains)[d].manifest;
    for (size_t t = 0; t < m.thread_count; ++t) {
      refs.push_back({d, t});
      names.push_back(std::string(m.name) + "/" + m.threads[t].name);
    }
  }
  for (size_t k = 0; k < refs.size(); ++k) {
    const DomainInput& d = (*domains)[refs[k].domain];
    const manifest::Thread& mt = d.manifest.threads[refs[k].thread];
    sched::PlacementThread p;
    p.name = names[k].c_str();
    p.cpu = mt.cpu;
    p.order = refs[k].domain * kOrderPerDomain + refs[k].thread;
    if (mt.period_us != 0 && (!sched::period_us_to_ticks(mt.period_us, options.hz, &p.period_ticks) ||
                              !sched::budget_us_to_ticks(mt.budget_us, options.hz, &p.budget_ticks))) {
      errors->push_back(where(d, mt.line) + ": thread: " + mt.name + ": period " + std::to_string(mt.period_us) +
                        "us / budget " + std::to_string(mt.budget_us) + "us do not convert to timer ticks at " +
                        std::to_string(options.hz) + " Hz");
    }
    threads.push_back(p);
  }
  if (errors->size() != before) return false;

  if (!options.analyse) {
    // No analysis: placed as if every thread were best effort, which keeps
    // the pins (and their check) and puts everything else on core 0.
    for (sched::PlacementThread& p : threads) p.period_ticks = p.budget_ticks = 0;
  }
  auto placement = std::make_unique<sched::Placement>();  // ~13 KiB
  const Status st = sched::place_threads(threads.data(), threads.size(), options.cpus, sched::RtaOptions{},
                                         placement.get());
  if (!st.ok()) {
    std::string e = std::string("pack: ") + (placement->message[0] != '\0' ? placement->message : "placement failed");
    const size_t k = placement->failing_thread;
    if (k < refs.size()) {
      const DomainInput& d = (*domains)[refs[k].domain];
      e += " (" + where(d, d.manifest.threads[refs[k].thread].line) + ")";
    }
    errors->push_back(e);
    return false;
  }
  for (size_t k = 0; k < refs.size(); ++k) (*domains)[refs[k].domain].cpus[refs[k].thread] = placement->cpu[k];
  return true;
}

std::vector<uint8_t> write_bundle(const std::vector<DomainInput>& domains) {
  const uint64_t records_end = sizeof(bundle::BundleHeader) + domains.size() * sizeof(bundle::DomainRecord);
  std::vector<bundle::DomainRecord> records(domains.size());
  std::vector<uint8_t> payload;  // starts at records_end (a multiple of 16)
  static_assert(sizeof(bundle::BundleHeader) % 16 == 0 && sizeof(bundle::DomainRecord) % 16 == 0);

  auto place = [&](const void* bytes, size_t n) {
    payload.resize(align16(payload.size()), 0);
    const uint64_t offset = records_end + payload.size();
    const auto* b = static_cast<const uint8_t*>(bytes);
    payload.insert(payload.end(), b, b + n);
    return offset;
  };

  for (size_t i = 0; i < domains.size(); ++i) {
    const manifest::Manifest& m = domains[i].manifest;
    bundle::DomainRecord& r = records[i];
    memset(&r, 0, sizeof r);
    put_name(r.name, m.name);
    put_name(r.parent, m.parent);
    r.subsystem = m.subsystem_id;
    r.memory_quota_bytes = m.memory_bytes;
    r.capabilities = m.capabilities;
    r.thread_count = static_cast<uint32_t>(m.thread_count);
    r.grant_count = static_cast<uint32_t>(m.grant_count);
    for (size_t t = 0; t < m.thread_count; ++t) {
      put_name(r.threads[t].name, m.threads[t].name);
      r.threads[t].period_us = m.threads[t].period_us;
      r.threads[t].budget_us = m.threads[t].budget_us;
      r.threads[t].stack_bytes = m.threads[t].stack_bytes;
      r.threads[t].cpu = domains[i].cpus[t];
    }
    r.elf_offset = place(domains[i].elf.data(), domains[i].elf.size());
    r.elf_bytes = domains[i].elf.size();
    // The domain's string table: grant values, each NUL-terminated.
    std::string strings;
    std::vector<size_t> at(m.grant_count, 0);
    for (size_t g = 0; g < m.grant_count; ++g) {
      const manifest::Grant& gr = m.grants[g];
      if (gr.kind == bundle::GrantKind::kNetPort) continue;
      at[g] = strings.size();
      strings.append(gr.value, gr.value_bytes);
      strings.push_back('\0');
    }
    const uint64_t table = strings.empty() ? 0 : place(strings.data(), strings.size());
    for (size_t g = 0; g < m.grant_count; ++g) {
      const manifest::Grant& gr = m.grants[g];
      r.grants[g].kind = gr.kind;
      if (gr.kind == bundle::GrantKind::kNetPort) {
        r.grants[g].number = gr.number;
      } else {
        r.grants[g].value_bytes = gr.value_bytes;
        r.grants[g].value_offset = table + at[g];
      }
    }
  }
  payload.resize(align16(payload.size()), 0);

  bundle::BundleHeader h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, bundle::kMagic, sizeof h.magic);
  h.version = bundle::kVersion;
  h.domain_count = static_cast<uint32_t>(domains.size());
  h.total_bytes = records_end + payload.size();

  std::vector<uint8_t> out(h.total_bytes, 0);
  memcpy(out.data(), &h, sizeof h);
  if (!records.empty()) memcpy(out.data() + sizeof h, records.data(), records.size() * sizeof(bundle::DomainRecord));
  if (!payload.empty()) memcpy(out.data() + records_end, payload.data(), payload.size());
  return out;
}

std::string bundle_asm(const std::string& bundle_path, const std::vector<uint8_t>& bundle) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint8_t b : bundle) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  char digest[80];
  snprintf(digest, sizeof digest, "%zu bytes, FNV-1a 0x%016llx", bundle.size(), static_cast<unsigned long long>(hash));
  std::string quoted;
  for (char c : bundle_path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return std::string("/* Generated by tools/pack: the domain bundle (") + digest + "). */\n" +
         "    .section .domain_bundle, \"a\", %progbits\n"
         "    .balign 16\n"
         "    .global uk_domain_bundle_start\n"
         "    .type uk_domain_bundle_start, %object\n"
         "uk_domain_bundle_start:\n"
         "    .incbin \"" + quoted + "\"\n"
         "    .balign 16\n"
         "    .global uk_domain_bundle_end\n"
         "    .type uk_domain_bundle_end, %object\n"
         "uk_domain_bundle_end:\n"
         "    .size uk_domain_bundle_start, uk_domain_bundle_end - uk_domain_bundle_start\n"
         "    .section .note.GNU-stack, \"\", %progbits\n";
}

bool read_file(const std::string& path, std::vector<uint8_t>* out, std::vector<std::string>* errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors->push_back(path + ": cannot open: " + strerror(errno));
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    errors->push_back(path + ": read error");
    return false;
  }
  return true;
}

bool load_domain(const std::string& manifest_path, const std::string& elf_path, DomainInput* out,
                 std::vector<std::string>* errors) {
  out->manifest_path = manifest_path;
  out->elf_path = elf_path;
  bool ok = true;
  std::vector<uint8_t> text;
  if (read_file(manifest_path, &text, errors)) {
    ok = parse_manifest_text(manifest_path, std::string(text.begin(), text.end()), &out->manifest, errors) && ok;
  } else {
    ok = false;
  }
  if (read_file(elf_path, &out->elf, errors)) {
    elf::Image image;
    ok = check_elf(elf_path, out->elf, &image, errors) && ok;
  } else {
    ok = false;
  }
  return ok;
}

bool describe_bundle(const void* data, size_t size, std::string* text) {
  bundle::Bundle b;
  if (!bundle::validate_bundle(data, size, &b).ok()) {
    *text = b.reason;
    return false;
  }
  std::ostringstream s;
  s << "bundle: version " << bundle::kVersion << ", " << b.domain_count() << " domain(s), " << b.total_bytes()
    << " bytes\n";
  for (uint32_t i = 0; i < b.domain_count(); ++i) {
    const bundle::DomainRecord& r = b.domain(i);
    s << "domain " << i << ": " << r.name;
    if (r.parent[0] != '\0') s << " (parent " << r.parent << ")";
    char id[32];
    snprintf(id, sizeof id, "0x%016llx", static_cast<unsigned long long>(r.subsystem));
    s << " subsystem " << id << " memory " << size_text(r.memory_quota_bytes) << " caps";
    for (const CapabilityName& c : kCapabilityNames) {
      if ((r.capabilities & static_cast<uint32_t>(c.capability)) != 0) s << ' ' << c.name;
    }
    s << " elf " << r.elf_bytes << " bytes at " << r.elf_offset << "\n";
    for (uint32_t t = 0; t < r.thread_count; ++t) {
      const bundle::ThreadRecord& th = r.threads[t];
      s << "  thread " << th.name << " cpu " << th.cpu << " stack " << size_text(th.stack_bytes);
      if (th.period_us != 0) s << " period " << th.period_us << "us budget " << th.budget_us << "us";
      s << "\n";
    }
    for (uint32_t g = 0; g < r.grant_count; ++g) {
      const bundle::GrantRecord& gr = r.grants[g];
      switch (gr.kind) {
        case bundle::GrantKind::kPathRead: s << "  grant path-ro " << b.grant_value(gr) << "\n"; break;
        case bundle::GrantKind::kPathReadWrite: s << "  grant path-rw " << b.grant_value(gr) << "\n"; break;
        case bundle::GrantKind::kSignalTarget: s << "  grant signal " << b.grant_value(gr) << "\n"; break;
        case bundle::GrantKind::kNetPort: s << "  grant port " << gr.number << "\n"; break;
        default: break;
      }
    }
  }
  *text = s.str();
  return true;
}

}  // namespace uk::pack
