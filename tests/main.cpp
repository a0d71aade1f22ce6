// Catch2 v2 main for the native and the wasm (Node) test runs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
