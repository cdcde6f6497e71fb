#pragma once
// Writing report files so that nothing is ever left half-written: the content goes to a temporary
// file beside the target, which is then renamed over it.

#include <string>

namespace vsrsim::reports {

// Returns an empty string on success, else one line naming the path and the error.
[[nodiscard]] std::string WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace vsrsim::reports
