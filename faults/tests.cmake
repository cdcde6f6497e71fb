# Tests of the faults library. Included from faults/CMakeLists.txt; paths are relative to faults/.
vsrsim_add_test(NAME faults_scenario_test
  SOURCES scenario_test.cc
  LIBS vsrsim_faults
  LABELS sim)

vsrsim_add_test(NAME faults_lost_commit_scenario_test
  SOURCES lost_commit_scenario_test.cc
  LIBS vsrsim_faults
  LABELS sim)
target_compile_definitions(faults_lost_commit_scenario_test
  PRIVATE VSRSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

vsrsim_add_test(NAME faults_crash_nemesis_test
  SOURCES crash_nemesis_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_storage_nemesis_test
  SOURCES storage_nemesis_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_replay_nemesis_test
  SOURCES replay_nemesis_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_scenario_file_test
  SOURCES scenario_file_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_shrink_test
  SOURCES shrink_test.cc
  LIBS vsrsim_faults
  LABELS unit)

# issue 15: mutating scenarios, the explorer's decisions, forking a run at a tick.
vsrsim_add_test(NAME faults_scenario_mutation_test
  SOURCES scenario_mutation_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_explorer_test
  SOURCES explorer_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_fork_test
  SOURCES fork_test.cc
  LIBS vsrsim_faults
  LABELS sim)

vsrsim_add_test(NAME faults_crashpoints_test
  SOURCES crashpoints_test.cc
  LIBS vsrsim_faults
  LABELS sim)
target_compile_definitions(faults_crashpoints_test
  PRIVATE VSRSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
