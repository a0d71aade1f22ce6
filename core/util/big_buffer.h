// Large arrays of trivially copyable items that natively ask Linux for transparent huge pages (madvise
// MADV_HUGEPAGE): a pass that scatters into tens of megabytes otherwise takes a page fault every 4 KiB and a TLB
// miss on most writes. Elsewhere (WebAssembly, other systems) plain allocations.
//  - BigBuffer<T>: a scratch array, left uninitialised.
//  - BigVectorAllocator<T>: for a std::vector that is filled by scattered writes after a resize
//    (std::vector<T, BigVectorAllocator<T>>): huge pages from 2 MiB up, and resize() leaves new items
//    uninitialised (default-initialised) instead of zeroing them first.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#endif

namespace rapport {

// `bytes` from malloc, freed with std::free; nullptr on failure. Natively on Linux a request of 2 MiB or more
// starts on a 2 MiB boundary and the whole 2 MiB pages inside it are advised MADV_HUGEPAGE (advice only: the
// memory works the same without). The one allocation behind BigBuffer, BigVector and the CLI's operator new
// (cli/huge_pages.cpp).
inline void* AllocateHugePageAligned(size_t bytes) {
#if defined(__linux__) && !defined(__EMSCRIPTEN__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes >= kHuge) {
    void* p = nullptr;
    if (posix_memalign(&p, kHuge, bytes) != 0) return nullptr;
    madvise(p, bytes & ~(kHuge - 1), MADV_HUGEPAGE);
    return p;
  }
#endif
  return std::malloc(bytes == 0 ? 1 : bytes);
}

template <typename T>
class BigBuffer {
  static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                "BigBuffer holds plain items");

 public:
  explicit BigBuffer(size_t n) : size_(n) {
    if (n == 0) return;
    data_ = static_cast<T*>(AllocateHugePageAligned(n * sizeof(T)));
    if (data_ == nullptr) throw std::bad_alloc();
  }
  ~BigBuffer() { std::free(data_); }
  BigBuffer(const BigBuffer&) = delete;
  BigBuffer& operator=(const BigBuffer&) = delete;
  BigBuffer(BigBuffer&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
  }
  BigBuffer& operator=(BigBuffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = other.data_;
      size_ = other.size_;
      other.data_ = nullptr;
      other.size_ = 0;
    }
    return *this;
  }

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

template <typename T>
struct BigVectorAllocator {
  static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                "BigVectorAllocator holds plain items");
  using value_type = T;
  // Stateless: a moved vector takes the other's buffer whatever the library's defaults.
  using propagate_on_container_move_assignment = std::true_type;
  using is_always_equal = std::true_type;
  BigVectorAllocator() = default;
  template <typename U>
  BigVectorAllocator(const BigVectorAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    void* p = AllocateHugePageAligned(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }
  // resize(n) default-initialises: plain items are left as they are; a value given is copied as usual.
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const BigVectorAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const BigVectorAllocator<U>&) const noexcept { return false; }
};

template <typename T>
using BigVector = std::vector<T, BigVectorAllocator<T>>;

}  // namespace rapport
