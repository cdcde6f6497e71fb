# Tests of the report writers. Included from reports/CMakeLists.txt; paths are relative to reports/.
vsrsim_add_test(NAME reports_html_report_test
  SOURCES html_report_test.cc
  LIBS vsrsim_reports vsrsim_faults
  LABELS unit)

vsrsim_add_test(NAME reports_junit_report_test
  SOURCES junit_report_test.cc
  LIBS vsrsim_reports
  LABELS unit)

vsrsim_add_test(NAME reports_summary_test
  SOURCES summary_test.cc
  LIBS vsrsim_reports
  LABELS unit)

vsrsim_add_test(NAME reports_markdown_report_test
  SOURCES markdown_report_test.cc
  LIBS vsrsim_reports
  LABELS unit)

# The space-time page as a browser renders it: written by `vsrsim run --html`, loaded in headless
# Chromium (installed by scripts/setup.sh; the test fails, not skips, without it).
add_test(NAME reports_html_browser_test
  COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/html_browser_test.sh" $<TARGET_FILE:vsrsim>)
set_tests_properties(reports_html_browser_test PROPERTIES LABELS "unit" TIMEOUT 180)

# The worker pool: determinism across runs in one worker, crash, hang and kill isolation.
vsrsim_add_test(NAME reports_isolate_test
  SOURCES cli/isolate_test.cc
  LIBS vsrsim_cli
  LABELS unit)

vsrsim_add_test(NAME reports_history_jsonl_test
  SOURCES history_jsonl_test.cc
  LIBS vsrsim_reports vsrsim_faults
  LABELS unit)

# The text trace: every message kind by its fields, faults in words, the violation line, filters;
# and the state table of a failing run.
vsrsim_add_test(NAME reports_text_trace_test
  SOURCES text_trace_test.cc
  LIBS vsrsim_reports vsrsim_faults
  LABELS unit)
