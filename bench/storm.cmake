# The logon storm simulator (bench/storm.c, docs/performance.md): native,
# on the core's agent_step. Built by every native preset so that its smoke
# test runs in `make test` (seconds: 2,000 clients on a server of a fifth of
# the bandwidth, the 10,000-client morning scaled down, must meet the goal);
# `make bench` runs it at full size
# (bench/fig8-storm).
add_executable(climon-storm ${CMAKE_CURRENT_LIST_DIR}/storm.c)
climon_target(climon-storm)
target_link_libraries(climon-storm PRIVATE climon_core m)
add_test(NAME native.storm.smoke
  COMMAND climon-storm --clients 2000 --mbit 20 --jitter-min 60 --compare --require-goal)
set_tests_properties(native.storm.smoke PROPERTIES TIMEOUT 60 LABELS core)
