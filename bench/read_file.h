// ReadFile(): a whole file into a string, for the benchmarks (the file load is never part of what they time).
// One fread into a buffer sized from the file, rather than a stream copy: under Emscripten's NODERAWFS the
// `ss << in.rdbuf()` copy goes a character at a time through istreambuf_iterator and took most of a wasm bench's
// process time on the 317 MB file.
#pragma once

#include <cstdio>
#include <string>

namespace rapport::bench {

// False (and *out untouched) when the file cannot be opened or read.
inline bool ReadFile(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::string bytes;
  bool ok = std::fseek(f, 0, SEEK_END) == 0;
  const long size = ok ? std::ftell(f) : -1;
  ok = ok && size >= 0 && std::fseek(f, 0, SEEK_SET) == 0;
  if (ok) {
    bytes.resize(static_cast<size_t>(size));
    ok = std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
  }
  std::fclose(f);
  if (ok) *out = std::move(bytes);
  return ok;
}

}  // namespace rapport::bench
