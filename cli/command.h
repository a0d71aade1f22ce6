// The `rapport` CLI: each subcommand lives in cli/cmd_<name>.cpp and registers itself with
// RAPPORT_COMMAND. Errors go to stderr as "rapport: <file>:<line>:<col>: <message>" and a non-zero exit.
#pragma once

#include <string>
#include <vector>

namespace rapport::cli {

// args excludes the program and command names. Returns the process exit code.
using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* summary;  // one line for `rapport --help`
  const char* usage;    // full help for `rapport <name> --help`
  CommandFn fn;
};

std::vector<Command>& Commands();

struct Registrar {
  explicit Registrar(const Command& c) { Commands().push_back(c); }
};

// Small argument helpers shared by the commands.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --name value / --flag ("")
  bool Has(const std::string& name) const;
  std::string Get(const std::string& name, const std::string& fallback = "") const;
};
// Parses `--name value` for names in `with_value`, `--flag` otherwise. Unknown options are an error
// (printed to stderr, returns false).
bool ParseArgs(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags, Args* out, const char* command);
int Fail(const std::string& message);  // prints "rapport: message" to stderr, returns 1
bool ReadFile(const std::string& path, std::string* out, std::string* error);
// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (the CLI may read the clock; the core may not).
std::string NowIso();

}  // namespace rapport::cli

#define RAPPORT_COMMAND_CAT2(a, b) a##b
#define RAPPORT_COMMAND_CAT(a, b) RAPPORT_COMMAND_CAT2(a, b)
#define RAPPORT_COMMAND(...) \
  static ::rapport::cli::Registrar RAPPORT_COMMAND_CAT(rapport_command_, __LINE__)(::rapport::cli::Command{__VA_ARGS__})
