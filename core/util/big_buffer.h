// A large scratch array of trivially copyable items, left uninitialised, that natively asks Linux for
// transparent huge pages (madvise MADV_HUGEPAGE): a pass that scatters into tens of megabytes otherwise takes a
// page fault every 4 KiB and a TLB miss on most writes. Elsewhere (WebAssembly, other systems) a plain
// allocation.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#endif

namespace rapport {

template <typename T>
class BigBuffer {
  static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                "BigBuffer holds plain items");

 public:
  explicit BigBuffer(size_t n) : size_(n) {
    if (n == 0) return;
#if defined(__linux__) && !defined(__EMSCRIPTEN__) && defined(MADV_HUGEPAGE)
    constexpr size_t kHuge = size_t{2} << 20;
    const size_t bytes = (n * sizeof(T) + kHuge - 1) / kHuge * kHuge;
    data_ = static_cast<T*>(std::aligned_alloc(kHuge, bytes));
    if (data_ != nullptr) madvise(data_, bytes, MADV_HUGEPAGE);  // advice only: the buffer works the same without
#else
    data_ = static_cast<T*>(std::malloc(n * sizeof(T)));
#endif
    if (data_ == nullptr) throw std::bad_alloc();
  }
  ~BigBuffer() { std::free(data_); }
  BigBuffer(const BigBuffer&) = delete;
  BigBuffer& operator=(const BigBuffer&) = delete;

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rapport
