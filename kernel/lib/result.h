// Result<T>: a value or an Errno, never both. The kernel has no exceptions;
// every fallible call returns one of these and the caller must look at it.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "kernel/lib/errno.h"

namespace uk {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : ok_(true) { new (&storage_) T(value); }              // NOLINT: implicit by design
  Result(T&& value) : ok_(true) { new (&storage_) T(std::move(value)); }        // NOLINT
  Result(Errno error) : ok_(false), error_(error) {}                             // NOLINT
  Result(const Result& o) : ok_(o.ok_), error_(o.error_) { if (ok_) new (&storage_) T(o.value()); }
  Result& operator=(const Result&) = delete;
  ~Result() { if (ok_) value().~T(); }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] Errno error() const { return ok_ ? Errno::kOk : error_; }
  [[nodiscard]] T& value() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  [[nodiscard]] const T& value() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }
  [[nodiscard]] T* operator->() { return &value(); }
  [[nodiscard]] const T* operator->() const { return &value(); }
  [[nodiscard]] T& operator*() { return value(); }
  [[nodiscard]] const T& operator*() const { return value(); }

 private:
  bool ok_;
  Errno error_ = Errno::kOk;
  alignas(T) unsigned char storage_[sizeof(T)];
};

// Status: success or an Errno, for calls that produce no value.
class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  constexpr Status(Errno error) : error_(error) {}  // NOLINT: implicit by design
  [[nodiscard]] constexpr bool ok() const { return error_ == Errno::kOk; }
  [[nodiscard]] constexpr Errno error() const { return error_; }

 private:
  Errno error_ = Errno::kOk;
};

inline constexpr Status kOkStatus{};

}  // namespace uk
