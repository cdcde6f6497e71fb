# Tests of the sim library. Included from sim/CMakeLists.txt; paths are relative to sim/.
vsrsim_add_test(NAME sim_prng_test
  SOURCES prng_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_event_queue_test
  SOURCES event_queue_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_network_test
  SOURCES network_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_storage_test
  SOURCES sim_storage_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_trace_test
  SOURCES trace_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_at_most_once_test
  SOURCES at_most_once_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_reply_caching_test
  SOURCES reply_caching_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_linearizability_test
  SOURCES linearizability_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_agreement_test
  SOURCES agreement_test.cc
  LIBS vsrsim_sim vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME sim_runner_test
  SOURCES runner_test.cc
  LIBS vsrsim_sim vsrsim_faults
  LABELS sim)

vsrsim_add_test(NAME sim_flat_hash_map_test
  SOURCES flat_hash_map_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_durability_test
  SOURCES durability_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_commit_quorum_test
  SOURCES commit_quorum_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_quiescence_test
  SOURCES quiescence_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_wire_contract_test
  SOURCES wire_contract_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_options_test
  SOURCES options_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_history_checkers_test
  SOURCES history_checkers_test.cc
  LIBS vsrsim_sim vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME sim_starvation_test
  SOURCES starvation_test.cc
  LIBS vsrsim_sim
  LABELS unit)

vsrsim_add_test(NAME sim_hygiene_test
  SOURCES hygiene_test.cc
  LIBS vsrsim_sim vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME sim_observers_test
  SOURCES observers_test.cc
  LIBS vsrsim_sim
  LABELS unit)

# issue 15: the protocol coverage signature.
vsrsim_add_test(NAME sim_protocol_coverage_test
  SOURCES protocol_coverage_test.cc
  LIBS vsrsim_sim
  LABELS unit)
