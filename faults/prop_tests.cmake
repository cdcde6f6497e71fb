# Property-based tests of scenarios (RapidCheck).
vsrsim_add_test(NAME faults_scenario_prop_test
  SOURCES scenario_prop_test.cc
  LIBS vsrsim_faults rapidcheck rapidcheck_gtest
  LABELS property)
