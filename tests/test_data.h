// Where the tests find the reference data. Tests that need ../shared/data call SharedData() and return
// early with a clear WARN when it is absent, so `make test` passes in a fresh clone without it.
#pragma once

#include <fstream>
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

}  // namespace rapport::test
