# core's stateful property tests of the replica, included from core/CMakeLists.txt.

vsrsim_add_test(NAME core_replica_prop_test SOURCES replica_prop_test.cc LIBS vsrsim_core rapidcheck rapidcheck_gtest LABELS property)
