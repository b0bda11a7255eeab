// Strong address types: a physical address, an intermediate physical address
// (what a domain's stage-1 produces and stage-2 translates) and a virtual
// address can never be mixed up by accident.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk {

template <typename Tag>
class Address {
 public:
  constexpr Address() = default;
  constexpr explicit Address(uint64_t value) : value_(value) {}

  [[nodiscard]] constexpr uint64_t value() const { return value_; }
  [[nodiscard]] constexpr Address operator+(uint64_t offset) const { return Address(value_ + offset); }
  [[nodiscard]] constexpr Address operator-(uint64_t offset) const { return Address(value_ - offset); }
  [[nodiscard]] constexpr uint64_t operator-(Address other) const { return value_ - other.value_; }
  constexpr Address& operator+=(uint64_t offset) { value_ += offset; return *this; }
  constexpr auto operator<=>(const Address&) const = default;

  [[nodiscard]] constexpr bool is_aligned(uint64_t alignment) const { return (value_ & (alignment - 1)) == 0; }
  [[nodiscard]] constexpr Address align_down(uint64_t alignment) const { return Address(value_ & ~(alignment - 1)); }
  [[nodiscard]] constexpr Address align_up(uint64_t alignment) const {
    return Address((value_ + alignment - 1) & ~(alignment - 1));
  }

 private:
  uint64_t value_ = 0;
};

using PhysAddr = Address<struct PhysAddrTag>;
using IpaAddr = Address<struct IpaAddrTag>;
using VirtAddr = Address<struct VirtAddrTag>;

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageShift = 12;

[[nodiscard]] constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
[[nodiscard]] constexpr uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

// A half-open physical range [base, base + size).
struct PhysRange {
  PhysAddr base;
  uint64_t size = 0;
  [[nodiscard]] constexpr PhysAddr end() const { return base + size; }
  [[nodiscard]] constexpr bool contains(PhysAddr a) const { return a >= base && a < end(); }
  [[nodiscard]] constexpr bool overlaps(const PhysRange& o) const { return base < o.end() && o.base < end(); }
};

}  // namespace uk
