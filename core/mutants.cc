#include "core/mutants.h"

#include "core/assert.h"

namespace vsrsim::core {

std::optional<Mutant> MutantByName(std::string_view name) {
  for (const MutantInfo& info : kMutants) {
    if (info.name == name) return info.mutant;
  }
  return std::nullopt;
}

const MutantInfo& InfoOf(Mutant mutant) {
  const auto index = static_cast<std::size_t>(mutant);
  VSRSIM_ASSERT_LT(index, kMutants.size());
  VSRSIM_ASSERT(kMutants[index].mutant == mutant);
  return kMutants[index];
}

}  // namespace vsrsim::core
