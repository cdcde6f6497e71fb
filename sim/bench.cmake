# Benchmarks of the simulator (DESIGN.md, Performance). Included from sim/CMakeLists.txt; paths are
# relative to sim/. Run them with scripts/bench.sh (release preset); they are not ctest tests.
add_executable(vsrsim_bench sim_bench.cc)
target_link_libraries(vsrsim_bench PRIVATE vsrsim_faults benchmark::benchmark vsrsim_warnings)
