#pragma once
// Always-on assertions for programmer errors (TigerBeetle style: dense, one property each).
//
// VSRSIM_ASSERT fires in every build type, prints the failed condition (and both operands for the
// comparison forms) with its source location, and aborts. A checker's finding about the system
// under test is never an assertion: checkers return a Violation value. The simulator records an
// abort of a replica's assertion as a `crash` outcome.

#include <fmt/format.h>

#include <cstdlib>

namespace vsrsim::core {

// A last word before a failed assertion aborts: a process may install one function, which runs
// once, after the message and before the abort (the CLI's `run` writes the trace and the state
// table of the run that aborted there). Nothing in core, sim or faults installs one; it is read
// only on the way to an abort, so it cannot change a run.
using AssertHook = void (*)();
inline AssertHook& AssertHookSlot() {
  static AssertHook hook = nullptr;
  return hook;
}
inline void RunAssertHook() {
  const AssertHook hook = AssertHookSlot();
  AssertHookSlot() = nullptr;  // Once: an assertion inside the hook aborts plainly.
  if (hook == nullptr) return;
  try {
    hook();
  } catch (...) {  // The abort that follows must happen whatever the hook ran into.
  }
}

[[noreturn]] inline void AssertFail(const char* file, int line, const char* text) {
  fmt::print(stderr, "{}:{}: assertion failed: {}\n", file, line, text);
  std::fflush(stderr);
  RunAssertHook();
  std::abort();
}

template <typename A, typename B>
[[noreturn]] void AssertCompareFail(const char* file, int line, const char* text, const A& a,
                                    const B& b) {
  fmt::print(stderr, "{}:{}: assertion failed: {} ({} vs {})\n", file, line, text, a, b);
  std::fflush(stderr);
  RunAssertHook();
  std::abort();
}

}  // namespace vsrsim::core

#define VSRSIM_ASSERT(cond)                                             \
  do {                                                                  \
    if (!(cond)) ::vsrsim::core::AssertFail(__FILE__, __LINE__, #cond); \
  } while (0)

#define VSRSIM_ASSERT_OP(a, op, b)                                                       \
  do {                                                                                   \
    const auto& vsrsim_a = (a);                                                          \
    const auto& vsrsim_b = (b);                                                          \
    if (!(vsrsim_a op vsrsim_b))                                                         \
      ::vsrsim::core::AssertCompareFail(__FILE__, __LINE__, #a " " #op " " #b, vsrsim_a, \
                                        vsrsim_b);                                       \
  } while (0)

#define VSRSIM_ASSERT_EQ(a, b) VSRSIM_ASSERT_OP(a, ==, b)
#define VSRSIM_ASSERT_NE(a, b) VSRSIM_ASSERT_OP(a, !=, b)
#define VSRSIM_ASSERT_LT(a, b) VSRSIM_ASSERT_OP(a, <, b)
#define VSRSIM_ASSERT_LE(a, b) VSRSIM_ASSERT_OP(a, <=, b)
#define VSRSIM_ASSERT_GT(a, b) VSRSIM_ASSERT_OP(a, >, b)
#define VSRSIM_ASSERT_GE(a, b) VSRSIM_ASSERT_OP(a, >=, b)
