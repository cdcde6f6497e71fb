# core's tests, included from core/CMakeLists.txt. Example-based tests carry the `unit` label,
# RapidCheck properties the `property` label.

vsrsim_add_test(NAME core_partition_log_test
                SOURCES partition_log_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_clients_table_test
                SOURCES clients_table_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_clients_table_prop_test
                SOURCES clients_table_prop_test.cc
                LIBS vsrsim_core rapidcheck_gtest rapidcheck
                LABELS property)

vsrsim_add_test(NAME core_client_protocol_test
                SOURCES client_protocol_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_replica_test
                SOURCES replica_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_replica_storage_faults_test
                SOURCES replica_storage_faults_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_checkpoint_test
                SOURCES checkpoint_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_replica_checkpoint_test
                SOURCES replica_checkpoint_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_replica_sync_test
                SOURCES replica_sync_test.cc
                LIBS vsrsim_core
                LABELS unit)

vsrsim_add_test(NAME core_replica_repair_test
                SOURCES replica_repair_test.cc
                LIBS vsrsim_core
                LABELS unit)
