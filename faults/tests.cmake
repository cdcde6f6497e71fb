# Tests of the faults library. Included from faults/CMakeLists.txt; paths are relative to faults/.
vsrsim_add_test(NAME faults_scenario_test
  SOURCES scenario_test.cc
  LIBS vsrsim_faults
  LABELS sim)

vsrsim_add_test(NAME faults_scenario_file_test
  SOURCES scenario_file_test.cc
  LIBS vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME faults_shrink_test
  SOURCES shrink_test.cc
  LIBS vsrsim_faults
  LABELS unit)
