// pack: builds the domain bundle that ukernel_image links into a kernel.
//
//   pack --out <bundle> [--asm <wrapper.S>] [--cpus <n>] [--hz <timer Hz>]
//        [--no-analysis] [--domain <manifest> <elf>]...
//       validates every manifest and ELF, then the set as one image (unique
//       names, parents, quotas), places every thread on one of the board's
//       <n> cores (kernel/sched/placement.h: pins, then first fit with exact
//       response-time analysis per core at <timer Hz>; an unschedulable set
//       is refused) and writes the bundle (bundle_format.h);
//       --no-analysis places without analysing (pins kept, the rest on core 0);
//       --asm also writes the assembly that .incbin's it between
//       uk_domain_bundle_start and uk_domain_bundle_end
//   pack --check <manifest>...
//       validates manifests alone (syntax, fields, limits)
//   pack --dump <bundle>
//       validates a bundle with the kernel's reader and describes it
//
// Problems go to stderr, one per line, naming the file, the line, the field
// and the problem; the exit status is 1 when there was any (2 for usage
// errors) and no bundle is written.
#include <stdio.h>
#include <string.h>

#include <fstream>
#include <string>
#include <vector>

#include "kernel/image/bundle_format.h"
#include "tools/pack/pack_lib.h"

namespace {

constexpr char kUsage[] =
    "usage: pack --out <bundle> [--asm <wrapper.S>] [--cpus <n>] [--hz <timer Hz>] [--no-analysis]\n"
    "            [--domain <manifest> <elf>]...\n"
    "       pack --check <manifest>...\n"
    "       pack --dump <bundle>\n";

// Decimal, no sign, no overflow.
bool parse_u64(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

int usage(const char* problem) {
  fprintf(stderr, "pack: %s\n%s", problem, kUsage);
  return 2;
}

int report(const std::vector<std::string>& errors, const char* what) {
  for (const std::string& e : errors) fprintf(stderr, "%s\n", e.c_str());
  fprintf(stderr, "pack: %zu error%s, %s\n", errors.size(), errors.size() == 1 ? "" : "s", what);
  return 1;
}

bool write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  f.close();
  if (!f) {
    fprintf(stderr, "%s: cannot write\n", path.c_str());
    return false;
  }
  return true;
}

int check(const std::vector<std::string>& manifests) {
  std::vector<std::string> errors;
  for (const std::string& path : manifests) {
    std::vector<uint8_t> text;
    if (!uk::pack::read_file(path, &text, &errors)) continue;
    uk::manifest::Manifest m;
    if (uk::pack::parse_manifest_text(path, std::string(text.begin(), text.end()), &m, &errors)) {
      printf("%s: ok (domain %s, %zu thread%s)\n", path.c_str(), m.name, m.thread_count,
             m.thread_count == 1 ? "" : "s");
    }
  }
  if (!errors.empty()) return report(errors, "manifest check failed");
  return 0;
}

int dump(const std::string& path) {
  std::vector<std::string> errors;
  std::vector<uint8_t> bytes;
  if (!uk::pack::read_file(path, &bytes, &errors)) return report(errors, "nothing dumped");
  // validate_bundle wants 8-byte alignment; std::vector<uint64_t> storage has it.
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
  if (!bytes.empty()) memcpy(aligned.data(), bytes.data(), bytes.size());
  std::string text;
  if (!uk::pack::describe_bundle(aligned.data(), bytes.size(), &text)) {
    fprintf(stderr, "%s: invalid bundle: %s\n", path.c_str(), text.c_str());
    return 1;
  }
  fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("no arguments");
  if (args[0] == "--check") {
    if (args.size() < 2) return usage("--check needs at least one manifest");
    return check(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "--dump") {
    if (args.size() != 2) return usage("--dump needs exactly one bundle");
    return dump(args[1]);
  }

  std::string out, asm_out;
  std::vector<std::pair<std::string, std::string>> pairs;
  uk::pack::PlacementOptions placement;
  bool have_cpus = false, have_hz = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out") {
      if (i + 1 >= args.size()) return usage("--out needs a file name");
      if (!out.empty()) return usage("--out given twice");
      out = args[++i];
    } else if (args[i] == "--asm") {
      if (i + 1 >= args.size()) return usage("--asm needs a file name");
      if (!asm_out.empty()) return usage("--asm given twice");
      asm_out = args[++i];
    } else if (args[i] == "--cpus") {
      uint64_t n = 0;
      if (i + 1 >= args.size() || !parse_u64(args[i + 1], &n) || n == 0 || n > uk::bundle::kMaxCpus) {
        return usage(("--cpus needs a core count 1.." + std::to_string(uk::bundle::kMaxCpus)).c_str());
      }
      if (have_cpus) return usage("--cpus given twice");
      have_cpus = true;
      placement.cpus = static_cast<uint32_t>(n);
      ++i;
    } else if (args[i] == "--hz") {
      if (i + 1 >= args.size() || !parse_u64(args[i + 1], &placement.hz) || placement.hz == 0) {
        return usage("--hz needs a positive integer (timer ticks per second)");
      }
      if (have_hz) return usage("--hz given twice");
      have_hz = true;
      ++i;
    } else if (args[i] == "--no-analysis") {
      placement.analyse = false;
    } else if (args[i] == "--domain") {
      if (i + 2 >= args.size()) return usage("--domain needs <manifest> <elf>");
      pairs.emplace_back(args[i + 1], args[i + 2]);
      i += 2;
    } else {
      return usage(("unknown argument '" + args[i] + "'").c_str());
    }
  }
  if (out.empty()) return usage("--out is required");

  std::vector<std::string> errors;
  std::vector<uk::pack::DomainInput> domains(pairs.size());
  bool loaded = true;
  for (size_t i = 0; i < pairs.size(); ++i) {
    loaded = uk::pack::load_domain(pairs[i].first, pairs[i].second, &domains[i], &errors) && loaded;
  }
  // Cross-domain checks need every manifest and ELF to be valid on its own.
  if (loaded) uk::pack::check_domains(domains, &errors);
  // The placement needs a valid image (it is reported only then).
  if (errors.empty()) uk::pack::place_domains(&domains, placement, &errors);
  if (!errors.empty()) return report(errors, "bundle not written");

  const std::vector<uint8_t> bundle = uk::pack::write_bundle(domains);
  if (!write_file(out, bundle.data(), bundle.size())) return 1;
  if (!asm_out.empty()) {
    const std::string text = uk::pack::bundle_asm(out, bundle);
    if (!write_file(asm_out, text.data(), text.size())) return 1;
  }
  return 0;
}
