// Two pieces of an analysis side by side: natively, `second` on a thread of its own while the caller's thread
// runs `first`; in WebAssembly without pthreads (no std::thread, as in core/api/parse_ahead.cpp), or when not
// `threaded`, both inline, `first` then `second`. Either way the same two functions run, so one code path gives
// the answers; the pieces must touch disjoint state. An exception from either is rethrown on the caller's thread
// once both have ended (the first's if both throw).
#pragma once

#include <exception>
#include <utility>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define RAPPORT_ANALYSIS_THREADS 0
#else
#define RAPPORT_ANALYSIS_THREADS 1
#include <thread>
#endif

namespace rapport {

// Whether SideBySide can use a second thread in this build.
constexpr bool kAnalysisThreads = RAPPORT_ANALYSIS_THREADS != 0;

template <typename First, typename Second>
void SideBySide(bool threaded, First&& first, Second&& second) {
#if RAPPORT_ANALYSIS_THREADS
  if (threaded) {
    std::exception_ptr second_error;
    std::thread thread([&] {
      try {
        second();
      } catch (...) {
        second_error = std::current_exception();
      }
    });
    std::exception_ptr first_error;
    try {
      first();
    } catch (...) {
      first_error = std::current_exception();
    }
    thread.join();
    if (first_error) std::rethrow_exception(first_error);
    if (second_error) std::rethrow_exception(second_error);
    return;
  }
#else
  (void)threaded;
#endif
  first();
  second();
}

}  // namespace rapport
