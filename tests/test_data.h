// Where the tests find the reference data. Tests that need ../shared/data call SharedData() and return
// early with a clear WARN when it is absent, so `make test` passes in a fresh clone without it.
#pragma once

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace rapport::test {

inline std::string SharedDataDir() {
  if (const char* env = std::getenv("RAPPORT_SHARED_DATA")) return env;
  return RAPPORT_SHARED_DATA;
}

// The path of a reference file, or "" (after a WARN naming it) when ../shared is absent.
inline std::string SharedData(const std::string& name) {
  std::string path = SharedDataDir() + "/" + name;
  std::ifstream probe(path, std::ios::binary);
  if (!probe) {
    WARN("SKIPPED: reference file " << path << " is absent (../shared/data not beside the checkout)");
    return "";
  }
  return path;
}

inline std::string SourcePath(const std::string& relative) { return std::string(RAPPORT_SOURCE_DIR) + "/" + relative; }

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file in the system's temporary folder that no other test process uses, removed (with its rollback
// journal) when it goes out of scope. The native and the wasm test binaries (and several checkouts) may run at
// once on one machine and share /tmp under Node, so the name carries a token drawn once per process.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name) {
    static const std::string token = [] {
      std::random_device device;
      char buf[20];
      std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(device()));
      return std::string(buf);
    }();
    const char* dir = std::getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/rapport_test_" + token + "_" + name;
    Remove();
  }
  ~TempFile() { Remove(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

 private:
  void Remove() const {
    std::remove(path.c_str());
    std::remove((path + "-journal").c_str());
  }
};

}  // namespace rapport::test
