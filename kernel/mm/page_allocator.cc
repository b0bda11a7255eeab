#include "kernel/mm/page_allocator.h"

namespace uk {
namespace {

constexpr uint64_t kBitsPerWord = 64;
constexpr uint64_t kAllUsed = ~uint64_t{0};
constexpr uint64_t kWordBytes = sizeof(uint64_t);
// Largest page frame number + 1 that fits a 64-bit physical address.
constexpr uint64_t kPfnLimit = uint64_t{1} << (64 - kPageShift);
// The highest page-aligned address: where an outward-rounded end saturates.
constexpr uint64_t kTopPage = ~(kPageSize - 1);

// Mask of `n` bits (1..64) starting at `bit`.
constexpr uint64_t bit_mask(uint64_t bit, uint64_t n) {
  return (n >= kBitsPerWord ? kAllUsed : ((uint64_t{1} << n) - 1)) << bit;
}

// Not __builtin_popcountll: with -mgeneral-regs-only GCC would call libgcc.
constexpr unsigned popcount64(uint64_t v) {
  v = v - ((v >> 1) & 0x5555555555555555ull);
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<unsigned>((v * 0x0101010101010101ull) >> 56);
}

constexpr bool is_power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

uint64_t* PageAllocator::bitmap() const {
  return reinterpret_cast<uint64_t*>(static_cast<uintptr_t>(metadata_.base.value() + phys_to_virt_));
}

uint64_t* PageAllocator::summary() const { return bitmap() + bitmap_words_; }

// Every bitmap write goes through here so the "word full" summary bit follows.
void PageAllocator::set_word(size_t word, uint64_t value) {
  bitmap()[word] = value;
  uint64_t& s = summary()[word / kBitsPerWord];
  const uint64_t bit = uint64_t{1} << (word % kBitsPerWord);
  s = value == kAllUsed ? (s | bit) : (s & ~bit);
}

void PageAllocator::mark_used(const Bank& bank, uint64_t first, uint64_t count) {
  size_t w = bank.first_word + first / kBitsPerWord;
  uint64_t bit = first % kBitsPerWord;
  while (count > 0) {
    const uint64_t n = count < kBitsPerWord - bit ? count : kBitsPerWord - bit;
    set_word(w, bitmap()[w] | bit_mask(bit, n));
    count -= n;
    bit = 0;
    ++w;
  }
}

void PageAllocator::mark_free(const Bank& bank, uint64_t first, uint64_t count) {
  size_t w = bank.first_word + first / kBitsPerWord;
  uint64_t bit = first % kBitsPerWord;
  while (count > 0) {
    const uint64_t n = count < kBitsPerWord - bit ? count : kBitsPerWord - bit;
    set_word(w, bitmap()[w] & ~bit_mask(bit, n));
    count -= n;
    bit = 0;
    ++w;
  }
}

bool PageAllocator::all_used(const Bank& bank, uint64_t first, uint64_t count) const {
  size_t w = bank.first_word + first / kBitsPerWord;
  uint64_t bit = first % kBitsPerWord;
  while (count > 0) {
    const uint64_t n = count < kBitsPerWord - bit ? count : kBitsPerWord - bit;
    const uint64_t mask = bit_mask(bit, n);
    if ((bitmap()[w] & mask) != mask) return false;
    count -= n;
    bit = 0;
    ++w;
  }
  return true;
}

// First free page index >= from in the bank, or bank.pages. Skips 64 full
// words per summary word, so a mostly-full bank costs O(pages / 4096).
uint64_t PageAllocator::next_free(const Bank& bank, uint64_t from) const {
  const uint64_t hint = (bank.hint_word - bank.first_word) * kBitsPerWord;
  if (from < hint) from = hint;
  if (from >= bank.pages) return bank.pages;
  const size_t end_word = bank.first_word + bank.words;
  size_t w = bank.first_word + from / kBitsPerWord;
  // Tail bits past bank.pages are always set, so a hit is inside the bank.
  uint64_t free_bits = ~bitmap()[w] & (kAllUsed << (from % kBitsPerWord));
  if (free_bits != 0) return (w - bank.first_word) * kBitsPerWord + __builtin_ctzll(free_bits);
  ++w;
  while (w < end_word) {
    const uint64_t not_full = ~summary()[w / kBitsPerWord] & (kAllUsed << (w % kBitsPerWord));
    if (not_full == 0) {
      w = (w / kBitsPerWord + 1) * kBitsPerWord;
      continue;
    }
    w = (w / kBitsPerWord) * kBitsPerWord + __builtin_ctzll(not_full);
    if (w >= end_word) break;
    return (w - bank.first_word) * kBitsPerWord + __builtin_ctzll(~bitmap()[w]);
  }
  return bank.pages;
}

// First used page index in [from, limit), or limit.
uint64_t PageAllocator::next_used(const Bank& bank, uint64_t from, uint64_t limit) const {
  while (from < limit) {
    const size_t w = bank.first_word + from / kBitsPerWord;
    const uint64_t used = bitmap()[w] & (kAllUsed << (from % kBitsPerWord));
    if (used != 0) {
      const uint64_t hit = (w - bank.first_word) * kBitsPerWord + __builtin_ctzll(used);
      return hit < limit ? hit : limit;
    }
    from = (from / kBitsPerWord + 1) * kBitsPerWord;
  }
  return limit;
}

// First fit: lowest run of `count` free pages starting on an `align`-page
// physical boundary. Moves the bank's hint past the full prefix it saw.
bool PageAllocator::find_run(Bank& bank, uint64_t count, uint64_t align, uint64_t* out) const {
  if (count > bank.pages) return false;
  uint64_t p = next_free(bank, 0);
  if (p < bank.pages) bank.hint_word = bank.first_word + p / kBitsPerWord;
  while (p < bank.pages) {
    const uint64_t pfn = align_up(bank.first_pfn + p, align);
    p = pfn - bank.first_pfn;
    if (p > bank.pages - count) return false;
    const uint64_t used = next_used(bank, p, p + count);
    if (used == p + count) {
      *out = p;
      return true;
    }
    p = next_free(bank, used + 1);
  }
  return false;
}

Status PageAllocator::init(const PhysRange* banks, size_t nbanks, const PhysRange* excluded, size_t nexcl,
                           uint64_t phys_to_virt_offset) {
  if (initialised_) return Errno::kInval;
  if (nbanks > kMaxBanks || nexcl > kMaxExcludedRanges) return Errno::kTooBig;
  if ((nbanks > 0 && banks == nullptr) || (nexcl > 0 && excluded == nullptr)) return Errno::kInval;

  // Banks: whole pages only, sorted by address, no overlaps.
  Bank sorted[kMaxBanks];
  size_t n = 0;
  for (size_t i = 0; i < nbanks; ++i) {
    const uint64_t base = banks[i].base.value();
    const uint64_t end = base + banks[i].size;
    if (end < base) return Errno::kInval;
    const uint64_t first = align_up(base, kPageSize);
    const uint64_t last = align_down(end, kPageSize);
    if (first < base || last <= first) continue;  // less than one whole page
    Bank b;
    b.first_pfn = first >> kPageShift;
    b.pages = (last - first) >> kPageShift;
    size_t j = n++;
    for (; j > 0 && sorted[j - 1].first_pfn > b.first_pfn; --j) sorted[j] = sorted[j - 1];
    sorted[j] = b;
  }
  // Reject overlaps; merge touching banks so runs may cross their seam.
  size_t merged = 0;
  for (size_t i = 0; i < n; ++i) {
    if (merged > 0) {
      Bank& prev = sorted[merged - 1];
      const uint64_t prev_end = prev.first_pfn + prev.pages;
      if (prev_end > sorted[i].first_pfn) return Errno::kInval;
      if (prev_end == sorted[i].first_pfn) {
        prev.pages += sorted[i].pages;
        continue;
      }
    }
    sorted[merged++] = sorted[i];
  }
  n = merged;
  if (n == 0) return Errno::kNoMem;

  // Exclusions: whole pages, rounded outwards.
  PhysRange excl[kMaxExcludedRanges + 1];
  size_t m = 0;
  for (size_t i = 0; i < nexcl; ++i) {
    const uint64_t base = excluded[i].base.value();
    const uint64_t end = base + excluded[i].size;
    if (end < base) return Errno::kInval;
    if (excluded[i].size == 0) continue;
    const uint64_t first = align_down(base, kPageSize);
    const uint64_t last = end > kTopPage ? kTopPage : align_up(end, kPageSize);
    if (last <= first) continue;  // only the top page, which no bank can hold
    excl[m++] = PhysRange{PhysAddr(first), last - first};
  }

  // Bitmap layout: each bank starts on a word boundary; summary words follow.
  size_t words = 0;
  for (size_t i = 0; i < n; ++i) {
    sorted[i].first_word = words;
    sorted[i].words = static_cast<size_t>((sorted[i].pages + kBitsPerWord - 1) / kBitsPerWord);
    sorted[i].hint_word = sorted[i].first_word;
    words += sorted[i].words;
  }
  const size_t summary_words = (words + kBitsPerWord - 1) / kBitsPerWord;
  const uint64_t meta_bytes = align_up((words + summary_words) * kWordBytes, kPageSize);

  // Metadata goes at the lowest place that fits: a bank start or just past
  // an exclusion, inside one bank and clear of every exclusion.
  bool placed = false;
  uint64_t meta_base = 0;
  for (size_t c = 0; c < n + m; ++c) {
    const uint64_t cand = c < n ? sorted[c].first_pfn << kPageShift : excl[c - n].end().value();
    if (placed && cand >= meta_base) continue;
    bool fits = false;
    for (size_t i = 0; i < n && !fits; ++i) {
      const uint64_t bbase = sorted[i].first_pfn << kPageShift;
      const uint64_t bend = bbase + (sorted[i].pages << kPageShift);
      fits = cand >= bbase && cand < bend && meta_bytes <= bend - cand;
    }
    const PhysRange r{PhysAddr(cand), meta_bytes};
    for (size_t k = 0; k < m && fits; ++k) fits = !r.overlaps(excl[k]);
    if (fits) {
      placed = true;
      meta_base = cand;
    }
  }
  if (!placed) return Errno::kNoMem;

  // Commit.
  for (size_t i = 0; i < n; ++i) banks_[i] = sorted[i];
  nbanks_ = n;
  for (size_t k = 0; k < m; ++k) excluded_[k] = excl[k];
  metadata_ = PhysRange{PhysAddr(meta_base), meta_bytes};
  excluded_[m] = metadata_;
  nexcluded_ = m + 1;
  bitmap_words_ = words;
  phys_to_virt_ = phys_to_virt_offset;
  uint64_t* meta = bitmap();
  for (size_t w = 0; w < words + summary_words; ++w) meta[w] = 0;

  for (size_t i = 0; i < n; ++i) {
    const Bank& b = banks_[i];
    const uint64_t tail = b.words * kBitsPerWord - b.pages;  // padding bits: never free
    if (tail > 0) mark_used(b, b.pages, tail);
    const uint64_t bbase = b.first_pfn << kPageShift;
    const uint64_t bend = bbase + (b.pages << kPageShift);
    for (size_t k = 0; k < nexcluded_; ++k) {
      const uint64_t lo = excluded_[k].base.value() > bbase ? excluded_[k].base.value() : bbase;
      const uint64_t hi = excluded_[k].end().value() < bend ? excluded_[k].end().value() : bend;
      if (lo < hi) mark_used(b, (lo - bbase) >> kPageShift, (hi - lo) >> kPageShift);
    }
  }
  // Free = bits still clear (padding, exclusions, metadata are all set).
  size_t used = 0;
  for (size_t w = 0; w < words; ++w) used += popcount64(meta[w]);
  free_pages_ = words * kBitsPerWord - used;
  total_pages_ = free_pages_;
  initialised_ = true;
  return kOkStatus;
}

Result<PhysAddr> PageAllocator::alloc_pages(size_t count, size_t align_pages) {
  if (!initialised_ || count == 0 || !is_power_of_two(align_pages)) return Errno::kInval;
  if (count > free_pages_ || align_pages >= kPfnLimit) return Errno::kNoMem;
  for (size_t i = 0; i < nbanks_; ++i) {
    Bank& bank = banks_[i];
    uint64_t p = 0;
    if (!find_run(bank, count, align_pages, &p)) continue;
    mark_used(bank, p, count);
    free_pages_ -= count;
    return PhysAddr((bank.first_pfn + p) << kPageShift);
  }
  return Errno::kNoMem;
}

Status PageAllocator::free_pages(PhysAddr base, size_t count) {
  if (!initialised_ || count == 0 || !base.is_aligned(kPageSize)) return Errno::kInval;
  const uint64_t pfn = base.value() >> kPageShift;
  if (count > kPfnLimit - pfn) return Errno::kFault;  // would run past 2^64
  for (size_t i = 0; i < nbanks_; ++i) {
    Bank& bank = banks_[i];
    if (pfn < bank.first_pfn || pfn - bank.first_pfn >= bank.pages) continue;
    const uint64_t p = pfn - bank.first_pfn;
    if (count > bank.pages - p) return Errno::kFault;
    const PhysRange r{base, static_cast<uint64_t>(count) << kPageShift};
    for (size_t k = 0; k < nexcluded_; ++k) {
      if (r.overlaps(excluded_[k])) return Errno::kFault;
    }
    if (!all_used(bank, p, count)) return Errno::kInval;
    mark_free(bank, p, count);
    free_pages_ += count;
    const size_t w = bank.first_word + static_cast<size_t>(p / kBitsPerWord);
    if (w < bank.hint_word) bank.hint_word = w;
    return kOkStatus;
  }
  return Errno::kFault;
}

}  // namespace uk
