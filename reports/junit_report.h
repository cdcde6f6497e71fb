#pragma once
// A sweep as a JUnit XML report (`junit.xml` in `sweep --report DIR`), the format CI systems read
// to show test results: GitHub (through the common JUnit actions), GitLab and Jenkins.
//
// One <testcase> per failing seed (name "seed N", classname "vsrsim.sweep"), whose <failure> has
// the outcome as its type and names the checker, the message and the command that reproduces it,
// plus one aggregate testcase "sweep" that fails when any seed failed or the sweep was interrupted.
// Passing seeds get no testcase of their own: a nightly sweep of thousands of seeds would bury the
// failures; the aggregate's system-out counts them. <testsuite tests= failures=> count exactly the
// testcases written, so every parser agrees with itself.

#include <string>
#include <string_view>

#include "reports/summary.h"

namespace vsrsim::reports {

std::string JunitXml(const SweepSummary& summary);

// Escapes `text` for XML 1.0 character data and quoted attribute values (so also for HTML):
// & < > " ' become entities, tab, newline and carriage return become character references (an
// attribute keeps its line breaks), other control characters and invalid UTF-8 become U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace vsrsim::reports
