// rapport: the command-line face of the retention engine. Subcommands register themselves (command.h).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"

namespace rapport::cli {

std::vector<Command>& Commands() {
  static std::vector<Command> commands;
  return commands;
}

bool Args::Has(const std::string& name) const {
  for (const auto& o : options) {
    if (o.first == name) return true;
  }
  return false;
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  for (const auto& o : options) {
    if (o.first == name) return o.second;
  }
  return fallback;
}

bool ParseArgs(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args* out, const char* command) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
        if (!inline_value) {
          if (i + 1 >= args.size()) {
            std::fprintf(stderr, "rapport %s: --%s needs a value\n", command, name.c_str());
            return false;
          }
          value = args[++i];
        }
        out->options.emplace_back(name, value);
      } else if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
        out->options.emplace_back(name, "");
      } else {
        std::fprintf(stderr, "rapport %s: unknown option --%s (see rapport %s --help)\n", command, name.c_str(), command);
        return false;
      }
    } else {
      out->positional.push_back(a);
    }
  }
  return true;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "rapport: %s\n", message.c_str());
  return 1;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open file: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

static void PrintHelp() {
  std::printf(
      "rapport: a privacy-first retention engine for online stores\n\n"
      "Usage: rapport <command> [options]   (rapport <command> --help for details)\n\nCommands:\n");
  std::vector<Command> sorted = Commands();
  std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return std::strcmp(a.name, b.name) < 0; });
  for (const Command& c : sorted) std::printf("  %-13s %s\n", c.name, c.summary);
  std::printf("\nA workspace is a SQLite file (*.rapport) that the dashboard can open too.\n");
}

}  // namespace rapport::cli

int main(int argc, char** argv) {
  using namespace rapport::cli;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("rapport 0.1.0\n");
    return 0;
  }
  for (const Command& c : Commands()) {
    if (std::strcmp(c.name, argv[1]) == 0) {
      std::vector<std::string> args(argv + 2, argv + argc);
      for (const std::string& a : args) {
        if (a == "--help" || a == "-h") {
          std::printf("%s\n", c.usage);
          return 0;
        }
      }
      return c.fn(args);
    }
  }
  std::fprintf(stderr, "rapport: unknown command `%s` (see rapport --help)\n", argv[1]);
  return 2;
}
